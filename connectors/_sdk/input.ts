/**
 * Defensive reading of an operation's JSON input. The host validates inputs against the
 * manifest's schema first; connectors validate again (spec Appendix E: "Validate inputs") so a
 * handler never trusts its caller. Every refusal is `FCP-1040` naming the field.
 *
 * @module
 */
import { OperationError } from "./operation_error.ts";

function bad(key: string, what: string): OperationError {
  return new OperationError("FCP-1040", `input.${key}: ${what}`, { details: { field: key } });
}

/** Bounds of an integer field. */
export interface IntBounds {
  min: number;
  max: number;
}

/**
 * A typed view over one input object. Unknown keys are refused when the reader is made.
 *
 * @example
 * ```ts
 * import { readInput } from "./input.ts";
 * import { isOperationError } from "./operation_error.ts";
 * import assert from "node:assert/strict";
 *
 * const r = readInput({ path: "a.txt", max_bytes: 10 }, ["path", "max_bytes", "encoding"]);
 * assert.equal(r.string("path"), "a.txt");
 * assert.equal(r.int("max_bytes", { min: 1, max: 100 }, 5), 10);
 * assert.equal(r.oneOf("encoding", ["utf8", "base64"] as const, "utf8"), "utf8");
 * assert.throws(() => readInput({ nope: 1 }, ["path"]), (e) => isOperationError(e, "FCP-1040"));
 * ```
 */
export class InputReader {
  readonly #o: Record<string, unknown>;

  /** @param o The input object (already checked to be a plain object). */
  constructor(o: Record<string, unknown>) {
    this.#o = o;
  }

  /** Whether the key is present (and not `undefined`). */
  has(key: string): boolean {
    return this.#o[key] !== undefined;
  }

  /** A required non-empty string of at most `maxLength` UTF-16 units, without NUL. */
  string(key: string, maxLength = 4096): string {
    const v = this.#o[key];
    if (v === undefined) throw bad(key, "is required");
    return checkString(key, v, maxLength, false);
  }

  /** An optional string (empty allowed); `undefined` when absent. */
  optString(key: string, maxLength = 4096): string | undefined {
    const v = this.#o[key];
    return v === undefined ? undefined : checkString(key, v, maxLength, true);
  }

  /** An optional integer within bounds, else `fallback`. */
  int(key: string, bounds: IntBounds, fallback: number): number;
  /** An optional integer within bounds, or `undefined`. */
  int(key: string, bounds: IntBounds): number | undefined;
  int(key: string, bounds: IntBounds, fallback?: number): number | undefined {
    const v = this.#o[key];
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw bad(key, "must be an integer");
    if (v < bounds.min || v > bounds.max) {
      throw bad(key, `must be between ${bounds.min} and ${bounds.max}`);
    }
    return v;
  }

  /** An optional boolean, else `fallback`. */
  bool(key: string, fallback: boolean): boolean {
    const v = this.#o[key];
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") throw bad(key, "must be a boolean");
    return v;
  }

  /** An optional string from a fixed set, else `fallback`. */
  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const v = this.#o[key];
    if (v === undefined) return fallback;
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      throw bad(key, `must be one of ${values.join(", ")}`);
    }
    return v as T;
  }

  /** An optional array of non-empty strings; `undefined` when absent. */
  stringArray(key: string, maxItems: number, maxLength = 256): string[] | undefined {
    const v = this.#o[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw bad(key, "must be an array of strings");
    if (v.length > maxItems) throw bad(key, `must have at most ${maxItems} items`);
    return v.map((s, i) => checkString(`${key}[${i}]`, s, maxLength, false));
  }

  /** An optional object of string values; `undefined` when absent. */
  stringRecord(
    key: string,
    maxEntries: number,
    maxLength = 8192,
  ): Record<string, string> | undefined {
    const v = this.#o[key];
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) throw bad(key, "must be an object of strings");
    const entries = Object.entries(v);
    if (entries.length > maxEntries) throw bad(key, `must have at most ${maxEntries} entries`);
    const out: Record<string, string> = {};
    for (const [k, s] of entries) {
      // defineProperty keeps a `__proto__` key as data instead of setting the prototype
      Object.defineProperty(out, k, {
        value: checkString(`${key}.${k}`, s, maxLength, true),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
}

function checkString(key: string, v: unknown, maxLength: number, allowEmpty: boolean): string {
  if (typeof v !== "string") throw bad(key, "must be a string");
  if (!allowEmpty && v.length === 0) throw bad(key, "must not be empty");
  if (v.length > maxLength) throw bad(key, `must be at most ${maxLength} characters`);
  if (v.includes("\0")) throw bad(key, "must not contain NUL");
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Check that `input` is a plain object whose keys are all in `allowed`, and return a reader.
 * A missing input (`undefined` or `null`) reads as `{}`.
 *
 * @example
 * ```ts
 * import { readInput } from "./input.ts";
 * import { isOperationError } from "./operation_error.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readInput(undefined, []).has("x"), false);
 * assert.throws(() => readInput([1], []), (e) => isOperationError(e, "FCP-1040"));
 * ```
 */
export function readInput(input: unknown, allowed: readonly string[]): InputReader {
  const o = input === undefined || input === null ? {} : input;
  if (!isPlainObject(o)) {
    throw new OperationError("FCP-1040", "input: must be a JSON object");
  }
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw bad(k, "is not a known field");
  }
  return new InputReader(o);
}
