/**
 * RaptorQ through its generator matrix (private to src/symbol).
 *
 * RFC 6330 codes are linear over GF(256) and systematic: repair symbol `K′ + j` is
 * `Σᵢ G[j][i] · sourceᵢ` for a matrix G that depends on K only. G is derived here, once per K,
 * from the WASM codec itself (npm `raptorq`): encoding K unit vectors (source symbol i has a 1
 * at byte i, zeros elsewhere) makes byte i of repair symbol j equal to G[j][i]. So the bytes
 * produced here are exactly the package's (tests compare them), only cheaper:
 *
 * - encode: R output rows of K terms, `combineSymbols` — about ¼ of the WASM cost at R = 9, K = 64;
 * - decode with m source symbols missing: choose m repair symbols whose restriction to the
 *   missing columns is invertible, invert that m × m matrix, and compute each missing source
 *   symbol as one combination of K received symbols. No WASM call once G is cached.
 *
 * Both stop being worth it when R or m grows (cost ∝ rows × K), so callers use them only
 * within {@link FAST_MAX_ROWS} and {@link FAST_MAX_K}, and fall back to the WASM codec
 * otherwise (including the rare singular choice of repair symbols).
 *
 * @module
 */
import { BoundedLru, FcpError } from "../core/mod.ts";
import { combineSymbols, gfInv, gfInvertMatrix, gfMul } from "./_gf256.ts";
import { withRaptorq } from "./_raptorq_wasm.ts";
import { extendedSourceSymbols } from "./_rfc6330.ts";

/** Largest K handled through the generator matrix (a full 256 KiB object of 1 KiB symbols). */
export const FAST_MAX_K = 256;
/** Most output rows (repair symbols to make, or missing source symbols to rebuild) per call. */
export const FAST_MAX_ROWS = 24;
/** Generator rows kept per K beyond K itself: repair ESIs from K′ to K′ + K + 63. */
const EXTRA_ROWS = 64;
/** Distinct K values whose generator is cached. */
const CACHE_ENTRIES = 16;

interface Generator {
  /** Rows held. */
  readonly rows: number;
  /** `rows × k` coefficients, row-major. */
  readonly g: Uint8Array;
}

const cache = new BoundedLru<number, Generator>(CACHE_ENTRIES);
let derivations = 0;

function rowCap(k: number): number {
  return k + EXTRA_ROWS;
}

function derive(k: number, rows: number): Generator {
  const t = Math.max(64, Math.ceil(k / 8) * 8);
  const unit = new Uint8Array(k * t);
  for (let i = 0; i < k; i++) unit[i * t + i] = 1;
  const packets = withRaptorq((rq) => {
    const enc = rq.Encoder.with_defaults(unit, t);
    try {
      return enc.encode(rows);
    } finally {
      enc.free();
    }
  });
  if (packets.length !== k + rows) {
    throw new FcpError("FCP-9001", `RaptorQ encoder returned ${packets.length} packets`);
  }
  const first = extendedSourceSymbols(k);
  const g = new Uint8Array(rows * k);
  for (let j = 0; j < rows; j++) {
    const p = packets[k + j]!;
    const esi = (p[1]! << 16) | (p[2]! << 8) | p[3]!;
    if (p.length !== t + 4 || p[0] !== 0 || esi !== first + j) {
      throw new FcpError("FCP-9001", "RaptorQ encoder returned an unexpected packet");
    }
    g.set(p.subarray(4, 4 + k), j * k);
  }
  derivations++;
  return { rows, g };
}

/**
 * The first `rows` rows of the generator matrix for K = `k` (`rows × k` octets, row-major:
 * row j belongs to repair ESI K′ + j), from the cache or derived; `undefined` when K or the row
 * count is outside what this module handles. The result must not be modified.
 *
 * @example
 * ```ts
 * import { generatorRows } from "./_generator.ts";
 * import assert from "node:assert/strict";
 * const g = generatorRows(64, 3)!;
 * assert.equal(g.length, 3 * 64);
 * assert.ok(g.some((c) => c > 1)); // dense GF(256) coefficients
 * assert.equal(generatorRows(300, 3), undefined);
 * ```
 */
export function generatorRows(k: number, rows: number): Uint8Array | undefined {
  if (k < 1 || k > FAST_MAX_K || rows < 0 || rows > rowCap(k)) return undefined;
  let gen = cache.get(k);
  if (gen === undefined || gen.rows < rows) {
    const want = Math.min(rowCap(k), Math.max(rows, 2 * (gen?.rows ?? 0), 16));
    gen = derive(k, want);
    cache.set(k, gen);
  }
  return gen.g.subarray(0, rows * k);
}

function words32(bytes: Uint8Array, t: number): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, t / 4);
  return new Uint32Array(bytes.slice(0, t).buffer);
}

/**
 * The `r` repair symbols (ESIs K′..K′+r−1) of `k` source symbols of `t` bytes laid out in
 * `padded` (`k · t` bytes), or `undefined` when the generator path does not apply (then use
 * the WASM encoder). Byte-identical to the package's repair symbols.
 *
 * @example
 * ```ts
 * import { fastRepairSymbols } from "./_generator.ts";
 * import assert from "node:assert/strict";
 * const padded = new Uint8Array(10 * 64).map((_, i) => i * 7);
 * const repair = fastRepairSymbols(padded, 64, 10, 2)!;
 * assert.equal(repair.length, 2);
 * assert.equal(repair[0]!.length, 64);
 * ```
 */
export function fastRepairSymbols(
  padded: Uint8Array,
  t: number,
  k: number,
  r: number,
): Uint8Array[] | undefined {
  if (r < 1 || r > FAST_MAX_ROWS || t % 8 !== 0 || padded.length !== k * t) return undefined;
  const g = generatorRows(k, r);
  if (g === undefined) return undefined;
  const sources: Uint32Array[] = [];
  for (let i = 0; i < k; i++) sources.push(words32(padded.subarray(i * t, (i + 1) * t), t));
  return combineSymbols(g, sources, r, t / 4).map((w) => new Uint8Array(w.buffer));
}

/**
 * Rebuild the object from `symbols` (ESI → `t` bytes, at least one source symbol missing)
 * through the generator matrix. Returns the object (`transferLength` bytes), or `undefined`
 * when this path cannot decide (too many missing, repair ESIs beyond the cached rows, no
 * invertible choice among the repair symbols held): the caller then tries the WASM decoder.
 *
 * @example
 * ```ts
 * import { fastDecode, fastRepairSymbols } from "./_generator.ts";
 * import assert from "node:assert/strict";
 * const data = new Uint8Array(10 * 64).map((_, i) => i * 13);
 * const repair = fastRepairSymbols(data, 64, 10, 2)!; // ESIs 10 and 11 (K′ = 10)
 * const held = new Map<number, Uint8Array>();
 * for (let i = 0; i < 10; i++) if (i !== 3) held.set(i, data.slice(i * 64, (i + 1) * 64));
 * held.set(11, repair[1]!);
 * assert.deepEqual(fastDecode(10, 64, data.length, held), data);
 * ```
 */
export function fastDecode(
  k: number,
  t: number,
  transferLength: number,
  symbols: ReadonlyMap<number, Uint8Array>,
): Uint8Array | undefined {
  if (k < 1 || k > FAST_MAX_K || t % 8 !== 0) return undefined;
  const missing: number[] = [];
  for (let i = 0; i < k; i++) if (!symbols.has(i)) missing.push(i);
  const m = missing.length;
  if (m === 0 || m > FAST_MAX_ROWS) return undefined;
  const first = extendedSourceSymbols(k);
  const cap = rowCap(k);
  const repairs: number[] = [];
  for (const esi of symbols.keys()) if (esi >= first && esi - first < cap) repairs.push(esi);
  if (repairs.length < m) return undefined;
  repairs.sort((a, b) => a - b);
  const g = generatorRows(k, repairs.at(-1)! - first + 1);
  if (g === undefined) return undefined;
  const chosen = pickIndependent(g, k, repairs.map((e) => e - first), missing);
  if (chosen === undefined) return undefined;
  // A = rows of the chosen repair symbols restricted to the missing columns; S_miss =
  // A⁻¹ · (Y − G_present · S_present) = A⁻¹·Y ⊕ (A⁻¹·G_present)·S_present.
  const a = new Uint8Array(m * m);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) a[r * m + c] = g[chosen[r]! * k + missing[c]!]!;
  }
  const inv = gfInvertMatrix(a, m);
  if (inv === undefined) return undefined;
  const present: number[] = [];
  for (let i = 0; i < k; i++) if (symbols.has(i)) present.push(i);
  const n = m + present.length; // = k
  const coeffs = new Uint8Array(m * n);
  for (let row = 0; row < m; row++) {
    for (let j = 0; j < m; j++) coeffs[row * n + j] = inv[row * m + j]!;
    for (let p = 0; p < present.length; p++) {
      const col = present[p]!;
      let acc = 0;
      for (let j = 0; j < m; j++) {
        const f = inv[row * m + j]!;
        if (f !== 0) acc ^= gfMul(f, g[chosen[j]! * k + col]!);
      }
      coeffs[row * n + m + p] = acc;
    }
  }
  const sources: Uint32Array[] = [];
  for (const row of chosen) sources.push(words32(symbols.get(first + row)!, t));
  for (const i of present) sources.push(words32(symbols.get(i)!, t));
  const rebuilt = combineSymbols(coeffs, sources, m, t / 4);
  const out = new Uint8Array(transferLength);
  const place = (i: number, s: Uint8Array) => {
    const at = i * t;
    out.set(at + t <= transferLength ? s : s.subarray(0, transferLength - at), at);
  };
  for (const i of present) place(i, symbols.get(i)!);
  for (let j = 0; j < m; j++) place(missing[j]!, new Uint8Array(rebuilt[j]!.buffer));
  return out;
}

/**
 * Choose `missing.length` of the candidate generator rows whose restriction to the missing
 * columns is linearly independent (greedy elimination in candidate order), or `undefined`.
 */
function pickIndependent(
  g: Uint8Array,
  k: number,
  candidates: readonly number[],
  missing: readonly number[],
): number[] | undefined {
  const m = missing.length;
  const basis: Uint8Array[] = []; // reduced vectors, basis[c] has its pivot at column pivots[c]
  const pivots: number[] = [];
  const chosen: number[] = [];
  for (const row of candidates) {
    const v = new Uint8Array(m);
    for (let c = 0; c < m; c++) v[c] = g[row * k + missing[c]!]!;
    for (let b = 0; b < basis.length; b++) {
      const f = v[pivots[b]!]!;
      if (f === 0) continue;
      const bv = basis[b]!;
      for (let c = 0; c < m; c++) v[c]! ^= gfMul(f, bv[c]!);
    }
    let p = 0;
    while (p < m && v[p] === 0) p++;
    if (p === m) continue; // dependent on the rows already chosen
    const scale = gfInv(v[p]!);
    for (let c = 0; c < m; c++) v[c] = gfMul(v[c]!, scale);
    basis.push(v);
    pivots.push(p);
    chosen.push(row);
    if (chosen.length === m) return chosen;
  }
  return undefined;
}

/**
 * Diagnostics: generator matrices derived so far and K values cached.
 *
 * @example
 * ```ts
 * import { generatorStats, generatorRows } from "./_generator.ts";
 * import assert from "node:assert/strict";
 * generatorRows(20, 2);
 * const s = generatorStats();
 * assert.ok(s.derivations >= 1 && s.cached >= 1);
 * ```
 */
export function generatorStats(): { derivations: number; cached: number } {
  return { derivations, cached: cache.size };
}
