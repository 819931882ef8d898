import assert from "node:assert/strict";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { fromHex, isFcpError, toHex, utf8 } from "../core/mod.ts";
import { blake3, blake3Keyed, blake3Parts, createBlake3 } from "./blake3.ts";
import { detBytes, loadInterop, s } from "./_test_util.ts";

const SIZES = [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 4095, 4096, 4097, 16385, 100_000, 1 << 20];

Deno.test("blake3 agrees with @noble/hashes across sizes (pure-JS and SIMD paths) and lengths", () => {
  const data = detBytes("b3", 0, 1 << 20);
  for (const n of SIZES) {
    const x = data.subarray(0, n);
    for (const len of [1, 8, 16, 32, 33, 64, 65, 100, 200]) {
      assert.equal(
        toHex(blake3(x, len)),
        toHex(nobleBlake3(x, { dkLen: len })),
        `n=${n} len=${len}`,
      );
    }
  }
});

Deno.test("blake3Keyed and keyed createBlake3 agree with @noble/hashes", () => {
  const key = detBytes("b3-key", 0, 32);
  const data = detBytes("b3", 1, 1 << 20);
  for (const n of SIZES) {
    const x = data.subarray(0, n);
    const want = toHex(nobleBlake3(x, { key }));
    assert.equal(toHex(blake3Keyed(key, x)), want, `n=${n}`);
    assert.equal(toHex(createBlake3(key).update(x).digest()), want, `n=${n}`);
    assert.equal(
      toHex(createBlake3(key).update(x).digest(64)),
      toHex(nobleBlake3(x, { key, dkLen: 64 })),
    );
  }
});

Deno.test("incremental hashing in uneven pieces equals one-shot; digest does not reset", () => {
  const data = detBytes("b3", 2, 70_000);
  for (const piece of [1, 7, 64, 777, 4096, 9000]) {
    const h = createBlake3();
    for (let o = 0; o < data.length; o += piece) h.update(data.subarray(o, o + piece));
    assert.equal(toHex(h.digest()), toHex(nobleBlake3(data)), `piece=${piece}`);
  }
  const h = createBlake3().update(data.subarray(0, 100));
  assert.deepEqual(h.digest(), blake3(data.subarray(0, 100)));
  assert.deepEqual(h.digest(), blake3(data.subarray(0, 100)), "digest twice is stable");
  h.update(data.subarray(100, 200));
  assert.deepEqual(h.digest(), blake3(data.subarray(0, 200)), "digest then update continues");
});

Deno.test("the key is copied: mutating it after createBlake3 changes nothing", () => {
  const key = detBytes("b3-key", 1, 32);
  const want = nobleBlake3(utf8("m"), { key });
  const k = key.slice();
  const h = createBlake3(k);
  k.fill(0);
  assert.deepEqual(h.update(utf8("m")).digest(), want);
});

Deno.test("official BLAKE3 test vector prefixes (input i % 251)", () => {
  // From the BLAKE3 repo's test_vectors.json (first 32 bytes of hash / keyed_hash).
  const key = utf8("whats the Elvish word for friend");
  const input = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);
  assert.equal(
    toHex(blake3(input(0))),
    "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
  );
  assert.equal(
    toHex(blake3(input(1))),
    "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
  );
  assert.equal(
    toHex(blake3Keyed(key, input(0))),
    "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26",
  );
});

Deno.test("session.json: the Suite 2 datagram MAC is keyed BLAKE3 truncated to 16", async () => {
  const v = (await loadInterop("session")).find((x) => x.id === "session.mac_suite2")!;
  const mac = blake3Keyed(
    fromHex(s(v.inputs, "mac_key_hex")),
    fromHex(s(v.expected, "mac_input_hex")),
  );
  assert.equal(toHex(mac.subarray(0, 16)), s(v.expected, "mac_hex"));
});

Deno.test("refusals: key length FCP-2002, output length FCP-1040", () => {
  for (const n of [0, 16, 31, 33, 64]) {
    assert.throws(
      () => blake3Keyed(new Uint8Array(n), utf8("x")),
      (e) => isFcpError(e, "FCP-2002"),
    );
    assert.throws(() => createBlake3(new Uint8Array(n)), (e) => isFcpError(e, "FCP-2002"));
  }
  for (const len of [0, -1, 1.5, 65537, Number.NaN]) {
    assert.throws(() => blake3(utf8("x"), len), (e) => isFcpError(e, "FCP-1040"));
  }
  for (const len of [0, 65, 100]) {
    assert.throws(
      () => createBlake3().update(utf8("x")).digest(len),
      (e) => isFcpError(e, "FCP-1040"),
    );
  }
});

Deno.test("blake3Parts: pooled hashers give the bytes of fresh ones, for any sizes, keys and interleavings", () => {
  const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const keys = [undefined, rnd(32), rnd(32)];
  for (let i = 0; i < 200; i++) {
    const key = keys[i % 3];
    const sizes = [0, 1, 63, 64, 65, 1023, 1024, 1025, 4096, 9000];
    const parts = [rnd(sizes[i % sizes.length]!), rnd(sizes[(i * 7) % sizes.length]!)];
    const fresh = createBlake3(key);
    for (const p of parts) fresh.update(p);
    const outLen = 1 + (i % 64);
    assert.deepEqual(blake3Parts(parts, key, outLen), fresh.digest(outLen));
  }
  // A key mutated after use does not leak into the pooled hasher's results.
  const k = rnd(32);
  const a = blake3Parts([rnd(10)], k);
  const msg = rnd(100);
  const before = blake3Parts([msg], k);
  const copy = k.slice();
  k.fill(0);
  assert.deepEqual(blake3Parts([msg], copy), before);
  assert.notDeepEqual(blake3Parts([msg], k), before);
  assert.equal(a.length, 32);
  assert.throws(() => blake3Parts([msg], new Uint8Array(31)), /FCP-2002/);
  assert.throws(() => blake3Parts([msg], undefined, 65), /FCP-1040/);
});
