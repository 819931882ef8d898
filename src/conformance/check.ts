/**
 * Small helpers for writing vector checks: typed access to inputs and comparisons
 * that throw {@link ConformanceMismatch} naming the field.
 *
 * @module
 */
import { fromHex, toHex } from "../core/mod.ts";
import { ConformanceMismatch, type Vector } from "./types.ts";

/**
 * Read a string input (or expected) field; throws if absent or not a string.
 *
 * @example
 * ```ts
 * import { str } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.equal(str({ a: "x" }, "a"), "x");
 * ```
 */
export function str(obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  if (typeof v !== "string") throw new TypeError(`field ${key} must be a string`);
  return v;
}

/**
 * Read a number field (JSON number, or decimal string for u64).
 *
 * @example
 * ```ts
 * import { num } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.equal(num({ a: 5 }, "a"), 5);
 * ```
 */
export function num(obj: Record<string, unknown>, key: string): number {
  const v = obj[key];
  if (typeof v !== "number") throw new TypeError(`field ${key} must be a number`);
  return v;
}

/**
 * Read an integer field that may be a JSON number or a decimal string (u64) as bigint.
 *
 * @example
 * ```ts
 * import { big } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.equal(big({ a: "18446744073709551615" }, "a"), 18446744073709551615n);
 * ```
 */
export function big(obj: Record<string, unknown>, key: string): bigint {
  const v = obj[key];
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  throw new TypeError(`field ${key} must be an integer`);
}

/**
 * Read a `*_hex` field as bytes.
 *
 * @example
 * ```ts
 * import { hex } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(hex({ k_hex: "01" }, "k_hex"), new Uint8Array([1]));
 * ```
 */
export function hex(obj: Record<string, unknown>, key: string): Uint8Array {
  return fromHex(str(obj, key), undefined, key);
}

/**
 * Read an object field.
 *
 * @example
 * ```ts
 * import { obj } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(obj({ a: { b: 1 } }, "a"), { b: 1 });
 * ```
 */
export function obj(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = o[key];
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new TypeError(`field ${key} must be an object`);
  }
  return v as Record<string, unknown>;
}

/**
 * Compare computed bytes with `v.expected[field]` (hex).
 *
 * @example
 * ```ts
 * import { expectHex } from "./check.ts";
 * import assert from "node:assert/strict";
 * const v = { id: "x", kind: "k", provenance: "p", inputs: {}, expected: { a_hex: "01" } };
 * expectHex(v, "a_hex", new Uint8Array([1]));
 * assert.throws(() => expectHex(v, "a_hex", new Uint8Array([2])));
 * ```
 */
export function expectHex(v: Vector, field: string, actual: Uint8Array): void {
  const want = str(v.expected, field).toLowerCase();
  const got = toHex(actual);
  if (want !== got) throw new ConformanceMismatch(field, want, got);
}

/**
 * Compare a computed JSON-able value with `v.expected[field]` by deep JSON equality.
 *
 * @example
 * ```ts
 * import { expectEqual } from "./check.ts";
 * const v = { id: "x", kind: "k", provenance: "p", inputs: {}, expected: { n: [1, 2] } };
 * expectEqual(v, "n", [1, 2]);
 * ```
 */
export function expectEqual(v: Vector, field: string, actual: unknown): void {
  const want = JSON.stringify(v.expected[field]);
  const got = JSON.stringify(actual, (_k, x) => typeof x === "bigint" ? x.toString() : x);
  if (want !== got) throw new ConformanceMismatch(field, want, got);
}
