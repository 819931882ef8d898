import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import { createApprovalToken } from "./approval.ts";
import {
  applySanitizerReceipt,
  checkTaint,
  crossZone,
  effectiveConfidentiality,
  effectiveIntegrity,
  effectiveTaint,
  elevateIntegrity,
  mergeProvenance,
  originDataProvenance,
  requireTaintAllowed,
  toHeaderProvenance,
  zoneLevels,
} from "./provenance.ts";
import { createSanitizerReceipt } from "./sanitizer.ts";
import { TAINT_FLAGS } from "./taint.ts";

const OWNER = new Uint8Array(32).fill(1);
const OWNER_PK = ed25519PublicKey(OWNER);
const OBJ = new Uint8Array(32).fill(3);
const APPROVAL_ID = new Uint8Array(32).fill(4);

Deno.test("provenance: zone levels from the genesis zones; unknown zone refused", () => {
  assert.deepEqual(zoneLevels("z:owner"), { integrity: 255, confidentiality: 255 });
  assert.deepEqual(zoneLevels("z:community"), { integrity: 100, confidentiality: 100 });
  assert.throws(() => zoneLevels("z:project:x"), (e) => isFcpError(e, "FCP-6001"));
});

Deno.test("provenance: merge is MIN integrity, MAX confidentiality, OR taint, order-independent", () => {
  const a = originDataProvenance({ zone: "z:private", now: 0, taint: TAINT_FLAGS.USER_SUPPLIED });
  const b = originDataProvenance({ zone: "z:public", now: 0, taint: TAINT_FLAGS.PUBLIC_INPUT });
  const c = originDataProvenance({ zone: "z:work", now: 0 });
  for (const order of [[a, b, c], [c, b, a], [b, a, c]]) {
    const m = mergeProvenance(order);
    assert.equal(m.integrityLabel, 50);
    assert.equal(m.confidentialityLabel, 200);
    assert.equal(m.taint, TAINT_FLAGS.USER_SUPPLIED | TAINT_FLAGS.PUBLIC_INPUT);
  }
  assert.throws(() => mergeProvenance([]), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("provenance: merge uses effective (adjusted) labels", () => {
  const pub = originDataProvenance({ zone: "z:public", now: 0 });
  const approval = createApprovalToken({
    zoneId: "z:work",
    justification: "reviewed",
    approvedBy: "owner",
    now: 1,
    scope: { kind: "Elevation", operation: "doc.publish", objectIds: [OBJ] },
  }, OWNER);
  const elevated = elevateIntegrity(pub, {
    operation: "doc.publish",
    objectId: OBJ,
    now: 2,
    approval,
    approvalId: APPROVAL_ID,
    ownerPublicKey: OWNER_PK,
    to: 150,
  });
  assert.equal(effectiveIntegrity(elevated), 150);
  const m = mergeProvenance([elevated, originDataProvenance({ zone: "z:private", now: 0 })]);
  assert.equal(m.integrityLabel, 150);
});

Deno.test("provenance: crossing up records a crossing and a step without approval", () => {
  const p = originDataProvenance({ zone: "z:public", now: 0 });
  const q = crossZone(p, { toZone: "z:work", now: 7, actor: "node-a" });
  assert.equal(q.currentZone, "z:work");
  assert.equal(q.originZone, "z:public");
  assert.deepEqual(q.zoneCrossings, [{ fromZone: "z:public", toZone: "z:work", crossedAt: 7 }]);
  assert.deepEqual(q.chain, [{
    timestampMs: 7000,
    zone: "z:work",
    actor: "node-a",
    action: "zone_crossing",
    resource: "z:public->z:work",
  }]);
  assert.equal(effectiveIntegrity(q), 50, "crossing does not raise integrity");
});

Deno.test("provenance: declassification needs a covering approval (FCP-3006)", () => {
  const p = originDataProvenance({ zone: "z:private", now: 0 });
  assert.throws(
    () => crossZone(p, { toZone: "z:work", now: 5, actor: "n" }),
    (e) => isFcpError(e, "FCP-3006"),
  );
  const wrongZone = createApprovalToken({
    zoneId: "z:private",
    justification: "j",
    approvedBy: "owner",
    now: 1,
    scope: {
      kind: "Declassification",
      fromZone: "z:private",
      toZone: "z:public",
      objectIds: [OBJ],
    },
  }, OWNER);
  assert.throws(
    () =>
      crossZone(p, {
        toZone: "z:work",
        now: 5,
        actor: "n",
        objectId: OBJ,
        approval: wrongZone,
        approvalId: APPROVAL_ID,
        ownerPublicKey: OWNER_PK,
      }),
    (e) => isFcpError(e, "FCP-3006"),
  );
  const ok = createApprovalToken({
    zoneId: "z:private",
    justification: "j",
    approvedBy: "owner",
    now: 1,
    scope: { kind: "Declassification", fromZone: "z:private", toZone: "z:work", objectIds: [OBJ] },
  }, OWNER);
  const q = crossZone(p, {
    toZone: "z:work",
    now: 5,
    actor: "n",
    objectId: OBJ,
    approval: ok,
    approvalId: APPROVAL_ID,
    ownerPublicKey: OWNER_PK,
  });
  assert.equal(effectiveConfidentiality(q), 150);
  assert.deepEqual(q.zoneCrossings[0]!.authorizedBy, APPROVAL_ID);
  assert.equal(q.labelAdjustments[0]!.kind, "ConfidentialityDeclassified");
  // an expired approval does not work
  assert.throws(
    () =>
      crossZone(p, {
        toZone: "z:work",
        now: 1000,
        actor: "n",
        objectId: OBJ,
        approval: ok,
        approvalId: APPROVAL_ID,
        ownerPublicKey: OWNER_PK,
      }),
    (e) => isFcpError(e, "FCP-3006"),
  );
  // a forged approval is a signature failure
  const forged = createApprovalToken({
    zoneId: "z:private",
    justification: "j",
    approvedBy: "owner",
    now: 1,
    scope: { kind: "Declassification", fromZone: "z:private", toZone: "z:work", objectIds: [OBJ] },
  }, new Uint8Array(32).fill(2));
  assert.throws(
    () =>
      crossZone(p, {
        toZone: "z:work",
        now: 5,
        actor: "n",
        objectId: OBJ,
        approval: forged,
        approvalId: APPROVAL_ID,
        ownerPublicKey: OWNER_PK,
      }),
    (e) => isFcpError(e, "FCP-2001"),
  );
});

Deno.test("provenance: elevation without approval is FCP-3006; approval for another op too", () => {
  const p = originDataProvenance({ zone: "z:public", now: 0 });
  assert.throws(
    () =>
      elevateIntegrity(p, {
        operation: "op",
        now: 1,
        approval: undefined,
        approvalId: APPROVAL_ID,
        ownerPublicKey: OWNER_PK,
      }),
    (e) => isFcpError(e, "FCP-3006"),
  );
  const other = createApprovalToken({
    zoneId: "z:work",
    justification: "j",
    approvedBy: "owner",
    now: 1,
    scope: { kind: "Elevation", operation: "other", objectIds: [] },
  }, OWNER);
  assert.throws(
    () =>
      elevateIntegrity(p, {
        operation: "op",
        now: 2,
        approval: other,
        approvalId: APPROVAL_ID,
        ownerPublicKey: OWNER_PK,
      }),
    (e) => isFcpError(e, "FCP-3006"),
  );
});

Deno.test("provenance: sanitizer reduces only the named taint, only for covered objects", () => {
  const seed = new Uint8Array(32).fill(5);
  const p = originDataProvenance({
    zone: "z:work",
    now: 0,
    taint: TAINT_FLAGS.UNVERIFIED_LINK | TAINT_FLAGS.PUBLIC_INPUT | TAINT_FLAGS.PROMPT_SURFACE,
  });
  const r = createSanitizerReceipt({
    zoneId: "z:work",
    sanitizerConnector: "urlscan",
    sanitizerOperation: "scan",
    inputs: [OBJ],
    clears: TAINT_FLAGS.UNVERIFIED_LINK,
    executedBy: "node-a",
    now: 1,
  }, seed);
  const q = applySanitizerReceipt(p, {
    receipt: r,
    receiptId: new Uint8Array(32).fill(6),
    objectId: OBJ,
    nodePublicKey: ed25519PublicKey(seed),
    now: 2,
  });
  assert.equal(effectiveTaint(q), TAINT_FLAGS.PUBLIC_INPUT | TAINT_FLAGS.PROMPT_SURFACE);
  assert.equal(q.taint, p.taint, "raw flags are kept; the reduction is proof-carrying");
  assert.throws(
    () =>
      applySanitizerReceipt(p, {
        receipt: r,
        receiptId: new Uint8Array(32),
        objectId: new Uint8Array(32).fill(8),
        nodePublicKey: ed25519PublicKey(seed),
        now: 2,
      }),
    (e) => isFcpError(e, "FCP-4004"),
  );
  assert.throws(
    () =>
      applySanitizerReceipt(p, {
        receipt: { ...r, clears: 31 },
        receiptId: new Uint8Array(32),
        objectId: OBJ,
        nodePublicKey: ed25519PublicKey(seed),
        now: 2,
      }),
    (e) => isFcpError(e, "FCP-2001"),
  );
});

Deno.test("provenance: public input to a Dangerous operation is denied unless approved", () => {
  const p = originDataProvenance({ zone: "z:public", now: 0, taint: TAINT_FLAGS.PUBLIC_INPUT });
  const opts = {
    operation: "fs.delete",
    tier: "Dangerous" as const,
    targetZone: "z:work",
    now: 10,
  };
  const d = checkTaint(p, opts);
  assert.deepEqual(d, { allow: false, reasonCode: "taint.public_input_dangerous", evidence: [] });
  assert.throws(() => requireTaintAllowed(d), (e) => isFcpError(e, "FCP-4004"));
  assert.equal(
    checkTaint(p, { ...opts, tier: "CriticalWrite" }).reasonCode,
    "taint.public_input_dangerous",
  );
  const approval = createApprovalToken({
    zoneId: "z:work",
    justification: "j",
    approvedBy: "owner",
    now: 5,
    scope: { kind: "Elevation", operation: "fs.delete", objectIds: [] },
  }, OWNER);
  const ok = checkTaint(p, {
    ...opts,
    approval,
    approvalId: APPROVAL_ID,
    ownerPublicKey: OWNER_PK,
  });
  assert.deepEqual(ok, { allow: true, reasonCode: "taint.approved", evidence: [APPROVAL_ID] });
  const forged = createApprovalToken({
    zoneId: "z:work",
    justification: "j",
    approvedBy: "owner",
    now: 5,
    scope: { kind: "Elevation", operation: "fs.delete", objectIds: [] },
  }, new Uint8Array(32).fill(2));
  assert.equal(
    checkTaint(p, { ...opts, approval: forged, approvalId: APPROVAL_ID, ownerPublicKey: OWNER_PK })
      .allow,
    false,
  );
});

Deno.test("provenance: tainted low-integrity data for a Risky op uphill requires elevation", () => {
  const p = originDataProvenance({
    zone: "z:community",
    now: 0,
    taint: TAINT_FLAGS.EXTERNAL_INPUT,
  });
  const d = checkTaint(p, { operation: "mail.send", tier: "Risky", targetZone: "z:work", now: 1 });
  assert.equal(d.reasonCode, "taint.elevation_required");
  assert.throws(() => requireTaintAllowed(d), (e) => isFcpError(e, "FCP-3006"));
  assert.equal(
    checkTaint(p, { operation: "mail.send", tier: "Safe", targetZone: "z:work", now: 1 }).allow,
    true,
  );
  assert.equal(
    checkTaint(p, { operation: "mail.send", tier: "Risky", targetZone: "z:public", now: 1 }).allow,
    true,
  );
  const clean = originDataProvenance({ zone: "z:community", now: 0 });
  assert.equal(
    checkTaint(clean, { operation: "mail.send", tier: "Risky", targetZone: "z:work", now: 1 })
      .reasonCode,
    "taint.allowed",
  );
});

Deno.test("provenance: header projection", () => {
  const p = originDataProvenance({ zone: "z:work", now: 0, taint: TAINT_FLAGS.USER_SUPPLIED });
  const q = crossZone(p, { toZone: "z:owner", now: 3, actor: "n" });
  const h = toHeaderProvenance(q);
  assert.equal(h.taint, "Tainted");
  assert.equal(h.chain.length, 1);
  assert.equal(h.elevated, false);
});
