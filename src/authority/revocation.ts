/**
 * RevocationObject, RevocationEvent and RevocationHead (spec §14.3, WIRE.md §11): CBOR
 * forms, owner signatures, ObjectIds and hash-chain link validation.
 *
 * No V2 Ed25519 preimage exists in the reference for these objects (WIRE.md §5c). This
 * implementation signs them with `FCP2-SIGN-V1` (WIRE.md §5a) over the canonical CBOR of the
 * unsigned view: the map with the `signature` field removed (objects, events), or with
 * `quorum_signatures` emptied (heads), and schema id strings `fcp.core.RevocationObject/1.0.0`,
 * `fcp.core.RevocationEvent/1.0.0`, `fcp.core.RevocationHead/1.0.0`. `Option` fields
 * (`expires_at`, `prev`) are encoded as CBOR null when absent, as fcp-core does without
 * `skip_serializing_if`. ObjectIds are zone-keyed (WIRE.md §2) over the canonical CBOR of
 * the whole signed object.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError, toHex, utf8 } from "../core/mod.ts";
import {
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  type ObjectId,
  objectIdKeyed,
  objectIdUnscoped,
  originProvenance,
  parseZoneId,
  readArray,
  readBytes,
  readEnum,
  readOptional,
  readRecord,
  readText,
  readUint,
  schemaHash,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";
import {
  authoritySign,
  type AuthoritySigner,
  authorityVerify,
  type NodeSignature,
  requireValidSignature,
  signatureSetFromCbor,
  signatureSetToCbor,
  sortSignatureSet,
} from "./node_signature.ts";

/** What a revocation revokes (spec §14.3). */
export const REVOCATION_SCOPES = [
  "Capability",
  "IssuerKey",
  "NodeAttestation",
  "ZoneKey",
  "ConnectorBinary",
] as const;
/** A revocation scope. */
export type RevocationScope = typeof REVOCATION_SCOPES[number];

/** Schema of RevocationObject. */
export const REVOCATION_OBJECT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "RevocationObject",
  version: "1.0.0",
};
/** Schema of RevocationEvent. */
export const REVOCATION_EVENT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "RevocationEvent",
  version: "1.0.0",
};
/** Schema of RevocationHead. */
export const REVOCATION_HEAD_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "RevocationHead",
  version: "1.0.0",
};

/** An owner-signed revocation (spec §14.3). */
export interface RevocationObject {
  /** Object header (schema fcp.core/RevocationObject/1.0.0). */
  readonly header: ObjectHeader;
  /** The 32-byte ids being revoked. */
  readonly revoked: readonly ObjectId[];
  /** What kind of thing is revoked. */
  readonly scope: RevocationScope;
  /** Human-readable reason. */
  readonly reason: string;
  /** Effective from, Unix seconds. */
  readonly effectiveAt: number;
  /** Expiry, Unix seconds (absent: permanent). */
  readonly expiresAt?: number;
  /** Owner Ed25519 signature (64 bytes). */
  readonly signature: Uint8Array;
}

/** A node of the hash-linked revocation chain (spec §14.3). */
export interface RevocationEvent {
  /** Object header (schema fcp.core/RevocationEvent/1.0.0). */
  readonly header: ObjectHeader;
  /** The RevocationObject this event publishes. */
  readonly revocationObjectId: ObjectId;
  /** ObjectId of the previous event (absent for the genesis event). */
  readonly prev?: ObjectId;
  /** Chain sequence: 0 for genesis, previous + 1 otherwise. */
  readonly seq: number;
  /** When the event occurred, Unix seconds. */
  readonly occurredAt: number;
  /** Owner Ed25519 signature (64 bytes). */
  readonly signature: Uint8Array;
}

/** A quorum-signed checkpoint of the revocation chain (spec §14.3, WIRE.md §11). */
export interface RevocationHead {
  /** Object header (schema fcp.core/RevocationHead/1.0.0). */
  readonly header: ObjectHeader;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** ObjectId of the head event. */
  readonly headEvent: ObjectId;
  /** Sequence of the head event. */
  readonly headSeq: number;
  /** Epoch id as decimal text (WIRE.md D10). */
  readonly epochId: string;
  /** Node signatures, sorted by node id. */
  readonly quorumSignatures: readonly NodeSignature[];
}

/** Parameters of {@link createRevocationObject}. */
export interface RevocationObjectParams {
  /** Zone of the revocation. */
  readonly zoneId: ZoneId | string;
  /** Ids revoked (32 bytes each, at least one). */
  readonly revoked: readonly ObjectId[];
  /** Scope. */
  readonly scope: RevocationScope;
  /** Reason. */
  readonly reason: string;
  /** Creation time, Unix seconds; also the default effective time. */
  readonly now: number;
  /** Effective from (default `now`). */
  readonly effectiveAt?: number;
  /** Expiry (default: permanent). */
  readonly expiresAt?: number;
}

function header(
  schema: SchemaId,
  zone: ZoneId | string,
  now: number,
  refs: ObjectId[],
): ObjectHeader {
  const zoneId = parseZoneId(zone);
  return {
    schema,
    zoneId,
    createdAt: now,
    provenance: originProvenance(zoneId),
    refs,
    foreignRefs: [],
  };
}

function checkSchema(h: ObjectHeader, want: SchemaId, what: string): void {
  const s = h.schema;
  if (s.namespace !== want.namespace || s.name !== want.name || s.version !== want.version) {
    throw new FcpError("FCP-1011", `${what} header schema must be ${want.namespace}.${want.name}`);
  }
}

// ---------------------------------------------------------------- RevocationObject

function revocationObjectUnsigned(o: RevocationObject): Record<string, CborValue> {
  if (o.revoked.length === 0) throw new FcpError("FCP-1013", "revoked must not be empty");
  if (o.expiresAt !== undefined && o.expiresAt <= o.effectiveAt) {
    throw new FcpError("FCP-1013", "expires_at must be after effective_at");
  }
  return {
    header: headerToCbor(o.header),
    revoked: o.revoked.map((id) => readBytes(id, "revoked[]", 32)),
    scope: readEnum(o.scope, "scope", REVOCATION_SCOPES),
    reason: o.reason,
    effective_at: o.effectiveAt,
    expires_at: o.expiresAt ?? null,
  };
}

/**
 * The CBOR value of a RevocationObject.
 *
 * @example
 * ```ts
 * import { createRevocationObject, revocationObjectToCbor } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "Capability", reason: "lost", now: 100 }, new Uint8Array(32).fill(1));
 * const v = revocationObjectToCbor(o) as Record<string, unknown>;
 * assert.equal(v.expires_at, null);
 * ```
 */
export function revocationObjectToCbor(o: RevocationObject): CborValue {
  if (o.signature.length !== 64) throw new FcpError("FCP-1013", "signature must be 64 bytes");
  return { ...revocationObjectUnsigned(o), signature: o.signature };
}

/**
 * Read a RevocationObject from its CBOR value (`FCP-1013` on a wrong shape).
 *
 * @example
 * ```ts
 * import {
 *   createRevocationObject, revocationObjectFromCbor, revocationObjectToCbor,
 * } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "IssuerKey", reason: "rotated", now: 100, expiresAt: 200 }, new Uint8Array(32).fill(1));
 * assert.deepEqual(revocationObjectFromCbor(revocationObjectToCbor(o)), o);
 * ```
 */
export function revocationObjectFromCbor(
  v: CborValue | undefined,
  what = "RevocationObject",
): RevocationObject {
  const m = readRecord(v, what, [
    "header",
    "revoked",
    "scope",
    "reason",
    "effective_at",
    "expires_at",
    "signature",
  ]);
  const h = headerFromCbor(m.header, `${what}.header`);
  checkSchema(h, REVOCATION_OBJECT_SCHEMA, what);
  const expiresAt = readOptional(m.expires_at, `${what}.expires_at`, readUint);
  const o: RevocationObject = {
    header: h,
    revoked: readArray(m.revoked, `${what}.revoked`, (x, w) => readBytes(x, w, 32)),
    scope: readEnum(m.scope, `${what}.scope`, REVOCATION_SCOPES),
    reason: readText(m.reason, `${what}.reason`),
    effectiveAt: readUint(m.effective_at, `${what}.effective_at`),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    signature: readBytes(m.signature, `${what}.signature`, 64),
  };
  revocationObjectUnsigned(o); // invariants
  return o;
}

/**
 * Build and owner-sign a RevocationObject.
 *
 * @example
 * ```ts
 * import { createRevocationObject, verifyRevocationObject } from "./revocation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(32).fill(1);
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "Capability", reason: "lost", now: 100 }, owner);
 * verifyRevocationObject(o, ed25519PublicKey(owner));
 * assert.equal(o.effectiveAt, 100);
 * ```
 */
export function createRevocationObject(
  p: RevocationObjectParams,
  ownerSeed: AuthoritySigner,
): RevocationObject {
  const unsigned: RevocationObject = {
    header: header(REVOCATION_OBJECT_SCHEMA, p.zoneId, p.now, []),
    revoked: p.revoked,
    scope: p.scope,
    reason: p.reason,
    effectiveAt: p.effectiveAt ?? p.now,
    ...(p.expiresAt === undefined ? {} : { expiresAt: p.expiresAt }),
    signature: new Uint8Array(64),
  };
  const signature = authoritySign(
    REVOCATION_OBJECT_SCHEMA,
    revocationObjectUnsigned(unsigned),
    ownerSeed,
  );
  return { ...unsigned, signature };
}

/**
 * Verify the owner signature of a RevocationObject; throws opaque `FCP-2001`.
 *
 * @example
 * ```ts
 * import { createRevocationObject, verifyRevocationObject } from "./revocation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "Capability", reason: "lost", now: 100 }, new Uint8Array(32).fill(1));
 * const other = ed25519PublicKey(new Uint8Array(32).fill(2));
 * assert.throws(() => verifyRevocationObject(o, other), /FCP-2001/);
 * ```
 */
export function verifyRevocationObject(o: RevocationObject, ownerPublicKey: Uint8Array): void {
  requireValidSignature(
    authorityVerify(
      REVOCATION_OBJECT_SCHEMA,
      revocationObjectUnsigned(o),
      ownerPublicKey,
      o.signature,
    ),
    "RevocationObject",
  );
}

/**
 * Whether a revocation is active at `now`: effective_at ≤ now < expires_at (WIRE.md §11).
 *
 * @example
 * ```ts
 * import { createRevocationObject, isRevocationActive } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "Capability", reason: "x", now: 100, expiresAt: 200 }, new Uint8Array(32).fill(1));
 * assert.deepEqual([99, 100, 199, 200].map((t) => isRevocationActive(o, t)), [false, true, true, false]);
 * ```
 */
export function isRevocationActive(
  o: Pick<RevocationObject, "effectiveAt" | "expiresAt">,
  now: number,
): boolean {
  return o.effectiveAt <= now && (o.expiresAt === undefined || now < o.expiresAt);
}

// ---------------------------------------------------------------- RevocationEvent

function revocationEventUnsigned(e: RevocationEvent): Record<string, CborValue> {
  return {
    header: headerToCbor(e.header),
    revocation_object_id: readBytes(e.revocationObjectId, "revocation_object_id", 32),
    prev: e.prev === undefined ? null : readBytes(e.prev, "prev", 32),
    seq: e.seq,
    occurred_at: e.occurredAt,
  };
}

/**
 * The CBOR value of a RevocationEvent.
 *
 * @example
 * ```ts
 * import { createRevocationEvent, revocationEventToCbor } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const e = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 0, now: 5 }, new Uint8Array(32).fill(1));
 * assert.equal((revocationEventToCbor(e) as Record<string, unknown>).prev, null);
 * ```
 */
export function revocationEventToCbor(e: RevocationEvent): CborValue {
  if (e.signature.length !== 64) throw new FcpError("FCP-1013", "signature must be 64 bytes");
  return { ...revocationEventUnsigned(e), signature: e.signature };
}

/**
 * Read a RevocationEvent from its CBOR value (`FCP-1013` on a wrong shape).
 *
 * @example
 * ```ts
 * import {
 *   createRevocationEvent, revocationEventFromCbor, revocationEventToCbor,
 * } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const e = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 1, prev: new Uint8Array(32).fill(9), now: 5 }, new Uint8Array(32).fill(1));
 * assert.deepEqual(revocationEventFromCbor(revocationEventToCbor(e)), e);
 * ```
 */
export function revocationEventFromCbor(
  v: CborValue | undefined,
  what = "RevocationEvent",
): RevocationEvent {
  const m = readRecord(v, what, [
    "header",
    "revocation_object_id",
    "prev",
    "seq",
    "occurred_at",
    "signature",
  ]);
  const h = headerFromCbor(m.header, `${what}.header`);
  checkSchema(h, REVOCATION_EVENT_SCHEMA, what);
  const prev = readOptional(m.prev, `${what}.prev`, (x, w) => readBytes(x, w, 32));
  return {
    header: h,
    revocationObjectId: readBytes(m.revocation_object_id, `${what}.revocation_object_id`, 32),
    ...(prev === undefined ? {} : { prev }),
    seq: readUint(m.seq, `${what}.seq`),
    occurredAt: readUint(m.occurred_at, `${what}.occurred_at`),
    signature: readBytes(m.signature, `${what}.signature`, 64),
  };
}

/** Parameters of {@link createRevocationEvent}. */
export interface RevocationEventParams {
  /** Zone of the chain. */
  readonly zoneId: ZoneId | string;
  /** The RevocationObject published. */
  readonly revocationObjectId: ObjectId;
  /** Previous event id (absent for genesis). */
  readonly prev?: ObjectId;
  /** Sequence (0 for genesis). */
  readonly seq: number;
  /** Now, Unix seconds (created_at and occurred_at). */
  readonly now: number;
}

/**
 * Build and owner-sign a RevocationEvent. Its header refs hold the revocation object id and
 * the previous event id (same-zone GC edges).
 *
 * @example
 * ```ts
 * import { createRevocationEvent, verifyRevocationEvent } from "./revocation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(32).fill(1);
 * const e = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 0, now: 5 }, owner);
 * verifyRevocationEvent(e, ed25519PublicKey(owner));
 * assert.equal(e.header.refs.length, 1);
 * ```
 */
export function createRevocationEvent(
  p: RevocationEventParams,
  ownerSeed: AuthoritySigner,
): RevocationEvent {
  const refs = p.prev === undefined ? [p.revocationObjectId] : [p.revocationObjectId, p.prev];
  const unsigned: RevocationEvent = {
    header: header(REVOCATION_EVENT_SCHEMA, p.zoneId, p.now, refs),
    revocationObjectId: p.revocationObjectId,
    ...(p.prev === undefined ? {} : { prev: p.prev }),
    seq: p.seq,
    occurredAt: p.now,
    signature: new Uint8Array(64),
  };
  const signature = authoritySign(
    REVOCATION_EVENT_SCHEMA,
    revocationEventUnsigned(unsigned),
    ownerSeed,
  );
  return { ...unsigned, signature };
}

/**
 * Verify the owner signature of a RevocationEvent; throws opaque `FCP-2001`.
 *
 * @example
 * ```ts
 * import { createRevocationEvent, verifyRevocationEvent } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const e = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 0, now: 5 }, new Uint8Array(32).fill(1));
 * assert.throws(() => verifyRevocationEvent({ ...e, seq: 1 }, new Uint8Array(32)), /FCP-2001/);
 * ```
 */
export function verifyRevocationEvent(e: RevocationEvent, ownerPublicKey: Uint8Array): void {
  requireValidSignature(
    authorityVerify(
      REVOCATION_EVENT_SCHEMA,
      revocationEventUnsigned(e),
      ownerPublicKey,
      e.signature,
    ),
    "RevocationEvent",
  );
}

/**
 * Check the link from `prevEvent` (or genesis when undefined) to `event` (WIRE.md §11):
 * genesis has seq 0 and no prev; otherwise seq == prev.seq + 1 and prev == ObjectId(prev
 * event). `prevEventId` is the ObjectId of `prevEvent`. Throws `FCP-3007`.
 *
 * @example
 * ```ts
 * import { checkRevocationLink, createRevocationEvent } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(1);
 * const g = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 0, now: 5 }, seed);
 * checkRevocationLink(undefined, undefined, g);
 * assert.throws(() => checkRevocationLink(undefined, undefined, { ...g, seq: 1 }), /FCP-3007/);
 * ```
 */
export function checkRevocationLink(
  prevEvent: Pick<RevocationEvent, "seq"> | undefined,
  prevEventId: ObjectId | undefined,
  event: RevocationEvent,
): void {
  const bad = (why: string): never => {
    throw new FcpError("FCP-3007", `revocation chain link invalid: ${why}`);
  };
  if (prevEvent === undefined || prevEventId === undefined) {
    if (event.seq !== 0) bad(`genesis event must have seq 0, got ${event.seq}`);
    if (event.prev !== undefined) bad("genesis event must not have prev");
    return;
  }
  if (event.seq !== prevEvent.seq + 1) bad(`seq ${event.seq} does not follow ${prevEvent.seq}`);
  if (event.prev === undefined) bad("non-genesis event must have prev");
  if (!equalBytes(event.prev!, prevEventId)) bad("prev does not name the previous event");
}

// ---------------------------------------------------------------- RevocationHead

function revocationHeadUnsigned(h: RevocationHead): Record<string, CborValue> {
  if (!/^(0|[1-9][0-9]*)$/.test(h.epochId)) {
    throw new FcpError("FCP-1013", "epoch_id must be decimal text");
  }
  return {
    header: headerToCbor(h.header),
    zone_id: parseZoneId(h.zoneId),
    head_event: readBytes(h.headEvent, "head_event", 32),
    head_seq: h.headSeq,
    epoch_id: h.epochId,
    quorum_signatures: signatureSetToCbor([]),
  };
}

/**
 * The CBOR value of a RevocationHead.
 *
 * @example
 * ```ts
 * import { createRevocationHead, revocationHeadToCbor } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const h = createRevocationHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 0,
 *   epochId: "7", now: 5 });
 * assert.equal((revocationHeadToCbor(h) as Record<string, unknown>).epoch_id, "7");
 * ```
 */
export function revocationHeadToCbor(h: RevocationHead): CborValue {
  return {
    ...revocationHeadUnsigned(h),
    quorum_signatures: signatureSetToCbor(h.quorumSignatures),
  };
}

/**
 * Read a RevocationHead from its CBOR value (`FCP-1013` on a wrong shape).
 *
 * @example
 * ```ts
 * import { createRevocationHead, revocationHeadFromCbor, revocationHeadToCbor } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const h = createRevocationHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 3,
 *   epochId: "7", now: 5 });
 * assert.deepEqual(revocationHeadFromCbor(revocationHeadToCbor(h)), h);
 * ```
 */
export function revocationHeadFromCbor(
  v: CborValue | undefined,
  what = "RevocationHead",
): RevocationHead {
  const m = readRecord(v, what, [
    "header",
    "zone_id",
    "head_event",
    "head_seq",
    "epoch_id",
    "quorum_signatures",
  ]);
  const h = headerFromCbor(m.header, `${what}.header`);
  checkSchema(h, REVOCATION_HEAD_SCHEMA, what);
  const head: RevocationHead = {
    header: h,
    zoneId: parseZoneId(readText(m.zone_id, `${what}.zone_id`)),
    headEvent: readBytes(m.head_event, `${what}.head_event`, 32),
    headSeq: readUint(m.head_seq, `${what}.head_seq`),
    epochId: readText(m.epoch_id, `${what}.epoch_id`),
    quorumSignatures: signatureSetFromCbor(m.quorum_signatures, `${what}.quorum_signatures`),
  };
  revocationHeadUnsigned(head);
  return head;
}

/** Parameters of {@link createRevocationHead}. */
export interface RevocationHeadParams {
  /** Zone. */
  readonly zoneId: ZoneId | string;
  /** Head event id. */
  readonly headEvent: ObjectId;
  /** Head event sequence. */
  readonly headSeq: number;
  /** Epoch id, decimal text. */
  readonly epochId: string;
  /** Now, Unix seconds. */
  readonly now: number;
}

/**
 * An unsigned RevocationHead (no quorum signatures yet); add them with
 * {@link signRevocationHead}.
 *
 * @example
 * ```ts
 * import { createRevocationHead } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const h = createRevocationHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 0,
 *   epochId: "1", now: 5 });
 * assert.equal(h.quorumSignatures.length, 0);
 * ```
 */
export function createRevocationHead(p: RevocationHeadParams): RevocationHead {
  const head: RevocationHead = {
    header: header(REVOCATION_HEAD_SCHEMA, p.zoneId, p.now, [p.headEvent]),
    zoneId: parseZoneId(p.zoneId),
    headEvent: p.headEvent,
    headSeq: p.headSeq,
    epochId: p.epochId,
    quorumSignatures: [],
  };
  revocationHeadUnsigned(head);
  return head;
}

/**
 * Add one node's signature to a head (the signed view has `quorum_signatures` emptied).
 * Replacing an existing signature of the same node is refused (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { createRevocationHead, signRevocationHead, verifyRevocationHead } from "./revocation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(3);
 * const h = signRevocationHead(createRevocationHead({ zoneId: "z:work",
 *   headEvent: new Uint8Array(32), headSeq: 0, epochId: "1", now: 5 }), "node-a", seed, 6);
 * assert.equal(verifyRevocationHead(h, new Map([["node-a", ed25519PublicKey(seed)]]), 1), 1);
 * ```
 */
export function signRevocationHead(
  head: RevocationHead,
  nodeId: string,
  seed: AuthoritySigner,
  now: number,
): RevocationHead {
  const signature = authoritySign(REVOCATION_HEAD_SCHEMA, revocationHeadUnsigned(head), seed);
  const sigs = sortSignatureSet([...head.quorumSignatures, { nodeId, signature, signedAt: now }]);
  return { ...head, quorumSignatures: sigs };
}

/**
 * Verify a head's quorum: every signature must come from a known node key and be valid
 * (`FCP-2001`), and at least `threshold` distinct nodes must have signed (`FCP-3007`).
 * Returns the number of valid signatures.
 *
 * @example
 * ```ts
 * import { createRevocationHead, verifyRevocationHead } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const h = createRevocationHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 0,
 *   epochId: "1", now: 5 });
 * assert.throws(() => verifyRevocationHead(h, new Map(), 1), /FCP-3007/);
 * ```
 */
export function verifyRevocationHead(
  head: RevocationHead,
  nodeKeys: ReadonlyMap<string, Uint8Array>,
  threshold: number,
): number {
  const unsigned = revocationHeadUnsigned(head);
  sortSignatureSet(head.quorumSignatures);
  for (const s of head.quorumSignatures) {
    const pk = nodeKeys.get(s.nodeId);
    if (pk === undefined) throw new FcpError("FCP-2008", `unknown head signer ${s.nodeId}`);
    requireValidSignature(
      authorityVerify(REVOCATION_HEAD_SCHEMA, unsigned, pk, s.signature),
      "RevocationHead",
    );
  }
  if (head.quorumSignatures.length < threshold) {
    throw new FcpError(
      "FCP-3007",
      `revocation head has ${head.quorumSignatures.length} signatures, needs ${threshold}`,
    );
  }
  return head.quorumSignatures.length;
}

// ---------------------------------------------------------------- ids

/**
 * Canonical CBOR bytes of a revocation object, event or head (no schema prefix).
 *
 * @example
 * ```ts
 * import { createRevocationEvent, encodeRevocationEvent, decodeRevocationEvent } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const e = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 0, now: 5 }, new Uint8Array(32).fill(1));
 * assert.deepEqual(decodeRevocationEvent(encodeRevocationEvent(e)), e);
 * ```
 */
export function encodeRevocationEvent(e: RevocationEvent): Uint8Array {
  return encodeCbor(revocationEventToCbor(e));
}

/**
 * Strictly decode canonical RevocationEvent bytes.
 *
 * @example
 * ```ts
 * import { decodeRevocationEvent } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeRevocationEvent(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeRevocationEvent(bytes: Uint8Array): RevocationEvent {
  return revocationEventFromCbor(decodeCbor(bytes));
}

/**
 * Canonical CBOR bytes of a RevocationObject.
 *
 * @example
 * ```ts
 * import { createRevocationObject, decodeRevocationObject, encodeRevocationObject } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "Capability", reason: "x", now: 1 }, new Uint8Array(32).fill(1));
 * assert.deepEqual(decodeRevocationObject(encodeRevocationObject(o)), o);
 * ```
 */
export function encodeRevocationObject(o: RevocationObject): Uint8Array {
  return encodeCbor(revocationObjectToCbor(o));
}

/**
 * Strictly decode canonical RevocationObject bytes.
 *
 * @example
 * ```ts
 * import { decodeRevocationObject } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeRevocationObject(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeRevocationObject(bytes: Uint8Array): RevocationObject {
  return revocationObjectFromCbor(decodeCbor(bytes));
}

/**
 * The zone-keyed ObjectId of a RevocationObject (WIRE.md §2): keyed BLAKE3 with the zone's
 * ObjectIdKey over `"FCP2-OBJECT-V2" ‖ zone ‖ SchemaHash ‖ C(object)`.
 *
 * @example
 * ```ts
 * import { createRevocationObject, revocationObjectId } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const o = createRevocationObject({ zoneId: "z:work", revoked: [new Uint8Array(32)],
 *   scope: "Capability", reason: "x", now: 1 }, new Uint8Array(32).fill(1));
 * assert.equal(revocationObjectId(o, new Uint8Array(32)).length, 32);
 * ```
 */
export function revocationObjectId(o: RevocationObject, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    o.header.zoneId,
    schemaHash(REVOCATION_OBJECT_SCHEMA),
    encodeRevocationObject(o),
  );
}

/**
 * The zone-keyed ObjectId of a RevocationEvent.
 *
 * @example
 * ```ts
 * import { createRevocationEvent, revocationEventId } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * const e = createRevocationEvent({ zoneId: "z:work", revocationObjectId: new Uint8Array(32),
 *   seq: 0, now: 5 }, new Uint8Array(32).fill(1));
 * assert.notDeepEqual(revocationEventId(e, new Uint8Array(32)), revocationEventId(e, new Uint8Array(32).fill(1)));
 * ```
 */
export function revocationEventId(e: RevocationEvent, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    e.header.zoneId,
    schemaHash(REVOCATION_EVENT_SCHEMA),
    encodeRevocationEvent(e),
  );
}

/** Kinds of revocation targets named on the command line. */
export type RevocationTargetKind = "object" | "kid" | "jti" | "node" | "connector";

/**
 * The 32-byte id revoked for a target. Object ids are used as they are; key ids, token ids
 * (a capability token's 16-byte `cti`, WIRE.md §6), node ids and connector ids, which are not
 * ObjectIds, map to the unscoped id
 * `BLAKE3("FCP2-CONTENT-V2" ‖ "fcp.revocation.<kind>:" ‖ value)` (kid and jti as lowercase hex).
 *
 * @example
 * ```ts
 * import { revocationTargetId } from "./revocation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(revocationTargetId("object", new Uint8Array(32).fill(5))[0], 5);
 * assert.notDeepEqual(revocationTargetId("node", "n1"), revocationTargetId("connector", "n1"));
 * assert.deepEqual(revocationTargetId("jti", new Uint8Array(16)), revocationTargetId("jti", "00".repeat(16)));
 * ```
 */
export function revocationTargetId(
  kind: RevocationTargetKind,
  value: Uint8Array | string,
): ObjectId {
  switch (kind) {
    case "object":
      if (!(value instanceof Uint8Array) || value.length !== 32) {
        throw new FcpError("FCP-1040", "an object id target must be 32 bytes");
      }
      return value;
    case "kid": {
      const kid = typeof value === "string" ? value : toHex(value);
      if (!/^[0-9a-f]{16}$/.test(kid)) throw new FcpError("FCP-1040", "a kid is 8 bytes (16 hex)");
      return objectIdUnscoped(utf8(`fcp.revocation.kid:${kid}`));
    }
    case "jti": {
      const jti = typeof value === "string" ? value : toHex(value);
      if (!/^[0-9a-f]{32}$/.test(jti)) {
        throw new FcpError("FCP-1040", "a token jti is 16 bytes (32 hex)");
      }
      return objectIdUnscoped(utf8(`fcp.revocation.jti:${jti}`));
    }
    case "node":
    case "connector": {
      if (typeof value !== "string" || value.length === 0 || value.length > 256) {
        throw new FcpError("FCP-1040", `a ${kind} id must be 1..256 characters of text`);
      }
      return objectIdUnscoped(utf8(`fcp.revocation.${kind}:${value}`));
    }
    default:
      throw new FcpError("FCP-1040", `unknown revocation target kind ${JSON.stringify(kind)}`);
  }
}
