/**
 * GF(256) arithmetic of RFC 6330 §5.7 (private to src/symbol): the octet field with the
 * reduction polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), small-matrix inversion, and the
 * symbol kernel {@link combineSymbols} that computes linear combinations of whole symbols.
 *
 * RaptorQ is linear over this field: every encoding symbol is a fixed GF(256) combination of
 * the source symbols, whatever their contents. `_generator.ts` uses that to encode and decode
 * with matrices derived once per K from the WASM codec.
 *
 * @module
 */

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

/**
 * Product of two octets (RFC 6330 §5.7.2).
 *
 * @example
 * ```ts
 * import { gfMul } from "./_gf256.ts";
 * import assert from "node:assert/strict";
 * assert.equal(gfMul(0, 7), 0);
 * assert.equal(gfMul(1, 7), 7);
 * assert.equal(gfMul(2, 0x80), 0x1d); // x · x⁷ = x⁸ ≡ x⁴ + x³ + x² + 1
 * ```
 */
export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

/**
 * Multiplicative inverse of a non-zero octet (RFC 6330 §5.7.2).
 *
 * @example
 * ```ts
 * import { gfInv, gfMul } from "./_gf256.ts";
 * import assert from "node:assert/strict";
 * for (let a = 1; a < 256; a++) assert.equal(gfMul(a, gfInv(a)), 1);
 * ```
 */
export function gfInv(a: number): number {
  if (a === 0) throw new RangeError("0 has no inverse in GF(256)");
  return EXP[255 - LOG[a]!]!;
}

/**
 * Invert the `n × n` matrix `m` (row-major, `n²` octets) by Gauss–Jordan elimination.
 * Returns the inverse, or `undefined` when `m` is singular. `m` is not modified.
 *
 * @example
 * ```ts
 * import { gfInvertMatrix, gfMul } from "./_gf256.ts";
 * import assert from "node:assert/strict";
 * const m = Uint8Array.of(1, 2, 3, 4);
 * const inv = gfInvertMatrix(m, 2)!;
 * // m · inv = I
 * assert.equal(gfMul(1, inv[0]!) ^ gfMul(2, inv[2]!), 1);
 * assert.equal(gfMul(1, inv[1]!) ^ gfMul(2, inv[3]!), 0);
 * assert.equal(gfInvertMatrix(Uint8Array.of(1, 2, 1, 2), 2), undefined);
 * ```
 */
export function gfInvertMatrix(m: Uint8Array, n: number): Uint8Array | undefined {
  const a = m.slice();
  const inv = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && a[pivot * n + col] === 0) pivot++;
    if (pivot === n) return undefined;
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        const p = pivot * n + j;
        const c = col * n + j;
        [a[p], a[c]] = [a[c]!, a[p]!];
        [inv[p], inv[c]] = [inv[c]!, inv[p]!];
      }
    }
    const scale = gfInv(a[col * n + col]!);
    for (let j = 0; j < n; j++) {
      a[col * n + j] = gfMul(a[col * n + j]!, scale);
      inv[col * n + j] = gfMul(inv[col * n + j]!, scale);
    }
    for (let row = 0; row < n; row++) {
      const f = row === col ? 0 : a[row * n + col]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[row * n + j]! ^= gfMul(f, a[col * n + j]!);
        inv[row * n + j]! ^= gfMul(f, inv[col * n + j]!);
      }
    }
  }
  return inv;
}

/**
 * Linear combinations of symbols: output row `r` is `Σᵢ coeffs[r · n + i] · sources[i]`, where
 * `n = sources.length` and every source is a `Uint32Array` of `words` words (4 octets each).
 *
 * Bit-sliced Horner evaluation: for each bit b, the sources whose coefficient has bit b set are
 * XORed into an accumulator Pᵦ, then `out = Σᵦ xᵇ · Pᵦ` with a packed-octet "multiply by x"
 * on 32-bit words. Cost ≈ (set bits of the row) + 7 word passes per output row.
 *
 * @example
 * ```ts
 * import { combineSymbols, gfMul } from "./_gf256.ts";
 * import assert from "node:assert/strict";
 * const a = new Uint32Array([0x01020304]);
 * const b = new Uint32Array([0x80000001]);
 * const [out] = combineSymbols(Uint8Array.of(3, 2), [a, b], 1, 1);
 * const bytes = new Uint8Array(out!.buffer);
 * const src = [new Uint8Array(a.buffer), new Uint8Array(b.buffer)];
 * for (let i = 0; i < 4; i++) {
 *   assert.equal(bytes[i], gfMul(3, src[0]![i]!) ^ gfMul(2, src[1]![i]!));
 * }
 * ```
 */
export function combineSymbols(
  coeffs: Uint8Array,
  sources: readonly Uint32Array[],
  rows: number,
  words: number,
): Uint32Array[] {
  const n = sources.length;
  const acc: Uint32Array[] = [];
  for (let b = 0; b < 8; b++) acc.push(new Uint32Array(words));
  const out: Uint32Array[] = [];
  for (let r = 0; r < rows; r++) {
    let used = 0;
    for (let i = 0; i < n; i++) {
      let c = coeffs[r * n + i]!;
      if (c === 0) continue;
      const s = sources[i]!;
      while (c !== 0) {
        const low = c & -c;
        c ^= low;
        const b = 31 - Math.clz32(low);
        const p = acc[b]!;
        if ((used & low) === 0) {
          p.set(s);
          used |= low;
        } else {
          for (let w = 0; w < words; w++) p[w]! ^= s[w]!;
        }
      }
    }
    const o = new Uint32Array(words);
    let top = 7;
    while (top >= 0 && (used & (1 << top)) === 0) top--;
    if (top >= 0) {
      o.set(acc[top]!);
      for (let b = top - 1; b >= 0; b--) {
        if ((used & (1 << b)) !== 0) {
          const p = acc[b]!;
          for (let w = 0; w < words; w++) {
            const v = o[w]!;
            o[w] = ((v & 0x7f7f7f7f) << 1) ^ (((v >>> 7) & 0x01010101) * 0x1d) ^ p[w]!;
          }
        } else {
          for (let w = 0; w < words; w++) {
            const v = o[w]!;
            o[w] = ((v & 0x7f7f7f7f) << 1) ^ (((v >>> 7) & 0x01010101) * 0x1d);
          }
        }
      }
    }
    out.push(o);
  }
  return out;
}
