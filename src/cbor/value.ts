/**
 * The CBOR data model of fcp: which JS values map to which CBOR items (WIRE.md §1, spec §3.5).
 *
 * | JS value | CBOR |
 * |---|---|
 * | safe-integer `number`, `bigint` in [-2^64, 2^64-1] | major 0/1, shortest argument |
 * | non-integral finite `number`, {@link CborFloat} | shortest lossless of f16/f32/f64 |
 * | `string` (well-formed UTF-16) | text string |
 * | `boolean`, `null` | `f5`/`f4`, `f6` |
 * | `Uint8Array` | byte string |
 * | array | array |
 * | `Map` (any keys) | map |
 * | plain object | text-keyed map; `undefined` properties are omitted |
 * | {@link CborTag} | tag (only when tags are allowed) |
 *
 * @module
 */

/** Any value the encoder accepts and the decoder produces. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | CborFloat
  | CborTag
  | readonly CborValue[]
  | Map<CborValue, CborValue>
  | { readonly [key: string]: CborValue | undefined };

/**
 * A number that is always encoded as a CBOR float, even when integral (a plain integral
 * `number` encodes as an integer). The decoder returns integral floats as `CborFloat` so that
 * re-encoding is exact; non-integral floats decode to plain numbers.
 *
 * @example
 * ```ts
 * import { CborFloat } from "./value.ts";
 * import { encodeCbor } from "./encode.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(encodeCbor(new CborFloat(1))), "f93c00");
 * assert.equal(toHex(encodeCbor(1)), "01");
 * ```
 */
export class CborFloat {
  /** @param value The float value; NaN and ±Infinity are refused when encoded (`FCP-1006`). */
  constructor(readonly value: number) {}
}

/**
 * A CBOR tag (major type 6). fcp forbids tags on the wire (WIRE.md §1); they are produced or
 * accepted only when the encode/decode options allow them (e.g. COSE tag 18 when inspecting).
 *
 * @example
 * ```ts
 * import { CborTag } from "./value.ts";
 * import { decodeCbor } from "./decode.ts";
 * import { fromHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(decodeCbor(fromHex("d24100"), { allowTags: [18] }), new CborTag(18, new Uint8Array([0])));
 * ```
 */
export class CborTag {
  /**
   * @param tag The tag number, a non-negative safe integer.
   * @param value The tagged item.
   */
  constructor(readonly tag: number, readonly value: CborValue) {}
}
