/**
 * `fcp revoke TARGET --reason R [--scope S] [--zone Z] [--expires-in SECS]` and
 * `fcp revoke list [--zone Z]`: the owner-signed revocation chain of a zone (spec §14.3,
 * WIRE.md §11), kept in `FCP_HOME/revocations/<zone>.cbor`.
 *
 * TARGET is an ObjectId (`objectid:<hex>` or 64 hex), a key id (`kid:<hex>` or 16 hex), a
 * capability token's jti (`jti:<hex>` or 32 hex, as `fcp token mint --json` prints it), a node
 * (`node:<id>`, or any other text) or a connector (`connector:<id>`). Non-object targets are
 * revoked under their derived id (see `revocationTargetId`). The default scope follows the
 * target: object and jti → Capability, kid → IssuerKey, node → NodeAttestation, connector →
 * ConnectorBinary.
 *
 * @module
 */
import {
  appendRevocation,
  isRevocationActive,
  loadIdentity,
  loadRevocationLog,
  REVOCATION_SCOPES,
  type RevocationLogEntry,
  type RevocationScope,
  revocationTargetId,
  type RevocationTargetKind,
  ZoneKeyring,
} from "../../authority/mod.ts";
import { openNodeAudit } from "../../api/mod.ts";
import { fromHex, toHex } from "../../core/mod.ts";
import { parseZoneId, type ZoneId } from "../../model/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** Zone used when `--zone` is not given. */
export const DEFAULT_REVOCATION_ZONE = "z:owner";

const DEFAULT_SCOPE: Record<RevocationTargetKind, RevocationScope> = {
  object: "Capability",
  kid: "IssuerKey",
  jti: "Capability",
  node: "NodeAttestation",
  connector: "ConnectorBinary",
};

/** A parsed revocation target. */
export interface RevokeTarget {
  /** What kind of thing it names. */
  readonly kind: RevocationTargetKind;
  /** The text as it names it (hex for ids). */
  readonly value: string;
  /** The 32-byte id revoked. */
  readonly id: Uint8Array;
}

/**
 * Parse a TARGET argument (`FCP-1040` when a hex form is malformed).
 *
 * @example
 * ```ts
 * import { parseRevokeTarget } from "./revoke.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseRevokeTarget("ab".repeat(32)).kind, "object");
 * assert.equal(parseRevokeTarget("0011223344556677").kind, "kid");
 * assert.equal(parseRevokeTarget("jti:" + "ab".repeat(16)).kind, "jti");
 * assert.equal(parseRevokeTarget("node:laptop").kind, "node");
 * assert.equal(parseRevokeTarget("laptop").value, "laptop");
 * assert.equal(parseRevokeTarget("connector:slack").kind, "connector");
 * ```
 */
export function parseRevokeTarget(text: string): RevokeTarget {
  const lower = text.toLowerCase();
  if (lower.startsWith("objectid:") || /^[0-9a-f]{64}$/i.test(text)) {
    const hex = lower.startsWith("objectid:") ? lower.slice(9) : lower;
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError("an object id is 64 hex digits");
    return { kind: "object", value: hex, id: fromHex(hex, 32, "object id") };
  }
  if (lower.startsWith("kid:") || /^[0-9a-f]{16}$/i.test(text)) {
    const hex = lower.startsWith("kid:") ? lower.slice(4) : lower;
    return { kind: "kid", value: hex, id: revocationTargetId("kid", hex) };
  }
  if (lower.startsWith("jti:") || /^[0-9a-f]{32}$/i.test(text)) {
    const hex = lower.startsWith("jti:") ? lower.slice(4) : lower;
    return { kind: "jti", value: hex, id: revocationTargetId("jti", hex) };
  }
  if (text.startsWith("connector:")) {
    const v = text.slice("connector:".length);
    return { kind: "connector", value: v, id: revocationTargetId("connector", v) };
  }
  const v = text.startsWith("node:") ? text.slice("node:".length) : text;
  return { kind: "node", value: v, id: revocationTargetId("node", v) };
}

function parseScope(s: string | undefined, kind: RevocationTargetKind): RevocationScope {
  if (s === undefined) return DEFAULT_SCOPE[kind];
  const found = REVOCATION_SCOPES.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!found) throw new UsageError(`--scope must be one of ${REVOCATION_SCOPES.join(", ")}`);
  return found;
}

async function zoneContext(home: string, zone: ZoneId) {
  const identity = await loadIdentity(home);
  const ring = await ZoneKeyring.load(identity.keystore);
  return {
    identity,
    ring,
    keys: { objectIdKey: ring.objectIdKey(zone).key, ownerPublicKey: identity.owner.publicKey },
  };
}

function entryJson(e: RevocationLogEntry, now: number): Record<string, unknown> {
  return {
    seq: e.event.seq,
    revocation_object_id: toHex(e.objectId),
    event_id: toHex(e.eventId),
    prev: e.event.prev === undefined ? null : toHex(e.event.prev),
    scope: e.object.scope,
    reason: e.object.reason,
    revoked: e.object.revoked.map(toHex),
    effective_at: e.object.effectiveAt,
    expires_at: e.object.expiresAt ?? null,
    active: isRevocationActive(e.object, now),
  };
}

function zoneOption(ctx: CommandContext): ZoneId {
  return parseZoneId(ctx.string("zone") ?? DEFAULT_REVOCATION_ZONE);
}

/** `fcp revoke TARGET`. */
export const revoke: CliCommand = {
  path: ["revoke"],
  summary: "Revoke an object, key id, node or connector (owner-signed, chained)",
  usage: "fcp revoke TARGET --reason TEXT [--scope SCOPE] [--zone ZONE] [--expires-in SECS]",
  description: [
    "Creates an owner-signed RevocationObject for TARGET and the next RevocationEvent of the",
    "zone's revocation chain, verifies and applies them, and stores the chain in",
    "FCP_HOME/revocations/<zone>.cbor. Prints the revocation object id.",
    "TARGET: objectid:<hex> or 64 hex; kid:<hex> or 16 hex; jti:<hex> or 32 hex (a token);",
    "node:<id>; connector:<id>.",
    `SCOPE: ${REVOCATION_SCOPES.join(", ")} (default from the target kind).`,
    `ZONE defaults to ${DEFAULT_REVOCATION_ZONE}.`,
  ].join("\n"),
  args: [{ name: "TARGET", description: "what to revoke" }],
  options: {
    reason: { type: "string", valueName: "TEXT", description: "why (required)" },
    scope: { type: "string", valueName: "SCOPE", description: "revocation scope" },
    zone: { type: "string", valueName: "ZONE", description: "zone of the revocation chain" },
    "expires-in": {
      type: "string",
      valueName: "SECS",
      description: "make the revocation expire after SECS seconds (default: permanent)",
    },
  },
  async run(ctx) {
    const target = parseRevokeTarget(ctx.positionals[0]!);
    const reason = ctx.string("reason");
    if (reason === undefined || reason.trim() === "") throw new UsageError("--reason is required");
    const scope = parseScope(ctx.string("scope"), target.kind);
    const zone = zoneOption(ctx);
    const expiresIn = ctx.string("expires-in");
    if (expiresIn !== undefined && !/^[1-9][0-9]{0,9}$/.test(expiresIn)) {
      throw new UsageError("--expires-in must be a positive number of seconds");
    }
    const { identity, ring, keys } = await zoneContext(ctx.home, zone);
    const now = Math.floor(Date.now() / 1000);
    const entry = await appendRevocation(ctx.home, {
      ...keys,
      zoneId: zone,
      revoked: [target.id],
      scope,
      reason,
      now,
      ...(expiresIn === undefined ? {} : { expiresAt: now + Number(expiresIn) }),
      owner: identity.owner,
    });
    // The revocation is on the zone's audit chain too (spec §23.4).
    const audit = openNodeAudit(ctx.home, identity, ring, () => now);
    try {
      await audit.append(zone, {
        eventType: "revocation",
        actor: "owner",
        requestObjectId: target.id,
        resultObjectId: entry.objectId,
        occurredAt: now,
      });
    } finally {
      audit.close();
    }
    if (ctx.json) {
      ctx.printJson({
        zone_id: zone,
        target: { kind: target.kind, value: target.value },
        ...entryJson(entry, now),
      });
      return;
    }
    ctx.out(toHex(entry.objectId));
    ctx.err(
      `revoked ${target.kind} ${target.value} in ${zone} (scope ${scope}, chain seq ${entry.event.seq})`,
    );
  },
};

/** `fcp revoke list`. */
export const revokeList: CliCommand = {
  path: ["revoke", "list"],
  summary: "List a zone's revocation chain",
  usage: "fcp revoke list [--zone ZONE] [--json]",
  description: [
    "Loads and verifies FCP_HOME/revocations/<zone>.cbor (owner signatures, seq and prev",
    "links) and lists each revocation: chain seq, object id, scope, active or not, reason.",
  ].join("\n"),
  options: {
    zone: { type: "string", valueName: "ZONE", description: "zone (default z:owner)" },
  },
  async run(ctx) {
    const zone = zoneOption(ctx);
    const { keys } = await zoneContext(ctx.home, zone);
    const log = await loadRevocationLog(ctx.home, zone, keys);
    const now = Math.floor(Date.now() / 1000);
    if (ctx.json) {
      ctx.printJson({
        zone_id: zone,
        head_seq: log.registry.headSeq,
        head_event: log.registry.headEventId ? toHex(log.registry.headEventId) : null,
        revocations: log.entries.map((e) => entryJson(e, now)),
      });
      return;
    }
    if (log.entries.length === 0) {
      ctx.out(`no revocations in ${zone}`);
      return;
    }
    for (const e of log.entries) {
      const active = isRevocationActive(e.object, now) ? "active" : "inactive";
      ctx.out(
        `${e.event.seq}  ${toHex(e.objectId)}  ${e.object.scope}  ${active}  ${e.object.reason}`,
      );
    }
  },
};
