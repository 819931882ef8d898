/**
 * One object as sealed symbols (spec §3.5 "universal fungibility"; WIRE.md §8, §12): RaptorQ
 * encode, then seal every symbol under the zone's sender subkey; and the reverse: open what
 * arrived (a symbol that fails to open is dropped), decode from any sufficient subset, in any
 * order, with duplicates. Decoded bytes are not trusted until the caller checks them against the
 * object id ({@link checkObjectId}).
 *
 * @module
 */
import { equalBytes, FcpError, isFcpError, toHex } from "../core/mod.ts";
import { SenderKeyCache, SymbolCipher } from "../crypto/mod.ts";
import {
  type ObjectId,
  objectIdKeyed,
  schemaHash,
  type SchemaId,
  type ZoneId,
  zoneIdHash,
} from "../model/mod.ts";
import {
  type DecodeLimits,
  DEFAULT_REPAIR_BPS,
  DEFAULT_SYMBOL_SIZE,
  encodeObject,
  ObjectDecoder,
  sourceSymbolCount,
} from "../symbol/mod.ts";
import { zoneKeyAead, type ZoneKeyAlgorithm } from "../authority/mod.ts";
import type { SealParams, SymbolRecord } from "./types.ts";

/** A sealed symbol as stored (WIRE.md §8): ESI, frame sequence number, ciphertext and tag. */
export type SealedSymbol = SymbolRecord;

/** Schema of a raw payload stored by `fcp put` (its ObjectId's SchemaHash). */
export const BLOB_SCHEMA: SchemaId = { namespace: "fcp.store", name: "Blob", version: "1.0.0" };
/** Schema of a ChunkedObjectManifest (WIRE.md §12) stored as a top-level object. */
export const MANIFEST_SCHEMA: SchemaId = {
  namespace: "fcp.raptorq",
  name: "ChunkedObjectManifest",
  version: "1.0.0",
};
/** SchemaHash of {@link BLOB_SCHEMA}. */
export const BLOB_SCHEMA_HASH: Uint8Array = schemaHash(BLOB_SCHEMA);
/** SchemaHash of {@link MANIFEST_SCHEMA}. */
export const MANIFEST_SCHEMA_HASH: Uint8Array = schemaHash(MANIFEST_SCHEMA);

/** What identifies an object's symbols: id, zone, transmission info and seal. */
export interface SealedObjectInfo {
  /** The id bound into the AAD (keyed ObjectId, or the unscoped id of a chunk). */
  readonly objectId: ObjectId;
  /** The zone whose key sealed it. */
  readonly zoneId: ZoneId;
  /** Object length in bytes. */
  readonly transferLength: number;
  /** Symbol size in bytes. */
  readonly symbolSize: number;
  /** Source symbol count K. */
  readonly k: number;
  /** Seal parameters. */
  readonly seal: SealParams;
}

/** An object's info and its sealed symbols (K source then R repair). */
export interface SealedObject extends SealedObjectInfo {
  /** Repair symbol count R. */
  readonly r: number;
  /** Sealed symbols. */
  readonly symbols: readonly SealedSymbol[];
}

/** A zone key as the codec needs it. */
export interface SealingKey {
  /** Key id, 8 bytes. */
  readonly keyId: Uint8Array;
  /** Key bytes, 32. */
  readonly key: Uint8Array;
  /** AEAD (WIRE.md D15 string). */
  readonly algorithm: ZoneKeyAlgorithm;
}

/** Input of {@link sealObject}. */
export interface SealObjectInput {
  /** Id bound into the AAD. */
  readonly objectId: ObjectId;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** The object bytes, at most 256 KiB (chunk larger ones first). */
  readonly data: Uint8Array;
  /** The zone's active key. */
  readonly zoneKey: SealingKey;
  /** This node's id. */
  readonly senderNodeId: string;
  /** This process's instance id (u64). */
  readonly senderInstanceId: bigint;
  /** Frame sequence number, unique per object within the instance (nonce uniqueness). */
  readonly frameSeq: bigint;
  /** Epoch id for the AAD. */
  readonly epochId: bigint;
  /** Repair ratio in basis points (default 500). */
  readonly repairBps?: number;
  /** Symbol size (default 1024). */
  readonly symbolSize?: number;
  /** Subkey cache (one is made when absent). */
  readonly subkeys?: SenderKeyCache;
}

const defaultCache = new SenderKeyCache(64);

/**
 * Encode and seal an object (WIRE.md §8, §12). The nonce of symbol `esi` is
 * `frame_seq ‖ esi` under the subkey of (zone key, zone key id, sender, instance), so
 * `frameSeq` must never repeat for another object within one instance.
 *
 * @example
 * ```ts
 * import { openObject, sealObject } from "./object_codec.ts";
 * import assert from "node:assert/strict";
 * const zoneKey = { keyId: new Uint8Array(8).fill(1), key: new Uint8Array(32).fill(2), algorithm: "cha_cha20_poly1305" as const };
 * const data = new Uint8Array(5000).map((_, i) => i);
 * const sealed = sealObject({
 *   objectId: new Uint8Array(32), zoneId: "z:work", data, zoneKey, senderNodeId: "node-a",
 *   senderInstanceId: 7n, frameSeq: 1n, epochId: 100n, repairBps: 5000,
 * });
 * assert.equal(sealed.k, 5);
 * const arrived = sealed.symbols.slice(2).reverse(); // two lost, any order
 * assert.deepEqual(openObject(sealed, zoneKey.key, arrived).data, data);
 * ```
 */
export function sealObject(input: SealObjectInput): SealedObject {
  const enc = encodeObject(input.data, {
    repairBps: input.repairBps ?? DEFAULT_REPAIR_BPS,
    symbolSize: input.symbolSize ?? DEFAULT_SYMBOL_SIZE,
  });
  const seal: SealParams = {
    algorithm: zoneKeyAead(input.zoneKey.algorithm),
    zoneKeyId: input.zoneKey.keyId.slice(),
    epochId: input.epochId,
    senderNodeId: input.senderNodeId,
    senderInstanceId: input.senderInstanceId,
  };
  const info: SealedObjectInfo = {
    objectId: input.objectId,
    zoneId: input.zoneId,
    transferLength: input.data.length,
    symbolSize: enc.oti.symbolSize,
    k: enc.k,
    seal,
  };
  const cipher = cipherFor(info, input.zoneKey.key, input.subkeys ?? defaultCache);
  const symbols = enc.symbols.map((s): SealedSymbol => {
    const { ciphertext, tag } = cipher.seal(s.esi, input.frameSeq, s.data);
    return { esi: s.esi, frameSeq: input.frameSeq, data: ciphertext, tag };
  });
  return { ...info, r: enc.r, symbols };
}

function cipherFor(info: SealedObjectInfo, zoneKey: Uint8Array, cache: SenderKeyCache) {
  const { seal } = info;
  return new SymbolCipher({
    alg: seal.algorithm,
    subkey: cache.get(zoneKey, seal.zoneKeyId, seal.senderNodeId, seal.senderInstanceId),
    objectId: info.objectId,
    k: info.k,
    zoneIdHash: zoneIdHash(info.zoneId),
    zoneKeyId: seal.zoneKeyId,
    epochId: seal.epochId,
    senderInstanceId: seal.senderInstanceId,
  });
}

/** Result of {@link openObject}. */
export interface OpenedObject {
  /** The decoded bytes (not yet checked against the object id). */
  readonly data: Uint8Array;
  /** Symbols opened and pushed to the decoder. */
  readonly opened: number;
  /** Symbols dropped: failed to open (tampered, wrong key or epoch) or malformed. */
  readonly dropped: number;
}

/** Options of {@link openObject}. */
export interface OpenObjectOptions {
  /** Decoder limits (size, symbol count, timeout). */
  readonly limits?: DecodeLimits;
  /** Subkey cache. */
  readonly subkeys?: SenderKeyCache;
}

/**
 * Open sealed symbols and decode the object (WIRE.md §8, §12). Symbols are consumed lazily
 * until the decoder completes. A symbol that fails to open (`FCP-1025`: tampered, or sealed
 * under another zone, key or epoch) or does not fit the object (`FCP-1022`) is dropped; decoding
 * goes on with the rest. When the symbols run out first: `FCP-1025` if any were dropped for
 * failing authentication, else `FCP-6001` (too few symbols). The record's K must match its
 * length and symbol size (`FCP-1013`). Decoder limits throw `FCP-6002` / `FCP-6003`.
 *
 * The result is the decoded bytes only: check them with {@link checkObjectId} (or the chunk
 * id) before use.
 *
 * @example
 * ```ts
 * import { openObject, sealObject } from "./object_codec.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const zoneKey = { keyId: new Uint8Array(8), key: new Uint8Array(32).fill(9), algorithm: "cha_cha20_poly1305" as const };
 * const sealed = sealObject({
 *   objectId: new Uint8Array(32), zoneId: "z:work", data: new Uint8Array(3000).fill(1),
 *   zoneKey, senderNodeId: "n", senderInstanceId: 1n, frameSeq: 1n, epochId: 1n,
 * });
 * const wrongKey = new Uint8Array(32);
 * assert.throws(() => openObject(sealed, wrongKey, sealed.symbols), (e) => isFcpError(e, "FCP-1025"));
 * assert.throws(() => openObject(sealed, zoneKey.key, []), (e) => isFcpError(e, "FCP-6001"));
 * ```
 */
export function openObject(
  info: SealedObjectInfo,
  zoneKey: Uint8Array,
  symbols: Iterable<SealedSymbol>,
  opts: OpenObjectOptions = {},
): OpenedObject {
  if (
    !Number.isSafeInteger(info.symbolSize) || info.symbolSize <= 0 ||
    info.k !== sourceSymbolCount(info.transferLength, info.symbolSize)
  ) {
    throw new FcpError("FCP-1013", "object record: K does not match its length and symbol size");
  }
  const cipher = cipherFor(info, zoneKey, opts.subkeys ?? defaultCache);
  const decoder = new ObjectDecoder({
    transferLength: info.transferLength,
    symbolSize: info.symbolSize,
    sourceBlocks: 1,
    subBlocks: 1,
    alignment: 8,
  }, opts.limits);
  let opened = 0;
  let dropped = 0;
  let unauthentic = 0;
  try {
    if (!decoder.complete) {
      for (const s of symbols) {
        let plain: Uint8Array;
        try {
          plain = cipher.open(s.esi, s.frameSeq, s.data, s.tag);
        } catch (e) {
          if (!isFcpError(e, "FCP-1025") && !isFcpError(e, "FCP-1040")) throw e;
          dropped++;
          unauthentic++;
          continue;
        }
        try {
          opened++;
          if (decoder.push(s.esi, plain)) break;
        } catch (e) {
          if (!isFcpError(e, "FCP-1022")) throw e;
          dropped++;
        }
      }
    }
    const data = decoder.result();
    if (data === undefined) {
      if (unauthentic > 0) {
        throw new FcpError(
          "FCP-1025",
          `${unauthentic} symbol(s) failed authentication; too few left to rebuild the object`,
        );
      }
      throw new FcpError(
        "FCP-6001",
        `not enough symbols to rebuild the object (${opened} of at least ${info.k})`,
      );
    }
    return { data, opened, dropped };
  } finally {
    decoder.free();
  }
}

/**
 * The ObjectId of a top-level object: BLAKE3 keyed with the zone's ObjectIdKey over
 * `"FCP2-OBJECT-V2" ‖ zone ‖ SchemaHash ‖ content` (WIRE.md §2).
 *
 * @example
 * ```ts
 * import { BLOB_SCHEMA_HASH, topLevelObjectId } from "./object_codec.ts";
 * import { objectIdKeyed } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(3);
 * const content = new Uint8Array([1, 2, 3]);
 * assert.deepEqual(
 *   topLevelObjectId(key, "z:work", BLOB_SCHEMA_HASH, content),
 *   objectIdKeyed(key, "z:work", BLOB_SCHEMA_HASH, content),
 * );
 * ```
 */
export function topLevelObjectId(
  objectIdKey: Uint8Array,
  zone: ZoneId,
  schema: Uint8Array,
  content: Uint8Array,
): ObjectId {
  return objectIdKeyed(objectIdKey, zone, schema, content);
}

/**
 * Refuse reconstructed content whose id is not the expected one: `FCP-1014`. Wrong content is
 * never returned (spec §3.5: the ObjectId is checked after every reconstruction).
 *
 * @example
 * ```ts
 * import { checkObjectId } from "./object_codec.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * checkObjectId(new Uint8Array(32), new Uint8Array(32));
 * assert.throws(
 *   () => checkObjectId(new Uint8Array(32), new Uint8Array(32).fill(1)),
 *   (e) => isFcpError(e, "FCP-1014"),
 * );
 * ```
 */
export function checkObjectId(expected: Uint8Array, actual: Uint8Array, what = "object"): void {
  if (!equalBytes(expected, actual)) {
    throw new FcpError(
      "FCP-1014",
      `${what} ${toHex(expected)} rebuilt to content with a different id; refused`,
    );
  }
}
