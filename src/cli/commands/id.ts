/**
 * `fcp id`: this node's id, key ids and public keys, attestation window and zones. Never shows
 * secret key bytes (key objects serialize to their public half only).
 *
 * @module
 */
import {
  type Identity,
  loadIdentity,
  verifyAttestation,
  ZONE_KEYS_FILE,
  ZoneKeyring,
} from "../../authority/mod.ts";
import { isFcpError, toHex } from "../../core/mod.ts";
import type { CliCommand } from "../types.ts";

function attestationStatus(id: Identity, now: number): string {
  try {
    verifyAttestation(id.attestation, {
      ownerPublicKey: id.owner.publicKey,
      now,
      expectedNodeId: id.nodeId,
    });
    return "valid";
  } catch (e) {
    return isFcpError(e, "FCP-2009") ? "expired" : "invalid";
  }
}

/** The `id` command. */
export const command: CliCommand = {
  path: ["id"],
  summary: "Show this node's id, key ids, attestation and zones",
  usage: "fcp id [--json]",
  description: [
    "Reads FCP_HOME (run 'fcp init' first; FCP-2012, exit 11 otherwise) and shows the node id,",
    "the owner, signing, encryption and issuance key ids and public keys, the attested tags",
    "and validity window, and the zones with their zone key ids. Secret keys are never shown.",
  ].join("\n"),
  async run(ctx) {
    const id = await loadIdentity(ctx.home);
    const now = Math.floor(Date.now() / 1000);
    const zones = await id.keystore.hasPublic(ZONE_KEYS_FILE)
      ? (await ZoneKeyring.load(id.keystore)).summaries()
      : [];
    const status = attestationStatus(id, now);
    if (ctx.json) {
      ctx.printJson({
        home: ctx.home,
        node_id: id.nodeId,
        owner: id.owner.info(),
        signing: id.signing.info(),
        encryption: id.encryption.info(),
        issuance: id.issuance.info(),
        tags: id.tags,
        attestation: {
          issued_at: id.attestation.issuedAt,
          expires_at: id.attestation.expiresAt,
          status,
        },
        zones: zones.map((z) => ({ zone_id: z.zoneId, zone_key_id: z.zoneKeyId })),
      });
      return;
    }
    ctx.out(`node id         ${id.nodeId}`);
    ctx.out(`owner kid       ${toHex(id.owner.kid)}`);
    ctx.out(`signing kid     ${toHex(id.signing.kid)}`);
    ctx.out(`encryption kid  ${toHex(id.encryption.kid)}`);
    ctx.out(`issuance kid    ${toHex(id.issuance.kid)}`);
    ctx.out(`tags            ${id.tags.join(", ")}`);
    ctx.out(
      `attestation     ${status}, ${id.attestation.issuedAt}..${id.attestation.expiresAt}`,
    );
    ctx.out(`zones           ${zones.map((z) => z.zoneId).join(", ") || "(none)"}`);
  },
};
