import assert from "node:assert/strict";
import { decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import { objectIdKeyed, schemaHash } from "../model/mod.ts";
import {
  AUDIT_EVENT_SCHEMA,
  AUDIT_EVENT_TYPES,
  auditDecision,
  type AuditEvent,
  auditEventFromCbor,
  auditEventId,
  auditEventToCbor,
  createAuditEvent,
  decodeAuditEvent,
  encodeAuditEvent,
  verifyAuditEvent,
} from "./audit_event.ts";

const SEED = new Uint8Array(32).fill(0x11);
const PK = ed25519PublicKey(SEED);
const KEY = new Uint8Array(32).fill(0x22);

function full(): AuditEvent {
  return createAuditEvent({
    zoneId: "z:work",
    seq: 7,
    prev: new Uint8Array(32).fill(0xaa),
    occurredAt: 1_700_000_123,
    nodeId: "node-a",
    eventType: "invoke",
    actor: "agent:claude",
    correlationId: new Uint8Array(16).fill(1),
    traceContext: {
      traceId: Uint8Array.from({ length: 16 }, (_, i) => i),
      spanId: new Uint8Array(8).fill(0xff),
      flags: 1,
    },
    connectorId: "fcp.fs",
    operation: "fs.read",
    capabilityTokenJti: new Uint8Array(16).fill(3),
    requestObjectId: new Uint8Array(32).fill(4),
    resultObjectId: new Uint8Array(32).fill(5),
  }, SEED);
}

Deno.test("AuditEvent: full round trip, signature and zone-keyed id", () => {
  const e = full();
  verifyAuditEvent(e, PK);
  const bytes = encodeAuditEvent(e);
  assert.deepEqual(decodeAuditEvent(bytes), e);
  assert.deepEqual(
    auditEventId(e, KEY),
    objectIdKeyed(KEY, "z:work", schemaHash(AUDIT_EVENT_SCHEMA), bytes),
  );
  // header refs hold prev, foreign refs the request and result ids
  assert.deepEqual(e.header.refs, [e.prev]);
  assert.deepEqual(e.header.foreignRefs, [e.requestObjectId, e.resultObjectId]);
  // WIRE.md §1: trace ids are arrays of uints, not byte strings
  const m = decodeCbor(bytes) as Record<string, Record<string, unknown>>;
  assert.deepEqual(m.trace_context!.trace_id, Array.from({ length: 16 }, (_, i) => i));
  assert.ok(m.correlation_id instanceof Uint8Array);
});

Deno.test("AuditEvent: genesis encodes absent options as null", () => {
  const g = createAuditEvent({
    zoneId: "z:work",
    seq: 0,
    occurredAt: 1,
    nodeId: "n",
    eventType: "node.start",
    actor: "n",
  }, SEED);
  const m = auditEventToCbor(g) as Record<string, unknown>;
  for (
    const k of [
      "prev",
      "trace_context",
      "connector_id",
      "operation",
      "capability_token_jti",
      "request_object_id",
      "result_object_id",
    ]
  ) {
    assert.equal(m[k], null, k);
  }
  assert.deepEqual(decodeAuditEvent(encodeAuditEvent(g)), g);
});

Deno.test("AuditEvent: every field is covered by the signature", () => {
  const e = full();
  const variants: Partial<AuditEvent>[] = [
    { actor: "agent:other" },
    { eventType: "invoke.denied" },
    { seq: 8 },
    { prev: new Uint8Array(32).fill(0xab) },
    { occurredAt: e.occurredAt + 1 },
    { correlationId: new Uint8Array(16).fill(2) },
    { connectorId: "fcp.http" },
    { operation: "fs.write" },
    { requestObjectId: new Uint8Array(32).fill(9) },
    { signature: { ...e.signature, signedAt: e.signature.signedAt + 1 } },
    { signature: { ...e.signature, nodeId: "node-b" } },
  ];
  for (const v of variants) {
    assert.throws(
      () => verifyAuditEvent({ ...e, ...v }, PK),
      (x) => isFcpError(x, "FCP-2001"),
      JSON.stringify(Object.keys(v)),
    );
  }
  assert.throws(
    () => verifyAuditEvent(e, ed25519PublicKey(new Uint8Array(32).fill(0x12))),
    (x) => isFcpError(x, "FCP-2001"),
  );
});

Deno.test("AuditEvent: strict decoding refusals", () => {
  const e = full();
  const m = auditEventToCbor(e) as Record<string, unknown>;
  const enc = (o: Record<string, unknown>) => encodeCbor(o as never);
  // unknown event type (closed set)
  assert.throws(
    () => decodeAuditEvent(enc({ ...m, event_type: "capability.invoke" })),
    (x) => isFcpError(x, "FCP-1013"),
  );
  // unknown field
  assert.throws(() => decodeAuditEvent(enc({ ...m, extra: 1 })), (x) => isFcpError(x, "FCP-1013"));
  // an absent option must be null, not omitted: one byte form per event
  const g = auditEventToCbor(
    createAuditEvent({
      zoneId: "z:work",
      seq: 0,
      occurredAt: 1,
      nodeId: "n",
      eventType: "node.start",
      actor: "n",
    }, SEED),
  ) as Record<string, unknown>;
  const omitted = { ...g };
  delete omitted.connector_id;
  assert.throws(() => decodeAuditEvent(enc(omitted)), (x) => isFcpError(x, "FCP-1002"));
  // genesis must not have prev; later events must
  assert.throws(
    () => decodeAuditEvent(enc({ ...g, prev: new Uint8Array(32) })),
    (x) => isFcpError(x, "FCP-1013"),
  );
  assert.throws(
    () => decodeAuditEvent(enc({ ...m, prev: null })),
    (x) => isFcpError(x, "FCP-1013"),
  );
  // field sizes
  assert.throws(
    () => decodeAuditEvent(enc({ ...m, correlation_id: new Uint8Array(15) })),
    (x) => isFcpError(x, "FCP-1013"),
  );
  assert.throws(
    () =>
      decodeAuditEvent(
        enc({ ...m, trace_context: { trace_id: [1], span_id: [1], flags: 0 } }),
      ),
    (x) => isFcpError(x, "FCP-1013"),
  );
  // header of another zone
  assert.throws(
    () => auditEventFromCbor({ ...m, zone_id: "z:private" } as never),
    (x) => isFcpError(x, "FCP-1013"),
  );
  // non-canonical CBOR
  const bytes = encodeAuditEvent(e);
  const bad = new Uint8Array([0xbf, ...bytes.slice(1), 0xff]);
  assert.throws(() => decodeAuditEvent(bad), (x) => isFcpError(x));
});

Deno.test("AuditEvent: creation refusals", () => {
  const base = { zoneId: "z:work", seq: 0, occurredAt: 1, nodeId: "n", actor: "a" } as const;
  assert.throws(
    () => createAuditEvent({ ...base, eventType: "nope" as never }, SEED),
    (x) => isFcpError(x, "FCP-1013"),
  );
  assert.throws(
    () => createAuditEvent({ ...base, eventType: "invoke", actor: "" }, SEED),
    (x) => isFcpError(x, "FCP-1013"),
  );
  assert.throws(
    () => createAuditEvent({ ...base, eventType: "invoke", seq: 1 }, SEED),
    (x) => isFcpError(x, "FCP-1013"),
  );
  assert.throws(
    () =>
      createAuditEvent({
        ...base,
        eventType: "invoke",
        traceContext: { traceId: new Uint8Array(16), spanId: new Uint8Array(8), flags: 256 },
      }, SEED),
    (x) => isFcpError(x, "FCP-1013"),
  );
  assert.throws(
    () => createAuditEvent({ ...base, zoneId: "work", eventType: "invoke" }, SEED),
    (x) => isFcpError(x, "FCP-4001"),
  );
});

Deno.test("AuditEvent: ids differ per zone key and content; decisions", () => {
  const e = full();
  const a = toHex(auditEventId(e, KEY));
  assert.notEqual(a, toHex(auditEventId(e, new Uint8Array(32).fill(0x23))));
  assert.notEqual(a, toHex(auditEventId({ ...e, actor: "x" }, KEY)));
  assert.equal(new Set(AUDIT_EVENT_TYPES).size, AUDIT_EVENT_TYPES.length);
  assert.deepEqual(
    AUDIT_EVENT_TYPES.filter((t) => auditDecision(t) !== "-"),
    ["invoke", "invoke.denied", "invoke.failed"],
  );
});
