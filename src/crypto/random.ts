/**
 * Randomness from the operating system CSPRNG.
 *
 * @module
 */
import { randomFillSync } from "node:crypto";
import { FcpError } from "../core/mod.ts";

/** Largest single request, to refuse absurd allocations (16 MiB). */
const MAX_RANDOM = 1 << 24;

/**
 * `n` bytes from the operating system CSPRNG. `n` must be an integer 0..16 MiB (`FCP-1040`).
 *
 * @example
 * ```ts
 * import { randomBytes } from "./random.ts";
 * import assert from "node:assert/strict";
 * const a = randomBytes(32);
 * assert.equal(a.length, 32);
 * assert.notDeepEqual(a, randomBytes(32));
 * ```
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > MAX_RANDOM) {
    throw new FcpError("FCP-1040", `random byte count must be 0..${MAX_RANDOM}, got ${n}`);
  }
  return randomFillSync(new Uint8Array(n));
}
