import assert from "node:assert/strict";
import fc from "fast-check";
import { raptorqWasmStats } from "./_raptorq_wasm.ts";
import {
  FAST_MAX_K,
  FAST_MAX_ROWS,
  fastDecode,
  fastRepairSymbols,
  generatorRows,
  generatorStats,
} from "./_generator.ts";
import { encodeObject, firstRepairEsi, ObjectDecoder } from "./raptorq.ts";

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

function heldMap(
  symbols: readonly { esi: number; data: Uint8Array }[],
  keep: (esi: number) => boolean,
): Map<number, Uint8Array> {
  const m = new Map<number, Uint8Array>();
  for (const s of symbols) if (keep(s.esi)) m.set(s.esi, s.data.slice());
  return m;
}

Deno.test("property: generator-matrix repair symbols are byte-identical to the WASM codec's", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: FAST_MAX_K }),
      fc.integer({ min: 1, max: FAST_MAX_ROWS }),
      fc.constantFrom(64, 72, 256, 1024, 2048),
      fc.integer(),
      (kWanted, rWanted, t, seed) => {
        const k = Math.min(kWanted, Math.floor((256 * 1024) / t));
        const r = Math.min(rWanted, k);
        const len = Math.max(1, k * t - (seed & 0xff) % t);
        const data = bytes(len, seed);
        const repairBps = Math.ceil((r * 10000) / k);
        const fast = encodeObject(data, { symbolSize: t, repairBps });
        const wasm = encodeObject(data, { symbolSize: t, repairBps, engine: "wasm" });
        assert.equal(fast.symbols.length, wasm.symbols.length);
        for (let i = 0; i < fast.symbols.length; i++) {
          assert.equal(fast.symbols[i]!.esi, wasm.symbols[i]!.esi);
          assert.deepEqual(fast.symbols[i]!.data, wasm.symbols[i]!.data, `k=${k} r=${r} t=${t}`);
        }
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("property: generator-matrix decode rebuilds any loss it accepts, exactly", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: FAST_MAX_K }),
      fc.integer({ min: 1, max: FAST_MAX_ROWS }),
      fc.integer(),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (k, rWanted, seed, lossFraction) => {
        const t = 64;
        const r = Math.min(rWanted, k);
        const data = bytes(k * t - (seed & 31), seed);
        const enc = encodeObject(data, { symbolSize: t, repairBps: Math.ceil((r * 10000) / k) });
        const want = Math.min(k, Math.floor(lossFraction * (enc.r + 1)));
        const order = [...Array(k).keys()];
        const rnd = bytes(4 * k, seed ^ 77);
        const dv = new DataView(rnd.buffer);
        for (let i = k - 1; i > 0; i--) {
          const j = dv.getUint32(4 * i) % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const lost = new Set(order.slice(0, want));
        const held = heldMap(enc.symbols, (e) => !lost.has(e));
        const out = fastDecode(k, t, data.length, held);
        if (lost.size === 0 || lost.size > enc.r) assert.equal(out, undefined);
        else if (out !== undefined) assert.deepEqual(out, data);
        else {
          // Declined within the margin: only when the held symbols really do not determine
          // the object, which the WASM decoder must confirm.
          const dec = new ObjectDecoder(enc.oti, { engine: "wasm" });
          for (const [esi, d] of held) dec.push(esi, d);
          assert.equal(dec.complete, false, `k=${k} lost=${lost.size}: WASM decoded it`);
          dec.free();
        }
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("generator decode is the usual path and needs no WASM call once K is cached", () => {
  const data = bytes(64 * 1024, 5); // K = 64
  const enc = encodeObject(data, { repairBps: 1500 }); // R = 9; derives or reuses G(64)
  const before = raptorqWasmStats().calls;
  const derived = generatorStats().derivations;
  for (let seed = 0; seed < 10; seed++) {
    const lost = new Set([seed, seed + 7, seed + 20, 40 + seed, 63 - seed]);
    const dec = new ObjectDecoder(enc.oti);
    for (const s of enc.symbols) if (!lost.has(s.esi)) dec.push(s.esi, s.data);
    assert.deepEqual(dec.result(), data);
    dec.free();
  }
  assert.equal(raptorqWasmStats().calls, before, "no WASM encode or decode");
  assert.equal(generatorStats().derivations, derived, "G(64) came from the cache");
});

Deno.test("a singular choice of repair symbols falls back to WASM, which agrees", () => {
  const k = 64;
  const g = generatorRows(k, 20)!;
  // A zero coefficient G[j][i]: repair j alone cannot replace source i.
  let at = -1;
  for (let x = 0; x < g.length && at < 0; x++) if (g[x] === 0) at = x;
  assert.ok(at >= 0, "a 64 × 20 GF(256) matrix has a zero entry");
  const j = Math.floor(at / k);
  const i = at % k;
  const data = bytes(k * 1024, 9);
  const enc = encodeObject(data, { repairBps: 10000 }); // R = 64: rows 0..63 exist
  const kp = firstRepairEsi(k);
  const held = heldMap(enc.symbols, (e) => e < k ? e !== i : e === kp + j);
  assert.equal(held.size, k);
  assert.equal(fastDecode(k, 1024, data.length, held), undefined);
  const dec = new ObjectDecoder(enc.oti);
  for (const [esi, d] of held) dec.push(esi, d);
  assert.equal(dec.complete, false, "the WASM decoder cannot solve it either");
  const other = enc.symbols.find((s) => s.esi >= kp && s.esi !== kp + j && g[(s.esi - kp) * k + i]);
  assert.ok(dec.push(other!.esi, other!.data));
  assert.deepEqual(dec.result(), data);
});

Deno.test("the generator path declines what it does not handle", () => {
  const data = bytes(64 * 64, 3);
  const enc = encodeObject(data, { symbolSize: 64, repairBps: 10000 });
  const kp = firstRepairEsi(64);
  // More than FAST_MAX_ROWS missing.
  const many = heldMap(enc.symbols, (e) => e >= FAST_MAX_ROWS + 1);
  assert.equal(fastDecode(64, 64, data.length, many), undefined);
  // Nothing missing, or too few repair symbols.
  assert.equal(fastDecode(64, 64, data.length, heldMap(enc.symbols, () => true)), undefined);
  assert.equal(
    fastDecode(64, 64, data.length, heldMap(enc.symbols, (e) => e > 1 && e < kp + 1)),
    undefined,
  );
  // K above the cap, rows above the cap, bad symbol size.
  assert.equal(generatorRows(FAST_MAX_K + 1, 1), undefined);
  assert.equal(generatorRows(10, 10 + 65), undefined);
  assert.equal(fastRepairSymbols(new Uint8Array(300 * 64), 64, 300, 2), undefined);
  assert.equal(fastRepairSymbols(new Uint8Array(10 * 64), 64, 10, FAST_MAX_ROWS + 1), undefined);
  // A repair ESI far beyond the cached rows is ignored by this path (WASM handles it).
  const far = heldMap(enc.symbols, (e) => e !== 0);
  far.set(0xfffff, bytes(64, 1));
  const out = fastDecode(64, 64, data.length, far);
  assert.deepEqual(out, data);
});

Deno.test("unaligned symbol buffers are handled", () => {
  const data = bytes(20 * 64, 11);
  const enc = encodeObject(data, { symbolSize: 64, repairBps: 2000 });
  const held = new Map<number, Uint8Array>();
  for (const s of enc.symbols) {
    if (s.esi === 2) continue;
    const buf = new Uint8Array(65);
    buf.set(s.data, 1);
    held.set(s.esi, buf.subarray(1));
  }
  assert.deepEqual(fastDecode(20, 64, data.length, held), data);
  const padded = new Uint8Array(20 * 64 + 1);
  padded.set(data, 1);
  const view = padded.subarray(1);
  assert.deepEqual(
    fastRepairSymbols(view, 64, 20, 4),
    enc.symbols.slice(20).map((s) => s.data),
  );
});

Deno.test("the generator cache holds at most 16 K values and keeps the recently used one", () => {
  generatorRows(3, 2);
  for (let k = 100; k < 130; k++) {
    generatorRows(k, 2);
    generatorRows(3, 2); // used again after each new K: never the least recently used
  }
  assert.ok(generatorStats().cached <= 16, `${generatorStats().cached} K values cached`);
  const derived = generatorStats().derivations;
  generatorRows(3, 2);
  assert.equal(generatorStats().derivations, derived, "G(3) stayed cached");
  generatorRows(100, 2); // evicted long ago: derived again
  assert.equal(generatorStats().derivations, derived + 1);
});
