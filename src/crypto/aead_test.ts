import assert from "node:assert/strict";
import sodium from "libsodium-wrappers";
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { concatBytes, fromHex, isFcpError, toHex, utf8 } from "../core/mod.ts";
import {
  type AeadAlgorithm,
  aeadOpen,
  aeadOpenDetached,
  aeadSeal,
  aeadSealDetached,
} from "./aead.ts";
import { hchacha20 } from "./_hchacha20.ts";
import { detBytes, loadInterop, s } from "./_test_util.ts";

await sodium.ready;

const SUNSCREEN = utf8(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);
const KEY_80 = fromHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
const AAD_50 = fromHex("50515253c0c1c2c3c4c5c6c7");
const ALGS: AeadAlgorithm[] = ["chacha20poly1305", "xchacha20poly1305"];

Deno.test("RFC 8439 §2.8.2 ChaCha20-Poly1305 test vector", () => {
  const nonce = fromHex("070000004041424344454647");
  const { ciphertext, tag } = aeadSealDetached(
    "chacha20poly1305",
    KEY_80,
    nonce,
    AAD_50,
    SUNSCREEN,
  );
  assert.equal(toHex(ciphertext.subarray(0, 16)), "d31a8d34648e60db7b86afbc53ef7ec2");
  assert.equal(toHex(tag), "1ae10b594f09e26a7e902ecbd0600691");
  assert.deepEqual(
    aeadOpenDetached("chacha20poly1305", KEY_80, nonce, AAD_50, ciphertext, tag),
    SUNSCREEN,
  );
});

Deno.test("draft-irtf-cfrg-xchacha-03: HChaCha20 (§2.2.1) and AEAD (§A.3.1) test vectors", () => {
  const key = fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  assert.equal(
    toHex(hchacha20(key, fromHex("000000090000004a0000000031415927"))),
    "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
  );
  const nonce = fromHex("404142434445464748494a4b4c4d4e4f5051525354555657");
  const { ciphertext, tag } = aeadSealDetached(
    "xchacha20poly1305",
    KEY_80,
    nonce,
    AAD_50,
    SUNSCREEN,
  );
  assert.equal(toHex(ciphertext.subarray(0, 16)), "bd6d179d3e83d43b9576579493c0e939");
  assert.equal(toHex(tag), "c0875924c1c7987947deafd8780acf49");
});

Deno.test("fcpc.json: the FCPC frame AEAD (key, nonce, AAD) gives the expected ciphertext and tag", async () => {
  const vectors = (await loadInterop("fcpc")).filter((v) => v.kind === "fcpc_frame");
  assert.equal(vectors.length, 2);
  for (const v of vectors) {
    const key = fromHex(s(v.inputs, "key_hex"));
    const nonce = fromHex(s(v.expected, "nonce_hex"));
    const aad = fromHex(s(v.expected, "aad_hex"));
    const pt = fromHex(s(v.inputs, "plaintext_hex"));
    const { ciphertext, tag } = aeadSealDetached("chacha20poly1305", key, nonce, aad, pt);
    assert.equal(toHex(ciphertext), s(v.expected, "ciphertext_hex"), v.id);
    assert.equal(toHex(tag), s(v.expected, "tag_hex"), v.id);
    assert.deepEqual(aeadOpenDetached("chacha20poly1305", key, nonce, aad, ciphertext, tag), pt);
  }
});

Deno.test("differential: agrees with @noble/ciphers and libsodium on random inputs, both algorithms", () => {
  const sizes = [0, 1, 15, 16, 17, 63, 64, 65, 1024, 1500, 4096, 70_000];
  for (const alg of ALGS) {
    const nlen = alg === "chacha20poly1305" ? 12 : 24;
    for (let i = 0; i < sizes.length; i++) {
      const key = detBytes(`k-${alg}`, i, 32);
      const nonce = detBytes(`n-${alg}`, i, nlen);
      const aad = detBytes(`a-${alg}`, i, i * 7);
      const pt = detBytes(`p-${alg}`, i, sizes[i]!);
      const sealed = aeadSeal(alg, key, nonce, aad, pt);
      assert.equal(Object.getPrototypeOf(sealed), Uint8Array.prototype);
      const noble = alg === "chacha20poly1305" ? chacha20poly1305 : xchacha20poly1305;
      assert.equal(
        toHex(sealed),
        toHex(noble(key, nonce, aad).encrypt(pt)),
        `${alg} noble n=${sizes[i]}`,
      );
      const sod = alg === "chacha20poly1305"
        ? sodium.crypto_aead_chacha20poly1305_ietf_encrypt(pt, aad, null, nonce, key)
        : sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(pt, aad, null, nonce, key);
      assert.equal(toHex(sealed), toHex(sod), `${alg} libsodium n=${sizes[i]}`);
      assert.deepEqual(aeadOpen(alg, key, nonce, aad, sealed), pt);
    }
  }
});

Deno.test("a 1 MiB message round-trips", () => {
  const key = detBytes("big", 0, 32);
  const pt = detBytes("big", 1, 1 << 20);
  for (const alg of ALGS) {
    const nonce = new Uint8Array(alg === "chacha20poly1305" ? 12 : 24);
    const { ciphertext, tag } = aeadSealDetached(alg, key, nonce, new Uint8Array(0), pt);
    assert.equal(ciphertext.length, pt.length);
    assert.deepEqual(aeadOpenDetached(alg, key, nonce, new Uint8Array(0), ciphertext, tag), pt);
  }
});

Deno.test("refusals: every open failure is the opaque FCP-1025", () => {
  for (const alg of ALGS) {
    const key = detBytes("r-key", 0, 32);
    const nonce = detBytes("r-nonce", 0, alg === "chacha20poly1305" ? 12 : 24);
    const aad = utf8("aad");
    const pt = utf8("attack at dawn");
    const { ciphertext, tag } = aeadSealDetached(alg, key, nonce, aad, pt);
    const flip = (b: Uint8Array, i: number) => {
      const c = b.slice();
      c[i] = c[i]! ^ 1;
      return c;
    };
    const bad: Array<[string, () => unknown]> = [
      ["wrong key", () => aeadOpenDetached(alg, flip(key, 0), nonce, aad, ciphertext, tag)],
      [
        "wrong nonce",
        () => aeadOpenDetached(alg, key, flip(nonce, nonce.length - 1), aad, ciphertext, tag),
      ],
      ["wrong aad", () => aeadOpenDetached(alg, key, nonce, utf8("aae"), ciphertext, tag)],
      ["missing aad", () => aeadOpenDetached(alg, key, nonce, new Uint8Array(0), ciphertext, tag)],
      [
        "tampered ciphertext",
        () => aeadOpenDetached(alg, key, nonce, aad, flip(ciphertext, 3), tag),
      ],
      [
        "truncated ciphertext",
        () => aeadOpenDetached(alg, key, nonce, aad, ciphertext.subarray(1), tag),
      ],
      ["tampered tag", () => aeadOpenDetached(alg, key, nonce, aad, ciphertext, flip(tag, 15))],
      ["short tag", () => aeadOpenDetached(alg, key, nonce, aad, ciphertext, tag.subarray(0, 15))],
      [
        "long tag",
        () =>
          aeadOpenDetached(alg, key, nonce, aad, ciphertext, concatBytes(tag, new Uint8Array(1))),
      ],
      ["sealed shorter than a tag", () => aeadOpen(alg, key, nonce, aad, tag.subarray(0, 15))],
      [
        "tampered sealed",
        () => aeadOpen(alg, key, nonce, aad, flip(concatBytes(ciphertext, tag), 0)),
      ],
    ];
    for (const [what, f] of bad) {
      assert.throws(
        f,
        (e) => isFcpError(e, "FCP-1025") && e.detail === "AEAD open failed",
        `${alg}: ${what}`,
      );
    }
  }
});

Deno.test("refusals: key length FCP-2002, nonce length and unknown algorithm FCP-1040", () => {
  const pt = utf8("x");
  for (const alg of ALGS) {
    const nonce = new Uint8Array(alg === "chacha20poly1305" ? 12 : 24);
    for (const n of [0, 16, 31, 33]) {
      assert.throws(
        () => aeadSeal(alg, new Uint8Array(n), nonce, pt, pt),
        (e) => isFcpError(e, "FCP-2002"),
      );
      assert.throws(
        () => aeadOpen(alg, new Uint8Array(n), nonce, pt, new Uint8Array(17)),
        (e) => isFcpError(e, "FCP-2002"),
      );
    }
    for (const n of [0, 8, 11, 13, 23, 25]) {
      if (n === nonce.length) continue;
      assert.throws(
        () => aeadSeal(alg, new Uint8Array(32), new Uint8Array(n), pt, pt),
        (e) => isFcpError(e, "FCP-1040"),
      );
      assert.throws(
        () => aeadOpen(alg, new Uint8Array(32), new Uint8Array(n), pt, new Uint8Array(3)),
        (e) => isFcpError(e, "FCP-1040"),
      );
    }
  }
  const bogus = "aes256gcm" as unknown as AeadAlgorithm;
  assert.throws(
    () => aeadSeal(bogus, new Uint8Array(32), new Uint8Array(12), pt, pt),
    (e) => isFcpError(e, "FCP-1040"),
  );
});
