import assert from "node:assert/strict";
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import {
  concatBytes,
  equalBytes,
  type ErrorCode,
  fromHex,
  isFcpError,
  toHex,
} from "../core/mod.ts";
import { originProvenance } from "../model/mod.ts";
import {
  CAPABILITY_OBJECT_SCHEMA,
  type CapabilityObject,
  capabilityObjectId,
  type CapabilityObjectInput,
  signCapabilityObject,
} from "./capability_object.ts";
import { coseProtectedHeader, coseSign1, coseSigStructure } from "./cose.ts";
import { signHolderProof } from "./holder_proof.ts";
import { capabilityIssuerPolicy, ownerIssuerPolicy, withIssuerRule } from "./issuer_policy.ts";
import { Ed25519Key } from "./keys.ts";
import {
  createRevocationEvent,
  createRevocationObject,
  revocationObjectId,
  revocationTargetId,
} from "./revocation.ts";
import { RevocationRegistry } from "./revocation_registry.ts";
import {
  CLAIM,
  claimsToMap,
  decodeToken,
  mintToken,
  signClaimMap,
  type TokenClaims,
} from "./token.ts";
import { type VerifyContext, verifyToken } from "./token_verify.ts";

const NOW = 1_700_000_000;
const issuer = Ed25519Key.generate();
const owner = Ed25519Key.generate();
const trusted = new Map([[toHex(issuer.kid), issuer.publicKey], [
  toHex(owner.kid),
  owner.publicKey,
]]);

const base = {
  iss: "node:a",
  zoneId: "z:work",
  capabilityId: "cap:gh",
  operations: ["gh.read"],
  exp: NOW + 3600,
  nbf: NOW - 10,
} satisfies TokenClaims;
const { zoneId: _zone, ...baseNoZone } = base;

const ctx: VerifyContext = {
  now: NOW,
  zoneId: "z:work",
  resolveIssuerKey: (kid) => trusted.get(toHex(kid)),
  required: { capability: "cap:gh", operation: "gh.read" },
};

function mint(c: Partial<TokenClaims> = {}): Uint8Array {
  return mintToken({ ...base, ...c }, issuer);
}

function refused(token: Uint8Array, c: Partial<VerifyContext>, code: ErrorCode): void {
  assert.throws(
    () => verifyToken(token, { ...ctx, ...c }),
    (e) => isFcpError(e, code),
    `expected ${code}`,
  );
}

Deno.test("verifyToken: a valid token yields its claims and the authorizing grant", () => {
  const v = verifyToken(mint(), ctx);
  assert.deepEqual(v.grant, { capability: "cap:gh", operation: "gh.read" });
  assert.deepEqual(v.kid, issuer.kid);
  assert.equal(v.jti?.length, 16);
  assert.equal(v.claims.aud, "z:work");
});

Deno.test("verifyToken: vector-style tokens without a grants claim use capability_id + operations", () => {
  const m = claimsToMap({ ...base, cti: new Uint8Array(16) });
  const t = signClaimMap(m, issuer).token;
  assert.equal(decodeToken(t).claims.grants, undefined);
  assert.deepEqual(verifyToken(t, ctx).grant, { capability: "cap:gh", operation: "gh.read" });
});

Deno.test("verifyToken: exp/nbf boundaries with 300 s skew", () => {
  const t = mint({ exp: NOW, nbf: NOW });
  verifyToken(t, { ...ctx, now: NOW + 299 });
  verifyToken(t, { ...ctx, now: NOW - 300 });
});

Deno.test("refused: expired (FCP-2003)", () => {
  refused(mint({ exp: NOW - 300 }), {}, "FCP-2003");
  refused(mint({ exp: NOW }), { now: NOW + 300 }, "FCP-2003");
});

Deno.test("refused: not yet valid (FCP-2004)", () => {
  refused(mint({ nbf: NOW + 301 }), {}, "FCP-2004");
});

Deno.test("refused: token without exp (FCP-2007)", () => {
  const { exp: _exp, ...noExp } = base;
  refused(mintToken(noExp, issuer), {}, "FCP-2007");
});

Deno.test("refused: wrong zone (FCP-4002)", () => {
  refused(mint({ zoneId: "z:private", aud: "*" }), {}, "FCP-4002");
  refused(mintToken({ ...baseNoZone, aud: "z:work" }, issuer), {}, "FCP-4002");
});

Deno.test("refused: wrong aud (FCP-2005); aud '*' is accepted", () => {
  refused(mint({ aud: "z:private" }), {}, "FCP-2005");
  refused(mint({ zoneId: "z:private" }), {}, "FCP-2005"); // aud auto-filled from the zone
  refused(signClaimMap(claimsToMap(baseNoZone), issuer).token, {}, "FCP-2005");
  verifyToken(mint({ aud: "*" }), ctx);
});

Deno.test("refused: unknown kid (FCP-2008)", () => {
  refused(mintToken(base, Ed25519Key.generate()), {}, "FCP-2008");
});

Deno.test("refused: resolver returns a key whose kid differs from the token kid (FCP-2008)", () => {
  refused(mint(), { resolveIssuerKey: () => owner.publicKey }, "FCP-2008");
});

Deno.test("refused: signature by a different key claiming the issuer's kid (FCP-2006)", () => {
  const attacker = Ed25519Key.generate();
  const payload = encodeCbor(claimsToMap({ ...base, aud: "z:work", schemaVersion: 1 }));
  const protectedBytes = coseProtectedHeader(issuer.kid);
  const sig = attacker.sign(coseSigStructure(protectedBytes, payload));
  const forged = encodeCbor([protectedBytes, new Map(), payload, sig]);
  refused(forged, {}, "FCP-2006");
});

Deno.test("refused: tampered payload (FCP-2006)", () => {
  const t = mint();
  const needle = new TextEncoder().encode("gh.read");
  const i = t.findIndex((_, j) => equalBytes(t.subarray(j, j + needle.length), needle));
  assert.ok(i > 0);
  const tampered = t.slice();
  tampered[i + 3] = "w".charCodeAt(0); // gh.read -> gh.wead, same length
  refused(tampered, {}, "FCP-2006");
});

Deno.test("refused: tampered signature (FCP-2006)", () => {
  const t = mint();
  const bad = t.slice();
  bad[bad.length - 1]! ^= 1;
  refused(bad, {}, "FCP-2006");
});

Deno.test("refused: non-canonical payload with a valid signature (FCP-2007)", () => {
  // Canonical payload, then re-encode exp (4) with a non-minimal 8-byte integer head.
  const canonical = encodeCbor(claimsToMap({ ...base, aud: "z:work", schemaVersion: 1 }));
  const expHead = concatBytes(
    new Uint8Array([0x04, 0x1a]),
    fromHex((NOW + 3600).toString(16).padStart(8, "0")),
  );
  const at = canonical.findIndex((_, j) => equalBytes(canonical.subarray(j, j + 6), expHead));
  assert.ok(at > 0);
  const nonCanonical = concatBytes(
    canonical.subarray(0, at + 1),
    new Uint8Array([0x1b, 0, 0, 0, 0]),
    canonical.subarray(at + 2),
  );
  const t = coseSign1(nonCanonical, issuer).token;
  refused(t, {}, "FCP-2007");
});

Deno.test("refused: tagged vs untagged mix-ups (FCP-2007)", () => {
  const t = mint();
  // COSE_Sign1 tag 18 around a valid token.
  refused(concatBytes(new Uint8Array([0xd2]), t), {}, "FCP-2007");
  // A valid signature over a tagged payload (self-describe tag 55799).
  const tagged = concatBytes(
    fromHex("d9d9f7"),
    encodeCbor(claimsToMap({ ...base, schemaVersion: 1 })),
  );
  refused(coseSign1(tagged, issuer).token, {}, "FCP-2007");
  // A COSE_Sign1 nested as the payload of another.
  refused(coseSign1(t, issuer).token, {}, "FCP-2007");
  // alg in the unprotected header, alg != EdDSA.
  const d = decodeToken(t);
  const unprot = encodeCbor([d.protectedBytes, new Map([[1, -8]]), d.payload, d.signature]);
  refused(unprot, {}, "FCP-2007");
  const es256 = encodeCbor(new Map<CborValue, CborValue>([[1, -7], [4, issuer.kid]]));
  const sig = issuer.sign(coseSigStructure(es256, d.payload));
  refused(encodeCbor([es256, new Map(), d.payload, sig]), {}, "FCP-2007");
});

Deno.test("refused: schema_version other than 1 (FCP-2007)", () => {
  const m = claimsToMap({ ...base, aud: "z:work", schemaVersion: 2 });
  refused(coseSign1(encodeCbor(m), issuer).token, {}, "FCP-2007");
  const none = claimsToMap({ ...base, aud: "z:work" });
  refused(coseSign1(encodeCbor(none), issuer).token, {}, "FCP-2007");
});

Deno.test("refused: truncated token and garbage CBOR (FCP-2007)", () => {
  const t = mint();
  refused(t.slice(0, t.length - 1), {}, "FCP-2007");
  refused(t.slice(0, 20), {}, "FCP-2007");
  refused(new Uint8Array([0xff, 0xfe, 0x00]), {}, "FCP-2007");
  refused(new Uint8Array(), {}, "FCP-2007");
  refused(crypto.getRandomValues(new Uint8Array(200)).fill(0x5f, 0, 1), {}, "FCP-2007");
});

Deno.test("refused: revoked token jti or issuer kid via callback (FCP-3004)", () => {
  const t = mint({ cti: new Uint8Array(16).fill(0xee) });
  const revokedJti = new Uint8Array(16).fill(0xee);
  refused(t, { isRevoked: (id) => equalBytes(id, revokedJti) }, "FCP-3004");
  refused(t, { isRevoked: (id) => equalBytes(id, issuer.kid) }, "FCP-3004");
  verifyToken(t, { ...ctx, isRevoked: () => false });
});

Deno.test("refused: grants not covering the required operation (FCP-3001)", () => {
  refused(mint(), { required: { capability: "cap:gh", operation: "gh.write" } }, "FCP-3001");
  refused(mint(), { required: { capability: "cap:other", operation: "gh.read" } }, "FCP-3001");
  refused(mint({ grants: [] }), {}, "FCP-3001");
  // An op-less grant covers every operation of its capability.
  const any = mint({ grants: [{ capability: "cap:gh" }] });
  verifyToken(any, { ...ctx, required: { capability: "cap:gh", operation: "gh.write" } });
});

Deno.test("refused: instance binding (FCP-2005)", () => {
  const t = mint({ instanceId: "inst-1" });
  verifyToken(t, { ...ctx, instanceId: "inst-1" });
  refused(t, { instanceId: "inst-2" }, "FCP-2005");
  refused(t, {}, "FCP-2005");
});

Deno.test("refused: resource constraints (FCP-3003)", () => {
  const t = mint({
    constraints: { resourceAllow: ["repo/*"], resourceDeny: ["repo/secret*"], maxCalls: 5 },
  });
  const v = verifyToken(t, { ...ctx, resource: "repo/a" });
  assert.equal(v.constraints?.maxCalls, 5);
  refused(t, { resource: "other/a" }, "FCP-3003");
  refused(t, { resource: "repo/secret-1" }, "FCP-3003");
  refused(t, {}, "FCP-3003");
  refused(mint({ constraints: { resourceAllow: ["[a-z]"] } }), { resource: "a" }, "FCP-3003");
});

// ---- holder binding (WIRE.md §5b)

const holderB = Ed25519Key.generate();
const holderC = Ed25519Key.generate();

function presented(
  token: Uint8Array,
  key: Ed25519Key,
  over?: Partial<{ requestId: string; jti: Uint8Array }>,
) {
  const jti = over?.jti ?? decodeToken(token).claims.cti!;
  const requestId = over?.requestId ?? "req-1";
  return {
    requestId: "req-1",
    operationId: "gh.read",
    signature: signHolderProof(key, { requestId, operationId: "gh.read", tokenJti: jti }),
    holderPublicKey: key.publicKey,
  };
}

Deno.test("holder binding: the bound node with a valid proof is accepted", () => {
  const t = mint({ holderNode: "node-b" });
  verifyToken(t, { ...ctx, holderNodeId: "node-b", holderProof: presented(t, holderB) });
});

Deno.test("refused: wrong holder — a token stolen by another node (FCP-2011)", () => {
  const t = mint({ holderNode: "node-b" });
  // node-c presents node-b's token with its own (valid) proof.
  refused(t, { holderNodeId: "node-c", holderProof: presented(t, holderC) }, "FCP-2011");
  // node-c claims to be node-b but cannot sign as node-b's attested key.
  refused(t, {
    holderNodeId: "node-b",
    holderProof: { ...presented(t, holderC), holderPublicKey: holderB.publicKey },
  }, "FCP-2011");
});

Deno.test("refused: a holder proof made for another operation (FCP-2011)", () => {
  const t = mint({ holderNode: "node-b", grants: [{ capability: "cap:gh" }] });
  const jti = decodeToken(t).claims.cti!;
  const proofFor = (operationId: string | Uint8Array) => ({
    requestId: "req-1",
    operationId,
    signature: signHolderProof(holderB, { requestId: "req-1", operationId, tokenJti: jti }),
    holderPublicKey: holderB.publicKey,
  });
  // A genuine proof by the holder, captured for gh.list, replayed for gh.read.
  refused(t, { holderNodeId: "node-b", holderProof: proofFor("gh.list") }, "FCP-2011");
  // The same operation given as text or as its UTF-8 bytes is accepted.
  verifyToken(t, { ...ctx, holderNodeId: "node-b", holderProof: proofFor("gh.read") });
  verifyToken(t, {
    ...ctx,
    holderNodeId: "node-b",
    holderProof: proofFor(new TextEncoder().encode("gh.read")),
  });
});

Deno.test("refused: holder proof missing or over other inputs (FCP-2011)", () => {
  const t = mint({ holderNode: "node-b" });
  refused(t, { holderNodeId: "node-b" }, "FCP-2011");
  refused(t, { holderProof: presented(t, holderB) }, "FCP-2011");
  refused(t, {
    holderNodeId: "node-b",
    holderProof: presented(t, holderB, { jti: new Uint8Array(16) }),
  }, "FCP-2011");
  refused(t, {
    holderNodeId: "node-b",
    holderProof: presented(t, holderB, { requestId: "req-other" }),
  }, "FCP-2011");
  refused(mint(), { requireHolderBinding: true }, "FCP-2011");
});

Deno.test("holderIsVerifier: a token bound to this node needs no proof; one bound elsewhere is refused (FCP-2011)", () => {
  const t = mint({ holderNode: "node-b" });
  verifyToken(t, { ...ctx, holderNodeId: "node-b", holderIsVerifier: true });
  refused(t, { holderNodeId: "node-c", holderIsVerifier: true }, "FCP-2011");
  refused(t, { holderIsVerifier: true }, "FCP-2011");
  // without the flag the proof is still required
  refused(t, { holderNodeId: "node-b" }, "FCP-2011");
});

// ---- remembered verifications

Deno.test("a remembered signature vouches only for the exact bytes under the same key", () => {
  const t = mint();
  verifyToken(t, ctx); // remembered now
  // The same signature over another payload: found by its signature, refused on the bytes.
  const d = decodeToken(t);
  const otherPayload = decodeToken(mint({ operations: ["gh.write"] })).payload;
  const forged = encodeCbor([
    d.protectedBytes,
    new Map<CborValue, CborValue>(),
    otherPayload,
    d.signature,
  ]);
  assert.deepEqual(forged.subarray(-64), d.signature);
  refused(forged, {}, "FCP-2006");
  // The same bytes offered under another key of the same kid lookup: refused.
  refused(t, { resolveIssuerKey: () => owner.publicKey }, "FCP-2008");
  // The caller's buffer changing after a verification changes nothing remembered.
  const buf = t.slice();
  verifyToken(buf, ctx);
  buf[buf.length - 1]! ^= 1;
  refused(buf, {}, "FCP-2006");
  verifyToken(t, ctx);
});

Deno.test("decodeToken: results are remembered by exact bytes, with frozen claims", () => {
  const t = mint({ operations: ["gh.read", "gh.list"] });
  const a = decodeToken(t);
  const b = decodeToken(t.slice());
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a.claims));
  assert.ok(Object.isFrozen(a.claims.grants));
  assert.throws(() => {
    (a.claims as { aud?: string }).aud = "*";
  }, TypeError);
  // A buffer reused for other bytes decodes to those bytes, not to the remembered ones.
  const buf = t.slice();
  decodeToken(buf);
  const other = mint({ operations: ["gh.other"] });
  const c = decodeToken(other);
  assert.deepEqual(c.claims.operations, ["gh.other"]);
  buf.fill(0);
  assert.deepEqual(decodeToken(t).claims.operations, ["gh.read", "gh.list"]);
});

// ---- grant objects (beyond the reference)

const objectIdKey = new Uint8Array(32).fill(0x33);

function capObject(
  over: Partial<CapabilityObjectInput> = {},
  by: Ed25519Key = owner,
): CapabilityObject {
  return signCapabilityObject({
    header: {
      schema: CAPABILITY_OBJECT_SCHEMA,
      zoneId: "z:work",
      createdAt: NOW - 100,
      provenance: originProvenance("z:work"),
      refs: [],
      foreignRefs: [],
    },
    capabilityId: "cap:gh",
    operations: ["gh.read"],
    validFrom: NOW - 100,
    validUntil: NOW + 86_400,
    ...over,
  }, by);
}

function grantCtx(objects: CapabilityObject[]): Partial<VerifyContext> {
  const store = new Map(objects.map((o) => [toHex(capabilityObjectId(o, objectIdKey)), o]));
  return {
    grantResolver: (id) => store.get(toHex(id)),
    objectIdKey,
    ownerKid: owner.kid,
  };
}

const idOf = (o: CapabilityObject) => capabilityObjectId(o, objectIdKey);

Deno.test("grant objects: resolved, owner-signed objects covering every grant are accepted", () => {
  const o = capObject();
  const t = mint({ grantObjectIds: [idOf(o)] });
  const v = verifyToken(t, { ...ctx, ...grantCtx([o]) });
  assert.equal(v.grantObjects.length, 1);
  // An object granting every operation covers op-less grants too.
  const all = capObject({ operations: [] });
  const t2 = mint({ grants: [{ capability: "cap:gh" }], grantObjectIds: [idOf(all)] });
  verifyToken(t2, { ...ctx, ...grantCtx([all]) });
  // A policy callback can authorize another issuer.
  const byIssuer = capObject({}, issuer);
  verifyToken(mint({ grantObjectIds: [idOf(byIssuer)] }), {
    ...ctx,
    ...grantCtx([byIssuer]),
    isAuthorizedIssuer: (kid) => equalBytes(kid, issuer.kid),
  });
});

Deno.test("refused: grant object id that does not resolve (FCP-3002)", () => {
  const o = capObject();
  refused(mint({ grantObjectIds: [new Uint8Array(32)] }), grantCtx([o]), "FCP-3002");
  refused(mint({ grantObjectIds: [idOf(o)] }), {}, "FCP-3002"); // no resolver at all
});

Deno.test("refused: grants not covered by the grant objects (FCP-3002)", () => {
  const o = capObject({ operations: ["gh.list"] });
  const t = mint({ operations: ["gh.read"], grantObjectIds: [idOf(o)] });
  refused(t, { ...grantCtx([o]) }, "FCP-3002");
  // Object grants gh.read, but the token also claims an op-less grant.
  const narrow = capObject();
  const wide = mint({ grants: [{ capability: "cap:gh" }], grantObjectIds: [idOf(narrow)] });
  refused(wide, grantCtx([narrow]), "FCP-3002");
  // Capability differs.
  const other = capObject({ capabilityId: "cap:other", operations: [] });
  refused(mint({ grantObjectIds: [idOf(other)] }), grantCtx([other]), "FCP-3002");
});

Deno.test("refused: grant object by an unauthorized issuer (FCP-3002)", () => {
  const byNode = capObject({}, issuer);
  refused(mint({ grantObjectIds: [idOf(byNode)] }), grantCtx([byNode]), "FCP-3002");
  const noPolicy = { ...grantCtx([capObject()]) };
  delete noPolicy.ownerKid;
  refused(mint({ grantObjectIds: [idOf(capObject())] }), noPolicy, "FCP-3002");
});

Deno.test("refused: grant object with a bad signature, wrong zone, wrong id or outside validity (FCP-3002)", () => {
  const o = capObject();
  const forgedSig: CapabilityObject = { ...o, operations: ["gh.read", "gh.write"] };
  refused(mint({ grantObjectIds: [idOf(forgedSig)] }), grantCtx([forgedSig]), "FCP-3002");
  const privateZone = capObject({
    header: { ...o.header, zoneId: "z:private", provenance: originProvenance("z:private") },
  });
  refused(mint({ grantObjectIds: [idOf(privateZone)] }), grantCtx([privateZone]), "FCP-3002");
  const expired = capObject({ validFrom: NOW - 1000, validUntil: NOW - 500 });
  refused(mint({ grantObjectIds: [idOf(expired)] }), grantCtx([expired]), "FCP-3002");
  // A resolver that answers an id with a different object.
  const other = capObject({ operations: [] });
  const lying = { ...grantCtx([o]), grantResolver: () => other };
  refused(mint({ grantObjectIds: [idOf(o)] }), lying, "FCP-3002");
  // Required but absent.
  refused(mint(), { ...grantCtx([o]), requireGrantObjects: true }, "FCP-3002");
});

Deno.test("refused: revoked grant object (FCP-3004)", () => {
  const o = capObject();
  const id = idOf(o);
  refused(
    mint({ grantObjectIds: [id] }),
    { ...grantCtx([o]), isRevoked: (x) => equalBytes(x, id) },
    "FCP-3004",
  );
});

Deno.test("verifyToken checks the signature before parsing claims", () => {
  // Garbage claims under a bad signature report the signature, not the claims.
  const junk = new Map<CborValue, CborValue>([[CLAIM.exp, "not-a-number"]]);
  const signedByOther = coseSign1(encodeCbor(junk), Ed25519Key.generate());
  const d = decodeToken(mint());
  const swapped = encodeCbor([
    d.protectedBytes,
    new Map(),
    signedByOther.payload,
    signedByOther.signature,
  ]);
  refused(swapped, {}, "FCP-2006");
});

Deno.test("grant objects: a verified object is remembered, but any change is checked again (FCP-3002)", () => {
  const o = capObject();
  const id = idOf(o);
  const t = mint({ grantObjectIds: [id] });
  verifyToken(t, { ...ctx, ...grantCtx([o]) }); // verified once: remembered
  verifyToken(t, { ...ctx, ...grantCtx([o]) }); // and accepted again
  // The same id answered by a forged object (another JS object): verified, refused.
  const forged: CapabilityObject = { ...o, operations: ["gh.read", "gh.write"] };
  refused(t, { grantResolver: () => forged, objectIdKey, ownerKid: owner.kid }, "FCP-3002");
  // The remembered object under another id key: its id is checked again, refused.
  refused(
    t,
    { ...grantCtx([o]), grantResolver: () => o, objectIdKey: new Uint8Array(32) },
    "FCP-3002",
  );
  // The remembered object when the issuer key is not trusted any more: refused.
  refused(t, {
    ...grantCtx([o]),
    resolveIssuerKey: (kid) => (equalBytes(kid, issuer.kid) ? issuer.publicKey : undefined),
  }, "FCP-3002");
});

// ---- issuer policy: who may issue grant objects, for which capabilities

Deno.test("issuer policy: the owner policy admits owner-signed grant objects", () => {
  const o = capObject();
  const v = verifyToken(mint({ grantObjectIds: [idOf(o)] }), {
    ...ctx,
    ...grantCtx([o]),
    issuerPolicy: ownerIssuerPolicy(owner.kid),
  });
  assert.equal(v.grantObjects.length, 1);
});

Deno.test("refused: grant object issuer not in the issuer policy (FCP-3002)", () => {
  const byIssuer = capObject({}, issuer);
  const t = mint({ grantObjectIds: [idOf(byIssuer)] });
  refused(t, { ...grantCtx([byIssuer]), issuerPolicy: ownerIssuerPolicy(owner.kid) }, "FCP-3002");
  // The policy takes precedence over ownerKid: an owner left out of the policy grants nothing.
  const o = capObject();
  refused(
    mint({ grantObjectIds: [idOf(o)] }),
    {
      ...grantCtx([o]),
      issuerPolicy: capabilityIssuerPolicy([{ issuerKid: issuer.kid, capabilities: ["*"] }]),
    },
    "FCP-3002",
  );
});

Deno.test("refused: issuer authorized only for other capabilities (FCP-3002)", () => {
  const byIssuer = capObject({}, issuer); // grants cap:gh
  const t = mint({ grantObjectIds: [idOf(byIssuer)] });
  const narrow = withIssuerRule(ownerIssuerPolicy(owner.kid), {
    issuerKid: issuer.kid,
    capabilities: ["cap:fs*", "cap:g?x"],
  });
  refused(t, { ...grantCtx([byIssuer]), issuerPolicy: narrow }, "FCP-3002");
  const wide = withIssuerRule(narrow, { issuerKid: issuer.kid, capabilities: ["cap:g*"] });
  verifyToken(t, { ...ctx, ...grantCtx([byIssuer]), issuerPolicy: wide });
});

// ---- grant object windows cover the token's lifetime (spec §7.5)

Deno.test("refused: token outliving its grant object (FCP-3002)", () => {
  const short = capObject({ validUntil: NOW + 600 });
  refused(mint({ exp: NOW + 601, grantObjectIds: [idOf(short)] }), grantCtx([short]), "FCP-3002");
  verifyToken(mint({ exp: NOW + 600, grantObjectIds: [idOf(short)] }), {
    ...ctx,
    ...grantCtx([short]),
  });
});

Deno.test("refused: token valid before its grant object (FCP-3002)", () => {
  const late = capObject({ validFrom: NOW - 5 });
  // nbf precedes the object's valid_from (both within skew of now, so only coverage fails)
  refused(mint({ nbf: NOW - 10, grantObjectIds: [idOf(late)] }), grantCtx([late]), "FCP-3002");
  const { nbf: _nbf, ...noNbf } = base; // then iat is the start
  refused(
    mintToken({ ...noNbf, iat: NOW - 10, grantObjectIds: [idOf(late)] }, issuer),
    grantCtx([late]),
    "FCP-3002",
  );
  verifyToken(mint({ nbf: NOW - 5, grantObjectIds: [idOf(late)] }), {
    ...ctx,
    ...grantCtx([late]),
  });
});

// ---- revoked, through a real owner-signed revocation chain (spec §14.3)

function revoking(targets: Uint8Array[]) {
  const reg = new RevocationRegistry({
    zoneId: "z:work",
    objectIdKey,
    ownerPublicKey: owner.publicKey,
  });
  const o = createRevocationObject({
    zoneId: "z:work",
    revoked: targets,
    scope: "Capability",
    reason: "test",
    now: NOW - 50,
  }, owner);
  const e = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: revocationObjectId(o, objectIdKey),
    seq: 0,
    now: NOW - 50,
  }, owner);
  reg.apply(e, o, NOW - 50);
  const isRevoked = (x: Uint8Array) =>
    reg.isRevoked(
      x.length === 32 ? x : revocationTargetId(x.length === 8 ? "kid" : "jti", x),
      { now: NOW },
    );
  return { isRevoked };
}

Deno.test("refused: revoked grant object in the registry (FCP-3004)", () => {
  const o = capObject();
  const t = mint({ grantObjectIds: [idOf(o)] });
  refused(t, { ...grantCtx([o]), ...revoking([idOf(o)]) }, "FCP-3004");
  verifyToken(t, {
    ...ctx,
    ...grantCtx([o]),
    ...revoking([idOf(capObject({ nonce: new Uint8Array(8) }))]),
  });
});

Deno.test("refused: revoked issuer kid in the registry (FCP-3004)", () => {
  refused(mint(), revoking([revocationTargetId("kid", issuer.kid)]), "FCP-3004");
  verifyToken(mint(), { ...ctx, ...revoking([revocationTargetId("kid", owner.kid)]) });
});

Deno.test("refused: revoked token jti in the registry (FCP-3004)", () => {
  const jti = new Uint8Array(16).fill(0x5a);
  const t = mint({ cti: jti });
  refused(t, revoking([revocationTargetId("jti", jti)]), "FCP-3004");
  verifyToken(mint({ cti: new Uint8Array(16).fill(0x5b) }), {
    ...ctx,
    ...revoking([revocationTargetId("jti", jti)]),
  });
});

Deno.test("grant objects: a remembered object edited in place is verified again (FCP-3002)", () => {
  type Mutable<T> = { -readonly [K in keyof T]: T[K] };
  const o = capObject();
  const t = mint({ grants: [{ capability: "cap:gh" }], grantObjectIds: [idOf(o)] });
  const narrow = mint({ grantObjectIds: [idOf(o)] });
  const g = { ...ctx, ...grantCtx([o]) };
  verifyToken(narrow, g); // remembered
  // Widen the object's operations to "all" after it was verified: the signature no longer
  // covers it, and the op-less grant of `t` must not be accepted on the strength of the memo.
  (o as Mutable<CapabilityObject>).operations = [];
  refused(t, g, "FCP-3002");
  // Extending the validity in place is caught the same way.
  const p = capObject({ validUntil: NOW - 500, validFrom: NOW - 1000 });
  const expiredToken = mint({ grantObjectIds: [idOf(p)] });
  const gp = { ...ctx, ...grantCtx([p]) };
  refused(expiredToken, gp, "FCP-3002"); // outside its window, after a verified signature
  (p as Mutable<CapabilityObject>).validUntil = NOW + 86_400;
  refused(expiredToken, gp, "FCP-3002");
});

// ---- the grant objects' constraints bound the token's (spec §7.5: attenuation only restricts)

Deno.test("grant object constraints: a token within its object's resources and credentials passes", () => {
  const o = capObject({
    constraints: { resourceAllow: ["repo/*"], credentialAllow: ["cred.gh", "cred.ci"] },
  });
  const t = mint({
    grantObjectIds: [idOf(o)],
    constraints: { resourceAllow: ["repo/a*"], credentialAllow: ["cred.gh"] },
  });
  const v = verifyToken(t, { ...ctx, ...grantCtx([o]), resource: "repo/abc" });
  assert.deepEqual(v.constraints?.credentialAllow, ["cred.gh"]);
});

Deno.test("grant object constraints: the verified token names the object that admitted the call", () => {
  const pub = capObject({ constraints: { resourceAllow: ["repo/public*"] } });
  const any = capObject({ constraints: { resourceAllow: ["repo/*"], maxCalls: 2 } });
  const t = mint({ grantObjectIds: [idOf(pub), idOf(any)] });
  const first = verifyToken(t, { ...ctx, ...grantCtx([pub, any]), resource: "repo/public-1" });
  assert.deepEqual(first.admittedBy?.id, idOf(pub));
  assert.equal(first.admittedBy?.object, pub);
  const second = verifyToken(t, { ...ctx, ...grantCtx([pub, any]), resource: "repo/other" });
  assert.deepEqual(second.admittedBy?.id, idOf(any));
  assert.equal(verifyToken(mint(), ctx).admittedBy, undefined);
});

Deno.test("refused: resource outside the grant object's resource_allow, token unrestricted (FCP-3003)", () => {
  const o = capObject({ constraints: { resourceAllow: ["repo/public*"] } });
  const t = mint({ grantObjectIds: [idOf(o)] }); // the token itself claims every resource
  refused(t, { ...grantCtx([o]), resource: "repo/private" }, "FCP-3003");
  refused(t, { ...grantCtx([o]) }, "FCP-3003"); // restricted object, call names no resource
  verifyToken(t, { ...ctx, ...grantCtx([o]), resource: "repo/public-1" });
});

Deno.test("refused: resource in the grant object's resource_deny (FCP-3003)", () => {
  const o = capObject({ constraints: { resourceDeny: ["repo/secret*"] } });
  const t = mint({ grantObjectIds: [idOf(o)], constraints: { resourceAllow: ["repo/*"] } });
  refused(t, { ...grantCtx([o]), resource: "repo/secret-2" }, "FCP-3003");
  verifyToken(t, { ...ctx, ...grantCtx([o]), resource: "repo/open" });
});

Deno.test("refused: token credential_allow wider than, or missing under, its object's (FCP-3003)", () => {
  const o = capObject({ constraints: { credentialAllow: ["cred.gh"] } });
  const wider = mint({
    grantObjectIds: [idOf(o)],
    constraints: { credentialAllow: ["cred.gh", "cred.aws"] },
  });
  refused(wider, grantCtx([o]), "FCP-3003");
  // No credential_allow in the token would mean "any credential" to the egress guard.
  refused(mint({ grantObjectIds: [idOf(o)] }), grantCtx([o]), "FCP-3003");
});

Deno.test("grant object constraints: any one covering object that admits the call suffices", () => {
  const narrow = capObject({ constraints: { resourceAllow: ["repo/a"] } });
  const wide = capObject({ constraints: { resourceAllow: ["repo/*"] }, nonce: new Uint8Array(4) });
  const other = capObject({ capabilityId: "cap:other", operations: [] });
  const t = mint({
    grants: [{ capability: "cap:gh", operation: "gh.read" }, { capability: "cap:other" }],
    grantObjectIds: [idOf(narrow), idOf(wide), idOf(other)],
  });
  verifyToken(t, { ...ctx, ...grantCtx([narrow, wide, other]), resource: "repo/b" });
  // Without the wide object, repo/b is not admitted by any object covering gh.read.
  const t2 = mint({
    grants: [{ capability: "cap:gh", operation: "gh.read" }, { capability: "cap:other" }],
    grantObjectIds: [idOf(narrow), idOf(other)],
  });
  refused(t2, { ...grantCtx([narrow, other]), resource: "repo/b" }, "FCP-3003");
});
