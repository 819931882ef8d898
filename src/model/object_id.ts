/**
 * ObjectId derivation and text form (spec §3.1, WIRE.md §2).
 *
 * @module
 */
import { concatBytes, FcpError, fromHex, toHex, utf8 } from "../core/mod.ts";
import { blake3, blake3Parts } from "../crypto/mod.ts";
import { parseZoneId, type ZoneId } from "./zone_id.ts";

/** A 32-byte object id. */
export type ObjectId = Uint8Array;

const OBJECT_DOMAIN = utf8("FCP2-OBJECT-V2");
const CONTENT_DOMAIN = utf8("FCP2-CONTENT-V2");

/**
 * The zone-scoped ObjectId: BLAKE3 keyed with the zone's ObjectIdKey over
 * `"FCP2-OBJECT-V2" ‖ zone_id ‖ SchemaHash ‖ content` (WIRE.md §2).
 *
 * @example
 * ```ts
 * import { objectIdKeyed } from "./object_id.ts";
 * import assert from "node:assert/strict";
 * const id = objectIdKeyed(new Uint8Array(32), "z:work", new Uint8Array(32), new Uint8Array([1]));
 * assert.equal(id.length, 32);
 * ```
 */
export function objectIdKeyed(
  objectIdKey: Uint8Array,
  zone: ZoneId | string,
  schemaHash: Uint8Array,
  content: Uint8Array,
): ObjectId {
  if (objectIdKey.length !== 32) throw new FcpError("FCP-2002", "ObjectIdKey must be 32 bytes");
  if (schemaHash.length !== 32) throw new FcpError("FCP-1012", "SchemaHash must be 32 bytes");
  return blake3Parts([OBJECT_DOMAIN, utf8(parseZoneId(zone)), schemaHash, content], objectIdKey);
}

/**
 * The unscoped (non-security) id `BLAKE3("FCP2-CONTENT-V2" ‖ content)`, used for raw chunks
 * and test ids (WIRE.md §2).
 *
 * @example
 * ```ts
 * import { objectIdUnscoped } from "./object_id.ts";
 * import { toHex, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(objectIdUnscoped(utf8("request-1"))).slice(0, 8), "963723ae");
 * ```
 */
export function objectIdUnscoped(content: Uint8Array): ObjectId {
  // One-shot over a copy: the one-shot hash takes blake3-jit's SIMD path, the incremental
  // hasher does not.
  return blake3(concatBytes(CONTENT_DOMAIN, content));
}

/**
 * Text form of an ObjectId: lowercase hex; with `prefixed`, `objectid:<hex>` as in manifests.
 *
 * @example
 * ```ts
 * import { formatObjectId } from "./object_id.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatObjectId(new Uint8Array(32), true).slice(0, 11), "objectid:00");
 * ```
 */
export function formatObjectId(id: ObjectId, prefixed = false): string {
  if (id.length !== 32) throw new FcpError("FCP-1040", "ObjectId must be 32 bytes");
  return prefixed ? `objectid:${toHex(id)}` : toHex(id);
}

/**
 * Parse `objectid:<hex>` or bare 64-character hex (lowercase only, the canonical form).
 * Throws `FCP-1040`.
 *
 * @example
 * ```ts
 * import { parseObjectId } from "./object_id.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseObjectId("objectid:" + "ab".repeat(32))[0], 0xab);
 * assert.throws(() => parseObjectId("AB".repeat(32)), /FCP-1040/);
 * ```
 */
export function parseObjectId(text: string): ObjectId {
  const hex = text.startsWith("objectid:") ? text.slice("objectid:".length) : text;
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new FcpError("FCP-1040", "ObjectId must be 64 lowercase hex characters");
  }
  return fromHex(hex, 32, "ObjectId");
}
