/**
 * Conformance checks for the golden `vectors/cbor_strict.json`: canonical encodings the interop
 * `cbor.json` does not cover (floats, byte strings, 64-bit integers, mixed-type map keys), given
 * in the JSON view of `src/cbor/json.ts`, and inputs the strict decoder must refuse, each with
 * its stable error code (WIRE.md §1, issue 2 §5).
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { cborToJson, decodeCbor, decodePrefixed, encodeCbor, jsonToCbor } from "../../cbor/mod.ts";
import { ERROR_CODES, type ErrorCode, isFcpError, toHex } from "../../core/mod.ts";
import { expectHex, hex, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch, type Vector } from "../types.ts";

/** The expected `code` of a rejection vector, checked to be a known stable code. */
function expectedCode(v: Vector): ErrorCode {
  const code = str(v.expected, "code");
  if (!Object.hasOwn(ERROR_CODES, code)) throw new TypeError(`unknown error code ${code}`);
  return code as ErrorCode;
}

/**
 * Decode a rejection vector's `cbor_hex` the way its inputs say (plain, or behind the
 * 32-byte prefix `expected_prefix_hex`) and return the code it was refused with.
 */
function refusalCode(v: Vector): string {
  const bytes = hex(v.inputs, "cbor_hex");
  const prefix = v.inputs.expected_prefix_hex;
  try {
    if (typeof prefix === "string") decodePrefixed(bytes, hex(v.inputs, "expected_prefix_hex"));
    else decodeCbor(bytes);
  } catch (e) {
    if (isFcpError(e)) return e.code;
    throw e;
  }
  return "accepted";
}

/** Handler for the `cbor_strict` golden area. */
export const handler: AreaHandler = {
  area: "cbor_strict",
  kinds: {
    cbor_json_encode(v) {
      const value = jsonToCbor(v.inputs.value);
      expectHex(v, "cbor_hex", encodeCbor(value));
      // and back: the strict decoder accepts the bytes; `decoded` is their JSON view (maps in
      // canonical order, so it can differ from the input's order)
      const back = cborToJson(decodeCbor(hex(v.expected, "cbor_hex")));
      if (!isDeepStrictEqual(back, v.expected.decoded)) {
        throw new ConformanceMismatch(
          "decoded",
          JSON.stringify(v.expected.decoded),
          JSON.stringify(back),
        );
      }
    },
    cbor_decode_reject(v) {
      const want = expectedCode(v);
      const got = refusalCode(v);
      if (got !== want) throw new ConformanceMismatch("code", want, got);
    },
  },
};

/**
 * The code a rejection input is refused with (for the golden generator, which states the
 * expected code by hand and checks it with this).
 *
 * @example
 * ```ts
 * import { rejectionCode } from "./cbor_strict.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rejectionCode("1800"), "FCP-1002");
 * assert.equal(rejectionCode("00"), "accepted");
 * ```
 */
export function rejectionCode(cborHex: string, expectedPrefixHex?: string): string {
  const inputs: Record<string, unknown> = { "cbor_hex": cborHex };
  if (expectedPrefixHex !== undefined) inputs.expected_prefix_hex = expectedPrefixHex;
  return refusalCode({
    id: "probe",
    kind: "cbor_decode_reject",
    provenance: "",
    inputs,
    expected: {},
  });
}

/**
 * The canonical hex of a JSON-view value (for the golden generator).
 *
 * @example
 * ```ts
 * import { canonicalHex } from "./cbor_strict.ts";
 * import assert from "node:assert/strict";
 * assert.equal(canonicalHex(1.5), "f93e00");
 * ```
 */
export function canonicalHex(json: unknown): string {
  return toHex(encodeCbor(jsonToCbor(json)));
}
