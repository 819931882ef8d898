/**
 * Canonical CBOR encoding (RFC 8949 §4.2.1 as profiled by WIRE.md §1 and spec §3.5).
 *
 * @module
 */
import { encodeWithSettings } from "./_encoder.ts";
import { encodeSettings } from "./_settings.ts";
import type { CborValue } from "./value.ts";

/** Options of {@link encodeCbor}. */
export interface EncodeOptions {
  /** Maximum nesting of arrays, maps and tags (default 128); deeper → `FCP-1007`. */
  maxDepth?: number;
  /** Maximum output size in bytes (default 64 MiB); larger → `FCP-1008`. */
  maxBytes?: number;
  /**
   * `false` (default): map keys in canonical bytewise order of their encoding.
   * `true`: keep insertion order (`Map` order, or `Object.keys` order — which puts
   * integer-like keys such as `"1"` first). Only for reproducing foreign non-canonical bytes
   * (the genesis CBOR in bootstrap.json, the ZoneKeyManifest signature input, WIRE.md §5d).
   */
  preserveKeyOrder?: boolean;
  /** Allow {@link CborTag} values (default `false`: any tag → `FCP-1005`). */
  allowTags?: boolean;
}

/**
 * Encode a value as canonical CBOR: definite lengths, shortest integers and lengths, shortest
 * lossless floats, map keys sorted bytewise by their encoding, duplicates refused.
 *
 * Throws `FCP-1010` for values outside the data model (undefined, functions, class instances,
 * unsafe integral numbers, lone surrogates, bigints beyond 64 bits), `FCP-1006` for NaN/±Inf,
 * `FCP-1003` for two map keys with the same encoding, `FCP-1005` for tags (unless allowed),
 * `FCP-1007` when too deep, `FCP-1008` when too large.
 *
 * @example Integer keys sort by their encoded bytes, not by length
 * ```ts
 * import { encodeCbor } from "./encode.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(encodeCbor({ b: 1, a: [true, null] })), "a2616182f5f6616201");
 * const m = new Map<number, number>([[-65537, 0], [4, 1], [1, 2]]);
 * assert.equal(toHex(encodeCbor(m)), "a301020401" + "3a0001000000");
 * assert.equal(toHex(encodeCbor(1.5)), "f93e00");
 * ```
 */
export function encodeCbor(value: CborValue, options?: EncodeOptions): Uint8Array {
  return encodeWithSettings(value, encodeSettings(options));
}
