import assert from "node:assert/strict";
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import { coseSign1 } from "./cose.ts";
import { Ed25519Key } from "./keys.ts";
import {
  CLAIM,
  claimsFromMap,
  claimsToMap,
  decodeClaimsPayload,
  decodeToken,
  mintToken,
  signClaimMap,
  type TokenClaims,
} from "./token.ts";

const key = new Ed25519Key(new Uint8Array(32).fill(1));

const full: TokenClaims = {
  iss: "node:primary",
  sub: "agent:claude",
  aud: "z:work",
  exp: 1_700_086_400,
  nbf: 1_700_000_000,
  iat: 1_700_000_000,
  cti: new Uint8Array(16).fill(5),
  capabilityId: "cap:gh",
  zoneId: "z:work",
  operations: ["gh.read"],
  principalId: "agent:claude",
  delegationDepth: 1,
  parentToken: new Uint8Array([1, 2]),
  issNode: "node-a",
  audBinary: new Uint8Array([3]),
  grantObjectIds: [new Uint8Array(32).fill(9)],
  holderNode: "node-b",
  chkId: new Uint8Array(16),
  chkSeq: 42,
  constraints: {
    resourceAllow: ["repo/*"],
    resourceDeny: ["repo/secret"],
    maxCalls: 10,
    maxBytes: 4096,
    idempotencyKey: "idem-1",
    credentialAllow: ["cred:gh"],
  },
  grants: [{ capability: "cap:gh", operation: "gh.read" }, { capability: "cap:gh2" }],
  instanceId: "inst-1",
  schemaVersion: 1,
};

Deno.test("token claims: every named claim round-trips through the claim map and CBOR", () => {
  const m = claimsToMap(full);
  assert.equal(m.size, 23);
  const back = decodeCbor(encodeCbor(m)) as Map<number, CborValue>;
  assert.deepEqual(claimsFromMap(back), full);
});

Deno.test("token claims: payload keys sort bytewise (positives, then -65537, -65538, ...)", () => {
  const signed = signClaimMap(claimsToMap(full), key);
  const labels = [...decodeClaimsPayload(signed.payload).claimMap.keys()];
  const positives = labels.filter((l) => l > 0);
  const negatives = labels.filter((l) => l < 0);
  assert.deepEqual(labels, [...positives, ...negatives]);
  assert.deepEqual(negatives, [...negatives].sort((a, b) => b - a));
});

Deno.test("signClaimMap: aud filled from zone only when absent; schema_version always 1", () => {
  const a = decodeToken(signClaimMap(new Map([[CLAIM.zoneId, "z:work"]]), key).token);
  assert.equal(a.claims.aud, "z:work");
  assert.equal(a.claims.schemaVersion, 1);
  const b = decodeToken(
    signClaimMap(
      new Map<number, CborValue>([[CLAIM.zoneId, "z:work"], [CLAIM.aud, "*"], [
        CLAIM.schemaVersion,
        7,
      ]]),
      key,
    ).token,
  );
  assert.equal(b.claims.aud, "*");
  assert.equal(b.claims.schemaVersion, 1);
  const c = decodeToken(signClaimMap(new Map(), key).token);
  assert.equal(c.claims.aud, undefined);
});

Deno.test("mintToken: synthesizes grants from capability + operations, adds a 16-byte cti", () => {
  const t1 = decodeToken(mintToken({ capabilityId: "cap:x", operations: ["a", "b"] }, key));
  assert.deepEqual(t1.claims.grants, [
    { capability: "cap:x", operation: "a" },
    { capability: "cap:x", operation: "b" },
  ]);
  assert.equal(t1.claims.cti?.length, 16);
  const t2 = decodeToken(mintToken({ capabilityId: "cap:x" }, key));
  assert.deepEqual(t2.claims.grants, [{ capability: "cap:x" }]);
  const t3 = decodeToken(
    mintToken(
      { capabilityId: "cap:x", grants: [{ capability: "cap:y" }], cti: new Uint8Array(1) },
      key,
    ),
  );
  assert.deepEqual(t3.claims.grants, [{ capability: "cap:y" }]);
  assert.deepEqual(t3.claims.cti, new Uint8Array(1));
  // Two mints differ only by their random jti.
  assert.notEqual(
    toHex(mintToken({ capabilityId: "cap:x" }, key)),
    toHex(mintToken({ capabilityId: "cap:x" }, key)),
  );
});

Deno.test("decodeToken: unknown integer labels are kept in the map and ignored by the model", () => {
  const t = decodeToken(
    signClaimMap(new Map<number, CborValue>([[-70000, "x"], [CLAIM.iss, "i"]]), key).token,
  );
  assert.equal(t.claimMap.get(-70000), "x");
  assert.equal(t.claims.iss, "i");
});

Deno.test("decodeToken refused: payload that is not canonical (FCP-2007)", () => {
  // {-65552: 1} with 1 encoded in two bytes (18 01).
  const bad = coseSign1(fromHex("a13a0001000f1801"), key).token;
  assert.throws(() => decodeToken(bad), (e) => isFcpError(e, "FCP-2007"));
});

Deno.test("decodeToken refused: payload with text keys, non-map, or tags (FCP-2007)", () => {
  for (
    const p of [
      encodeCbor({ iss: "x" }),
      encodeCbor([1]),
      fromHex("d9d9f7a13a0001000f01"), // self-describe tag 55799 around the map
    ]
  ) {
    assert.throws(() => decodeToken(coseSign1(p, key).token), (e) => isFcpError(e, "FCP-2007"));
  }
});

Deno.test("decodeToken refused: a known claim with the wrong type (FCP-2007)", () => {
  const cases: [number, CborValue][] = [
    [CLAIM.exp, "soon"],
    [CLAIM.cti, "id"],
    [CLAIM.grants, [{ capability: 1 }]],
    [CLAIM.grants, [{ capability: "c", extra: "x" }]],
    [CLAIM.constraints, { max_calls: -1 }],
    [CLAIM.operations, "op"],
    [CLAIM.delegationDepth, -1],
  ];
  for (const [label, v] of cases) {
    const t = signClaimMap(new Map([[label, v]]), key).token;
    assert.throws(() => decodeToken(t), (e) => isFcpError(e, "FCP-2007"), String(label));
  }
});
