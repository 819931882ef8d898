/**
 * Canonical CBOR (RFC 8949 §4.2.1 as profiled by WIRE.md §1 and spec §3.5): an encoder that
 * produces the one canonical form, a strict decoder that refuses everything else (with stable
 * `FCP-10xx` codes and byte offsets), the SchemaHash-prefixed object form, diagnostic notation
 * and a lossless JSON view. No CBOR library underneath: we need exact control of errors, limits
 * and key order (docs/dependencies.md has the measured comparison with cborg).
 *
 * @example
 * ```ts
 * import { decodeCbor, encodeCbor } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const v = { zone_id: "z:work", created_at: 1700000000, refs: [new Uint8Array(32)] };
 * assert.deepEqual(decodeCbor(encodeCbor(v)), v);
 * ```
 *
 * @module
 */
export { CborFloat, CborTag, type CborValue } from "./value.ts";
export { CBOR_MAX_BYTES, CBOR_MAX_DEPTH } from "./limits.ts";
export { encodeCbor, type EncodeOptions } from "./encode.ts";
export { decodeCbor, type DecodeOptions, isCanonicalCbor } from "./decode.ts";
export { decodePrefixed, encodePrefixed } from "./prefixed.ts";
export { cborDiagnostic } from "./diagnostic.ts";
export { cborToJson, jsonToCbor } from "./json.ts";
