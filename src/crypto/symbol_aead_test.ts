import assert from "node:assert/strict";
import { fromHex, isFcpError, toHex, utf8 } from "../core/mod.ts";
import type { AeadAlgorithm } from "./aead.ts";
import { blake3 } from "./blake3.ts";
import {
  openSymbol,
  sealSymbol,
  SenderKeyCache,
  senderKeyInfo,
  senderSubkey,
  symbolAad,
  type SymbolAeadParams,
  SymbolCipher,
  symbolNonce,
} from "./symbol_aead.ts";
import { loadInterop, s } from "./_test_util.ts";

const ALGS: AeadAlgorithm[] = ["chacha20poly1305", "xchacha20poly1305"];

function params(alg: AeadAlgorithm): SymbolAeadParams {
  const zoneKeyId = fromHex("0102030405060708");
  return {
    alg,
    subkey: senderSubkey(new Uint8Array(32).fill(0x42), zoneKeyId, "node-a", 9n),
    objectId: new Uint8Array(32).fill(0x11),
    esi: 3,
    k: 10,
    zoneIdHash: blake3(utf8("FCP2-ZONE-ID-V1z:work")),
    zoneKeyId,
    epochId: 5n,
    frameSeq: 7n,
    senderInstanceId: 9n,
  };
}

Deno.test("symbol_aead.json: subkey, info, AAD, nonces, ciphertexts and tags (both vectors)", async () => {
  const vectors = await loadInterop("symbol_aead");
  assert.equal(vectors.length, 2);
  for (const v of vectors) {
    const i = v.inputs;
    const zoneKey = fromHex(s(i, "zone_key_hex"));
    const zoneKeyId = fromHex(s(i, "zone_key_id_hex"));
    const sender = s(i, "sender_node_id");
    const instance = BigInt(s(i, "sender_instance_id"));
    const zoneIdHash = blake3(utf8("FCP2-ZONE-ID-V1" + s(i, "zone_id")));
    assert.equal(toHex(zoneIdHash), s(v.expected, "zone_id_hash_hex"));
    assert.equal(toHex(senderKeyInfo(sender, instance)), s(v.expected, "sender_key_info_hex"));
    const subkey = senderSubkey(zoneKey, zoneKeyId, sender, instance);
    assert.equal(toHex(subkey), s(v.expected, "sender_subkey_hex"));
    const p = {
      subkey,
      objectId: fromHex(s(i, "object_id_hex")),
      esi: Number(i.esi),
      k: Number(i.k),
      zoneIdHash,
      zoneKeyId,
      epochId: BigInt(i.epoch_id as number),
      frameSeq: BigInt(i.frame_seq as number),
      senderInstanceId: instance,
    };
    assert.equal(toHex(symbolAad(p)), s(v.expected, "aad_hex"));
    const pt = fromHex(s(i, "plaintext_hex"));
    for (const alg of ALGS) {
      const want = v.expected[alg] as Record<string, unknown>;
      assert.equal(toHex(symbolNonce(alg, p)), s(want, "nonce_hex"), `${v.id} ${alg}`);
      const { ciphertext, tag } = sealSymbol({ ...p, alg }, pt);
      assert.equal(toHex(ciphertext), s(want, "ciphertext_hex"), `${v.id} ${alg}`);
      assert.equal(toHex(tag), s(want, "tag_hex"), `${v.id} ${alg}`);
      assert.deepEqual(openSymbol({ ...p, alg }, ciphertext, tag), pt);
    }
  }
});

Deno.test("refusals: a symbol opened with any field changed is FCP-1025", () => {
  for (const alg of ALGS) {
    const p = params(alg);
    const data = new Uint8Array(1024).fill(0xab);
    const { ciphertext, tag } = sealSymbol(p, data);
    assert.deepEqual(openSymbol(p, ciphertext, tag), data);
    const otherKey = senderSubkey(new Uint8Array(32).fill(0x43), p.zoneKeyId, "node-a", 9n);
    const flip = (b: Uint8Array) => {
      const c = b.slice();
      c[0] = c[0]! ^ 1;
      return c;
    };
    const variants: Array<[string, Partial<SymbolAeadParams>]> = [
      ["wrong zone key", { subkey: otherKey }],
      ["wrong sender", {
        subkey: senderSubkey(new Uint8Array(32).fill(0x42), p.zoneKeyId, "node-b", 9n),
      }],
      ["wrong zone key id", { zoneKeyId: fromHex("0102030405060709") }],
      ["wrong epoch", { epochId: 6n }],
      ["wrong object", { objectId: flip(p.objectId) }],
      ["wrong esi", { esi: 4 }],
      ["wrong k", { k: 11 }],
      ["wrong zone", { zoneIdHash: blake3(utf8("FCP2-ZONE-ID-V1z:private")) }],
      ["wrong frame_seq", { frameSeq: 8n }],
    ];
    if (alg === "xchacha20poly1305") {
      variants.push(["wrong instance (nonce)", { senderInstanceId: 10n }]);
    }
    for (const [what, change] of variants) {
      assert.throws(
        () => openSymbol({ ...p, ...change }, ciphertext, tag),
        (e) => isFcpError(e, "FCP-1025"),
        `${alg}: ${what}`,
      );
    }
    assert.throws(() => openSymbol(p, ciphertext, flip(tag)), (e) => isFcpError(e, "FCP-1025"));
    assert.throws(() => openSymbol(p, flip(ciphertext), tag), (e) => isFcpError(e, "FCP-1025"));
    assert.throws(
      () => openSymbol(p, ciphertext, tag.subarray(0, 8)),
      (e) => isFcpError(e, "FCP-1025"),
    );
  }
});

Deno.test("refusals: wrong lengths and ranges of the inputs", () => {
  const zk = new Uint8Array(32);
  const zkid = new Uint8Array(8);
  assert.throws(
    () => senderSubkey(new Uint8Array(31), zkid, "n", 1n),
    (e) => isFcpError(e, "FCP-2002"),
  );
  assert.throws(
    () => senderSubkey(zk, new Uint8Array(7), "n", 1n),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(() => senderSubkey(zk, zkid, "n", -1n), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => senderSubkey(zk, zkid, "n", 2n ** 64n), (e) => isFcpError(e, "FCP-1040"));
  const cache = new SenderKeyCache();
  assert.throws(
    () => cache.get(new Uint8Array(33), zkid, "n", 1n),
    (e) => isFcpError(e, "FCP-2002"),
  );
  assert.throws(() => cache.get(zk, new Uint8Array(9), "n", 1n), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => new SenderKeyCache(0), (e) => isFcpError(e, "FCP-1040"));
  const a = params("chacha20poly1305");
  const badAad: Array<Partial<SymbolAeadParams>> = [
    { objectId: new Uint8Array(31) },
    { zoneIdHash: new Uint8Array(33) },
    { zoneKeyId: new Uint8Array(7) },
    { esi: -1 },
    { esi: 2 ** 32 },
    { k: 65536 },
    { k: 1.5 },
    { epochId: -1n },
    { epochId: 2n ** 64n },
  ];
  for (const change of badAad) {
    assert.throws(
      () => symbolAad({ ...a, ...change }),
      (e) => isFcpError(e, "FCP-1040"),
      JSON.stringify(Object.keys(change)),
    );
  }
  for (const alg of ALGS) {
    assert.throws(
      () => symbolNonce(alg, { ...a, frameSeq: 2n ** 64n }),
      (e) => isFcpError(e, "FCP-1040"),
    );
    assert.throws(() => symbolNonce(alg, { ...a, esi: 2 ** 32 }), (e) => isFcpError(e, "FCP-1040"));
  }
  assert.throws(
    () => symbolNonce("xchacha20poly1305", { ...a, senderInstanceId: -1n }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(
    () => sealSymbol({ ...a, subkey: new Uint8Array(16) }, utf8("x")),
    (e) => isFcpError(e, "FCP-2002"),
  );
});

Deno.test("u64 extremes land little-endian in the AAD and nonces", () => {
  const a = {
    ...params("chacha20poly1305"),
    epochId: 2n ** 64n - 1n,
    frameSeq: 2n ** 64n - 2n,
    esi: 2 ** 32 - 1,
    k: 65535,
  };
  const aad = symbolAad(a);
  assert.equal(toHex(aad.subarray(32, 38)), "ffffffffffff");
  assert.equal(toHex(aad.subarray(78)), "ffffffffffffffff");
  assert.equal(toHex(symbolNonce("chacha20poly1305", a)), "feffffffffffffffffffffff");
  assert.equal(
    toHex(symbolNonce("xchacha20poly1305", { ...a, senderInstanceId: 1n })),
    "0100000000000000feffffffffffffffffffffff00000000",
  );
});

Deno.test("SenderKeyCache: equals senderSubkey, separates every input, stays bounded", () => {
  const cache = new SenderKeyCache(4);
  const zk = new Uint8Array(32).fill(7);
  const zkid = new Uint8Array(8).fill(1);
  const inputs: Array<[Uint8Array, Uint8Array, string, bigint]> = [
    [zk, zkid, "node-a", 1n],
    [new Uint8Array(32).fill(8), zkid, "node-a", 1n],
    [zk, new Uint8Array(8).fill(2), "node-a", 1n],
    [zk, zkid, "node-b", 1n],
    [zk, zkid, "node-a", 2n],
    [zk, zkid, "node-a1", 1n],
  ];
  const seen = new Set<string>();
  for (const [k, id, sender, inst] of inputs) {
    const got = cache.get(k, id, sender, inst);
    assert.deepEqual(got, senderSubkey(k, id, sender, inst));
    seen.add(toHex(got));
    assert.ok(cache.size <= 4);
  }
  assert.equal(seen.size, inputs.length, "distinct inputs give distinct subkeys");
  assert.equal(cache.size, 4);
  // most recent entries are hits (same instance), evicted ones are re-derived correctly
  const last = inputs[inputs.length - 1]!;
  assert.equal(cache.get(...last), cache.get(...last));
  const first = inputs[0]!;
  assert.deepEqual(cache.get(...first), senderSubkey(...first));
  cache.clear();
  assert.equal(cache.size, 0);
});

// The issue 3 §7 refusals, one test each: a symbol opened under a wrong zone key id, a wrong
// epoch, or with a tampered tag is the opaque FCP-1025, through both sealing paths.

function sealedFixture(alg: AeadAlgorithm) {
  const p = params(alg);
  const data = new Uint8Array(1024).map((_, i) => (i * 7) & 0xff);
  return { p, data, ...sealSymbol(p, data) };
}

function cipherFor(p: SymbolAeadParams): SymbolCipher {
  return new SymbolCipher(p);
}

const isAeadInvalid = (e: unknown) => isFcpError(e, "FCP-1025");

Deno.test("refused: symbol opened with a wrong zone key id (FCP-1025)", () => {
  for (const alg of ALGS) {
    const { p, data, ciphertext, tag } = sealedFixture(alg);
    assert.deepEqual(openSymbol(p, ciphertext, tag), data);
    const otherId = fromHex("0102030405060709");
    // Only the AAD's key id differs (same subkey) ...
    assert.throws(() => openSymbol({ ...p, zoneKeyId: otherId }, ciphertext, tag), isAeadInvalid);
    assert.throws(
      () => cipherFor({ ...p, zoneKeyId: otherId }).open(p.esi, p.frameSeq, ciphertext, tag),
      isAeadInvalid,
      alg,
    );
    // ... and as a receiver would do it: the subkey derived under the other key id too.
    const derived = senderSubkey(new Uint8Array(32).fill(0x42), otherId, "node-a", 9n);
    assert.throws(
      () => openSymbol({ ...p, zoneKeyId: otherId, subkey: derived }, ciphertext, tag),
      isAeadInvalid,
    );
  }
});

Deno.test("refused: symbol opened under a wrong epoch (FCP-1025)", () => {
  for (const alg of ALGS) {
    const { p, ciphertext, tag } = sealedFixture(alg);
    for (const epochId of [4n, 6n, 0n, 2n ** 64n - 1n]) {
      assert.throws(() => openSymbol({ ...p, epochId }, ciphertext, tag), isAeadInvalid);
      assert.throws(
        () => cipherFor({ ...p, epochId }).open(p.esi, p.frameSeq, ciphertext, tag),
        isAeadInvalid,
        `${alg} epoch ${epochId}`,
      );
    }
  }
});

Deno.test("refused: symbol with a tampered tag (FCP-1025)", () => {
  for (const alg of ALGS) {
    const { p, ciphertext, tag } = sealedFixture(alg);
    const cipher = cipherFor(p);
    for (let i = 0; i < tag.length; i++) {
      const bad = tag.slice();
      bad[i] = bad[i]! ^ (1 << (i % 8));
      assert.throws(() => openSymbol(p, ciphertext, bad), isAeadInvalid, `${alg} byte ${i}`);
      assert.throws(() => cipher.open(p.esi, p.frameSeq, ciphertext, bad), isAeadInvalid);
    }
    assert.throws(() => openSymbol(p, ciphertext, new Uint8Array(16)), isAeadInvalid);
    assert.throws(() => openSymbol(p, ciphertext, tag.subarray(0, 15)), isAeadInvalid);
  }
});
