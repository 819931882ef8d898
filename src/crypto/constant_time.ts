/**
 * Constant-time byte comparison for MACs, tags and secrets.
 *
 * @module
 */
import { equalBytes } from "../core/mod.ts";

/**
 * Compare two byte strings without an early exit on the first difference (the time depends
 * only on the lengths). Different lengths compare unequal.
 *
 * @example
 * ```ts
 * import { constantTimeEqual } from "./constant_time.ts";
 * import assert from "node:assert/strict";
 * assert.ok(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
 * assert.ok(!constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
 * assert.ok(!constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 0])));
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(a, b);
}
