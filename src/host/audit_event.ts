/**
 * AuditEvent (spec §23.4, WIRE.md §11): one signed, hash-linked event of a zone's audit chain.
 *
 * CBOR (text-keyed map; absent options are encoded as `null`, as serde does for `Option`
 * without `skip_serializing_if`, like RevocationEvent.prev):
 * `{header, correlation_id: bstr16, trace_context: {trace_id: [16 uints], span_id: [8 uints],
 * flags: uint8} | null, event_type: tstr, actor: tstr, zone_id: tstr, connector_id: tstr|null,
 * operation: tstr|null, capability_token_jti: bstr16|null, request_object_id: bstr32|null,
 * result_object_id: bstr32|null, prev: bstr32|null, seq: uint, occurred_at: uint,
 * signature: NodeSignature}`.
 *
 * Signature: `FCP2-SIGN-V1`, schema id `fcp.core.AuditEvent/1.0.0`, over the canonical CBOR
 * with `signature` replaced by `{node_id, signed_at}` (the authority layer's `nodeSign`).
 * ObjectId: `objectIdKeyed(zone ObjectIdKey, zone, SchemaHash(fcp.core/AuditEvent/1.0.0),
 * canonical CBOR of the signed event)` (WIRE.md §2). Genesis: seq 0 and no prev; otherwise
 * prev is the ObjectId of the event with seq − 1.
 *
 * @module
 */
import {
  type AuthoritySigner,
  bytesToUuid,
  nodeSign,
  type NodeSignature,
  nodeSignatureFromCbor,
  nodeSignatureToCbor,
  nodeVerify,
  requireValidSignature,
} from "../authority/mod.ts";
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";
import {
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  type ObjectId,
  objectIdKeyed,
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

/** Schema of AuditEvent. */
export const AUDIT_EVENT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "AuditEvent",
  version: "1.0.0",
};

/**
 * The closed set of audit event types (stable strings). `invoke` / `invoke.denied` /
 * `invoke.failed` cover the invoke pipeline (spec §7); the others name the security events
 * spec §23.4 asks to audit.
 */
export const AUDIT_EVENT_TYPES = [
  "invoke",
  "invoke.denied",
  "invoke.failed",
  "secret.access",
  "zone.crossing",
  "revocation",
  "approval.granted",
  "elevation.granted",
  "token.mint",
  "connector.install",
  "connector.activate",
  "connector.deactivate",
  "connector.crashed",
  "node.start",
  "node.stop",
  "egress.denied",
  "policy.change",
] as const;

/** One of {@link AUDIT_EVENT_TYPES}. */
export type AuditEventType = typeof AUDIT_EVENT_TYPES[number];

/** W3C-style trace context (spec §23.4): ids as raw bytes, flags a byte. */
export interface TraceContext {
  /** 16-byte trace id (CBOR: array of 16 uints, WIRE.md §1). */
  readonly traceId: Uint8Array;
  /** 8-byte span id (CBOR: array of 8 uints). */
  readonly spanId: Uint8Array;
  /** Trace flags, 0..255. */
  readonly flags: number;
}

/** An audit event (spec §23.4). */
export interface AuditEvent {
  /** Header (schema fcp.core/AuditEvent/1.0.0). */
  readonly header: ObjectHeader;
  /** Correlation id of the request, 16 bytes. */
  readonly correlationId: Uint8Array;
  /** Trace context, when the request carried one. */
  readonly traceContext?: TraceContext;
  /** What happened. */
  readonly eventType: AuditEventType;
  /** Who triggered it (principal id). */
  readonly actor: string;
  /** The zone of the chain. */
  readonly zoneId: ZoneId;
  /** Connector id, if applicable. */
  readonly connectorId?: string;
  /** Operation id, if applicable. */
  readonly operation?: string;
  /** Capability token jti (16 bytes), if applicable. */
  readonly capabilityTokenJti?: Uint8Array;
  /** Request object id, if applicable. */
  readonly requestObjectId?: ObjectId;
  /** Result object id (e.g. an OperationReceipt or DecisionReceipt), if applicable. */
  readonly resultObjectId?: ObjectId;
  /** ObjectId of the previous event (absent for genesis). */
  readonly prev?: ObjectId;
  /** Chain sequence: 0 for genesis, previous + 1 otherwise. */
  readonly seq: number;
  /** When it occurred, Unix seconds. */
  readonly occurredAt: number;
  /** The executing node's signature. */
  readonly signature: NodeSignature;
}

/** What a caller says about an event; the chain fields are filled in by the log. */
export interface AuditEventInput {
  /** What happened. */
  readonly eventType: AuditEventType;
  /** Who triggered it. */
  readonly actor: string;
  /** Correlation id (16 bytes); random when absent. */
  readonly correlationId?: Uint8Array;
  /** Trace context. */
  readonly traceContext?: TraceContext;
  /** Connector id. */
  readonly connectorId?: string;
  /** Operation id. */
  readonly operation?: string;
  /** Capability token jti (16 bytes). */
  readonly capabilityTokenJti?: Uint8Array;
  /** Request object id. */
  readonly requestObjectId?: ObjectId;
  /** Result object id. */
  readonly resultObjectId?: ObjectId;
  /** When it occurred, Unix seconds; the log's clock when absent. */
  readonly occurredAt?: number;
}

/** Parameters of {@link createAuditEvent}: the input plus the chain position and signer. */
export interface AuditEventParams extends AuditEventInput {
  /** Zone of the chain. */
  readonly zoneId: ZoneId | string;
  /** Chain sequence (0 for genesis). */
  readonly seq: number;
  /** Previous event id (absent for genesis). */
  readonly prev?: ObjectId;
  /** When it occurred and was signed, Unix seconds. */
  readonly occurredAt: number;
  /** The signing (executing) node. */
  readonly nodeId: string;
}

const MAX_TEXT = 256;

function text(v: string, what: string): string {
  if (v.length === 0 || v.length > MAX_TEXT) {
    throw new FcpError("FCP-1013", `${what} must be 1..${MAX_TEXT} characters`);
  }
  return v;
}

function optText(v: string | undefined, what: string): CborValue {
  return v === undefined ? null : text(v, what);
}

function optBytes(v: Uint8Array | undefined, what: string, len: number): CborValue {
  return v === undefined ? null : readBytes(v, what, len);
}

function u8Array(v: Uint8Array, what: string, len: number): CborValue {
  return [...readBytes(v, what, len)];
}

function traceToCbor(t: TraceContext | undefined): CborValue {
  if (t === undefined) return null;
  if (!Number.isInteger(t.flags) || t.flags < 0 || t.flags > 255) {
    throw new FcpError("FCP-1013", "trace_context.flags must be 0..255");
  }
  return {
    trace_id: u8Array(t.traceId, "trace_context.trace_id", 16),
    span_id: u8Array(t.spanId, "trace_context.span_id", 8),
    flags: t.flags,
  };
}

function readU8Array(v: CborValue | undefined, what: string, len: number): Uint8Array {
  const xs = readArray(v, what, (x, w) => {
    const n = readUint(x, w);
    if (n > 255) throw new FcpError("FCP-1013", `${w} must be 0..255`);
    return n;
  });
  if (xs.length !== len) throw new FcpError("FCP-1013", `${what} must have ${len} items`);
  return Uint8Array.from(xs);
}

function traceFromCbor(v: CborValue, what: string): TraceContext {
  const m = readRecord(v, what, ["trace_id", "span_id", "flags"]);
  const flags = readUint(m.flags, `${what}.flags`);
  if (flags > 255) throw new FcpError("FCP-1013", `${what}.flags must be 0..255`);
  return {
    traceId: readU8Array(m.trace_id, `${what}.trace_id`, 16),
    spanId: readU8Array(m.span_id, `${what}.span_id`, 8),
    flags,
  };
}

function unsignedView(e: AuditEvent): Record<string, CborValue> {
  const zone = parseZoneId(e.zoneId);
  if (e.header.zoneId !== zone) {
    throw new FcpError("FCP-1013", "AuditEvent.header.zone_id must equal zone_id");
  }
  if (!sameSchema(e.header.schema, AUDIT_EVENT_SCHEMA)) {
    throw new FcpError("FCP-1013", "AuditEvent.header.schema must be fcp.core/AuditEvent/1.0.0");
  }
  if (!Number.isSafeInteger(e.seq) || e.seq < 0) {
    throw new FcpError("FCP-1013", "AuditEvent.seq must be a non-negative integer");
  }
  // §23.4: genesis has seq 0 and no prev; every later event names its predecessor.
  if ((e.seq === 0) !== (e.prev === undefined)) {
    throw new FcpError("FCP-1013", "AuditEvent.prev must be absent exactly for seq 0 (genesis)");
  }
  return {
    header: headerToCbor(e.header),
    correlation_id: readBytes(e.correlationId, "correlation_id", 16),
    trace_context: traceToCbor(e.traceContext),
    event_type: readEnum(e.eventType, "event_type", AUDIT_EVENT_TYPES),
    actor: text(e.actor, "actor"),
    zone_id: zone,
    connector_id: optText(e.connectorId, "connector_id"),
    operation: optText(e.operation, "operation"),
    capability_token_jti: optBytes(e.capabilityTokenJti, "capability_token_jti", 16),
    request_object_id: optBytes(e.requestObjectId, "request_object_id", 32),
    result_object_id: optBytes(e.resultObjectId, "result_object_id", 32),
    prev: optBytes(e.prev, "prev", 32),
    seq: e.seq,
    occurred_at: e.occurredAt,
  };
}

function sameSchema(a: SchemaId, b: SchemaId): boolean {
  return a.namespace === b.namespace && a.name === b.name && a.version === b.version;
}

/**
 * Build and node-sign an AuditEvent. Header refs hold `prev` (same-zone GC edge); foreign
 * refs hold the request and result ids (audit-only references).
 *
 * @example
 * ```ts
 * import { createAuditEvent, verifyAuditEvent } from "./audit_event.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(3);
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 10, nodeId: "node-a",
 *   eventType: "invoke", actor: "agent-1", connectorId: "fcp.fs", operation: "read" }, seed);
 * verifyAuditEvent(e, ed25519PublicKey(seed));
 * assert.equal(e.signature.nodeId, "node-a");
 * assert.equal(e.correlationId.length, 16);
 * ```
 */
export function createAuditEvent(p: AuditEventParams, signer: AuthoritySigner): AuditEvent {
  const zoneId = parseZoneId(p.zoneId);
  const foreign = [p.requestObjectId, p.resultObjectId].filter((x): x is ObjectId =>
    x !== undefined
  );
  const base: AuditEvent = {
    header: {
      schema: AUDIT_EVENT_SCHEMA,
      zoneId,
      createdAt: p.occurredAt,
      provenance: originProvenance(zoneId),
      refs: p.prev === undefined ? [] : [p.prev],
      foreignRefs: foreign,
    },
    correlationId: p.correlationId ?? randomBytes(16),
    ...(p.traceContext === undefined ? {} : { traceContext: p.traceContext }),
    eventType: p.eventType,
    actor: p.actor,
    zoneId,
    ...(p.connectorId === undefined ? {} : { connectorId: p.connectorId }),
    ...(p.operation === undefined ? {} : { operation: p.operation }),
    ...(p.capabilityTokenJti === undefined ? {} : { capabilityTokenJti: p.capabilityTokenJti }),
    ...(p.requestObjectId === undefined ? {} : { requestObjectId: p.requestObjectId }),
    ...(p.resultObjectId === undefined ? {} : { resultObjectId: p.resultObjectId }),
    ...(p.prev === undefined ? {} : { prev: p.prev }),
    seq: p.seq,
    occurredAt: p.occurredAt,
    signature: { nodeId: p.nodeId, signature: new Uint8Array(64), signedAt: p.occurredAt },
  };
  const signature = nodeSign(
    AUDIT_EVENT_SCHEMA,
    unsignedView(base),
    p.nodeId,
    p.occurredAt,
    signer,
  );
  return { ...base, signature };
}

/**
 * Whether the event's signature verifies with `publicKey` (false on any mismatch).
 *
 * @example
 * ```ts
 * import { auditEventSignatureValid, createAuditEvent } from "./audit_event.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(3);
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 10, nodeId: "n",
 *   eventType: "node.start", actor: "n" }, seed);
 * assert.ok(auditEventSignatureValid(e, ed25519PublicKey(seed)));
 * assert.ok(!auditEventSignatureValid({ ...e, actor: "m" }, ed25519PublicKey(seed)));
 * ```
 */
export function auditEventSignatureValid(e: AuditEvent, publicKey: Uint8Array): boolean {
  return nodeVerify(AUDIT_EVENT_SCHEMA, unsignedView(e), e.signature, publicKey);
}

/**
 * Verify an AuditEvent's signature with the executing node's key (opaque `FCP-2001`).
 *
 * @example
 * ```ts
 * import { createAuditEvent, verifyAuditEvent } from "./audit_event.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(3);
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 10, nodeId: "n",
 *   eventType: "invoke.denied", actor: "agent" }, seed);
 * assert.throws(() => verifyAuditEvent({ ...e, eventType: "invoke" }, ed25519PublicKey(seed)), /FCP-2001/);
 * ```
 */
export function verifyAuditEvent(e: AuditEvent, publicKey: Uint8Array): void {
  requireValidSignature(auditEventSignatureValid(e, publicKey), "AuditEvent");
}

/**
 * The CBOR value of an AuditEvent.
 *
 * @example
 * ```ts
 * import { auditEventToCbor, createAuditEvent } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 1, nodeId: "n",
 *   eventType: "node.start", actor: "n" }, new Uint8Array(32));
 * assert.equal((auditEventToCbor(e) as Record<string, unknown>).prev, null);
 * ```
 */
export function auditEventToCbor(e: AuditEvent): CborValue {
  return { ...unsignedView(e), signature: nodeSignatureToCbor(e.signature) };
}

/**
 * Read an AuditEvent from its CBOR value (`FCP-1013` on a wrong shape, an unknown event type,
 * or a header that does not match).
 *
 * @example
 * ```ts
 * import { auditEventFromCbor, auditEventToCbor, createAuditEvent } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * const e = createAuditEvent({ zoneId: "z:work", seq: 2, prev: new Uint8Array(32).fill(1),
 *   occurredAt: 1, nodeId: "n", eventType: "secret.access", actor: "agent",
 *   traceContext: { traceId: new Uint8Array(16).fill(7), spanId: new Uint8Array(8), flags: 1 } },
 *   new Uint8Array(32));
 * assert.deepEqual(auditEventFromCbor(auditEventToCbor(e)), e);
 * assert.throws(() => auditEventFromCbor({ ...(auditEventToCbor(e) as object), event_type: "x" }), /FCP-1013/);
 * ```
 */
export function auditEventFromCbor(v: CborValue | undefined, what = "AuditEvent"): AuditEvent {
  const m = readRecord(v, what, [
    "header",
    "correlation_id",
    "trace_context",
    "event_type",
    "actor",
    "zone_id",
    "connector_id",
    "operation",
    "capability_token_jti",
    "request_object_id",
    "result_object_id",
    "prev",
    "seq",
    "occurred_at",
    "signature",
  ]);
  const traceContext = readOptional(m.trace_context, `${what}.trace_context`, traceFromCbor);
  const connectorId = readOptional(m.connector_id, `${what}.connector_id`, readText);
  const operation = readOptional(m.operation, `${what}.operation`, readText);
  const b = (n: number) => (x: CborValue, w: string) => readBytes(x, w, n);
  const jti = readOptional(m.capability_token_jti, `${what}.capability_token_jti`, b(16));
  const req = readOptional(m.request_object_id, `${what}.request_object_id`, b(32));
  const res = readOptional(m.result_object_id, `${what}.result_object_id`, b(32));
  const prev = readOptional(m.prev, `${what}.prev`, b(32));
  const e: AuditEvent = {
    header: headerFromCbor(m.header, `${what}.header`),
    correlationId: readBytes(m.correlation_id, `${what}.correlation_id`, 16),
    ...(traceContext === undefined ? {} : { traceContext }),
    eventType: readEnum(m.event_type, `${what}.event_type`, AUDIT_EVENT_TYPES),
    actor: readText(m.actor, `${what}.actor`),
    zoneId: parseZoneId(readText(m.zone_id, `${what}.zone_id`)),
    ...(connectorId === undefined ? {} : { connectorId }),
    ...(operation === undefined ? {} : { operation }),
    ...(jti === undefined ? {} : { capabilityTokenJti: jti }),
    ...(req === undefined ? {} : { requestObjectId: req }),
    ...(res === undefined ? {} : { resultObjectId: res }),
    ...(prev === undefined ? {} : { prev }),
    seq: readUint(m.seq, `${what}.seq`),
    occurredAt: readUint(m.occurred_at, `${what}.occurred_at`),
    signature: nodeSignatureFromCbor(m.signature, `${what}.signature`),
  };
  unsignedView(e);
  return e;
}

/**
 * Canonical CBOR bytes of an AuditEvent (no SchemaHash prefix; these are the bytes its
 * ObjectId is computed over).
 *
 * @example
 * ```ts
 * import { createAuditEvent, decodeAuditEvent, encodeAuditEvent } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 1, nodeId: "n",
 *   eventType: "token.mint", actor: "owner", capabilityTokenJti: new Uint8Array(16).fill(2) },
 *   new Uint8Array(32));
 * assert.deepEqual(decodeAuditEvent(encodeAuditEvent(e)), e);
 * ```
 */
export function encodeAuditEvent(e: AuditEvent): Uint8Array {
  return encodeCbor(auditEventToCbor(e));
}

/**
 * Strictly decode AuditEvent bytes: canonical CBOR (`FCP-1001`…`FCP-1010`), the exact field
 * set with absent options as `null` (a different but equivalent encoding is `FCP-1002`, so an
 * event has exactly one byte form and one ObjectId), and a valid shape (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { decodeAuditEvent } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeAuditEvent(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeAuditEvent(bytes: Uint8Array): AuditEvent {
  const e = auditEventFromCbor(decodeCbor(bytes));
  if (!equalBytes(encodeAuditEvent(e), bytes)) {
    throw new FcpError("FCP-1002", "AuditEvent bytes are not in their canonical field form");
  }
  return e;
}

/**
 * The zone-keyed ObjectId of an AuditEvent from its canonical bytes.
 *
 * @example
 * ```ts
 * import { auditEventId, auditEventIdOfBytes, createAuditEvent, encodeAuditEvent } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(9);
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 1, nodeId: "n",
 *   eventType: "node.stop", actor: "n" }, new Uint8Array(32));
 * assert.deepEqual(auditEventIdOfBytes("z:work", encodeAuditEvent(e), key), auditEventId(e, key));
 * ```
 */
export function auditEventIdOfBytes(
  zoneId: ZoneId | string,
  bytes: Uint8Array,
  objectIdKey: Uint8Array,
): ObjectId {
  return objectIdKeyed(objectIdKey, parseZoneId(zoneId), schemaHash(AUDIT_EVENT_SCHEMA), bytes);
}

/**
 * The zone-keyed ObjectId of an AuditEvent (WIRE.md §2).
 *
 * @example
 * ```ts
 * import { auditEventId, createAuditEvent } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * const e = createAuditEvent({ zoneId: "z:work", seq: 0, occurredAt: 1, nodeId: "n",
 *   eventType: "node.start", actor: "n" }, new Uint8Array(32));
 * assert.notDeepEqual(auditEventId(e, new Uint8Array(32)), auditEventId(e, new Uint8Array(32).fill(1)));
 * ```
 */
export function auditEventId(e: AuditEvent, objectIdKey: Uint8Array): ObjectId {
  return auditEventIdOfBytes(e.zoneId, encodeAuditEvent(e), objectIdKey);
}

/**
 * The decision an event records, for display: `allow` for `invoke`, `deny` for
 * `invoke.denied`, `error` for `invoke.failed`, `-` otherwise.
 *
 * @example
 * ```ts
 * import { auditDecision } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * assert.equal(auditDecision("invoke.denied"), "deny");
 * assert.equal(auditDecision("node.start"), "-");
 * ```
 */
export function auditDecision(type: AuditEventType): "allow" | "deny" | "error" | "-" {
  switch (type) {
    case "invoke":
      return "allow";
    case "invoke.denied":
      return "deny";
    case "invoke.failed":
      return "error";
    default:
      return "-";
  }
}

/**
 * The invoke request id an event belongs to, as `fcp invoke` printed it and `fcp explain`
 * takes it, or `null`. Events about a connector call (invoke, denial, failure, secret access)
 * carry the request id as their correlation id (spec §23.4 `correlation_id`); other events have
 * a random one, which names no request.
 *
 * @example
 * ```ts
 * import { auditRequestId } from "./audit_event.ts";
 * import assert from "node:assert/strict";
 * const correlationId = new Uint8Array(16).fill(0xab);
 * assert.equal(auditRequestId({ correlationId, connectorId: "fcp.fs" }),
 *   "abababab-abab-abab-abab-abababababab");
 * assert.equal(auditRequestId({ correlationId }), null);
 * ```
 */
export function auditRequestId(
  e: Pick<AuditEvent, "correlationId" | "connectorId">,
): string | null {
  return e.connectorId === undefined ? null : bytesToUuid(e.correlationId);
}
