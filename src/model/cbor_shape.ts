/**
 * Typed readers for decoded CBOR values: each checks the shape of one field and throws
 * `FCP-1013` naming the field when it is wrong. Used by every `fromCbor` of the object model.
 *
 * @module
 */
import type { CborValue } from "../cbor/mod.ts";
import { CborFloat } from "../cbor/mod.ts";
import { FcpError } from "../core/mod.ts";

/** A decoded text-keyed CBOR map. */
export type CborRecord = { readonly [key: string]: CborValue | undefined };

function shapeError(what: string, want: string): never {
  throw new FcpError("FCP-1013", `${what} must be ${want}`);
}

/**
 * A text-keyed map; `allowed` lists the permitted keys (unknown keys are refused).
 *
 * @example
 * ```ts
 * import { readRecord } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(readRecord({ a: 1 }, "x", ["a"]), { a: 1 });
 * assert.throws(() => readRecord({ b: 1 }, "x", ["a"]), /FCP-1013/);
 * ```
 */
export function readRecord(
  v: CborValue | undefined,
  what: string,
  allowed?: readonly string[],
): CborRecord {
  if (
    typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array ||
    v instanceof Map || v instanceof CborFloat || !isPlainRecord(v)
  ) {
    return shapeError(what, "a map with text keys");
  }
  if (allowed) {
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) shapeError(`${what}.${k}`, "absent (unknown field)");
    }
  }
  return v as CborRecord;
}

function isPlainRecord(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * A text string field.
 *
 * @example
 * ```ts
 * import { readText } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readText("a", "x"), "a");
 * ```
 */
export function readText(v: CborValue | undefined, what: string): string {
  return typeof v === "string" ? v : shapeError(what, "a text string");
}

/**
 * An unsigned integer that fits a JS safe integer.
 *
 * @example
 * ```ts
 * import { readUint } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readUint(5, "x"), 5);
 * assert.throws(() => readUint(-1, "x"), /FCP-1013/);
 * ```
 */
export function readUint(v: CborValue | undefined, what: string): number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0
    ? v
    : shapeError(what, "an unsigned integer");
}

/**
 * An unsigned 64-bit integer as bigint.
 *
 * @example
 * ```ts
 * import { readU64 } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readU64(5, "x"), 5n);
 * ```
 */
export function readU64(v: CborValue | undefined, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "bigint" && v >= 0n && v <= 0xffffffffffffffffn) return v;
  return shapeError(what, "an unsigned 64-bit integer");
}

/**
 * A signed integer that fits a JS safe integer.
 *
 * @example
 * ```ts
 * import { readInt } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readInt(-5, "x"), -5);
 * ```
 */
export function readInt(v: CborValue | undefined, what: string): number {
  return typeof v === "number" && Number.isSafeInteger(v) ? v : shapeError(what, "an integer");
}

/**
 * A boolean.
 *
 * @example
 * ```ts
 * import { readBool } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readBool(true, "x"), true);
 * ```
 */
export function readBool(v: CborValue | undefined, what: string): boolean {
  return typeof v === "boolean" ? v : shapeError(what, "a boolean");
}

/**
 * A byte string, optionally of an exact length.
 *
 * @example
 * ```ts
 * import { readBytes } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readBytes(new Uint8Array(8), "kid", 8).length, 8);
 * assert.throws(() => readBytes(new Uint8Array(7), "kid", 8), /FCP-1013/);
 * ```
 */
export function readBytes(v: CborValue | undefined, what: string, length?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return shapeError(what, "a byte string");
  if (length !== undefined && v.length !== length) shapeError(what, `${length} bytes`);
  return v;
}

/**
 * An array, each element read by `item`.
 *
 * @example
 * ```ts
 * import { readArray, readText } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(readArray(["a"], "x", readText), ["a"]);
 * ```
 */
export function readArray<T>(
  v: CborValue | undefined,
  what: string,
  item: (x: CborValue, what: string) => T,
): T[] {
  if (!Array.isArray(v)) return shapeError(what, "an array");
  return (v as readonly CborValue[]).map((x, i) => item(x, `${what}[${i}]`));
}

/**
 * A field that may be absent (or CBOR null): `undefined`, else read by `item`.
 *
 * @example
 * ```ts
 * import { readOptional, readText } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readOptional(undefined, "x", readText), undefined);
 * assert.equal(readOptional(null, "x", readText), undefined);
 * ```
 */
export function readOptional<T>(
  v: CborValue | undefined,
  what: string,
  item: (x: CborValue, what: string) => T,
): T | undefined {
  return v === undefined || v === null ? undefined : item(v, what);
}

/**
 * A field the encoder omits when absent (serde `skip_serializing_if = "Option::is_none"`):
 * absent → `undefined`, else read by `item`. CBOR null is refused (`FCP-1013`): accepting it
 * would give one value two encodings, and the decoded object would not re-encode to its bytes.
 *
 * @example
 * ```ts
 * import { readOmittable, readUint } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readOmittable(undefined, "ttl", readUint), undefined);
 * assert.equal(readOmittable(60, "ttl", readUint), 60);
 * assert.throws(() => readOmittable(null, "ttl", readUint), /FCP-1013/);
 * ```
 */
export function readOmittable<T>(
  v: CborValue | undefined,
  what: string,
  item: (x: CborValue, what: string) => T,
): T | undefined {
  if (v === null) return shapeError(what, "absent rather than null");
  return v === undefined ? undefined : item(v, what);
}

/**
 * A text value from a closed set.
 *
 * @example
 * ```ts
 * import { readEnum } from "./cbor_shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readEnum("b", "x", ["a", "b"] as const), "b");
 * ```
 */
export function readEnum<T extends string>(
  v: CborValue | undefined,
  what: string,
  values: readonly T[],
): T {
  return typeof v === "string" && (values as readonly string[]).includes(v)
    ? v as T
    : shapeError(what, `one of ${values.join(", ")}`);
}
