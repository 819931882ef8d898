/**
 * Capability tokens (WIRE.md §6): mint, decode and full verification (structure, strict
 * Ed25519, canonical payload, every claim check), without and with a holder proof and a
 * resolved grant object. Goal (issue 3 §8): verify ≤ 100 µs median.
 *
 * Run: deno bench --allow-all bench/token_bench.ts
 */
import {
  CAPABILITY_OBJECT_SCHEMA,
  capabilityObjectId,
  decodeToken,
  Ed25519Key,
  mintToken,
  signCapabilityObject,
  signHolderProof,
  type VerifyContext,
  verifyToken,
} from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import { originProvenance } from "../src/model/mod.ts";
import { formatMedian, medianTime } from "./_median.ts";

const NOW = 1_700_000_000;
const owner = Ed25519Key.generate();
const issuer = Ed25519Key.generate();
const holder = Ed25519Key.generate();
const trusted = new Map([[toHex(issuer.kid), issuer.publicKey], [
  toHex(owner.kid),
  owner.publicKey,
]]);
const claims = {
  iss: "node-a",
  issNode: "node-a",
  zoneId: "z:work",
  capabilityId: "cap:gh",
  operations: ["gh.read"],
  iat: NOW,
  nbf: NOW,
  exp: NOW + 3600,
};
const token = mintToken(claims, issuer);
const ctx: VerifyContext = {
  now: NOW + 10,
  zoneId: "z:work",
  resolveIssuerKey: (kid) => trusted.get(toHex(kid)),
  required: { capability: "cap:gh", operation: "gh.read" },
};

Deno.bench("token mint", { group: "token" }, () => {
  mintToken(claims, issuer);
});

Deno.bench("token decode (no verification)", { group: "token" }, () => {
  decodeToken(token);
});

Deno.bench("token verify", { group: "token", baseline: true }, () => {
  verifyToken(token, ctx);
});

// Holder-bound, backed by an owner-signed CapabilityObject: two more Ed25519 verifications.
const objectIdKey = new Uint8Array(32).fill(7);
const grantObject = signCapabilityObject({
  header: {
    schema: CAPABILITY_OBJECT_SCHEMA,
    zoneId: "z:work",
    createdAt: NOW,
    provenance: originProvenance("z:work"),
    refs: [],
    foreignRefs: [],
  },
  capabilityId: "cap:gh",
  operations: ["gh.read"],
  validFrom: NOW,
}, owner);
const grantId = capabilityObjectId(grantObject, objectIdKey);
const bound = mintToken({ ...claims, holderNode: "node-b", grantObjectIds: [grantId] }, issuer);
const jti = decodeToken(bound).claims.cti!;
const proof = {
  requestId: "req-1",
  operationId: "gh.read",
  signature: signHolderProof(holder, { requestId: "req-1", operationId: "gh.read", tokenJti: jti }),
  holderPublicKey: holder.publicKey,
};
const fullCtx: VerifyContext = {
  ...ctx,
  holderNodeId: "node-b",
  holderProof: proof,
  grantResolver: (id) => (toHex(id) === toHex(grantId) ? grantObject : undefined),
  ownerKid: owner.kid,
  requireGrantObjects: true,
};

Deno.bench("token verify + holder proof + grant object", { group: "token" }, () => {
  verifyToken(bound, fullCtx);
});

// Issue 3 §8 goal, as a median: `FCP_BENCH_MEDIAN=1 deno run -A bench/token_bench.ts`.
if (import.meta.main && Deno.env.get("FCP_BENCH_MEDIAN") === "1") {
  const opts = { samples: 301, batch: 20 };
  const mint = await medianTime(() => mintToken(claims, issuer), opts);
  const verify = await medianTime(() => verifyToken(token, ctx), opts);
  const full = await medianTime(() => verifyToken(bound, fullCtx), opts);
  console.log(formatMedian("token mint", mint));
  console.log(formatMedian("token verify", verify));
  console.log(formatMedian("token verify + holder proof + grant object", full));
  console.log(`goal verify <= 100 µs median: ${verify.medianUs <= 100 ? "met" : "MISSED"}`);
}
