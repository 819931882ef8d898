/**
 * Reading stored objects back (private to src/store): load a record of the expected zone,
 * open and decode its sealed symbols, and verify top-level objects and chunks against their
 * ids (WIRE.md §2, §12). Shared by `object_pipeline.ts` (whole gets, admission verifier) and
 * `object_chunks.ts` (ranges, chunk health, repair).
 *
 * @module
 */
import { decodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError } from "../core/mod.ts";
import {
  type ObjectId,
  objectIdKeyed,
  schemaHash,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";
import {
  checkChunkManifest,
  type ChunkedObjectManifest,
  chunkLengthAt,
  chunkManifestFromCbor,
  chunkObjectId,
  MAX_OBJECT_SIZE,
} from "../symbol/mod.ts";
import {
  BLOB_SCHEMA_HASH,
  checkObjectId,
  MANIFEST_SCHEMA_HASH,
  type OpenedObject,
  openObject,
} from "./object_codec.ts";
import type { ObjectContext } from "./object_pipeline.ts";
import type { StoredObject } from "./types.ts";

/** Schema of a chunk reference: the SchemaHash of {@link chunkStorageId}. */
export const CHUNK_REF_SCHEMA: SchemaId = {
  namespace: "fcp.raptorq",
  name: "ChunkRef",
  version: "1.0.0",
};
/** SchemaHash of {@link CHUNK_REF_SCHEMA}. */
export const CHUNK_REF_SCHEMA_HASH: Uint8Array = schemaHash(CHUNK_REF_SCHEMA);

/**
 * The id a chunk is stored under in `zone`: the keyed ObjectId (zone ObjectIdKey, schema
 * {@link CHUNK_REF_SCHEMA}) of its unscoped chunk id (see `object_pipeline.ts`).
 *
 * @example
 * ```ts
 * import { chunkStorageId } from "./_object_access.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(1);
 * const chunkId = new Uint8Array(32).fill(2);
 * assert.notDeepEqual(chunkStorageId(key, "z:work", chunkId), chunkStorageId(key, "z:private", chunkId));
 * ```
 */
export function chunkStorageId(
  objectIdKey: Uint8Array,
  zone: ZoneId,
  chunkId: Uint8Array,
): ObjectId {
  return objectIdKeyed(objectIdKey, zone, CHUNK_REF_SCHEMA_HASH, chunkId);
}

/**
 * The record of `id`, which must be stored (`FCP-6001`) and belong to `zone` (`FCP-4002`).
 *
 * @example
 * ```ts
 * import { loadRecord } from "./_object_access.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ctx = { store: new MemorySymbolStore() } as unknown as Parameters<typeof loadRecord>[0];
 * await assert.rejects(loadRecord(ctx, new Uint8Array(32), "z:work", "object"), (e) => isFcpError(e, "FCP-6001"));
 * ```
 */
export async function loadRecord(
  ctx: ObjectContext,
  id: ObjectId,
  zone: ZoneId,
  what: string,
): Promise<StoredObject> {
  const rec = await ctx.store.getObject(id);
  if (rec === undefined) throw new FcpError("FCP-6001", `${what} is not in the store`);
  if (rec.zoneId !== zone) {
    throw new FcpError("FCP-4002", `${what} belongs to ${rec.zoneId}, not ${zone}`);
  }
  return rec;
}

/**
 * Open and decode a stored object's symbols, without checking its id. The store returns them
 * in ascending ESI order, so with nothing lost the K source symbols are opened and copied out
 * (no RaptorQ decoding, repair symbols left unopened); otherwise repair symbols fill the gaps.
 *
 * @example
 * ```ts
 * import { rebuildStored } from "./_object_access.ts";
 * import { createObjectContext, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const { objectId } = await putObject(ctx, new Uint8Array([1, 2, 3]), { zone: "z:work", now: 1 });
 * const opened = await rebuildStored(ctx, (await ctx.store.getObject(objectId))!);
 * assert.deepEqual(opened.data, new Uint8Array([1, 2, 3]));
 * ```
 */
export async function rebuildStored(ctx: ObjectContext, rec: StoredObject): Promise<OpenedObject> {
  const key = ctx.keyring.zoneKey(rec.zoneId, rec.seal.zoneKeyId).key;
  return openObject(rec, key, await ctx.store.getSymbols(rec.objectId), { subkeys: ctx.subkeys });
}

/**
 * Parse and check a ChunkedObjectManifest's CBOR (`FCP-1013`), at most 64 MiB (`FCP-6002`).
 *
 * @example
 * ```ts
 * import { decodeManifest } from "./_object_access.ts";
 * import { buildChunkManifest, chunkManifestToCbor } from "../symbol/mod.ts";
 * import { encodeCbor } from "../cbor/mod.ts";
 * import assert from "node:assert/strict";
 * const m = buildChunkManifest(new Uint8Array(300_000));
 * assert.equal(decodeManifest(encodeCbor(chunkManifestToCbor(m))).chunks.length, 5);
 * ```
 */
export function decodeManifest(bytes: Uint8Array): ChunkedObjectManifest {
  const m = chunkManifestFromCbor(decodeCbor(bytes));
  checkChunkManifest(m);
  if (m.totalLen > MAX_OBJECT_SIZE) {
    throw new FcpError("FCP-6002", `chunked object of ${m.totalLen} bytes exceeds the limit`);
  }
  return m;
}

/** A verified top-level object: a Blob's payload, or a chunked object's manifest. */
export type TopLevel =
  | {
    readonly kind: "blob";
    readonly rec: StoredObject;
    readonly data: Uint8Array;
    readonly dropped: number;
  }
  | {
    readonly kind: "chunked";
    readonly rec: StoredObject;
    readonly manifest: ChunkedObjectManifest;
    readonly dropped: number;
  };

/**
 * Load, rebuild and verify the top-level object `objectId` of `zone`: its keyed ObjectId must
 * match what it rebuilt to (`FCP-1014`), and it must be a Blob or a ChunkedObjectManifest
 * (`FCP-1011`). Load errors as {@link loadRecord}; open errors as `openObject`.
 *
 * @example
 * ```ts
 * import { openTopLevel } from "./_object_access.ts";
 * import { createObjectContext, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const { objectId } = await putObject(ctx, new Uint8Array(300_000), { zone: "z:work", now: 1 });
 * const top = await openTopLevel(ctx, objectId, "z:work");
 * assert.equal(top.kind, "chunked");
 * ```
 */
export async function openTopLevel(
  ctx: ObjectContext,
  objectId: ObjectId,
  zone: ZoneId,
): Promise<TopLevel> {
  const rec = await loadRecord(ctx, objectId, zone, "object");
  if (rec.role !== "object" || rec.schemaHash === undefined) {
    throw new FcpError("FCP-1011", "not a top-level object");
  }
  const isBlob = equalBytes(rec.schemaHash, BLOB_SCHEMA_HASH);
  if (!isBlob && !equalBytes(rec.schemaHash, MANIFEST_SCHEMA_HASH)) {
    throw new FcpError("FCP-1011", "object is neither a Blob nor a ChunkedObjectManifest");
  }
  const top = await rebuildStored(ctx, rec);
  const oidKey = ctx.keyring.objectIdKey(zone).key;
  checkObjectId(objectId, objectIdKeyed(oidKey, zone, rec.schemaHash, top.data));
  if (isBlob) return { kind: "blob", rec, data: top.data, dropped: top.dropped };
  return { kind: "chunked", rec, manifest: decodeManifest(top.data), dropped: top.dropped };
}

/**
 * Load, rebuild and verify chunk `index` of a (verified) manifest: `FCP-6001` when it is not
 * stored, `FCP-1014` when it rebuilds to the wrong length or content (refused).
 *
 * @example
 * ```ts
 * import { openTopLevel, rebuildChunk } from "./_object_access.ts";
 * import { createObjectContext, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const data = new Uint8Array(300_000).fill(4);
 * const { objectId } = await putObject(ctx, data, { zone: "z:work", now: 1 });
 * const top = await openTopLevel(ctx, objectId, "z:work");
 * assert.ok(top.kind === "chunked");
 * const chunk = await rebuildChunk(ctx, top.manifest, 4, "z:work");
 * assert.equal(chunk.data.length, 300_000 - 4 * 65536);
 * ```
 */
export async function rebuildChunk(
  ctx: ObjectContext,
  manifest: ChunkedObjectManifest,
  index: number,
  zone: ZoneId,
): Promise<OpenedObject> {
  const chunkId = manifest.chunks[index]!;
  const storageId = chunkStorageId(ctx.keyring.objectIdKey(zone).key, zone, chunkId);
  const rec = await loadRecord(ctx, storageId, zone, `chunk ${index}`);
  const chunk = await rebuildStored(ctx, rec);
  if (chunk.data.length !== chunkLengthAt(manifest, index)) {
    throw new FcpError("FCP-1014", `chunk ${index} has the wrong length; refused`);
  }
  checkObjectId(chunkId, chunkObjectId(chunk.data), `chunk ${index}`);
  return chunk;
}
