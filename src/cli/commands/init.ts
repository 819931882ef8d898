/**
 * `fcp init [--node-id ID] [--force]`: create this node's FCP_HOME — the owner key, the node's
 * signing / encryption / issuance keys and the owner's NodeKeyAttestation (spec §2.2), the five
 * standard zones with their zone keys and ObjectIdKeys (WIRE.md §7), and a default-deny
 * ZonePolicyObject per zone (spec §5.2.1). Refuses an initialized home without `--force`.
 *
 * `--force` on an initialized home first moves everything in it (but the `run/` lock directory
 * and earlier archives) into `FCP_HOME/replaced-<unix seconds>/`, holding the node lock (a
 * running node makes it `FCP-5001`). Revocation chains, audit chains, stored symbols and grant
 * objects are signed or sealed with the keys being replaced: left in place they would no longer
 * verify under the new owner and zone keys and every later command would fail closed; moved
 * aside they stay available, with the old keys, for inspection.
 *
 * @module
 */
import { createStandardZones, initIdentity, isInitialized } from "../../authority/mod.ts";
import { NodeLock, RUN_DIR } from "../../api/mod.ts";
import { FcpError, toHex } from "../../core/mod.ts";
import { writeDefaultPolicies } from "../../host/mod.ts";
import { validateCanonicalId } from "../../model/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** Prefix of the directories that `--force` moves a replaced home's contents into. */
const REPLACED_PREFIX = "replaced-";

/** Move the contents of `home` (but `run/` and earlier archives) to a new archive directory. */
async function archiveHome(home: string, now: number): Promise<string> {
  let dest = `${home}/${REPLACED_PREFIX}${now}`;
  for (let n = 2;; n++) {
    try {
      await Deno.mkdir(dest, { mode: 0o700 });
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists) || n > 100) {
        throw new FcpError("FCP-9002", `cannot create ${dest}`, { cause: e });
      }
      dest = `${home}/${REPLACED_PREFIX}${now}-${n}`;
    }
  }
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(home)) {
      if (entry.name !== RUN_DIR && !entry.name.startsWith(REPLACED_PREFIX)) names.push(entry.name);
    }
    for (const name of names) await Deno.rename(`${home}/${name}`, `${dest}/${name}`);
  } catch (e) {
    throw new FcpError("FCP-9002", `cannot move the previous contents of ${home} to ${dest}`, {
      cause: e,
    });
  }
  return dest;
}

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
    "replaces every key: it first moves everything the home holds (keys, zones, revocation and",
    "audit chains, store) into FCP_HOME/replaced-<unix seconds>/, and is refused while a node",
    "runs on the home (FCP-5001, exit 14). The node id defaults to the host name, else",
    "node-<8 hex>.",
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
    // Without --force, initIdentity refuses an initialized home (FCP-2013) before writing.
    const lock = force && await isInitialized(ctx.home)
      ? await NodeLock.acquire(ctx.home)
      : undefined;
    let replaced: string | undefined;
    let identity, ring, policies;
    try {
      if (lock !== undefined) replaced = await archiveHome(ctx.home, now);
      identity = await initIdentity(ctx.home, {
        now,
        force,
        ...(nodeId === undefined ? {} : { nodeId }),
      });
      ring = await createStandardZones(identity, identity.keystore, now, { replace: force });
      policies = await writeDefaultPolicies(identity, ring, now);
    } finally {
      await lock?.release();
    }
    const zones = ring.summaries();
    if (ctx.json) {
      ctx.printJson({
        home: ctx.home,
        replaced: replaced ?? null,
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
    if (replaced !== undefined) ctx.out(`moved the previous contents to ${replaced}`);
    ctx.out(`initialized ${ctx.home}`);
    ctx.out(`node id      ${identity.nodeId}`);
    ctx.out(`owner kid    ${toHex(identity.owner.kid)}`);
    ctx.out(`issuance kid ${toHex(identity.issuance.kid)}`);
    ctx.out(`zones        ${zones.map((z) => z.zoneId).join(", ")} (default-deny policy)`);
  },
};
