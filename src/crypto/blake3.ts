/**
 * BLAKE3 (one-shot, keyed, incremental).
 *
 * Backed by npm `blake3-jit` (pure JS below 4 KiB, runtime-generated WASM SIMD above): 1 MiB in
 * about 1 ms, 20x faster than `@noble/hashes` (docs/dependencies.md). `blake3-jit@1.1.0`
 * produces wrong output (or throws) for outputs longer than 64 bytes, so {@link blake3} routes
 * those rare requests to `@noble/hashes/blake3.js`, and the incremental hasher caps its
 * output at 64 bytes.
 *
 * @module
 */
import { createHasher, createKeyed, hash as jitHash, type Hasher } from "blake3-jit";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { BoundedLru, FcpError, latin1 } from "../core/mod.ts";

/** Largest output `blake3-jit` computes correctly (measured; see module doc). */
const JIT_MAX_OUT = 64;
/** Upper bound on one-shot output length (XOF), to refuse absurd allocations. */
const MAX_OUT = 1 << 16;

function checkOutLen(outLen: number, max: number): void {
  if (!Number.isInteger(outLen) || outLen < 1 || outLen > max) {
    throw new FcpError("FCP-1040", `BLAKE3 output length must be 1..${max}, got ${outLen}`);
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) {
    throw new FcpError("FCP-2002", `BLAKE3 key must be 32 bytes, got ${key.length}`);
  }
}

/**
 * BLAKE3 hash of `data`; `outLen` bytes of output (default 32, extendable up to 65536).
 * Throws `FCP-1040` for an output length outside 1..65536.
 *
 * @example
 * ```ts
 * import { blake3 } from "./blake3.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   toHex(blake3(new Uint8Array(0))),
 *   "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
 * );
 * assert.equal(blake3(new Uint8Array(0), 8).length, 8);
 * ```
 */
export function blake3(data: Uint8Array, outLen = 32): Uint8Array {
  checkOutLen(outLen, MAX_OUT);
  if (outLen <= JIT_MAX_OUT) return jitHash(data, outLen);
  return nobleBlake3(data, { dkLen: outLen });
}

/**
 * Keyed BLAKE3 (MAC mode) with a 32-byte key; 32-byte output. A key of any other length
 * throws `FCP-2002`.
 *
 * @example
 * ```ts
 * import { blake3Keyed } from "./blake3.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(1);
 * const mac = blake3Keyed(key, new TextEncoder().encode("frame"));
 * assert.equal(mac.length, 32);
 * assert.throws(() => blake3Keyed(new Uint8Array(16), new Uint8Array(0)), /FCP-2002/);
 * ```
 */
export function blake3Keyed(key: Uint8Array, data: Uint8Array): Uint8Array {
  return blake3Parts([data], key);
}

// Idle hashers by key (the key bytes as a latin1 string; "" = unkeyed). A `blake3-jit`
// Hasher allocates nine typed arrays when built, which costs several times the hashing of a
// short input; `reset()` reuses them. A hasher is taken out of the pool while in use, so
// nothing can share one.
const POOL = new BoundedLru<string, Hasher>(64);
/**
 * One-shot BLAKE3 of the concatenation of `parts` (keyed when `key`, 32 bytes, is given),
 * `outLen` 1..64 bytes. The same bytes as {@link createBlake3} fed the parts in order, without
 * building a hasher per call (hashers are pooled per key and reset).
 *
 * @example
 * ```ts
 * import { blake3Parts, createBlake3 } from "./blake3.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(9);
 * const parts = [utf8("FCP2-"), utf8("OBJECT")];
 * assert.deepEqual(blake3Parts(parts, key), createBlake3(key).update(parts[0]!).update(parts[1]!).digest());
 * assert.deepEqual(blake3Parts(parts), createBlake3().update(utf8("FCP2-OBJECT")).digest());
 * ```
 */
export function blake3Parts(
  parts: readonly Uint8Array[],
  key?: Uint8Array,
  outLen = 32,
): Uint8Array {
  checkOutLen(outLen, JIT_MAX_OUT);
  if (key !== undefined) checkKey(key);
  const k = key === undefined ? "" : latin1(key);
  let h = POOL.get(k);
  if (h === undefined) h = key === undefined ? createHasher() : createKeyed(key);
  else POOL.delete(k);
  try {
    for (const p of parts) h.update(p);
    return h.finalize(outLen);
  } finally {
    POOL.set(k, h.reset());
  }
}

/** An incremental BLAKE3 computation from {@link createBlake3}. */
export interface Blake3Hasher {
  /** Absorb more input; returns the same hasher for chaining. */
  update(data: Uint8Array): Blake3Hasher;
  /**
   * The hash of everything absorbed so far (`outLen` 1..64, default 32). Does not reset:
   * further `update` calls continue the same input stream.
   */
  digest(outLen?: number): Uint8Array;
}

class JitBlake3Hasher implements Blake3Hasher {
  readonly #h: Hasher;

  constructor(h: Hasher) {
    this.#h = h;
  }

  update(data: Uint8Array): Blake3Hasher {
    this.#h.update(data);
    return this;
  }

  digest(outLen = 32): Uint8Array {
    checkOutLen(outLen, JIT_MAX_OUT);
    return this.#h.finalize(outLen);
  }
}

/**
 * Start an incremental BLAKE3 hash, keyed (MAC mode) when `key` (32 bytes, else `FCP-2002`)
 * is given. Output is limited to 64 bytes (`FCP-1040` beyond); use {@link blake3} for longer.
 *
 * @example
 * ```ts
 * import { blake3, createBlake3 } from "./blake3.ts";
 * import { toHex, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // ZoneIdHash("z:work") (WIRE.md §3), fed in two pieces
 * const h = createBlake3().update(utf8("FCP2-ZONE-ID-V1")).update(utf8("z:work"));
 * const d = h.digest();
 * assert.equal(toHex(d), "b535a945ceeefe27b23fbb46a99aecb6de1dca1d48c721d9f772648e52d6bc99");
 * assert.deepEqual(d, blake3(utf8("FCP2-ZONE-ID-V1z:work")));
 * ```
 */
export function createBlake3(key?: Uint8Array): Blake3Hasher {
  if (key === undefined) return new JitBlake3Hasher(createHasher());
  checkKey(key);
  return new JitBlake3Hasher(createKeyed(key));
}
