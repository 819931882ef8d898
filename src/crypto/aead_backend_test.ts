import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { aeadBackend, aeadOpenDetached, aeadReady, aeadSealDetached } from "./aead.ts";
import { loadSodium, setSodiumForTests } from "./_sodium.ts";
import { type AeadAlgorithm } from "./aead.ts";
import { openSymbol, sealSymbol, SymbolCipher } from "./symbol_aead.ts";

const ALGS: AeadAlgorithm[] = ["chacha20poly1305", "xchacha20poly1305"];

function rand(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

Deno.test("both AEAD backends produce identical bytes and open each other's output", async () => {
  await aeadReady();
  const sodium = await loadSodium();
  assert.ok(sodium, "libsodium loads");
  for (const alg of ALGS) {
    for (const size of [0, 1, 63, 64, 1024, 5000]) {
      const key = rand(32);
      const nonce = rand(alg === "chacha20poly1305" ? 12 : 24);
      const aad = rand(86);
      const pt = rand(size);
      setSodiumForTests(sodium);
      assert.equal(aeadBackend(), "libsodium");
      const a = aeadSealDetached(alg, key, nonce, aad, pt);
      setSodiumForTests(undefined);
      assert.equal(aeadBackend(), "node:crypto");
      const b = aeadSealDetached(alg, key, nonce, aad, pt);
      assert.equal(toHex(a.ciphertext) + toHex(a.tag), toHex(b.ciphertext) + toHex(b.tag));
      assert.deepEqual(aeadOpenDetached(alg, key, nonce, aad, a.ciphertext, a.tag), pt);
      setSodiumForTests(sodium);
      assert.deepEqual(aeadOpenDetached(alg, key, nonce, aad, b.ciphertext, b.tag), pt);
    }
  }
  setSodiumForTests(sodium);
});

Deno.test("both AEAD backends refuse a tampered tag, AAD or ciphertext with FCP-1025", async () => {
  const sodium = await loadSodium();
  for (const backend of [sodium, undefined]) {
    setSodiumForTests(backend);
    for (const alg of ALGS) {
      const key = rand(32);
      const nonce = rand(alg === "chacha20poly1305" ? 12 : 24);
      const aad = rand(86);
      const { ciphertext, tag } = aeadSealDetached(alg, key, nonce, aad, rand(100));
      const bad = (c: Uint8Array, t: Uint8Array, a: Uint8Array) => () =>
        aeadOpenDetached(alg, key, nonce, a, c, t);
      const flip = (x: Uint8Array) => x.with(0, x[0]! ^ 1);
      assert.throws(bad(ciphertext, flip(tag), aad), (e) => isFcpError(e, "FCP-1025"));
      assert.throws(bad(flip(ciphertext), tag, aad), (e) => isFcpError(e, "FCP-1025"));
      assert.throws(bad(ciphertext, tag, flip(aad)), (e) => isFcpError(e, "FCP-1025"));
    }
  }
  setSodiumForTests(sodium);
});

Deno.test("SymbolCipher equals sealSymbol/openSymbol and binds esi, frame seq and epoch", async () => {
  await aeadReady();
  for (const alg of ALGS) {
    const fixed = {
      alg,
      subkey: rand(32),
      objectId: rand(32),
      k: 10,
      zoneIdHash: rand(32),
      zoneKeyId: rand(8),
      epochId: 5n,
      senderInstanceId: 0x1122334455667788n,
    };
    const cipher = new SymbolCipher(fixed);
    for (const [esi, seq] of [[0, 1n], [3, 7n], [9, 2n ** 40n]] as const) {
      const pt = rand(1024);
      const a = cipher.seal(esi, seq, pt);
      const b = sealSymbol({ ...fixed, esi, frameSeq: seq }, pt);
      assert.equal(toHex(a.ciphertext) + toHex(a.tag), toHex(b.ciphertext) + toHex(b.tag));
      assert.deepEqual(openSymbol({ ...fixed, esi, frameSeq: seq }, a.ciphertext, a.tag), pt);
      assert.deepEqual(cipher.open(esi, seq, a.ciphertext, a.tag), pt);
      assert.throws(
        () => cipher.open(esi + 1, seq, a.ciphertext, a.tag),
        (e) => isFcpError(e, "FCP-1025"),
      );
      assert.throws(
        () => cipher.open(esi, seq + 1n, a.ciphertext, a.tag),
        (e) => isFcpError(e, "FCP-1025"),
      );
      const otherEpoch = new SymbolCipher({ ...fixed, epochId: 6n });
      assert.throws(
        () => otherEpoch.open(esi, seq, a.ciphertext, a.tag),
        (e) => isFcpError(e, "FCP-1025"),
      );
      const otherKeyId = new SymbolCipher({ ...fixed, zoneKeyId: rand(8) });
      assert.throws(
        () => otherKeyId.open(esi, seq, a.ciphertext, a.tag),
        (e) => isFcpError(e, "FCP-1025"),
      );
    }
  }
});
