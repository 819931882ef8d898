/**
 * OperationIntent and OperationReceipt (spec §9, exactly-once spine; WIRE.md §5b, §11):
 * types, CBOR forms, the reference's bespoke signing transcripts, Ed25519 sign/verify with a
 * NodeSignature, and the reference rules (Risky/Dangerous intents reference their
 * ExecutionLease in `header.refs` and carry `lease_seq`; receipts reference their intent).
 *
 * Transcripts (WIRE.md §5b; `lp` = u32le length prefix, `opt(s)` = `00` | `01 ‖ lp(s)`):
 * - intent: `"FCP2-INTENT-V1" ‖ lp(C(header)) ‖ request_object_id(32) ‖ jti(16) ‖
 *   opt(idempotency_key) ‖ u64le planned_at ‖ lp(planned_by) ‖ (00 | 01 ‖ u64le lease_seq) ‖
 *   opt(upstream_idempotency)`;
 * - receipt: `"FCP2-RECEIPT-V1" ‖ lp(C(header)) ‖ request_object_id ‖ opt(idempotency_key) ‖
 *   u32le n ‖ outcome ids ‖ u32le m ‖ resource ids ‖ (00 | 01 ‖ u32le k ‖ per metric: lp(kind) ‖
 *   u64le amount ‖ opt(unit) ‖ opt(custom_id)) ‖ u64le executed_at ‖ lp(executed_by)`.
 *
 * CBOR: `Option` fields other than `usage_metrics` are encoded as null; `usage_metrics` is
 * omitted when absent (WIRE.md §11). The UsageMetric map `{kind, amount, unit, custom_id}` is
 * not pinned by any vector.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { ByteWriter, equalBytes, FcpError, fromHex, lp32, toHex, utf8 } from "../core/mod.ts";
import { ed25519Verify } from "../crypto/mod.ts";
import {
  encodeObjectHeader,
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  type ObjectId,
  objectIdKeyed,
  readArray,
  readBytes,
  readOptional,
  readRecord,
  readText,
  readUint,
  schemaHash,
  type SchemaId,
} from "../model/mod.ts";
import type { RiskTier } from "./freshness.ts";
import {
  type AuthoritySigner,
  type NodeSignature,
  nodeSignatureFromCbor,
  nodeSignatureToCbor,
  requireValidSignature,
  signWith,
} from "./node_signature.ts";

/** Header schema of an OperationIntent (as in the reference vectors). */
export const OPERATION_INTENT_SCHEMA: SchemaId = {
  namespace: "fcp.operation",
  name: "intent",
  version: "1.0.0",
};
/** Header schema of an OperationReceipt. */
export const OPERATION_RECEIPT_SCHEMA: SchemaId = {
  namespace: "fcp.operation",
  name: "receipt",
  version: "1.0.0",
};

const INTENT_DOMAIN = utf8("FCP2-INTENT-V1");
const RECEIPT_DOMAIN = utf8("FCP2-RECEIPT-V1");

/** A pre-commit record written before an external side effect (spec §9). */
export interface OperationIntent {
  /** Header; for Risky/Dangerous its refs include the ExecutionLease id. */
  readonly header: ObjectHeader;
  /** The InvokeRequest. */
  readonly requestObjectId: ObjectId;
  /** The capability token's jti (UUID, 16 bytes). */
  readonly capabilityTokenJti: Uint8Array;
  /** Idempotency key. */
  readonly idempotencyKey?: string;
  /** Planned at, Unix seconds. */
  readonly plannedAt: number;
  /** Executing node id. */
  readonly plannedBy: string;
  /** Lease fencing token (required for Risky/Dangerous). */
  readonly leaseSeq?: number;
  /** Upstream idempotency handle (e.g. a payment provider key). */
  readonly upstreamIdempotency?: string;
  /** Signature of `plannedBy`. */
  readonly signature: NodeSignature;
}

/** A resource usage metric of a receipt. */
export interface UsageMetric {
  /** Metric kind (text). */
  readonly kind: string;
  /** Amount (u64). */
  readonly amount: number;
  /** Unit. */
  readonly unit?: string;
  /** Custom id. */
  readonly customId?: string;
}

/** The record of a completed operation (spec §9). */
export interface OperationReceipt {
  /** Header; its refs include the intent id. */
  readonly header: ObjectHeader;
  /** The InvokeRequest. */
  readonly requestObjectId: ObjectId;
  /** Idempotency key. */
  readonly idempotencyKey?: string;
  /** Outcome objects. */
  readonly outcomeObjectIds: readonly ObjectId[];
  /** ResourceObjects created or modified. */
  readonly resourceObjectIds: readonly ObjectId[];
  /** Usage metrics. */
  readonly usageMetrics?: readonly UsageMetric[];
  /** Executed at, Unix seconds. */
  readonly executedAt: number;
  /** Executing node id. */
  readonly executedBy: string;
  /** Signature of `executedBy`. */
  readonly signature: NodeSignature;
}

/** An intent without its signature. */
export type UnsignedOperationIntent = Omit<OperationIntent, "signature">;
/** A receipt without its signature. */
export type UnsignedOperationReceipt = Omit<OperationReceipt, "signature">;

/**
 * A UUID in text form (`8-4-4-4-12` hex) as its 16 bytes (`FCP-1040` otherwise).
 *
 * @example
 * ```ts
 * import { uuidToBytes } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(uuidToBytes("01020304-0506-0708-090a-0b0c0d0e0f10")[15], 0x10);
 * assert.throws(() => uuidToBytes("0102"), /FCP-1040/);
 * ```
 */
export function uuidToBytes(uuid: string): Uint8Array {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid)) {
    throw new FcpError("FCP-1040", "UUID must be 8-4-4-4-12 hex digits");
  }
  return fromHex(uuid.replaceAll("-", "").toLowerCase(), 16, "UUID");
}

function opt(w: ByteWriter, s: string | undefined): void {
  if (s === undefined) w.u8(0);
  else w.u8(1).bytes(lp32(s));
}

function id32(id: Uint8Array, what: string): Uint8Array {
  if (id.length !== 32) throw new FcpError("FCP-1013", `${what} must be 32 bytes`);
  return id;
}

/**
 * The bytes an intent's signature covers (WIRE.md §5b; pinned by operation.json).
 *
 * @example
 * ```ts
 * import { intentSignableBytes, OPERATION_INTENT_SCHEMA } from "./operation.ts";
 * import { fromUtf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const b = intentSignableBytes({
 *   header: { schema: OPERATION_INTENT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted", elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), capabilityTokenJti: new Uint8Array(16),
 *   plannedAt: 1, plannedBy: "n",
 * });
 * assert.equal(fromUtf8(b.slice(0, 14)), "FCP2-INTENT-V1");
 * ```
 */
export function intentSignableBytes(i: UnsignedOperationIntent): Uint8Array {
  if (i.capabilityTokenJti.length !== 16) {
    throw new FcpError("FCP-1013", "capability_token_jti must be 16 bytes");
  }
  const w = new ByteWriter(512)
    .bytes(INTENT_DOMAIN)
    .bytes(lp32(encodeObjectHeader(i.header)))
    .bytes(id32(i.requestObjectId, "request_object_id"))
    .bytes(i.capabilityTokenJti);
  opt(w, i.idempotencyKey);
  w.u64le(i.plannedAt).bytes(lp32(i.plannedBy));
  if (i.leaseSeq === undefined) w.u8(0);
  else w.u8(1).u64le(i.leaseSeq);
  opt(w, i.upstreamIdempotency);
  return w.finish();
}

/**
 * The bytes a receipt's signature covers (WIRE.md §5b).
 *
 * @example
 * ```ts
 * import { OPERATION_RECEIPT_SCHEMA, receiptSignableBytes } from "./operation.ts";
 * import { fromUtf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const b = receiptSignableBytes({
 *   header: { schema: OPERATION_RECEIPT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted", elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), outcomeObjectIds: [], resourceObjectIds: [],
 *   executedAt: 1, executedBy: "n",
 * });
 * assert.equal(fromUtf8(b.slice(0, 15)), "FCP2-RECEIPT-V1");
 * ```
 */
export function receiptSignableBytes(r: UnsignedOperationReceipt): Uint8Array {
  const w = new ByteWriter(512)
    .bytes(RECEIPT_DOMAIN)
    .bytes(lp32(encodeObjectHeader(r.header)))
    .bytes(id32(r.requestObjectId, "request_object_id"));
  opt(w, r.idempotencyKey);
  w.u32le(r.outcomeObjectIds.length);
  for (const id of r.outcomeObjectIds) w.bytes(id32(id, "outcome_object_ids[]"));
  w.u32le(r.resourceObjectIds.length);
  for (const id of r.resourceObjectIds) w.bytes(id32(id, "resource_object_ids[]"));
  if (r.usageMetrics === undefined) {
    w.u8(0);
  } else {
    w.u8(1).u32le(r.usageMetrics.length);
    for (const m of r.usageMetrics) {
      w.bytes(lp32(m.kind)).u64le(m.amount);
      opt(w, m.unit);
      opt(w, m.customId);
    }
  }
  w.u64le(r.executedAt).bytes(lp32(r.executedBy));
  return w.finish();
}

const LEASED_TIERS: readonly RiskTier[] = ["Risky", "Dangerous", "CriticalWrite"];

/**
 * Check the lease binding an intent of `tier` needs (spec §9 execution rule 2, WIRE.md §11):
 * for Risky, Dangerous and CriticalWrite, `leaseObjectId` must be given and listed in
 * `header.refs`, and `lease_seq` must be set. Throws `FCP-1013`.
 *
 * @example
 * ```ts
 * import { checkIntentLease, OPERATION_INTENT_SCHEMA } from "./operation.ts";
 * import assert from "node:assert/strict";
 * const i = {
 *   header: { schema: OPERATION_INTENT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted" as const, elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), capabilityTokenJti: new Uint8Array(16),
 *   plannedAt: 1, plannedBy: "n",
 * };
 * checkIntentLease(i, "Safe");
 * assert.throws(() => checkIntentLease(i, "Dangerous"), /FCP-1013/);
 * ```
 */
export function checkIntentLease(
  i: UnsignedOperationIntent,
  tier: RiskTier,
  leaseObjectId?: ObjectId,
): void {
  if (!LEASED_TIERS.includes(tier)) return;
  if (leaseObjectId === undefined) {
    throw new FcpError("FCP-1013", `a ${tier} intent must reference its ExecutionLease`);
  }
  if (!i.header.refs.some((r) => equalBytes(r, leaseObjectId))) {
    throw new FcpError("FCP-1013", `a ${tier} intent must list its ExecutionLease in header.refs`);
  }
  if (i.leaseSeq === undefined) {
    throw new FcpError("FCP-1013", `a ${tier} intent must carry lease_seq`);
  }
}

/**
 * Sign an intent as its planning node, after checking the lease binding for `tier`.
 *
 * @example
 * ```ts
 * import { OPERATION_INTENT_SCHEMA, signOperationIntent, verifyOperationIntent } from "./operation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * const seed = new Uint8Array(32).fill(8);
 * const i = signOperationIntent({
 *   header: { schema: OPERATION_INTENT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted", elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), capabilityTokenJti: new Uint8Array(16),
 *   plannedAt: 1, plannedBy: "node-a",
 * }, seed, { tier: "Safe", signedAt: 1 });
 * verifyOperationIntent(i, ed25519PublicKey(seed));
 * ```
 */
export function signOperationIntent(
  i: UnsignedOperationIntent,
  seed: AuthoritySigner,
  opts: { readonly tier: RiskTier; readonly signedAt: number; readonly leaseObjectId?: ObjectId },
): OperationIntent {
  checkIntentLease(i, opts.tier, opts.leaseObjectId);
  const signature = signWith(seed, intentSignableBytes(i));
  return { ...i, signature: { nodeId: i.plannedBy, signature, signedAt: opts.signedAt } };
}

function verifyWith(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    return ed25519Verify(pk, msg, sig);
  } catch {
    return false;
  }
}

/**
 * Verify an intent: signer is `planned_by` and the Ed25519 signature over the transcript
 * holds (`FCP-2001`).
 *
 * @example
 * ```ts
 * import { OPERATION_INTENT_SCHEMA, signOperationIntent, verifyOperationIntent } from "./operation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(8);
 * const i = signOperationIntent({
 *   header: { schema: OPERATION_INTENT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted", elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), capabilityTokenJti: new Uint8Array(16),
 *   plannedAt: 1, plannedBy: "node-a",
 * }, seed, { tier: "Safe", signedAt: 1 });
 * assert.throws(() => verifyOperationIntent({ ...i, plannedAt: 2 }, ed25519PublicKey(seed)), /FCP-2001/);
 * ```
 */
export function verifyOperationIntent(i: OperationIntent, nodePublicKey: Uint8Array): void {
  if (i.signature.nodeId !== i.plannedBy) {
    throw new FcpError("FCP-2001", "OperationIntent signer is not planned_by");
  }
  const { signature: _s, ...unsigned } = i;
  requireValidSignature(
    verifyWith(nodePublicKey, intentSignableBytes(unsigned), i.signature.signature),
    "OperationIntent",
  );
}

/**
 * Sign a receipt as its executing node. When `intentId` is given, the header refs must
 * include it (spec §9 execution rule 3, `FCP-1013`).
 *
 * @example
 * ```ts
 * import { OPERATION_RECEIPT_SCHEMA, signOperationReceipt, verifyOperationReceipt } from "./operation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(8);
 * const intentId = new Uint8Array(32).fill(3);
 * const unsigned = {
 *   header: { schema: OPERATION_RECEIPT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted" as const, elevated: false },
 *     refs: [intentId], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), outcomeObjectIds: [], resourceObjectIds: [],
 *   executedAt: 2, executedBy: "node-a",
 * };
 * const r = signOperationReceipt(unsigned, seed, { signedAt: 2, intentId });
 * verifyOperationReceipt(r, ed25519PublicKey(seed));
 * assert.throws(() => signOperationReceipt({ ...unsigned, header: { ...unsigned.header, refs: [] } },
 *   seed, { signedAt: 2, intentId }), /FCP-1013/);
 * ```
 */
export function signOperationReceipt(
  r: UnsignedOperationReceipt,
  seed: AuthoritySigner,
  opts: { readonly signedAt: number; readonly intentId?: ObjectId },
): OperationReceipt {
  if (opts.intentId !== undefined && !r.header.refs.some((x) => equalBytes(x, opts.intentId!))) {
    throw new FcpError("FCP-1013", "an OperationReceipt must list its intent in header.refs");
  }
  const signature = signWith(seed, receiptSignableBytes(r));
  return { ...r, signature: { nodeId: r.executedBy, signature, signedAt: opts.signedAt } };
}

/**
 * Verify a receipt: signer is `executed_by` and the signature holds (`FCP-2001`).
 *
 * @example
 * ```ts
 * import { verifyOperationReceipt, OPERATION_RECEIPT_SCHEMA } from "./operation.ts";
 * import assert from "node:assert/strict";
 * const r = {
 *   header: { schema: OPERATION_RECEIPT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted" as const, elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), outcomeObjectIds: [], resourceObjectIds: [],
 *   executedAt: 2, executedBy: "node-a",
 *   signature: { nodeId: "node-a", signature: new Uint8Array(64), signedAt: 2 },
 * };
 * assert.throws(() => verifyOperationReceipt(r, new Uint8Array(32)), /FCP-2001/);
 * ```
 */
export function verifyOperationReceipt(r: OperationReceipt, nodePublicKey: Uint8Array): void {
  if (r.signature.nodeId !== r.executedBy) {
    throw new FcpError("FCP-2001", "OperationReceipt signer is not executed_by");
  }
  const { signature: _s, ...unsigned } = r;
  requireValidSignature(
    verifyWith(nodePublicKey, receiptSignableBytes(unsigned), r.signature.signature),
    "OperationReceipt",
  );
}

/**
 * The CBOR value of an intent (WIRE.md §11; absent options are null).
 *
 * @example
 * ```ts
 * import { decodeOperationIntent, encodeOperationIntent, OPERATION_INTENT_SCHEMA } from "./operation.ts";
 * import assert from "node:assert/strict";
 * const i = {
 *   header: { schema: OPERATION_INTENT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted" as const, elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), capabilityTokenJti: new Uint8Array(16),
 *   plannedAt: 1, plannedBy: "n", leaseSeq: 4,
 *   signature: { nodeId: "n", signature: new Uint8Array(64), signedAt: 1 },
 * };
 * assert.deepEqual(decodeOperationIntent(encodeOperationIntent(i)), i);
 * ```
 */
export function operationIntentToCbor(i: OperationIntent): CborValue {
  if (i.capabilityTokenJti.length !== 16) {
    throw new FcpError("FCP-1013", "capability_token_jti must be 16 bytes");
  }
  return {
    header: headerToCbor(i.header),
    request_object_id: id32(i.requestObjectId, "request_object_id"),
    capability_token_jti: i.capabilityTokenJti,
    idempotency_key: i.idempotencyKey ?? null,
    planned_at: i.plannedAt,
    planned_by: i.plannedBy,
    lease_seq: i.leaseSeq ?? null,
    upstream_idempotency: i.upstreamIdempotency ?? null,
    signature: nodeSignatureToCbor(i.signature),
  };
}

/**
 * Read an intent from its CBOR value (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { operationIntentFromCbor } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => operationIntentFromCbor({}), /FCP-1013/);
 * ```
 */
export function operationIntentFromCbor(
  v: CborValue | undefined,
  what = "OperationIntent",
): OperationIntent {
  const m = readRecord(v, what, [
    "header",
    "request_object_id",
    "capability_token_jti",
    "idempotency_key",
    "planned_at",
    "planned_by",
    "lease_seq",
    "upstream_idempotency",
    "signature",
  ]);
  const idem = readOptional(m.idempotency_key, `${what}.idempotency_key`, readText);
  const lease = readOptional(m.lease_seq, `${what}.lease_seq`, readUint);
  const up = readOptional(m.upstream_idempotency, `${what}.upstream_idempotency`, readText);
  return {
    header: headerFromCbor(m.header, `${what}.header`),
    requestObjectId: readBytes(m.request_object_id, `${what}.request_object_id`, 32),
    capabilityTokenJti: readBytes(m.capability_token_jti, `${what}.capability_token_jti`, 16),
    ...(idem === undefined ? {} : { idempotencyKey: idem }),
    plannedAt: readUint(m.planned_at, `${what}.planned_at`),
    plannedBy: readText(m.planned_by, `${what}.planned_by`),
    ...(lease === undefined ? {} : { leaseSeq: lease }),
    ...(up === undefined ? {} : { upstreamIdempotency: up }),
    signature: nodeSignatureFromCbor(m.signature, `${what}.signature`),
  };
}

/**
 * The CBOR value of a receipt (`usage_metrics` omitted when absent; other options null).
 *
 * @example
 * ```ts
 * import { decodeOperationReceipt, encodeOperationReceipt, OPERATION_RECEIPT_SCHEMA } from "./operation.ts";
 * import assert from "node:assert/strict";
 * const r = {
 *   header: { schema: OPERATION_RECEIPT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: { originZone: "z:work", chain: [], taint: "Untainted" as const, elevated: false },
 *     refs: [], foreignRefs: [] },
 *   requestObjectId: new Uint8Array(32), outcomeObjectIds: [new Uint8Array(32)],
 *   resourceObjectIds: [], usageMetrics: [{ kind: "api_calls", amount: 3 }],
 *   executedAt: 2, executedBy: "n",
 *   signature: { nodeId: "n", signature: new Uint8Array(64), signedAt: 2 },
 * };
 * assert.deepEqual(decodeOperationReceipt(encodeOperationReceipt(r)), r);
 * ```
 */
export function operationReceiptToCbor(r: OperationReceipt): CborValue {
  return {
    header: headerToCbor(r.header),
    request_object_id: id32(r.requestObjectId, "request_object_id"),
    idempotency_key: r.idempotencyKey ?? null,
    outcome_object_ids: r.outcomeObjectIds.map((x) => id32(x, "outcome_object_ids[]")),
    resource_object_ids: r.resourceObjectIds.map((x) => id32(x, "resource_object_ids[]")),
    usage_metrics: r.usageMetrics?.map((m) => ({
      kind: m.kind,
      amount: m.amount,
      unit: m.unit ?? null,
      custom_id: m.customId ?? null,
    })),
    executed_at: r.executedAt,
    executed_by: r.executedBy,
    signature: nodeSignatureToCbor(r.signature),
  };
}

/**
 * Read a receipt from its CBOR value (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { operationReceiptFromCbor } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => operationReceiptFromCbor([]), /FCP-1013/);
 * ```
 */
export function operationReceiptFromCbor(
  v: CborValue | undefined,
  what = "OperationReceipt",
): OperationReceipt {
  const m = readRecord(v, what, [
    "header",
    "request_object_id",
    "idempotency_key",
    "outcome_object_ids",
    "resource_object_ids",
    "usage_metrics",
    "executed_at",
    "executed_by",
    "signature",
  ]);
  const ids = (x: CborValue | undefined, w: string) =>
    readArray(x, w, (y, p) => readBytes(y, p, 32));
  const idem = readOptional(m.idempotency_key, `${what}.idempotency_key`, readText);
  const metrics = readOptional(
    m.usage_metrics,
    `${what}.usage_metrics`,
    (x, w) =>
      readArray(x, w, (y, p): UsageMetric => {
        const u = readRecord(y, p, ["kind", "amount", "unit", "custom_id"]);
        const unit = readOptional(u.unit, `${p}.unit`, readText);
        const customId = readOptional(u.custom_id, `${p}.custom_id`, readText);
        return {
          kind: readText(u.kind, `${p}.kind`),
          amount: readUint(u.amount, `${p}.amount`),
          ...(unit === undefined ? {} : { unit }),
          ...(customId === undefined ? {} : { customId }),
        };
      }),
  );
  return {
    header: headerFromCbor(m.header, `${what}.header`),
    requestObjectId: readBytes(m.request_object_id, `${what}.request_object_id`, 32),
    ...(idem === undefined ? {} : { idempotencyKey: idem }),
    outcomeObjectIds: ids(m.outcome_object_ids, `${what}.outcome_object_ids`),
    resourceObjectIds: ids(m.resource_object_ids, `${what}.resource_object_ids`),
    ...(metrics === undefined ? {} : { usageMetrics: metrics }),
    executedAt: readUint(m.executed_at, `${what}.executed_at`),
    executedBy: readText(m.executed_by, `${what}.executed_by`),
    signature: nodeSignatureFromCbor(m.signature, `${what}.signature`),
  };
}

/**
 * Canonical CBOR bytes of an intent.
 *
 * @example
 * ```ts
 * import { encodeOperationIntent } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof encodeOperationIntent, "function");
 * ```
 */
export function encodeOperationIntent(i: OperationIntent): Uint8Array {
  return encodeCbor(operationIntentToCbor(i));
}

/**
 * Strictly decode canonical intent bytes.
 *
 * @example
 * ```ts
 * import { decodeOperationIntent } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeOperationIntent(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeOperationIntent(bytes: Uint8Array): OperationIntent {
  return operationIntentFromCbor(decodeCbor(bytes));
}

/**
 * Canonical CBOR bytes of a receipt.
 *
 * @example
 * ```ts
 * import { encodeOperationReceipt } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof encodeOperationReceipt, "function");
 * ```
 */
export function encodeOperationReceipt(r: OperationReceipt): Uint8Array {
  return encodeCbor(operationReceiptToCbor(r));
}

/**
 * Strictly decode canonical receipt bytes.
 *
 * @example
 * ```ts
 * import { decodeOperationReceipt } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeOperationReceipt(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeOperationReceipt(bytes: Uint8Array): OperationReceipt {
  return operationReceiptFromCbor(decodeCbor(bytes));
}

/**
 * The zone-keyed ObjectId of an intent or receipt (over its canonical CBOR, with the
 * header's schema).
 *
 * @example
 * ```ts
 * import { operationObjectId } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof operationObjectId, "function");
 * ```
 */
export function operationObjectId(
  o: OperationIntent | OperationReceipt,
  objectIdKey: Uint8Array,
): ObjectId {
  const bytes = "plannedBy" in o ? encodeOperationIntent(o) : encodeOperationReceipt(o);
  return objectIdKeyed(objectIdKey, o.header.zoneId, schemaHash(o.header.schema), bytes);
}

/**
 * Lowercase hex of a 16-byte jti as a UUID string.
 *
 * @example
 * ```ts
 * import { bytesToUuid } from "./operation.ts";
 * import assert from "node:assert/strict";
 * assert.equal(bytesToUuid(new Uint8Array(16)), "00000000-0000-0000-0000-000000000000");
 * ```
 */
export function bytesToUuid(b: Uint8Array): string {
  if (b.length !== 16) throw new FcpError("FCP-1040", "a UUID is 16 bytes");
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
