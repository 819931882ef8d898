/**
 * SchemaHash-prefixed objects (spec §3.5, WIRE.md §1): `SchemaHash(32) ‖ canonical_cbor(value)`.
 *
 * @module
 */
import { equalBytes, FcpError } from "../core/mod.ts";
import { decodeFrom } from "./_decoder.ts";
import { encodeWithSettings } from "./_encoder.ts";
import { decodeSettings, encodeSettings } from "./_settings.ts";
import type { DecodeOptions } from "./decode.ts";
import type { EncodeOptions } from "./encode.ts";
import type { CborValue } from "./value.ts";

/** Length of the SchemaHash prefix. */
const PREFIX_BYTES = 32;

function checkPrefix(prefix: Uint8Array): void {
  if (!(prefix instanceof Uint8Array) || prefix.length !== PREFIX_BYTES) {
    throw new FcpError("FCP-1040", `schema hash prefix must be ${PREFIX_BYTES} bytes`);
  }
}

/**
 * `prefix ‖ C(value)`, written into one buffer; `maxBytes` bounds the CBOR part.
 * The prefix must be a 32-byte SchemaHash (`FCP-1040` otherwise).
 *
 * @example
 * ```ts
 * import { encodePrefixed } from "./prefixed.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const out = encodePrefixed(new Uint8Array(32).fill(0xaa), { id: 1 });
 * assert.equal(toHex(out), "aa".repeat(32) + "a162696401");
 * ```
 */
export function encodePrefixed(
  prefix: Uint8Array,
  value: CborValue,
  options?: EncodeOptions,
): Uint8Array {
  checkPrefix(prefix);
  return encodeWithSettings(value, encodeSettings(options), prefix);
}

/**
 * Decode a prefixed object (WIRE.md §1 decoder): at least 32 bytes whose first 32 equal
 * `expectedPrefix` (else `FCP-1011`), then a strict decode of the rest (offsets in errors count
 * from the start of `bytes`).
 *
 * @example
 * ```ts
 * import { decodePrefixed, encodePrefixed } from "./prefixed.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const h = new Uint8Array(32).fill(7);
 * const bytes = encodePrefixed(h, { id: 1 });
 * assert.deepEqual(decodePrefixed(bytes, h), { id: 1 });
 * assert.throws(() => decodePrefixed(bytes, new Uint8Array(32)), (e) => isFcpError(e, "FCP-1011"));
 * ```
 */
export function decodePrefixed(
  bytes: Uint8Array,
  expectedPrefix: Uint8Array,
  options?: DecodeOptions,
): CborValue {
  checkPrefix(expectedPrefix);
  if (!(bytes instanceof Uint8Array)) {
    throw new FcpError("FCP-1040", "CBOR input must be a Uint8Array");
  }
  if (bytes.length < PREFIX_BYTES) {
    throw new FcpError(
      "FCP-1011",
      `object of ${bytes.length} bytes is shorter than the ${PREFIX_BYTES}-byte schema hash`,
    );
  }
  if (!equalBytes(bytes.subarray(0, PREFIX_BYTES), expectedPrefix)) {
    throw new FcpError("FCP-1011", "schema hash prefix does not match the expected schema");
  }
  return decodeFrom(bytes, PREFIX_BYTES, decodeSettings(options));
}
