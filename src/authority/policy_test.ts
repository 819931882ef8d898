import assert from "node:assert/strict";
import { encodeCbor } from "../cbor/mod.ts";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  type AccessRequest,
  createZonePolicyObject,
  decodeZonePolicyObject,
  defaultPolicy,
  encodeZonePolicyObject,
  evaluatePolicy,
  requirePolicyAllow,
  verifyZonePolicyObject,
  zonePolicy,
  zonePolicyFromCbor,
  zonePolicyObjectId,
  zonePolicyToCbor,
} from "./policy.ts";

const req: AccessRequest = {
  principal: "user:alice",
  connectorId: "connector:gmail",
  capability: "cap:read:inbox",
  operation: "gmail.list",
  zoneId: "z:work",
};

const open = zonePolicy({
  zoneId: "z:work",
  principalsAllow: ["user:*"],
  connectorsAllow: ["connector:gmail", "connector:slack-*"],
  capAllow: ["cap:read:*"],
});

Deno.test("policy: default policy denies everything (default deny)", () => {
  const d = evaluatePolicy(defaultPolicy("z:work"), req);
  assert.deepEqual(d, { allow: false, reasonCode: "policy.default_deny" });
  assert.throws(() => requirePolicyAllow(d), (e) => isFcpError(e, "FCP-4003"));
});

Deno.test("policy: allowed when all three lists admit", () => {
  const d = evaluatePolicy(open, req);
  assert.deepEqual(d, {
    allow: true,
    reasonCode: "policy.allowed",
    matchedRule: "cap_allow:cap:read:*",
  });
  requirePolicyAllow(d);
});

Deno.test("policy: connector allow list is enforced even when the capability is allowed", () => {
  const d = evaluatePolicy(open, { ...req, connectorId: "connector:github" });
  assert.deepEqual([d.allow, d.reasonCode], [false, "policy.connector_not_allowed"]);
  // ... also with default_deny false (the allow list is never advisory)
  const lax = zonePolicy({ ...open, defaultDeny: false });
  assert.equal(
    evaluatePolicy(lax, { ...req, connectorId: "connector:github" }).reasonCode,
    "policy.connector_not_allowed",
  );
  assert.equal(evaluatePolicy(open, { ...req, connectorId: "connector:slack-prod" }).allow, true);
});

Deno.test("policy: deny beats allow in every list", () => {
  const p = zonePolicy({
    ...open,
    principalsDeny: ["user:mallory"],
    connectorsDeny: ["connector:slack-legacy"],
    capDeny: ["cap:read:secrets*"],
  });
  const pd = evaluatePolicy(p, { ...req, principal: "user:mallory" });
  assert.deepEqual(pd, {
    allow: false,
    reasonCode: "policy.principal_denied",
    matchedRule: "principals_deny:user:mallory",
  });
  assert.equal(
    evaluatePolicy(p, { ...req, connectorId: "connector:slack-legacy" }).reasonCode,
    "policy.connector_denied",
  );
  assert.equal(
    evaluatePolicy(p, { ...req, capability: "cap:read:secrets.db" }).reasonCode,
    "policy.capability_denied",
  );
});

Deno.test("policy: principal and capability not in allow list", () => {
  assert.equal(
    evaluatePolicy(open, { ...req, principal: "bot:x" }).reasonCode,
    "policy.principal_not_allowed",
  );
  assert.equal(
    evaluatePolicy(open, { ...req, capability: "cap:write:inbox" }).reasonCode,
    "policy.capability_not_allowed",
  );
});

Deno.test("policy: empty allow list is default deny, or no restriction when default_deny is false", () => {
  const p = zonePolicy({ zoneId: "z:work", principalsAllow: ["*"], connectorsAllow: ["*"] });
  assert.equal(evaluatePolicy(p, req).reasonCode, "policy.default_deny");
  const lax = zonePolicy({ zoneId: "z:work", defaultDeny: false, capDeny: ["cap:write:*"] });
  assert.equal(evaluatePolicy(lax, req).allow, true);
  assert.equal(evaluatePolicy(lax, { ...req, capability: "cap:write:x" }).allow, false);
});

Deno.test("policy: other zone is denied", () => {
  assert.equal(
    evaluatePolicy(open, { ...req, zoneId: "z:private" }).reasonCode,
    "policy.zone_mismatch",
  );
});

Deno.test("policy: invalid patterns are refused at construction and decode (FCP-4007)", () => {
  assert.throws(
    () => zonePolicy({ zoneId: "z:work", principalsAllow: ["user:[a-z]*"] }),
    (e) => isFcpError(e, "FCP-4007"),
  );
  assert.throws(
    () => zonePolicy({ zoneId: "z:work", connectorsDeny: ["c".repeat(129)] }),
    (e) => isFcpError(e, "FCP-4007"),
  );
  const v = zonePolicyToCbor(open) as Record<string, unknown>;
  assert.throws(
    () => zonePolicyFromCbor({ ...v, cap_allow: ["cap:é"] } as never, "z:work"),
    (e) => isFcpError(e, "FCP-4007"),
  );
  assert.throws(
    () => zonePolicyFromCbor({ ...v, default_deny: 1 } as never, "z:work"),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

Deno.test("policy object: owner-signed, round trip, tamper and wrong signer refused", () => {
  const owner = new Uint8Array(32).fill(1);
  const pk = ed25519PublicKey(owner);
  const o = createZonePolicyObject(open, { now: 10 }, owner);
  verifyZonePolicyObject(o, pk);
  const bytes = encodeZonePolicyObject(o);
  assert.deepEqual(decodeZonePolicyObject(bytes), o);
  const o2 = createZonePolicyObject(defaultPolicy("z:work"), {
    now: 11,
    prev: zonePolicyObjectId(o, new Uint8Array(32)),
  }, owner);
  verifyZonePolicyObject(o2, pk);
  assert.deepEqual(decodeZonePolicyObject(encodeZonePolicyObject(o2)), o2);
  const tampered = { ...o, policy: zonePolicy({ ...open, connectorsAllow: ["*"] }) };
  assert.throws(() => verifyZonePolicyObject(tampered, pk), (e) => isFcpError(e, "FCP-2001"));
  assert.throws(
    () => verifyZonePolicyObject(o, ed25519PublicKey(new Uint8Array(32).fill(2))),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.throws(
    () => verifyZonePolicyObject({ ...o, policy: defaultPolicy("z:private") }, pk),
    (e) => isFcpError(e, "FCP-4002"),
  );
  assert.throws(() => decodeZonePolicyObject(encodeCbor([1])), (e) => isFcpError(e, "FCP-1013"));
});
