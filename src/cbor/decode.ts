/**
 * Strict canonical CBOR decoding (WIRE.md §1 decoder, spec §3.5, RFC 8949 §4.2.1).
 *
 * @module
 */
import { FcpError, isFcpError } from "../core/mod.ts";
import { decodeFrom } from "./_decoder.ts";
import { decodeSettings } from "./_settings.ts";
import type { CborValue } from "./value.ts";

/** Options of {@link decodeCbor}. */
export interface DecodeOptions {
  /** Maximum nesting of arrays, maps and tags (default 128); deeper → `FCP-1007`. */
  maxDepth?: number;
  /** Maximum input size in bytes (default 64 MiB); larger → `FCP-1008`. */
  maxBytes?: number;
  /** Tag numbers accepted (default none: any tag → `FCP-1005`). */
  allowTags?: readonly number[];
  /**
   * `true` (default): refuse every non-canonical form and re-encode to compare. `false`: accept
   * non-shortest heads and floats, unsorted keys and -0.0 (still refuse malformed input,
   * duplicates, indefinite lengths, NaN/±Inf); only for inspecting foreign bytes.
   */
  canonical?: boolean;
}

/**
 * Decode exactly one canonical CBOR item.
 *
 * Integers decode to `number` when safe, else `bigint`; non-integral floats to `number`,
 * integral floats to {@link CborFloat}; text-keyed maps to plain objects, other maps to `Map`;
 * byte strings to fresh `Uint8Array`s. Refusals (message names the byte offset): `FCP-1001`
 * malformed, truncated, empty, invalid UTF-8 or unsupported simple value; `FCP-1002`
 * non-canonical (non-shortest, unsorted keys, -0.0, re-encoding differs); `FCP-1003` duplicate
 * key; `FCP-1004` indefinite length; `FCP-1005` tag; `FCP-1006` NaN/±Inf; `FCP-1007` too deep;
 * `FCP-1008` input or a declared length too large; `FCP-1009` trailing bytes.
 *
 * @example
 * ```ts
 * import { decodeCbor } from "./decode.ts";
 * import { fromHex, isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(decodeCbor(fromHex("a2616182f5f6616201")), { a: [true, null], b: 1 });
 * assert.throws(() => decodeCbor(fromHex("1800")), (e) => isFcpError(e, "FCP-1002"));
 * assert.equal(decodeCbor(fromHex("1800"), { canonical: false }), 0);
 * ```
 */
export function decodeCbor(bytes: Uint8Array, options?: DecodeOptions): CborValue {
  if (!(bytes instanceof Uint8Array)) {
    throw new FcpError("FCP-1040", "CBOR input must be a Uint8Array");
  }
  return decodeFrom(bytes, 0, decodeSettings(options));
}

/**
 * Whether `bytes` is exactly one canonical, tag-free CBOR item within the default limits
 * (i.e. {@link decodeCbor} with default options accepts it).
 *
 * @example
 * ```ts
 * import { isCanonicalCbor } from "./decode.ts";
 * import { fromHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isCanonicalCbor(fromHex("1818")));
 * assert.ok(!isCanonicalCbor(fromHex("190018")));
 * ```
 */
export function isCanonicalCbor(bytes: Uint8Array): boolean {
  try {
    decodeCbor(bytes);
    return true;
  } catch (e) {
    if (isFcpError(e)) return false;
    throw e;
  }
}
