/**
 * The encoding checks that make Ed25519 verification strict in the sense of ed25519-dalek
 * `verify_strict` (WIRE.md §5), done before node:crypto's cofactorless RFC 8032 verify.
 * Private to the crypto layer; `ed25519_test.ts` re-derives the constants with point math.
 *
 * - `S` must be canonical: `S < L`.
 * - Point encodings (`A`, `R`) must be canonical: the low 255 bits, `y`, are `< p`.
 * - `A` and `R` must not be small-order (a point of order 1, 2, 4 or 8). On a canonical
 *   encoding this depends on `y` only: the 8 small-order points have
 *   `y ∈ {1, p−1, 0, y₈, p−y₈}`; the sign bit picks ±x (for `y = ±1`, x = 0 and a set sign bit
 *   is itself a non-canonical encoding, rejected too).
 *
 * @module
 */
import { fromHex } from "../core/mod.ts";

/** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const L_LE = fromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

/**
 * The `y` coordinates (little-endian, sign bit clear) of the 8 points of small order:
 * identity (y = 1), order 2 (y = p − 1), order 4 (y = 0), order 8 (y = y₈ and p − y₈).
 */
const SMALL_ORDER_Y = [
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
].map((h) => fromHex(h));

/** Whether the 32-byte little-endian scalar is `< L` (RFC 8032 §5.1.7 step 1). */
export function isCanonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = s[i]!;
    const l = L_LE[i]!;
    if (a !== l) return a < l;
  }
  return false; // equal to L
}

/** Whether the 255-bit `y` of a 32-byte point encoding is `< p = 2^255 − 19`. */
export function isCanonicalPointEncoding(b: Uint8Array): boolean {
  // y ≥ p only when y ∈ [2^255 − 19, 2^255 − 1]: byte 31 (sans sign) 0x7f, bytes 30..1 0xff,
  // byte 0 ≥ 0xed.
  if ((b[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (b[i] !== 0xff) return true;
  return b[0]! < 0xed;
}

/** Whether a canonical 32-byte point encoding names one of the 8 small-order points. */
export function isSmallOrderEncoding(b: Uint8Array): boolean {
  for (const y of SMALL_ORDER_Y) {
    let d = (b[31]! & 0x7f) ^ y[31]!;
    for (let i = 0; i < 31 && d === 0; i++) d |= b[i]! ^ y[i]!;
    if (d === 0) return true;
  }
  return false;
}

/** The `y` list, exported for the test that re-derives it. */
export const SMALL_ORDER_Y_FOR_TEST: readonly Uint8Array[] = SMALL_ORDER_Y;
