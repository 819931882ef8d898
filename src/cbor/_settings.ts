/**
 * Option defaults and validation for the encoder and decoder.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import type { EncodeSettings } from "./_encoder.ts";
import type { DecodeSettings } from "./_decoder.ts";
import type { DecodeOptions } from "./decode.ts";
import type { EncodeOptions } from "./encode.ts";
import { CBOR_MAX_BYTES, CBOR_MAX_DEPTH } from "./limits.ts";

function limit(v: number | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new FcpError("FCP-1040", `${what} must be a non-negative integer`);
  }
  return v;
}

/** Fill in encoder defaults (WIRE.md §1 limits) and validate them. */
export function encodeSettings(options: EncodeOptions | undefined): EncodeSettings {
  return {
    maxDepth: limit(options?.maxDepth, CBOR_MAX_DEPTH, "maxDepth"),
    maxBytes: limit(options?.maxBytes, CBOR_MAX_BYTES, "maxBytes"),
    preserveKeyOrder: options?.preserveKeyOrder ?? false,
    allowTags: options?.allowTags ?? false,
  };
}

const NO_TAGS: readonly number[] = [];

/** Fill in decoder defaults (WIRE.md §1 limits, no tags, canonical) and validate them. */
export function decodeSettings(options: DecodeOptions | undefined): DecodeSettings {
  return {
    maxDepth: limit(options?.maxDepth, CBOR_MAX_DEPTH, "maxDepth"),
    maxBytes: limit(options?.maxBytes, CBOR_MAX_BYTES, "maxBytes"),
    allowTags: options?.allowTags ?? NO_TAGS,
    canonical: options?.canonical ?? true,
  };
}
