import assert from "node:assert/strict";
import { CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 as NobleDhkemX25519 } from "@hpke/dhkem-x25519";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { concatBytes, fromHex, isFcpError, toHex, utf8 } from "../core/mod.ts";
import { aeadOpen } from "./aead.ts";
import { chacha20Keystream } from "./chacha20.ts";
import {
  HPKE_MAX_SEALED_BYTES,
  hpkeDeriveKeyPair,
  hpkeOpen,
  hpkeSeal,
  hpkeSealedBoxRaw,
  parseHpkeSealedBoxRaw,
} from "./hpke.ts";
import {
  hpkeBaseKeySchedule,
  hpkeDeriveX25519SecretKey,
  hpkeKemSharedSecret,
  hpkeSealTrace,
} from "./hpke_key_schedule.ts";
import { x25519PublicKey, x25519SharedSecret } from "./x25519.ts";
import { detBytes, loadInterop, s } from "./_test_util.ts";

const INFO = utf8("FCP2-HPKE");

/** Open with the independent key schedule (not @hpke/core). */
function openOwn(sk: Uint8Array, enc: Uint8Array, ct: Uint8Array, aad: Uint8Array, info = INFO) {
  const pkR = x25519PublicKey(sk);
  const ss = hpkeKemSharedSecret(x25519SharedSecret(sk, enc), enc, pkR);
  const ks = hpkeBaseKeySchedule(ss, info);
  return aeadOpen("chacha20poly1305", ks.key, ks.baseNonce, aad, ct);
}

Deno.test("hpke.json hpke_seal: every intermediate and the sealed box match", async () => {
  const vectors = (await loadInterop("hpke")).filter((v) => v.kind === "hpke_seal");
  assert.equal(vectors.length, 1);
  for (const v of vectors) {
    const skR = fromHex(s(v.inputs, "recipient_sk_hex"));
    const pt = fromHex(s(v.inputs, "plaintext_hex"));
    const aad = fromHex(s(v.expected, "aad_hex")); // the CBOR AAD is the hpke area's job
    const info = utf8(s(v.inputs, "info"));
    const pkR = x25519PublicKey(skR);
    assert.equal(toHex(pkR), s(v.expected, "recipient_pk_hex"));
    const ikm = chacha20Keystream(fromHex(s(v.inputs, "rng_seed_hex")), 32);
    assert.equal(toHex(ikm), s(v.expected, "ephemeral_ikm_hex"));
    // DeriveKeyPair: @hpke/core and the independent implementation
    const kp = await hpkeDeriveKeyPair(ikm);
    assert.equal(toHex(kp.secretKey), s(v.expected, "ephemeral_sk_hex"));
    assert.equal(toHex(kp.publicKey), s(v.expected, "enc_hex"));
    assert.equal(toHex(hpkeDeriveX25519SecretKey(ikm)), s(v.expected, "ephemeral_sk_hex"));
    // every intermediate via the independent key schedule
    const t = hpkeSealTrace(pkR, pt, aad, ikm, info);
    assert.equal(toHex(t.ephemeralSecretKey), s(v.expected, "ephemeral_sk_hex"));
    assert.equal(toHex(t.enc), s(v.expected, "enc_hex"));
    assert.equal(toHex(t.sharedSecret), s(v.expected, "shared_secret_hex"));
    assert.equal(toHex(t.key), s(v.expected, "key_hex"));
    assert.equal(toHex(t.baseNonce), s(v.expected, "base_nonce_hex"));
    assert.equal(toHex(t.ciphertext), s(v.expected, "ciphertext_hex"));
    assert.equal(toHex(hpkeSealedBoxRaw(t)), s(v.expected, "sealed_box_raw_hex"));
    // the production path (@hpke/core) with the same deterministic ephemeral
    const box = await hpkeSeal(pkR, pt, aad, { info, ephemeralIkm: ikm });
    assert.equal(toHex(box.enc), s(v.expected, "enc_hex"));
    assert.equal(toHex(box.ciphertext), s(v.expected, "ciphertext_hex"));
    assert.equal(toHex(hpkeSealedBoxRaw(box)), s(v.expected, "sealed_box_raw_hex"));
    // and it opens, from the raw sealed box
    const parsed = parseHpkeSealedBoxRaw(fromHex(s(v.expected, "sealed_box_raw_hex")));
    assert.deepEqual(await hpkeOpen(skR, parsed.enc, parsed.ciphertext, aad, { info }), pt);
    assert.deepEqual(openOwn(skR, parsed.enc, parsed.ciphertext, aad, info), pt);
  }
});

Deno.test("interop both ways: @hpke/core <-> independent key schedule, random ephemerals", async () => {
  for (let i = 0; i < 10; i++) {
    const skR = detBytes("hpke-r", i, 32);
    const pkR = x25519PublicKey(skR);
    const pt = detBytes("hpke-pt", i, i * 13);
    const aad = detBytes("hpke-aad", i, 20);
    const box = await hpkeSeal(pkR, pt, aad); // random ephemeral
    assert.deepEqual(openOwn(skR, box.enc, box.ciphertext, aad), pt);
    const t = hpkeSealTrace(pkR, pt, aad, detBytes("hpke-ikm", i, 32));
    assert.deepEqual(await hpkeOpen(skR, t.enc, t.ciphertext, aad), pt);
  }
});

Deno.test("interop both ways with the @hpke/dhkem-x25519 (noble) KEM suite", async () => {
  const noble = new CipherSuite({
    kem: new NobleDhkemX25519(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
  const skR = detBytes("hpke-noble", 0, 32);
  const pkR = x25519PublicKey(skR);
  const aad = utf8("aad");
  const box = await hpkeSeal(pkR, utf8("to noble"), aad);
  const opened = await noble.open(
    { recipientKey: await noble.kem.deserializePrivateKey(skR), enc: box.enc, info: INFO },
    box.ciphertext,
    aad,
  );
  assert.deepEqual(new Uint8Array(opened), utf8("to noble"));
  const r = await noble.seal(
    { recipientPublicKey: await noble.kem.deserializePublicKey(pkR), info: INFO },
    utf8("from noble"),
    aad,
  );
  assert.deepEqual(
    await hpkeOpen(skR, new Uint8Array(r.enc), new Uint8Array(r.ct), aad),
    utf8("from noble"),
  );
});

Deno.test("refusals: every open failure is the opaque FCP-2014", async () => {
  const skR = detBytes("hpke-refuse", 0, 32);
  const pkR = x25519PublicKey(skR);
  const aad = utf8("aad");
  const { enc, ciphertext } = await hpkeSeal(pkR, utf8("secret"), aad);
  assert.deepEqual(await hpkeOpen(skR, enc, ciphertext, aad), utf8("secret"));
  const flip = (b: Uint8Array, i = 0) => {
    const c = b.slice();
    c[i] = c[i]! ^ 1;
    return c;
  };
  const cases: Array<[string, () => Promise<unknown>]> = [
    ["wrong secret key", () => hpkeOpen(detBytes("hpke-refuse", 1, 32), enc, ciphertext, aad)],
    ["tampered enc", () => hpkeOpen(skR, flip(enc), ciphertext, aad)],
    ["all-zero enc (small order)", () => hpkeOpen(skR, new Uint8Array(32), ciphertext, aad)],
    ["short enc", () => hpkeOpen(skR, enc.subarray(1), ciphertext, aad)],
    ["tampered ciphertext", () => hpkeOpen(skR, enc, flip(ciphertext), aad)],
    ["tampered tag", () => hpkeOpen(skR, enc, flip(ciphertext, ciphertext.length - 1), aad)],
    ["ciphertext shorter than a tag", () => hpkeOpen(skR, enc, ciphertext.subarray(0, 15), aad)],
    ["wrong aad", () => hpkeOpen(skR, enc, ciphertext, utf8("aae"))],
    ["wrong info", () => hpkeOpen(skR, enc, ciphertext, aad, { info: utf8("FCP2-HPKE2") })],
  ];
  for (const [what, f] of cases) {
    await assert.rejects(
      f,
      (e) => isFcpError(e, "FCP-2014") && e.detail === "HPKE open failed",
      what,
    );
  }
  assert.throws(() => parseHpkeSealedBoxRaw(new Uint8Array(47)), (e) => isFcpError(e, "FCP-2014"));
  assert.throws(
    () => parseHpkeSealedBoxRaw(new Uint8Array(HPKE_MAX_SEALED_BYTES + 1)),
    (e) => isFcpError(e, "FCP-2014"),
  );
  assert.equal(
    parseHpkeSealedBoxRaw(concatBytes(enc, ciphertext)).ciphertext.length,
    ciphertext.length,
  );
});

Deno.test("refusals: wrong key lengths and small-order recipient keys are FCP-2002", async () => {
  const skR = detBytes("hpke-len", 0, 32);
  for (const n of [0, 31, 33]) {
    await assert.rejects(
      hpkeSeal(new Uint8Array(n), utf8("x"), utf8("")),
      (e) => isFcpError(e, "FCP-2002"),
    );
    await assert.rejects(
      hpkeOpen(new Uint8Array(n), new Uint8Array(32), new Uint8Array(32), utf8("")),
      (e) => isFcpError(e, "FCP-2002"),
    );
    assert.throws(
      () => hpkeSealTrace(new Uint8Array(n), utf8("x"), utf8(""), skR),
      (e) => isFcpError(e, "FCP-2002"),
    );
  }
  await assert.rejects(
    hpkeSeal(new Uint8Array(32), utf8("x"), utf8("")),
    (e) => isFcpError(e, "FCP-2002"),
  );
  assert.throws(
    () => hpkeSealTrace(new Uint8Array(32), utf8("x"), utf8(""), skR),
    (e) => isFcpError(e, "FCP-2002"),
  );
});
