import assert from "node:assert/strict";
import { encodeCbor } from "../cbor/mod.ts";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  createDecisionReceipt,
  DECISION_REASONS,
  decisionReceiptId,
  decodeDecisionReceipt,
  encodeDecisionReceipt,
  verifyDecisionReceipt,
} from "./decision_receipt.ts";

const SEED = new Uint8Array(32).fill(6);
const PK = ed25519PublicKey(SEED);
const base = {
  zoneId: "z:work",
  requestObjectId: new Uint8Array(32).fill(1),
  decision: "deny" as const,
  reasonCode: DECISION_REASONS.staleFrontier,
  evidence: [new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)],
  explanation: "revocation frontier is 600 s old",
  decidedBy: "node-a",
  now: 100,
};

Deno.test("decision receipt: sign, verify, round trip, CBOR keys", () => {
  const r = createDecisionReceipt(base, SEED);
  verifyDecisionReceipt(r, PK);
  const bytes = encodeDecisionReceipt(r);
  assert.deepEqual(decodeDecisionReceipt(bytes), r);
  assert.deepEqual(r.header.foreignRefs, base.evidence);
  const { explanation: _e, ...noExplParams } = base;
  const noExpl = createDecisionReceipt(noExplParams, SEED);
  assert.equal(noExpl.explanation, undefined);
  assert.deepEqual(decodeDecisionReceipt(encodeDecisionReceipt(noExpl)), noExpl);
  assert.notDeepEqual(
    decisionReceiptId(r, new Uint8Array(32)),
    decisionReceiptId(noExpl, new Uint8Array(32)),
  );
});

Deno.test("decision receipt: every tampered field fails (FCP-2001)", () => {
  const r = createDecisionReceipt(base, SEED);
  const tampered = [
    { ...r, decision: "allow" as const },
    { ...r, reasonCode: "policy.allowed" },
    { ...r, evidence: [base.evidence[0]!] },
    { ...r, explanation: "fine" },
    { ...r, requestObjectId: new Uint8Array(32) },
    { ...r, signature: { ...r.signature, nodeId: "node-b" } },
    { ...r, signature: { ...r.signature, signedAt: 101 } },
  ];
  for (const t of tampered) {
    assert.throws(() => verifyDecisionReceipt(t, PK), (e) => isFcpError(e, "FCP-2001"));
  }
  assert.throws(
    () => verifyDecisionReceipt(r, ed25519PublicKey(new Uint8Array(32))),
    (e) => isFcpError(e, "FCP-2001"),
  );
});

Deno.test("decision receipt: malformed reason codes and decisions refused", () => {
  assert.throws(
    () => createDecisionReceipt({ ...base, reasonCode: "Stale Frontier" }, SEED),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () => createDecisionReceipt({ ...base, reasonCode: "nodot" }, SEED),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () => createDecisionReceipt({ ...base, decision: "maybe" as "allow" }, SEED),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () => decodeDecisionReceipt(encodeCbor({ a: 1 })),
    (e) => isFcpError(e, "FCP-1013"),
  );
});
