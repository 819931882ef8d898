/**
 * CBOR diagnostic notation (RFC 8949 §8) of a value, for `fcp cbor decode`.
 *
 * @module
 */
import { FcpError, toHex } from "../core/mod.ts";
import { sortTextKeys } from "./_key_order.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

/** Nesting cap of the printers (well above the default decode limit of 128). */
const PRINT_MAX_DEPTH = 1000;

/** A float in diagnostic notation: always with a fraction or exponent part (`1.0`, `1.0e+21`). */
function floatText(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (Object.is(x, -0)) return "-0.0";
  const s = String(x);
  if (s.includes(".")) return s;
  const e = s.indexOf("e");
  return e < 0 ? `${s}.0` : `${s.slice(0, e)}.0${s.slice(e)}`;
}

function diag(v: CborValue, depth: number): string {
  switch (typeof v) {
    case "number":
      return Number.isInteger(v) ? String(v) : floatText(v);
    case "bigint":
      return v.toString();
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "null";
      if (v instanceof Uint8Array) return `h'${toHex(v)}'`;
      if (v instanceof CborFloat) return floatText(v.value);
      if (depth >= PRINT_MAX_DEPTH) {
        throw new FcpError("FCP-1007", `value nests deeper than ${PRINT_MAX_DEPTH} levels`);
      }
      if (v instanceof CborTag) return `${v.tag}(${diag(v.value, depth + 1)})`;
      if (Array.isArray(v)) {
        return `[${(v as readonly CborValue[]).map((x) => diag(x, depth + 1)).join(", ")}]`;
      }
      if (v instanceof Map) {
        const parts: string[] = [];
        for (const [k, x] of v) parts.push(`${diag(k, depth + 1)}: ${diag(x, depth + 1)}`);
        return `{${parts.join(", ")}}`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new FcpError("FCP-1010", "no diagnostic notation for a class instance");
      }
      const o = v as { readonly [key: string]: CborValue | undefined };
      const keys = sortTextKeys(Object.keys(o).filter((k) => o[k] !== undefined));
      return `{${keys.map((k) => `${JSON.stringify(k)}: ${diag(o[k]!, depth + 1)}`).join(", ")}}`;
    }
    default:
      throw new FcpError("FCP-1010", `no diagnostic notation for a value of type ${typeof v}`);
  }
}

/**
 * RFC 8949 §8 diagnostic notation: integers (bigints too) in decimal, floats always with a
 * fraction (`1.5`, `1.0`), text as JSON strings, byte strings as `h'..'`, tags as `n(..)`.
 * Text-keyed objects print in canonical key order, `Map`s in their own order.
 *
 * @example
 * ```ts
 * import { cborDiagnostic } from "./diagnostic.ts";
 * import { CborFloat } from "./value.ts";
 * import assert from "node:assert/strict";
 * const v = { b: new Uint8Array([1, 2]), a: [1n, -2, 1.5, new CborFloat(1)] };
 * assert.equal(cborDiagnostic(v), `{"a": [1, -2, 1.5, 1.0], "b": h'0102'}`);
 * ```
 */
export function cborDiagnostic(value: CborValue): string {
  return diag(value, 0);
}
