/**
 * `fcp init [--node-id ID] [--force]`: create this node's FCP_HOME — the owner key, the node's
 * signing / encryption / issuance keys and the owner's NodeKeyAttestation (spec §2.2), the five
 * standard zones with their zone keys and ObjectIdKeys (WIRE.md §7), and a default-deny
 * ZonePolicyObject per zone (spec §5.2.1). Refuses an initialized home without `--force`.
 *
 * @module
 */
import { createStandardZones, initIdentity } from "../../authority/mod.ts";
import { toHex } from "../../core/mod.ts";
import { writeDefaultPolicies } from "../../host/mod.ts";
import { validateCanonicalId } from "../../model/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** The `init` command. */
export const command: CliCommand = {
  path: ["init"],
  summary: "Create this node's keys, attestation, standard zones and default policy",
  usage: "fcp init [--node-id ID] [--force] [--json]",
  description: [
    "Creates FCP_HOME (mode 0700) with the owner key and this node's signing, encryption and",
    "issuance keys (files mode 0600 in FCP_HOME/keys, never printed), the owner-signed",
    "NodeKeyAttestation (24 h, renewed on use), the five standard zones z:owner, z:private,",
    "z:work, z:community, z:public with their zone keys and ObjectIdKeys, and a default-deny",
    "policy for each. Refuses an existing FCP_HOME (FCP-2013, exit 11) unless --force, which",
    "replaces every key. The node id defaults to the host name, else node-<8 hex>.",
  ].join("\n"),
  options: {
    "node-id": { type: "string", valueName: "ID", description: "this node's id (canonical)" },
    force: { type: "boolean", description: "replace an existing identity and zones" },
  },
  async run(ctx) {
    const nodeId = ctx.string("node-id");
    if (nodeId !== undefined) {
      try {
        validateCanonicalId(nodeId, "--node-id");
      } catch (cause) {
        throw new UsageError("--node-id must be lowercase [a-z0-9][a-z0-9._:-]*", { cause });
      }
    }
    const force = ctx.flag("force");
    const now = Math.floor(Date.now() / 1000);
    const identity = await initIdentity(ctx.home, {
      now,
      force,
      ...(nodeId === undefined ? {} : { nodeId }),
    });
    const ring = await createStandardZones(identity, identity.keystore, now, { replace: force });
    const policies = await writeDefaultPolicies(identity, ring, now);
    const zones = ring.summaries();
    if (ctx.json) {
      ctx.printJson({
        home: ctx.home,
        node_id: identity.nodeId,
        owner_kid: toHex(identity.owner.kid),
        signing_kid: toHex(identity.signing.kid),
        encryption_kid: toHex(identity.encryption.kid),
        issuance_kid: toHex(identity.issuance.kid),
        attestation_expires_at: identity.attestation.expiresAt,
        zones: zones.map((z) => ({
          zone_id: z.zoneId,
          zone_key_id: z.zoneKeyId,
          object_id_key_id: z.objectIdKeyId,
          policy_object_id: policies[z.zoneId],
        })),
      });
      return;
    }
    ctx.out(`initialized ${ctx.home}`);
    ctx.out(`node id      ${identity.nodeId}`);
    ctx.out(`owner kid    ${toHex(identity.owner.kid)}`);
    ctx.out(`issuance kid ${toHex(identity.issuance.kid)}`);
    ctx.out(`zones        ${zones.map((z) => z.zoneId).join(", ")} (default-deny policy)`);
  },
};
