/**
 * Default limits of the canonical CBOR layer (WIRE.md §1: nesting ≤ 128,
 * `MAX_CANONICAL_OBJECT_BYTES` = 64 MiB).
 *
 * @module
 */

/**
 * Default maximum nesting depth: containers (arrays, maps, tags) nested more than this many
 * levels deep are refused with `FCP-1007`.
 *
 * @example
 * ```ts
 * import { CBOR_MAX_DEPTH } from "./limits.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CBOR_MAX_DEPTH, 128);
 * ```
 */
export const CBOR_MAX_DEPTH = 128;

/**
 * Default maximum size in bytes of one encoded CBOR item (`FCP-1008` beyond it).
 *
 * @example
 * ```ts
 * import { CBOR_MAX_BYTES } from "./limits.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CBOR_MAX_BYTES, 64 * 1024 * 1024);
 * ```
 */
export const CBOR_MAX_BYTES = 64 * 1024 * 1024;
