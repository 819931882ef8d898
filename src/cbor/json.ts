/**
 * A lossless JSON view of CBOR values, for `fcp cbor decode --json` and `fcp cbor encode`.
 *
 * | CBOR value | JSON |
 * |---|---|
 * | safe integer, non-integral float | number |
 * | integer beyond 2^53-1 (`bigint`) | `{"$bigint": "<decimal>"}` |
 * | integral float ({@link CborFloat}) | `{"$float": <number>}` (a bare integral number means an integer) |
 * | byte string | `{"$bytes": "<lowercase hex>"}` |
 * | text, true/false/null, array | as is |
 * | map with only text keys, none of them reserved | object |
 * | any other map | `{"$map": [[key, value], ...]}` |
 * | tag | `{"$tag": n, "value": ...}` |
 *
 * Reserved keys are `$bytes`, `$bigint`, `$float`, `$map`, `$tag`: a map that uses one of them
 * as a key is written in the `$map` form, so the view stays unambiguous and
 * `jsonToCbor(cborToJson(v))` encodes to the same bytes as `v`.
 *
 * @module
 */
import { FcpError, fromHex, toHex } from "../core/mod.ts";
import { sortTextKeys } from "./_key_order.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

const RESERVED = new Set(["$bytes", "$bigint", "$float", "$map", "$tag"]);
const PRINT_MAX_DEPTH = 1000;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === "__proto__") {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  } else {
    o[k] = v;
  }
}

function tooDeep(): never {
  throw new FcpError("FCP-1007", `value nests deeper than ${PRINT_MAX_DEPTH} levels`);
}

function toJson(v: CborValue, depth: number): Json {
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) throw new FcpError("FCP-1006", `float ${v} has no JSON form`);
      return v;
    case "bigint":
      return { $bigint: v.toString() };
    case "string":
    case "boolean":
      return v;
    case "object": {
      if (v === null) return null;
      if (v instanceof Uint8Array) return { $bytes: toHex(v) };
      if (v instanceof CborFloat) {
        if (!Number.isFinite(v.value)) {
          throw new FcpError("FCP-1006", `float ${v.value} has no JSON form`);
        }
        return Number.isInteger(v.value) ? { $float: v.value } : v.value;
      }
      if (depth >= PRINT_MAX_DEPTH) tooDeep();
      if (v instanceof CborTag) return { $tag: v.tag, value: toJson(v.value, depth + 1) };
      if (Array.isArray(v)) {
        return (v as readonly CborValue[]).map((x) => toJson(x, depth + 1));
      }
      if (v instanceof Map) {
        let plain = true;
        for (const k of v.keys()) if (typeof k !== "string" || RESERVED.has(k)) plain = false;
        if (plain) {
          const o: { [key: string]: Json } = {};
          for (const [k, x] of v) setOwn(o, k as string, toJson(x, depth + 1));
          return o;
        }
        const pairs: Json[] = [];
        for (const [k, x] of v) pairs.push([toJson(k, depth + 1), toJson(x, depth + 1)]);
        return { $map: pairs };
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new FcpError("FCP-1010", "no JSON form for a class instance");
      }
      const src = v as { readonly [key: string]: CborValue | undefined };
      const keys = sortTextKeys(Object.keys(src).filter((k) => src[k] !== undefined));
      if (keys.some((k) => RESERVED.has(k))) {
        return { $map: keys.map((k) => [k, toJson(src[k]!, depth + 1)]) };
      }
      const o: { [key: string]: Json } = {};
      for (const k of keys) setOwn(o, k, toJson(src[k]!, depth + 1));
      return o;
    }
    default:
      throw new FcpError("FCP-1010", `no JSON form for a value of type ${typeof v}`);
  }
}

/**
 * The JSON view of a CBOR value (table in the module doc); the result survives
 * `JSON.stringify`/`JSON.parse` and {@link jsonToCbor} turns it back into an equal encoding.
 *
 * @example
 * ```ts
 * import { cborToJson } from "./json.ts";
 * import { CborFloat } from "./value.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cborToJson({ k: new Uint8Array([0xab]), n: 2n ** 64n - 1n }), {
 *   k: { $bytes: "ab" },
 *   n: { $bigint: "18446744073709551615" },
 * });
 * assert.deepEqual(cborToJson(new Map([[1, 1.5]])), { $map: [[1, 1.5]] });
 * assert.deepEqual(cborToJson(new CborFloat(1)), { $float: 1 });
 * ```
 */
export function cborToJson(value: CborValue): unknown {
  return toJson(value, 0);
}

function bad(what: string): never {
  throw new FcpError("FCP-1040", `JSON input: ${what}`);
}

function fromJson(j: unknown, depth: number): CborValue {
  switch (typeof j) {
    case "number":
      if (!Number.isFinite(j)) bad(`number ${j} is not finite`);
      if (Number.isInteger(j) && !Number.isSafeInteger(j)) {
        bad(`integer ${j} is beyond 2^53-1; write {"$bigint": "..."} or {"$float": ...}`);
      }
      return j;
    case "string":
    case "boolean":
      return j;
    case "object": {
      if (j === null) return null;
      if (depth >= PRINT_MAX_DEPTH) tooDeep();
      if (Array.isArray(j)) return j.map((x) => fromJson(x, depth + 1));
      const proto = Object.getPrototypeOf(j);
      if (proto !== Object.prototype && proto !== null) bad("not a JSON value");
      const o = j as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.some((k) => RESERVED.has(k))) return special(o, keys, depth);
      const out: Record<string, CborValue> = {};
      for (const k of keys) setOwn(out, k, fromJson(o[k], depth + 1));
      return out;
    }
    default:
      return bad(`a ${typeof j} is not a JSON value`);
  }
}

function special(o: Record<string, unknown>, keys: string[], depth: number): CborValue {
  const only = (k: string) => keys.length === 1 && keys[0] === k;
  if (only("$bytes")) {
    const h = o.$bytes;
    if (typeof h !== "string") bad("$bytes must be a hex string");
    return fromHex(h, undefined, "$bytes");
  }
  if (only("$bigint")) {
    const s = o.$bigint;
    if (typeof s !== "string" || !/^-?(0|[1-9][0-9]*)$/.test(s)) {
      bad("$bigint must be a decimal integer string");
    }
    const n = BigInt(s);
    if (n > U64_MAX || n < -U64_MAX - 1n) bad("$bigint is outside [-2^64, 2^64-1]");
    return n;
  }
  if (only("$float")) {
    const f = o.$float;
    if (typeof f !== "number" || !Number.isFinite(f)) bad("$float must be a finite number");
    return new CborFloat(f);
  }
  if (only("$map")) {
    const pairs = o.$map;
    if (!Array.isArray(pairs)) bad("$map must be an array of [key, value] pairs");
    const m = new Map<CborValue, CborValue>();
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) bad("$map entries must be [key, value] pairs");
      m.set(fromJson(p[0], depth + 1), fromJson(p[1], depth + 1));
    }
    return m;
  }
  if (keys.length === 2 && keys.includes("$tag") && keys.includes("value")) {
    const t = o.$tag;
    if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0) {
      bad("$tag must be a non-negative integer");
    }
    return new CborTag(t, fromJson(o.value, depth + 1));
  }
  return bad(`object uses a reserved key (${keys.filter((k) => RESERVED.has(k)).join(", ")})`);
}

/**
 * The inverse of {@link cborToJson}: JSON (as parsed by `JSON.parse`) to a CBOR value.
 * Integral numbers become integers and non-integral ones floats; `$bytes`, `$bigint`, `$float`,
 * `$map` and `$tag` objects become byte strings, big integers, floats, maps and tags.
 * Invalid input (an integral number beyond 2^53-1, a malformed `$` form) throws `FCP-1040`.
 *
 * @example
 * ```ts
 * import { jsonToCbor } from "./json.ts";
 * import { encodeCbor } from "./encode.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const v = jsonToCbor(JSON.parse('{"a": 1, "b": 1.5, "c": {"$bytes": "00ff"}}'));
 * assert.equal(toHex(encodeCbor(v)), "a3616101" + "6162f93e00" + "616342" + "00ff");
 * ```
 */
export function jsonToCbor(json: unknown): CborValue {
  return fromJson(json, 0);
}
