import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  approvalCovers,
  approvalTokenId,
  createApprovalToken,
  decodeApprovalToken,
  encodeApprovalToken,
  requireApproval,
  verifyApprovalToken,
} from "./approval.ts";

const OWNER = new Uint8Array(32).fill(1);
const PK = ed25519PublicKey(OWNER);
const obj = new Uint8Array(32).fill(9);

function declass(now = 100) {
  return createApprovalToken({
    zoneId: "z:private",
    scope: { kind: "Declassification", fromZone: "z:private", toZone: "z:work", objectIds: [obj] },
    justification: "share report",
    approvedBy: "owner",
    now,
  }, OWNER);
}

Deno.test("approval: round trip and id", () => {
  const t = declass();
  assert.deepEqual(decodeApprovalToken(encodeApprovalToken(t)), t);
  assert.equal(t.header.ttlSecs, 300);
  const a = approvalTokenId(t, new Uint8Array(32));
  assert.notDeepEqual(a, approvalTokenId(declass(101), new Uint8Array(32)));
  const exec = createApprovalToken({
    zoneId: "z:work",
    scope: {
      kind: "Execution",
      connectorId: "gmail",
      methodPattern: "send*",
      requestObjectId: obj,
    },
    justification: "j",
    approvedBy: "owner",
    now: 1,
    ttlSecs: 60,
  }, OWNER);
  assert.deepEqual(decodeApprovalToken(encodeApprovalToken(exec)), exec);
});

Deno.test("approval: missing approval is FCP-3006", () => {
  assert.throws(
    () => requireApproval(undefined, { kind: "Elevation", operation: "x" }, PK, 1),
    (e) => isFcpError(e, "FCP-3006"),
  );
});

Deno.test("approval: expired and not-yet-valid approvals are FCP-3006", () => {
  const t = declass(100);
  verifyApprovalToken(t, PK, 400);
  assert.throws(() => verifyApprovalToken(t, PK, 401), (e) => isFcpError(e, "FCP-3006"));
  assert.throws(() => verifyApprovalToken(t, PK, 99), (e) => isFcpError(e, "FCP-3006"));
});

Deno.test("approval: wrong signer or tampered scope is FCP-2001", () => {
  const t = declass();
  assert.throws(
    () => verifyApprovalToken(t, ed25519PublicKey(new Uint8Array(32).fill(2)), 150),
    (e) => isFcpError(e, "FCP-2001"),
  );
  const widened = { ...t, scope: { ...t.scope, toZone: "z:public" } } as typeof t;
  assert.throws(() => verifyApprovalToken(widened, PK, 150), (e) => isFcpError(e, "FCP-2001"));
  assert.throws(
    () => verifyApprovalToken({ ...t, expiresAt: 10_000 }, PK, 150),
    (e) => isFcpError(e, "FCP-2001"),
  );
});

Deno.test("approval: scope must cover the need (zones, objects, operation, method, request)", () => {
  const t = declass();
  const need = {
    kind: "Declassification",
    fromZone: "z:private",
    toZone: "z:work",
    objectIds: [obj],
  } as const;
  requireApproval(t, need, PK, 150);
  assert.throws(
    () => requireApproval(t, { ...need, toZone: "z:public" }, PK, 150),
    (e) => isFcpError(e, "FCP-3006"),
  );
  assert.throws(
    () => requireApproval(t, { ...need, objectIds: [new Uint8Array(32)] }, PK, 150),
    (e) => isFcpError(e, "FCP-3006"),
  );
  assert.throws(
    () => requireApproval(t, { kind: "Elevation", operation: "x" }, PK, 150),
    (e) => isFcpError(e, "FCP-3006"),
  );
  const exec = {
    kind: "Execution",
    connectorId: "gmail",
    methodPattern: "send*",
    requestObjectId: obj,
  } as const;
  assert.ok(
    approvalCovers(exec, {
      kind: "Execution",
      connectorId: "gmail",
      method: "send_mail",
      requestObjectId: obj,
    }),
  );
  assert.ok(
    !approvalCovers(exec, { kind: "Execution", connectorId: "gmail", method: "send_mail" }),
  );
  assert.ok(
    !approvalCovers(exec, {
      kind: "Execution",
      connectorId: "slack",
      method: "send_mail",
      requestObjectId: obj,
    }),
  );
  const elev = { kind: "Elevation", operation: "fs.write", objectIds: [obj] } as const;
  assert.ok(approvalCovers(elev, { kind: "Elevation", operation: "fs.write", objectIds: [obj] }));
  assert.ok(!approvalCovers(elev, { kind: "Elevation", operation: "fs.delete" }));
});

Deno.test("approval: invalid method pattern refused (FCP-4007)", () => {
  assert.throws(() =>
    createApprovalToken({
      zoneId: "z:work",
      scope: { kind: "Execution", connectorId: "c", methodPattern: "send.(all)" },
      justification: "j",
      approvedBy: "owner",
      now: 1,
    }, OWNER), (e) => isFcpError(e, "FCP-4007"));
});
