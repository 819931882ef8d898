import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ed25519 as noble } from "@noble/curves/ed25519.js";
import { concatBytes, fromHex, isFcpError, toHex, utf8 } from "../core/mod.ts";
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "./ed25519.ts";
import {
  isCanonicalPointEncoding,
  isCanonicalScalar,
  isSmallOrderEncoding,
  SMALL_ORDER_Y_FOR_TEST,
} from "./_ed25519_strict.ts";
import { detBytes, loadInterop, s } from "./_test_util.ts";

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const Point = noble.Point;

function le(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Encoding with a given 255-bit y and sign bit. */
function enc(y: bigint, sign: 0 | 1): Uint8Array {
  const b = le32(y);
  b[31] = b[31]! | (sign << 7);
  return b;
}

/** The RFC 8032 secret scalar a of a seed. */
function secretScalar(seed: Uint8Array): bigint {
  const h = createHash("sha512").update(seed).digest();
  const a = new Uint8Array(h.subarray(0, 32));
  a[0] = a[0]! & 248;
  a[31] = (a[31]! & 127) | 64;
  return le(a) % L;
}

/** k = SHA-512(R ‖ A ‖ M) mod L. */
function challenge(r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint {
  return le(createHash("sha512").update(concatBytes(r, a, m)).digest()) % L;
}

const IDENTITY = enc(1n, 0);

Deno.test("ed25519.json: every vector passes (2 sign, 2 verify)", async () => {
  const vectors = await loadInterop("ed25519");
  let sign = 0;
  let ver = 0;
  for (const v of vectors) {
    if (v.kind === "ed25519_sign") {
      const seed = fromHex(s(v.inputs, "secret_key_hex"));
      const msg = fromHex(s(v.inputs, "message_hex"));
      const pk = ed25519PublicKey(seed);
      const sig = ed25519Sign(seed, msg);
      assert.equal(toHex(pk), s(v.expected, "public_key_hex"), v.id);
      assert.equal(toHex(sig), s(v.expected, "signature_hex"), v.id);
      assert.ok(ed25519Verify(pk, msg, sig), v.id);
      sign++;
    } else {
      assert.equal(v.kind, "ed25519_verify");
      const ok = ed25519Verify(
        fromHex(s(v.inputs, "public_key_hex")),
        fromHex(s(v.inputs, "message_hex")),
        fromHex(s(v.inputs, "signature_hex")),
      );
      assert.equal(ok, v.expected.valid, v.id);
      ver++;
    }
  }
  assert.equal(sign, 2);
  assert.equal(ver, 2);
});

Deno.test("session.json: the hello/ack signatures match (Ed25519 over the transcript)", async () => {
  const vectors = await loadInterop("session");
  let n = 0;
  for (const v of vectors.filter((x) => x.kind === "session_hello" || x.kind === "session_ack")) {
    const seed = fromHex(s(v.inputs, "signing_seed_hex"));
    const transcript = fromHex(s(v.expected, "transcript_hex"));
    assert.equal(toHex(ed25519PublicKey(seed)), s(v.expected, "signing_public_key_hex"));
    const sig = ed25519Sign(seed, transcript);
    assert.equal(toHex(sig), s(v.expected, "signature_hex"));
    assert.ok(ed25519Verify(ed25519PublicKey(seed), transcript, sig));
    n++;
  }
  assert.equal(n, 2);
});

Deno.test("the small-order y list equals the one derived with point math", () => {
  // Find a point of order exactly 8: [L]Q for curve points Q until [4][L]Q != O.
  let t: InstanceType<typeof Point> | undefined;
  for (let i = 0; t === undefined; i++) {
    let q;
    try {
      q = Point.fromBytes(detBytes("torsion", i, 32));
    } catch {
      continue; // not a curve point
    }
    const lq = q.multiplyUnsafe(L - 1n).add(q);
    if (!lq.double().double().is0()) t = lq;
  }
  const ys = new Set<string>();
  let p = Point.ZERO;
  for (let i = 0; i < 8; i++) {
    const b = p.toBytes();
    assert.ok(p.isSmallOrder());
    assert.ok(isSmallOrderEncoding(b), `[${i}]T must be flagged`);
    const flipped = b.slice();
    flipped[31] = flipped[31]! ^ 0x80;
    assert.ok(isSmallOrderEncoding(flipped), "either sign bit");
    b[31] = b[31]! & 0x7f;
    ys.add(toHex(b));
    p = p.add(t);
  }
  assert.ok(p.is0(), "T has order 8");
  assert.equal(ys.size, 5);
  assert.deepEqual([...ys].sort(), SMALL_ORDER_Y_FOR_TEST.map(toHex).sort());
  // ...and no other canonical point is flagged
  for (let i = 0; i < 50; i++) {
    const b = Point.BASE.multiply(le(detBytes("not-small", i, 32)) % (L - 1n) + 1n).toBytes();
    assert.ok(!isSmallOrderEncoding(b));
  }
});

Deno.test("canonical point encodings: y < p", () => {
  for (let y = P; y < 2n ** 255n; y++) {
    assert.ok(!isCanonicalPointEncoding(enc(y, 0)), `y = p + ${y - P}`);
    assert.ok(!isCanonicalPointEncoding(enc(y, 1)), `y = p + ${y - P}, sign`);
  }
  for (const y of [0n, 1n, P - 1n, P - 20n, 2n ** 254n, le(detBytes("y", 0, 32)) % P]) {
    assert.ok(isCanonicalPointEncoding(enc(y, 0)));
    assert.ok(isCanonicalPointEncoding(enc(y, 1)));
  }
});

Deno.test("canonical scalars: S < L", () => {
  assert.ok(isCanonicalScalar(le32(0n)));
  assert.ok(isCanonicalScalar(le32(L - 1n)));
  assert.ok(!isCanonicalScalar(le32(L)));
  assert.ok(!isCanonicalScalar(le32(L + 1n)));
  assert.ok(!isCanonicalScalar(le32(2n ** 256n - 1n)));
  assert.ok(!isCanonicalScalar(le32(2n ** 253n)));
});

Deno.test("strict: a small-order public key is rejected (node:crypto alone accepts it)", () => {
  // With A = identity, (R = sB, S = s) satisfies R + kA = SB for every message.
  const sc = 12345n;
  const sig = concatBytes(Point.BASE.multiply(sc).toBytes(), le32(sc));
  const msg = utf8("forged");
  assert.ok(noble.verify(sig, msg, IDENTITY, { zip215: true }), "equation holds (ZIP-215)");
  assert.ok(!ed25519Verify(IDENTITY, msg, sig));
  // every small-order encoding, as A
  for (const y of SMALL_ORDER_Y_FOR_TEST) {
    for (const sign of [0, 0x80]) {
      const a = y.slice();
      a[31] = a[31]! | sign;
      assert.ok(!ed25519Verify(a, msg, sig));
    }
  }
});

Deno.test("strict: a small-order R is rejected (noble strict and node:crypto alone accept it)", () => {
  const seed = detBytes("smallR", 0, 32);
  const pk = ed25519PublicKey(seed);
  const msg = utf8("small R");
  const r = IDENTITY; // R = O: then R + kA = kaB = SB with S = k·a
  const sig = concatBytes(r, le32((challenge(r, pk, msg) * secretScalar(seed)) % L));
  assert.ok(noble.verify(sig, msg, pk, { zip215: false }), "noble strict accepts small-order R");
  assert.ok(!ed25519Verify(pk, msg, sig), "dalek verify_strict semantics reject it");
});

Deno.test("strict: non-canonical S (S + L) is rejected", () => {
  const seed = detBytes("S+L", 0, 32);
  const msg = utf8("malleable");
  const sig = ed25519Sign(seed, msg);
  const sPlusL = le(sig.subarray(32)) + L;
  assert.ok(sPlusL < 2n ** 256n);
  const bad = concatBytes(sig.subarray(0, 32), le32(sPlusL));
  assert.ok(ed25519Verify(ed25519PublicKey(seed), msg, sig));
  assert.ok(!ed25519Verify(ed25519PublicKey(seed), msg, bad));
  assert.ok(!noble.verify(bad, msg, ed25519PublicKey(seed), { zip215: false }));
});

Deno.test("strict: non-canonical encodings of A and R are rejected", () => {
  const msg = utf8("non-canonical");
  // A = identity encoded as y = p + 1: a decoder that reduces y mod p sees the identity.
  const aNc = enc(P + 1n, 0);
  const sc = 777n;
  const sig = concatBytes(Point.BASE.multiply(sc).toBytes(), le32(sc));
  assert.ok(noble.verify(sig, msg, aNc, { zip215: true }), "ZIP-215 decodes and accepts it");
  assert.ok(!ed25519Verify(aNc, msg, sig));
  // identity with the sign bit set (x = 0, sign 1) is non-canonical as well
  assert.ok(!ed25519Verify(enc(1n, 1), msg, sig));
  // R = identity encoded as y = p + 1, honest key, S = k·a (k over the given R bytes)
  const seed = detBytes("ncR", 0, 32);
  const pk = ed25519PublicKey(seed);
  const rNc = enc(P + 1n, 0);
  const sig2 = concatBytes(rNc, le32((challenge(rNc, pk, msg) * secretScalar(seed)) % L));
  assert.ok(!ed25519Verify(pk, msg, sig2));
  // every y >= p as A, with a valid signature of some key: all rejected
  const good = ed25519Sign(seed, msg);
  for (let y = P; y < 2n ** 255n; y++) assert.ok(!ed25519Verify(enc(y, 0), msg, good));
});

Deno.test("tampered message, signature or key fails; the untouched one verifies", () => {
  const seed = detBytes("tamper", 0, 32);
  const pk = ed25519PublicKey(seed);
  const msg = detBytes("tamper-msg", 0, 200);
  const sig = ed25519Sign(seed, msg);
  assert.ok(ed25519Verify(pk, msg, sig));
  for (let bit = 0; bit < 64 * 8; bit += 37) {
    const bad = sig.slice();
    bad[bit >> 3] = bad[bit >> 3]! ^ (1 << (bit & 7));
    assert.ok(!ed25519Verify(pk, msg, bad), `sig bit ${bit}`);
  }
  const m2 = msg.slice();
  m2[100] = m2[100]! ^ 1;
  assert.ok(!ed25519Verify(pk, m2, sig));
  const pk2 = pk.slice();
  pk2[0] = pk2[0]! ^ 1;
  assert.ok(!ed25519Verify(pk2, msg, sig));
  assert.ok(!ed25519Verify(ed25519PublicKey(detBytes("other", 0, 32)), msg, sig));
  // 32 bytes that are not a curve point
  assert.ok(!ed25519Verify(enc(2n, 0), msg, sig));
});

Deno.test("differential: agrees with @noble/curves ed25519.verify({ zip215: false })", () => {
  let valid = 0;
  for (let i = 0; i < 150; i++) {
    const seed = detBytes("diff-seed", i, 32);
    const msg = detBytes("diff-msg", i, i % 300);
    const sig = ed25519Sign(seed, msg);
    const pk = ed25519PublicKey(seed);
    assert.equal(toHex(sig), toHex(noble.sign(msg, seed)), "same deterministic signature");
    assert.equal(toHex(pk), toHex(noble.getPublicKey(seed)));
    const cases: Array<[Uint8Array, Uint8Array, Uint8Array]> = [[pk, msg, sig]];
    const r = detBytes("diff-mut", i, 3);
    const badSig = sig.slice();
    badSig[r[0]! % 64] = badSig[r[0]! % 64]! ^ (1 << (r[1]! & 7));
    cases.push([pk, msg, badSig]);
    const badPk = pk.slice();
    badPk[r[2]! % 32] = badPk[r[2]! % 32]! ^ 0x10;
    cases.push([badPk, msg, sig]);
    cases.push([pk, concatBytes(msg, new Uint8Array([0])), sig]);
    cases.push([detBytes("diff-rpk", i, 32), msg, detBytes("diff-rsig", i, 64)]);
    for (const [k, m, sg] of cases) {
      const ours = ed25519Verify(k, m, sg);
      assert.equal(ours, noble.verify(sg, m, k, { zip215: false }), `case ${i}`);
      if (ours) valid++;
    }
  }
  assert.equal(valid, 150, "exactly the untouched signatures verify");
});

Deno.test("signing with more keys than the key cache holds stays correct", () => {
  const seeds = Array.from({ length: 100 }, (_, i) => detBytes("cache", i, 32));
  for (let round = 0; round < 2; round++) {
    for (const seed of seeds) {
      assert.equal(toHex(ed25519PublicKey(seed)), toHex(noble.getPublicKey(seed)));
      assert.equal(toHex(ed25519Sign(seed, utf8("m"))), toHex(noble.sign(utf8("m"), seed)));
    }
  }
  // the returned public key is a copy: mutating it does not poison the cache
  const pk = ed25519PublicKey(seeds[0]!);
  pk.fill(0);
  assert.equal(toHex(ed25519PublicKey(seeds[0]!)), toHex(noble.getPublicKey(seeds[0]!)));
});

Deno.test("refusals: wrong lengths", () => {
  const seed = new Uint8Array(32).fill(1);
  const pk = ed25519PublicKey(seed);
  const sig = ed25519Sign(seed, utf8("x"));
  for (const n of [0, 31, 33, 64]) {
    assert.throws(() => ed25519PublicKey(new Uint8Array(n)), (e) => isFcpError(e, "FCP-2002"));
    assert.throws(
      () => ed25519Sign(new Uint8Array(n), utf8("x")),
      (e) => isFcpError(e, "FCP-2002"),
    );
    assert.throws(
      () => ed25519Verify(new Uint8Array(n), utf8("x"), sig),
      (e) => isFcpError(e, "FCP-2002"),
    );
  }
  for (const n of [0, 63, 65, 128]) {
    assert.throws(
      () => ed25519Verify(pk, utf8("x"), new Uint8Array(n)),
      (e) => isFcpError(e, "FCP-2001"),
    );
  }
});
