/**
 * Conformance checks for `cbor.json` (WIRE.md §1): canonical encoding, bytewise key order,
 * the SchemaHash-prefixed payload, and inputs a canonical decoder must reject. Every check runs
 * both directions: the encoder must produce the expected bytes and the strict decoder must
 * accept them and give the input value back.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import {
  cborDiagnostic,
  type CborValue,
  decodeCbor,
  decodePrefixed,
  encodeCbor,
  encodePrefixed,
} from "../../cbor/mod.ts";
import { compareBytes, type ErrorCode, isFcpError, toHex } from "../../core/mod.ts";
import { schemaHash } from "../../model/mod.ts";
import { big, expectEqual, expectHex, hex, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch, type Vector } from "../types.ts";
import { schemaInput } from "./_model_inputs.ts";

/** An integer input (a JSON number, or a decimal string beyond 2^53-1): number when safe. */
function intValue(o: Record<string, unknown>, key: string): number | bigint {
  const n = big(o, key);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}

function textKeyed(entries: [string, CborValue][]): Record<string, CborValue> {
  const o: Record<string, CborValue> = {};
  for (const [k, x] of entries) {
    Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return o;
}

/** The decoder must accept the expected bytes and return `value`. */
function expectDecodes(v: Vector, field: string, value: CborValue): void {
  const bytes = hex(v.expected, field);
  let back: CborValue;
  try {
    back = decodeCbor(bytes);
  } catch (e) {
    throw new ConformanceMismatch(`${field} (decode)`, "accepted", String(e));
  }
  if (!isDeepStrictEqual(back, value)) {
    throw new ConformanceMismatch(`${field} (decode)`, cborDiagnostic(value), cborDiagnostic(back));
  }
}

/** `f` must throw an FcpError with `code`. */
function expectRefusal(field: string, code: ErrorCode, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (isFcpError(e, code)) return;
    throw new ConformanceMismatch(field, `refused with ${code}`, String(e));
  }
  throw new ConformanceMismatch(field, `refused with ${code}`, "accepted");
}

function encodeInput(v: Vector): CborValue {
  const type = str(v.inputs, "type");
  switch (type) {
    case "uint":
    case "nint": {
      const n = intValue(v.inputs, "value");
      if ((type === "uint") !== (n >= 0)) {
        throw new TypeError(`value has the wrong sign for ${type}`);
      }
      return n;
    }
    case "simple": {
      const s = str(v.inputs, "value");
      if (s === "true") return true;
      if (s === "false") return false;
      if (s === "null") return null;
      throw new TypeError(`unknown simple value ${s}`);
    }
    case "tstr":
      return str(v.inputs, "value");
    case "uint_array": {
      const a = v.inputs.value;
      if (!Array.isArray(a)) throw new TypeError("value must be a list");
      return a.map((x) => intValue({ x }, "x"));
    }
    default:
      throw new TypeError(`unknown cbor_encode type ${type}`);
  }
}

function fieldValue(f: unknown): [string, CborValue] {
  const o = f as Record<string, unknown>;
  const name = str(o, "name");
  switch (str(o, "type")) {
    case "uint":
      return [name, intValue(o, "value")];
    case "tstr":
      return [name, str(o, "value")];
    case "bool":
      if (typeof o.value !== "boolean") throw new TypeError(`${name} must be a boolean`);
      return [name, o.value];
    default:
      throw new TypeError(`unknown field type ${String(o.type)}`);
  }
}

/** Handler for the `cbor` area. */
export const handler: AreaHandler = {
  area: "cbor",
  kinds: {
    cbor_canonical_payload(v) {
      const h = schemaHash(schemaInput(v.inputs));
      expectHex(v, "schema_hash_hex", h);
      const fields = v.inputs.fields;
      if (!Array.isArray(fields)) throw new TypeError("fields must be a list");
      const value = textKeyed(fields.map(fieldValue));
      expectHex(v, "cbor_hex", encodeCbor(value));
      expectHex(v, "payload_hex", encodePrefixed(h, value));
      expectDecodes(v, "cbor_hex", value);
      const payload = hex(v.expected, "payload_hex");
      const back = decodePrefixed(payload, h);
      if (!isDeepStrictEqual(back, value)) {
        throw new ConformanceMismatch(
          "payload_hex (decode)",
          cborDiagnostic(value),
          cborDiagnostic(back),
        );
      }
      const wrong = h.slice();
      wrong[0] = wrong[0]! ^ 1;
      expectRefusal("payload_hex (other schema)", "FCP-1011", () => decodePrefixed(payload, wrong));
    },

    cbor_encode(v) {
      const value = encodeInput(v);
      expectHex(v, "cbor_hex", encodeCbor(value));
      expectDecodes(v, "cbor_hex", value);
      // Integers encode the same whether given as number or bigint.
      if (typeof value === "number") expectHex(v, "cbor_hex", encodeCbor(BigInt(value)));
    },

    cbor_map_key_order(v) {
      const keys = v.inputs.keys;
      if (!Array.isArray(keys)) throw new TypeError("keys must be a list");
      const names = keys.map(String);
      // The same map as a plain object (text-key sort) and as a Map (encoded-bytes sort).
      const asObject = textKeyed(names.map((k, i) => [k, i]));
      const asMap = new Map<CborValue, CborValue>(names.map((k, i) => [k, i]));
      expectHex(v, "cbor_hex", encodeCbor(asObject));
      expectHex(v, "cbor_hex", encodeCbor(asMap));
      expectDecodes(v, "cbor_hex", asObject);
      // The rule itself: bytewise order of the encoded keys (RFC 8949 §4.2.1).
      const sorted = [...names].sort((a, b) => compareBytes(encodeCbor(a), encodeCbor(b)));
      expectEqual(v, "sorted_keys", sorted);
    },

    cbor_reject(v) {
      const bytes = hex(v.inputs, "cbor_hex");
      let refused: unknown;
      try {
        decodeCbor(bytes);
      } catch (e) {
        refused = e;
      }
      if (!isFcpError(refused)) {
        throw new ConformanceMismatch("rejected", "true", refused ? String(refused) : "accepted");
      }
      expectEqual(v, "rejected", true);
      if ("canonical_value" in v.expected || "canonical_hex" in v.expected) {
        // The lenient reader sees the value; its canonical form is the expected bytes.
        const value = decodeCbor(bytes, { canonical: false });
        expectEqual(v, "canonical_value", value);
        expectHex(v, "canonical_hex", encodeCbor(value));
        if (toHex(encodeCbor(value)) === toHex(bytes)) {
          throw new ConformanceMismatch("canonical_hex", "differs from input", toHex(bytes));
        }
        expectDecodes(v, "canonical_hex", value);
      }
    },
  },
};
