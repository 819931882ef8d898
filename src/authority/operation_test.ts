import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import type { ObjectHeader } from "../model/mod.ts";
import {
  bytesToUuid,
  checkIntentLease,
  decodeOperationIntent,
  decodeOperationReceipt,
  encodeOperationIntent,
  encodeOperationReceipt,
  intentSignableBytes,
  OPERATION_INTENT_SCHEMA,
  OPERATION_RECEIPT_SCHEMA,
  operationIntentToCbor,
  operationObjectId,
  operationReceiptToCbor,
  receiptSignableBytes,
  signOperationIntent,
  signOperationReceipt,
  type UnsignedOperationIntent,
  type UnsignedOperationReceipt,
  uuidToBytes,
  verifyOperationIntent,
  verifyOperationReceipt,
} from "./operation.ts";

const SEED = new Uint8Array(32).fill(8);
const PK = ed25519PublicKey(SEED);
const LEASE = new Uint8Array(32).fill(0x1e);

function header(schema = OPERATION_INTENT_SCHEMA, refs: Uint8Array[] = []): ObjectHeader {
  return {
    schema,
    zoneId: "z:work",
    createdAt: 1704067200,
    provenance: { originZone: "z:work", chain: [], taint: "Untainted", elevated: false },
    refs,
    foreignRefs: [],
  };
}

const intent: UnsignedOperationIntent = {
  header: header(OPERATION_INTENT_SCHEMA, [LEASE]),
  requestObjectId: new Uint8Array(32).fill(1),
  capabilityTokenJti: uuidToBytes("01020304-0506-0708-090a-0b0c0d0e0f10"),
  idempotencyKey: "idem",
  plannedAt: 1704067200,
  plannedBy: "node-a",
  leaseSeq: 42,
};

Deno.test("operation: uuid round trip", () => {
  assert.equal(
    bytesToUuid(uuidToBytes("01020304-0506-0708-090A-0b0c0d0e0f10")),
    "01020304-0506-0708-090a-0b0c0d0e0f10",
  );
  assert.throws(
    () => uuidToBytes("01020304050607080910111213141516"),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("operation: intent sign/verify/round trip; tamper refused", () => {
  const i = signOperationIntent(intent, SEED, {
    tier: "Dangerous",
    signedAt: 5,
    leaseObjectId: LEASE,
  });
  verifyOperationIntent(i, PK);
  assert.deepEqual(decodeOperationIntent(encodeOperationIntent(i)), i);
  for (
    const t of [
      { ...i, leaseSeq: 43 },
      (({ idempotencyKey: _k, ...rest }) => rest)(i),
      { ...i, capabilityTokenJti: new Uint8Array(16) },
      { ...i, header: header(OPERATION_INTENT_SCHEMA, []) },
    ]
  ) {
    assert.throws(() => verifyOperationIntent(t, PK), (e) => isFcpError(e, "FCP-2001"));
  }
  assert.throws(
    () => verifyOperationIntent(i, ed25519PublicKey(new Uint8Array(32))),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.throws(
    () => verifyOperationIntent({ ...i, signature: { ...i.signature, nodeId: "node-b" } }, PK),
    (e) => isFcpError(e, "FCP-2001"),
  );
});

Deno.test("operation: Risky/Dangerous intents must reference the ExecutionLease (FCP-1013)", () => {
  const shape = (e: unknown) => isFcpError(e, "FCP-1013");
  for (const tier of ["Risky", "Dangerous", "CriticalWrite"] as const) {
    assert.throws(() => checkIntentLease(intent, tier), shape, `${tier}: no lease given`);
    assert.throws(
      () => checkIntentLease({ ...intent, header: header() }, tier, LEASE),
      shape,
      `${tier}: lease not in refs`,
    );
    const { leaseSeq: _, ...noSeq } = intent;
    assert.throws(() => checkIntentLease(noSeq, tier, LEASE), shape, `${tier}: no lease_seq`);
    checkIntentLease(intent, tier, LEASE);
  }
  checkIntentLease({ ...intent, header: header() }, "Safe");
  assert.throws(
    () =>
      signOperationIntent({ ...intent, header: header() }, SEED, {
        tier: "Risky",
        signedAt: 1,
        leaseObjectId: LEASE,
      }),
    shape,
  );
});

Deno.test("operation: intent CBOR encodes absent options as null", () => {
  const { idempotencyKey: _a, leaseSeq: _b, ...min } = intent;
  const i = signOperationIntent(min, SEED, { tier: "Safe", signedAt: 1 });
  const v = operationIntentToCbor(i) as Record<string, unknown>;
  assert.equal(v.idempotency_key, null);
  assert.equal(v.lease_seq, null);
  assert.equal(v.upstream_idempotency, null);
  assert.equal((v.capability_token_jti as Uint8Array).length, 16);
  assert.deepEqual(decodeOperationIntent(encodeOperationIntent(i)), i);
});

Deno.test("operation: intent transcript layout of optional parts", () => {
  const { idempotencyKey: _a, leaseSeq: _b, ...min } = intent;
  const a = intentSignableBytes(min);
  const b = intentSignableBytes({ ...min, upstreamIdempotency: "up" });
  assert.equal(toHex(a.slice(-1)), "00");
  assert.equal(toHex(b.slice(-7)), "01020000007570");
  assert.throws(
    () => intentSignableBytes({ ...min, capabilityTokenJti: new Uint8Array(15) }),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

const receipt: UnsignedOperationReceipt = {
  header: header(OPERATION_RECEIPT_SCHEMA, [new Uint8Array(32).fill(0x17)]),
  requestObjectId: new Uint8Array(32).fill(1),
  outcomeObjectIds: [new Uint8Array(32).fill(2)],
  resourceObjectIds: [],
  usageMetrics: [{ kind: "api_calls", amount: 3, unit: "calls" }],
  executedAt: 1704067300,
  executedBy: "node-a",
};

Deno.test("operation: receipt sign/verify/round trip, intent ref required", () => {
  const intentId = new Uint8Array(32).fill(0x17);
  const r = signOperationReceipt(receipt, SEED, { signedAt: 9, intentId });
  verifyOperationReceipt(r, PK);
  assert.deepEqual(decodeOperationReceipt(encodeOperationReceipt(r)), r);
  assert.throws(
    () => signOperationReceipt(receipt, SEED, { signedAt: 9, intentId: new Uint8Array(32) }),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () => verifyOperationReceipt({ ...r, outcomeObjectIds: [] }, PK),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.throws(
    () =>
      verifyOperationReceipt({
        ...r,
        usageMetrics: [{ kind: "api_calls", amount: 4, unit: "calls" }],
      }, PK),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.notDeepEqual(
    operationObjectId(r, new Uint8Array(32)),
    operationObjectId(
      signOperationIntent(intent, SEED, { tier: "Safe", signedAt: 1 }),
      new Uint8Array(32),
    ),
  );
});

Deno.test("operation: receipt usage_metrics omitted when absent; transcript flag byte", () => {
  const { usageMetrics: _u, ...noMetrics } = receipt;
  const r = signOperationReceipt(noMetrics, SEED, { signedAt: 1 });
  const v = operationReceiptToCbor(r) as Record<string, unknown>;
  assert.equal(v.usage_metrics, undefined);
  assert.equal(v.idempotency_key, null);
  assert.deepEqual(decodeOperationReceipt(encodeOperationReceipt(r)), r);
  const withM = receiptSignableBytes(receipt);
  const without = receiptSignableBytes(noMetrics);
  // 01 ‖ u32 1 ‖ lp("api_calls") ‖ u64 3 ‖ 01 lp("calls") ‖ 00  replaces the single 00
  assert.equal(withM.length - without.length, 4 + (4 + 9) + 8 + (1 + 4 + 5) + 1);
});
