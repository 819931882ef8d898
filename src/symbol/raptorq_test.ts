import assert from "node:assert/strict";
import fc from "fast-check";
import { isFcpError } from "../core/mod.ts";
import { raptorqWasmStats, withRaptorq } from "./_raptorq_wasm.ts";
import {
  checkOti,
  DEFAULT_SYMBOL_SIZE,
  type EncodedSymbol,
  encodeObject,
  firstRepairEsi,
  MAX_CODEC_TRANSFER_LENGTH,
  MAX_ESI,
  ObjectDecoder,
  objectTransmissionInfo,
  repairSymbolCount,
} from "./raptorq.ts";

/** Deterministic pseudo-random bytes (xorshift32): fast for 100s of KiB. */
function bytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Fisher-Yates with a fast-check-provided seed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  const r = bytes(a.length * 4, seed);
  const dv = new DataView(r.buffer);
  for (let i = a.length - 1; i > 0; i--) {
    const j = dv.getUint32(i * 4) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function feed(dec: ObjectDecoder, symbols: readonly EncodedSymbol[]): boolean {
  let done = dec.complete;
  for (const s of symbols) done = dec.push(s.esi, s.data);
  return done;
}

const isCode = (code: Parameters<typeof isFcpError>[1]) => (e: unknown) => isFcpError(e, code);

Deno.test("encode: K, R, ESIs, symbol sizes and zero padding (WIRE.md §12)", () => {
  for (const len of [1, 100, 1023, 1024, 1025, 2048, 20 * 1024, 64 * 1024, 256 * 1024]) {
    const data = bytes(len, len);
    const enc = encodeObject(data);
    const k = Math.ceil(len / 1024);
    const r = Math.floor((k * 500) / 10000);
    assert.equal(enc.k, k);
    assert.equal(enc.r, r);
    assert.deepEqual(enc.oti, objectTransmissionInfo(len));
    assert.equal(enc.symbols.length, k + r);
    const esis = enc.symbols.map((s) => s.esi);
    const kp = firstRepairEsi(k);
    assert.deepEqual(esis, [
      ...Array.from({ length: k }, (_, i) => i),
      ...Array.from({ length: r }, (_, j) => kp + j),
    ]);
    for (const s of enc.symbols) assert.equal(s.data.length, DEFAULT_SYMBOL_SIZE);
    const last = enc.symbols[k - 1]!.data;
    const tail = len - (k - 1) * 1024;
    assert.deepEqual(last.subarray(0, tail), data.subarray((k - 1) * 1024));
    assert.ok(last.subarray(tail).every((b) => b === 0), "padding is zero");
  }
});

Deno.test("encode: an empty object has no symbols and its decoder is complete at once", () => {
  const enc = encodeObject(new Uint8Array(0));
  assert.equal(enc.k, 0);
  assert.equal(enc.r, 0);
  assert.deepEqual(enc.symbols, []);
  const dec = new ObjectDecoder(enc.oti);
  assert.ok(dec.complete);
  assert.deepEqual(dec.result(), new Uint8Array(0));
  assert.equal(dec.push(0, new Uint8Array(1024)), true, "stragglers after completion are ignored");
});

Deno.test("encode: objects without repair symbols never touch WASM; source decode neither", () => {
  const before = raptorqWasmStats().calls;
  const data = bytes(19 * 1024, 1); // K = 19, R = ⌊19·500/10000⌋ = 0
  const enc = encodeObject(data);
  assert.equal(enc.r, 0);
  const big = encodeObject(bytes(200 * 1024, 2), { engine: "wasm" }); // R = 10: one WASM encode
  assert.equal(raptorqWasmStats().calls, before + 1);
  const dec = new ObjectDecoder(big.oti);
  assert.ok(feed(dec, shuffle(big.symbols.slice(0, big.k), 3)));
  assert.deepEqual(dec.result(), bytes(200 * 1024, 2));
  assert.equal(raptorqWasmStats().calls, before + 1, "all-source decode is a plain copy");
});

Deno.test("encode: refusals are FCP-1040", () => {
  const tooBig = new Uint8Array(MAX_CODEC_TRANSFER_LENGTH + 1);
  assert.throws(() => encodeObject(tooBig), isCode("FCP-1040"));
  for (const symbolSize of [0, 56, 1001, 1540, 65536, 1024.5]) {
    assert.throws(() => encodeObject(new Uint8Array(10), { symbolSize }), isCode("FCP-1040"));
  }
  for (const repairBps of [-1, 10001, 0.5, NaN]) {
    assert.throws(() => encodeObject(new Uint8Array(10), { repairBps }), isCode("FCP-1040"));
  }
  assert.throws(() => encodeObject("x" as unknown as Uint8Array), isCode("FCP-1040"));
});

Deno.test("property: any order, duplicates and loss within the repair margin decode exactly", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: MAX_CODEC_TRANSFER_LENGTH }),
      fc.constantFrom(256, 512, 1024, 2048),
      fc.integer({ min: 500, max: 2000 }),
      fc.integer(),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (len, symbolSize, repairBps, seed, lossFraction) => {
        const data = bytes(len, seed);
        const enc = encodeObject(data, { symbolSize, repairBps });
        // Keep at least K + 2 symbols: RaptorQ fails to decode from exactly K symbols about 1%
        // of the time (RFC 6330 §5.4.1), from K + 2 about once in a million.
        const maxLoss = Math.max(0, enc.r - 2);
        const loss = Math.floor(lossFraction * maxLoss);
        const kept = shuffle(enc.symbols, seed).slice(loss);
        const withDups = [...kept, ...kept.slice(0, Math.ceil(kept.length / 4))];
        const arrival = shuffle(withDups, seed ^ 0x5555);
        const dec = new ObjectDecoder(enc.oti);
        try {
          assert.ok(feed(dec, arrival), `decoded len=${len} T=${symbolSize} loss=${loss}`);
          assert.deepEqual(dec.result(), data);
        } finally {
          dec.free();
        }
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("property: fewer than K genuine symbols never complete and never yield bytes", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: MAX_CODEC_TRANSFER_LENGTH }),
      fc.integer(),
      fc.integer({ min: 1, max: 64 }),
      (len, seed, short) => {
        const enc = encodeObject(bytes(len, seed), { repairBps: 1500 });
        const keep = Math.max(0, enc.k - short);
        const dec = new ObjectDecoder(enc.oti);
        assert.equal(feed(dec, shuffle(enc.symbols, seed).slice(0, keep)), enc.k === 0);
        assert.equal(dec.result(), undefined);
        assert.equal(dec.complete, false);
        assert.equal(dec.receivedCount, keep);
        dec.free();
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("decode: exactly K symbols with repair, then one more if K was not enough", () => {
  const data = bytes(100_000, 9);
  const enc = encodeObject(data, { repairBps: 1000 }); // K = 98, R = 9
  let decodedAtK = 0;
  for (let seed = 0; seed < 20; seed++) {
    const order = shuffle(enc.symbols.slice(5), seed); // 5 source symbols lost
    const dec = new ObjectDecoder(enc.oti);
    const atK = feed(dec, order.slice(0, enc.k));
    if (atK) decodedAtK++;
    assert.ok(atK || feed(dec, order.slice(enc.k)), "K + 4 symbols decode");
    assert.deepEqual(dec.result(), data);
  }
  assert.ok(decodedAtK >= 15, `decoded from exactly K in ${decodedAtK}/20`);
});

Deno.test("decode: garbage symbols of the right size never crash", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 * 1024 }), fc.integer(), (len, seed) => {
      const enc = encodeObject(bytes(len, seed), { repairBps: 2000 });
      const t = enc.oti.symbolSize;
      const kp = firstRepairEsi(enc.k);
      const garbage: EncodedSymbol[] = [
        { esi: kp + enc.r + 3, data: bytes(t, seed + 1) },
        { esi: MAX_ESI, data: bytes(t, seed + 2) },
        { esi: enc.k - 1, data: bytes(t, seed + 3) }, // a forged source symbol
      ];
      const dec = new ObjectDecoder(enc.oti, { maxSymbols: 4 * enc.k + 64 });
      const mixed = shuffle([...garbage, ...enc.symbols.slice(1)], seed);
      const done = feed(dec, mixed);
      const out = dec.result();
      assert.equal(done, out !== undefined);
      if (out !== undefined) assert.equal(out.length, len); // maybe wrong: the ObjectId decides
      dec.free();
    }),
    { numRuns: 30 },
  );
});

Deno.test("decode: a forged symbol can only yield wrong bytes of the right length", () => {
  const data = bytes(30 * 1024, 4); // K = 30, K′ = 30
  const enc = encodeObject(data);
  const forged = { esi: firstRepairEsi(enc.k), data: bytes(1024, 5) };
  // Forged symbol first: at K symbols the WASM decoder solves with it.
  const dec = new ObjectDecoder(enc.oti);
  assert.equal(dec.push(forged.esi, forged.data), false);
  assert.ok(feed(dec, enc.symbols.slice(1, enc.k)));
  assert.equal(dec.result()!.length, data.length);
  assert.notDeepEqual(dec.result(), data, "the caller's ObjectId check must catch this");
  // Forged symbol after the source symbols completed the object: ignored.
  const late = new ObjectDecoder(enc.oti);
  assert.ok(feed(late, enc.symbols.slice(0, enc.k)));
  assert.equal(late.push(forged.esi, forged.data), true);
  assert.deepEqual(late.result(), data);
});

Deno.test("decode: duplicates return false and are not counted", () => {
  const enc = encodeObject(bytes(5000, 1));
  const dec = new ObjectDecoder(enc.oti);
  const s = enc.symbols[0]!;
  assert.equal(dec.push(s.esi, s.data), false);
  assert.equal(dec.push(s.esi, s.data), false);
  assert.equal(dec.receivedCount, 1);
  assert.deepEqual(dec.esis(), [0]);
});

Deno.test("decode: the pushed buffer is copied", () => {
  const data = bytes(3000, 8);
  const enc = encodeObject(data);
  const dec = new ObjectDecoder(enc.oti);
  const buf = new Uint8Array(1024);
  for (const s of enc.symbols) {
    buf.set(s.data);
    dec.push(s.esi, buf);
    buf.fill(0xee);
  }
  assert.deepEqual(dec.result(), data);
});

Deno.test("decode: wrong-size symbols and impossible ESIs are FCP-1022, decoder stays usable", () => {
  const data = bytes(70 * 1024, 6); // K = 70, K' = 75
  const enc = encodeObject(data);
  const dec = new ObjectDecoder(enc.oti);
  assert.equal(firstRepairEsi(70), 75);
  for (const size of [0, 1023, 1025, 2048]) {
    assert.throws(() => dec.push(0, new Uint8Array(size)), isCode("FCP-1022"));
  }
  assert.throws(() => dec.push(0, "x".repeat(1024) as unknown as Uint8Array), isCode("FCP-1022"));
  for (const esi of [-1, 70, 74, MAX_ESI + 1, 1.5, NaN]) {
    assert.throws(() => dec.push(esi, new Uint8Array(1024)), isCode("FCP-1022"));
  }
  assert.equal(dec.receivedCount, 0);
  assert.ok(feed(dec, enc.symbols));
  assert.deepEqual(dec.result(), data);
});

Deno.test("decode: the symbol cap is FCP-6002 and ends the decoder", () => {
  // A 1-symbol object (K = 1, K′ = 10) decodes from any single repair symbol except the few
  // whose LT row leaves the system singular (RFC 6330 §5.4.1); find one, deterministically.
  const data = bytes(100, 1);
  const enc = encodeObject(data, { symbolSize: 128, repairBps: 10000 }); // R = 1
  const repairs = withRaptorq((rq) => {
    const e = rq.Encoder.with_defaults(data, 128);
    try {
      return e.encode(2000).slice(1); // ESIs 10..2009
    } finally {
      e.free();
    }
  });
  let unlucky: EncodedSymbol | undefined;
  for (const p of repairs) {
    const sym = { esi: (p[1]! << 16) | (p[2]! << 8) | p[3]!, data: p.subarray(4) };
    const probe = new ObjectDecoder(enc.oti, { maxSymbols: 1 });
    if (!probe.push(sym.esi, sym.data)) unlucky = sym;
    probe.free();
    if (unlucky) break;
  }
  assert.ok(unlucky, "some single repair symbol does not decode a 1-symbol object");
  const dec = new ObjectDecoder(enc.oti, { maxSymbols: 1 });
  assert.equal(dec.push(unlucky.esi, unlucky.data), false);
  assert.equal(dec.push(unlucky.esi, unlucky.data), false, "a duplicate is not a new symbol");
  assert.throws(() => dec.push(0, enc.symbols[0]!.data), isCode("FCP-6002"));
  assert.throws(() => dec.push(0, enc.symbols[0]!.data), isCode("FCP-6002"));
  assert.equal(dec.receivedCount, 0, "buffers dropped");
  assert.equal(dec.result(), undefined);
  // With room for one more symbol the same start decodes.
  const roomy = new ObjectDecoder(enc.oti, { maxSymbols: 2 });
  roomy.push(unlucky.esi, unlucky.data);
  assert.ok(roomy.push(0, enc.symbols[0]!.data));
  assert.deepEqual(roomy.result(), data);
  // A cap below K can never decode: refused up front.
  const big = encodeObject(bytes(40 * 1024, 2));
  assert.throws(() => new ObjectDecoder(big.oti, { maxSymbols: 39 }), isCode("FCP-6002"));
});

Deno.test("decode: the timeout is FCP-6003 and ends the decoder", () => {
  let now = 1000;
  const enc = encodeObject(bytes(10 * 1024, 3));
  const dec = new ObjectDecoder(enc.oti, { timeoutMs: 500, now: () => now });
  assert.equal(dec.push(0, enc.symbols[0]!.data), false);
  now += 500;
  assert.equal(dec.isExpired(), false);
  assert.equal(dec.push(1, enc.symbols[1]!.data), false);
  now += 1;
  assert.ok(dec.isExpired());
  assert.throws(() => dec.push(2, enc.symbols[2]!.data), isCode("FCP-6003"));
  assert.throws(() => dec.push(3, enc.symbols[3]!.data), isCode("FCP-6003"));
  assert.equal(dec.result(), undefined);
  // A complete decoder does not expire.
  const done = new ObjectDecoder(enc.oti, { timeoutMs: 500, now: () => now });
  feed(done, enc.symbols);
  now += 10_000;
  assert.equal(done.isExpired(), false);
  assert.equal(done.push(0, enc.symbols[0]!.data), true);
});

Deno.test("decode: limits and OTI refusals", () => {
  const oti = objectTransmissionInfo(100 * 1024);
  assert.throws(() => new ObjectDecoder(oti, { maxTransferLength: 1024 }), isCode("FCP-6002"));
  const over = { ...oti, transferLength: MAX_CODEC_TRANSFER_LENGTH + 1 };
  assert.throws(() => new ObjectDecoder(over), isCode("FCP-6002"));
  assert.throws(
    () => new ObjectDecoder(oti, { maxTransferLength: MAX_CODEC_TRANSFER_LENGTH + 1 }),
    isCode("FCP-1040"),
  );
  assert.throws(() => new ObjectDecoder(oti, { maxSymbols: 0 }), isCode("FCP-1040"));
  assert.throws(() => new ObjectDecoder(oti, { timeoutMs: 0 }), isCode("FCP-1040"));
  assert.throws(() => new ObjectDecoder(oti, { timeoutMs: Infinity }), isCode("FCP-1040"));
  const bad: unknown[] = [
    null,
    7,
    { ...oti, transferLength: -1 },
    { ...oti, transferLength: 1.5 },
    { ...oti, symbolSize: 1020 },
    { ...oti, symbolSize: 32 },
    { ...oti, sourceBlocks: 2 },
    { ...oti, subBlocks: 4 },
    { ...oti, alignment: 4 },
  ];
  for (const b of bad) {
    assert.throws(() => checkOti(b), isCode("FCP-1022"));
    assert.throws(
      () => new ObjectDecoder(b as typeof oti),
      isCode("FCP-1022"),
    );
  }
});

Deno.test("decode: push after free is FCP-9001; free is idempotent", () => {
  const enc = encodeObject(bytes(2000, 1));
  const dec = new ObjectDecoder(enc.oti);
  feed(dec, enc.symbols);
  assert.ok(dec.result());
  dec.free();
  dec.free();
  assert.equal(dec.result(), undefined);
  assert.throws(() => dec.push(0, enc.symbols[0]!.data), isCode("FCP-9001"));
});

Deno.test("decode: repair symbol counts follow the bps rule", () => {
  assert.equal(repairSymbolCount(1024, 1500), 153);
  assert.equal(repairSymbolCount(0, 10000), 0);
});

Deno.test("memory: 200 WASM encode/decode cycles keep the WASM heap bounded", () => {
  const run = (i: number) => {
    const len = MAX_CODEC_TRANSFER_LENGTH - (i % 7) * 1000;
    const data = bytes(len, i);
    const enc = encodeObject(data, { repairBps: 1000, engine: "wasm" });
    // Drop source symbols so that every cycle runs the WASM decoder too.
    const dec = new ObjectDecoder(enc.oti, { engine: "wasm" });
    try {
      assert.ok(feed(dec, enc.symbols.slice(enc.r - 2)));
      assert.deepEqual(dec.result(), data);
    } finally {
      dec.free();
    }
  };
  for (let i = 0; i < 20; i++) run(i);
  const warm = raptorqWasmStats();
  for (let i = 20; i < 200; i++) run(i);
  const end = raptorqWasmStats();
  assert.ok(end.calls >= warm.calls + 2 * 180, "each cycle used the WASM encoder and decoder");
  assert.equal(end.instances, warm.instances, "no instance reset hid a leak");
  assert.ok(end.memoryBytes <= 16 * 1024 * 1024, `heap ${end.memoryBytes}`);
  assert.ok(
    end.memoryBytes <= warm.memoryBytes + 1024 * 1024,
    `heap grew ${warm.memoryBytes} -> ${end.memoryBytes}`,
  );
});
