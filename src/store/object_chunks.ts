/**
 * Working chunk by chunk (WIRE.md §12; spec Appendix B "Chunked Objects"): the reason large
 * objects are chunked is that a receiver can fetch a part without the whole, and that a chunk
 * that went missing is repaired alone. This module offers exactly that over a stored object:
 *
 * - {@link inspectObject}: which chunks are stored, which are missing or cannot be rebuilt;
 * - {@link getObjectRange}: a byte range, rebuilding and verifying only the chunks it covers;
 * - {@link repairChunk} / {@link repairObject}: store one chunk again from its bytes (e.g. a
 *   copy of the file, or a peer), checked against the chunk id in the verified manifest, and
 *   nothing else.
 *
 * Every chunk read here is checked against its chunk id, which the manifest lists and the
 * top-level ObjectId covers; so a partial read returns only authenticated bytes even though the
 * manifest's whole-payload hash cannot be checked for a part.
 *
 * @module
 */
import { FcpError, isFcpError } from "../core/mod.ts";
import { aeadReady } from "../crypto/mod.ts";
import { epochAt, type ObjectId, parseZoneId, type ZoneId } from "../model/mod.ts";
import {
  type ChunkedObjectManifest,
  chunkLengthAt,
  chunkObjectId,
  DEFAULT_REPAIR_BPS,
} from "../symbol/mod.ts";
import {
  CHUNK_REF_SCHEMA_HASH,
  chunkStorageId,
  openTopLevel,
  rebuildChunk,
} from "./_object_access.ts";
import { sealObject } from "./object_codec.ts";
import type { ObjectContext } from "./object_pipeline.ts";

/** The state of one chunk of a stored chunked object. */
export type ChunkState =
  /** Stored with at least K symbols (and, when verified, it rebuilds to its chunk id). */
  | "stored"
  /** No record under its storage id. */
  | "missing"
  /** Stored with fewer than K symbols: cannot be rebuilt from this store alone. */
  | "short"
  /** Verified and refused: too few authentic symbols, or content that does not match its id. */
  | "damaged";

/** One chunk in an {@link ObjectInspection}. */
export interface ChunkStatus {
  /** Chunk index in the manifest. */
  readonly index: number;
  /** Byte offset of the chunk in the payload. */
  readonly offset: number;
  /** Chunk length in bytes. */
  readonly length: number;
  /** The unscoped chunk id listed in the manifest. */
  readonly chunkId: Uint8Array;
  /** The zone-scoped id the chunk is stored under. */
  readonly storageId: ObjectId;
  /** Its state. */
  readonly state: ChunkState;
  /** Stored symbols (0 when missing). */
  readonly symbols: number;
}

/** What {@link inspectObject} found. */
export interface ObjectInspection {
  /** The top-level object. */
  readonly objectId: ObjectId;
  /** Its zone. */
  readonly zoneId: ZoneId;
  /** Payload length. */
  readonly size: number;
  /** Whether it is a chunked object (a Blob has no chunks). */
  readonly chunked: boolean;
  /** The chunks, in payload order (empty for a Blob). */
  readonly chunks: readonly ChunkStatus[];
  /** True when every chunk is `stored`. */
  readonly healthy: boolean;
}

/** Options of {@link inspectObject}. */
export interface InspectOptions {
  /** The object's zone. */
  readonly zone: ZoneId | string;
  /** Rebuild and verify every stored chunk (slower), instead of looking at records only. */
  readonly verify?: boolean;
}

async function chunkStatus(
  ctx: ObjectContext,
  manifest: ChunkedObjectManifest,
  index: number,
  zone: ZoneId,
  verify: boolean,
): Promise<ChunkStatus> {
  const chunkId = manifest.chunks[index]!;
  const storageId = chunkStorageId(ctx.keyring.objectIdKey(zone).key, zone, chunkId);
  const base = {
    index,
    offset: index * manifest.chunkSize,
    length: chunkLengthAt(manifest, index),
    chunkId,
    storageId,
  };
  const rec = await ctx.store.getObject(storageId);
  if (rec === undefined || rec.zoneId !== zone) return { ...base, state: "missing", symbols: 0 };
  if (rec.symbolCount < rec.k) return { ...base, state: "short", symbols: rec.symbolCount };
  let state: ChunkState = "stored";
  if (verify) {
    try {
      await rebuildChunk(ctx, manifest, index, zone);
    } catch (e) {
      if (!isFcpError(e)) throw e;
      if (isFcpError(e, "FCP-4005")) throw e; // key not held: a verdict would be a guess
      state = "damaged";
    }
  }
  return { ...base, state, symbols: rec.symbolCount };
}

/**
 * Report a stored object's chunks: the top-level object is rebuilt and verified (its errors are
 * those of `getObject`), then each chunk record is looked at (`verify: true` also rebuilds and
 * checks each chunk). A chunk's state tells what `getObject` would hit: `missing` and `short`
 * are `FCP-6001`, `damaged` is `FCP-1025`/`FCP-1014`.
 *
 * @example
 * ```ts
 * import { inspectObject } from "./object_chunks.ts";
 * import { createObjectContext, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const store = new MemorySymbolStore();
 * const ctx = createObjectContext({ store, keyring, nodeId: "n" });
 * const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 251); // 5 distinct chunks
 * const { objectId } = await putObject(ctx, data, { zone: "z:work", now: 1 });
 * const before = await inspectObject(ctx, objectId, { zone: "z:work" });
 * assert.ok(before.healthy);
 * await store.deleteObject(before.chunks[2]!.storageId, "user", 1);
 * const after = await inspectObject(ctx, objectId, { zone: "z:work" });
 * assert.deepEqual(after.chunks.map((c) => c.state), ["stored", "stored", "missing", "stored", "stored"]);
 * ```
 */
export async function inspectObject(
  ctx: ObjectContext,
  objectId: ObjectId,
  opts: InspectOptions,
): Promise<ObjectInspection> {
  await aeadReady();
  const zone = parseZoneId(opts.zone);
  const top = await openTopLevel(ctx, objectId, zone);
  if (top.kind === "blob") {
    return {
      objectId,
      zoneId: zone,
      size: top.data.length,
      chunked: false,
      chunks: [],
      healthy: true,
    };
  }
  const chunks: ChunkStatus[] = [];
  for (let i = 0; i < top.manifest.chunks.length; i++) {
    chunks.push(await chunkStatus(ctx, top.manifest, i, zone, opts.verify ?? false));
  }
  return {
    objectId,
    zoneId: zone,
    size: top.manifest.totalLen,
    chunked: true,
    chunks,
    healthy: chunks.every((c) => c.state === "stored"),
  };
}

/** Options of {@link getObjectRange}. */
export interface RangeOptions {
  /** The object's zone. */
  readonly zone: ZoneId | string;
  /** First byte, 0..size. */
  readonly offset: number;
  /** Bytes wanted; clipped at the end of the object. Default: to the end. */
  readonly length?: number;
}

/** What {@link getObjectRange} delivered. */
export interface RangeResult {
  /** First byte delivered. */
  readonly offset: number;
  /** Bytes delivered. */
  readonly length: number;
  /** The object's size. */
  readonly size: number;
  /** Chunks rebuilt for the range (0 for a Blob). */
  readonly chunksRead: number;
}

/**
 * Deliver bytes `offset .. offset + length` of a stored object to `sink`, rebuilding only the
 * chunks the range covers, each verified against its chunk id before any of it is handed over
 * (a Blob, at most 256 KiB, is rebuilt and verified whole). Chunks outside the range need not
 * be stored. Throws `FCP-1040` for an offset or length outside the object, and the errors of
 * `getObject` for the top-level object and the chunks read.
 *
 * @example
 * ```ts
 * import { getObjectRange } from "./object_chunks.ts";
 * import { createObjectContext, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const data = new Uint8Array(1_000_000).map((_, i) => i % 251);
 * const { objectId } = await putObject(ctx, data, { zone: "z:work", now: 1 });
 * const got: Uint8Array[] = [];
 * const res = await getObjectRange(ctx, objectId, { zone: "z:work", offset: 65_000, length: 1000 }, (p) => void got.push(p));
 * assert.equal(res.chunksRead, 2); // the range straddles chunks 0 and 1
 * assert.deepEqual(new Uint8Array(got.flatMap((p) => [...p])), data.subarray(65_000, 66_000));
 * ```
 */
export async function getObjectRange(
  ctx: ObjectContext,
  objectId: ObjectId,
  opts: RangeOptions,
  sink: (piece: Uint8Array) => void | Promise<void>,
): Promise<RangeResult> {
  await aeadReady();
  const zone = parseZoneId(opts.zone);
  const top = await openTopLevel(ctx, objectId, zone);
  const size = top.kind === "blob" ? top.data.length : top.manifest.totalLen;
  const { offset } = opts;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) {
    throw new FcpError("FCP-1040", `offset must be an integer in 0..${size}`);
  }
  const wanted = opts.length ?? size - offset;
  if (!Number.isSafeInteger(wanted) || wanted < 0) {
    throw new FcpError("FCP-1040", "length must be a non-negative integer");
  }
  const end = Math.min(size, offset + wanted);
  const length = end - offset;
  if (top.kind === "blob") {
    if (length > 0) await sink(top.data.subarray(offset, end));
    return { offset, length, size, chunksRead: 0 };
  }
  const { manifest } = top;
  let chunksRead = 0;
  if (length > 0) {
    const first = Math.floor(offset / manifest.chunkSize);
    const last = Math.floor((end - 1) / manifest.chunkSize);
    for (let i = first; i <= last; i++) {
      const chunk = await rebuildChunk(ctx, manifest, i, zone);
      chunksRead++;
      const at = i * manifest.chunkSize;
      await sink(
        chunk.data.subarray(Math.max(0, offset - at), Math.min(chunk.data.length, end - at)),
      );
    }
  }
  return { offset, length, size, chunksRead };
}

/** Options of {@link repairChunk}. */
export interface RepairChunkOptions {
  /** The object's zone. */
  readonly zone: ZoneId | string;
  /** The chunk's index in the manifest. */
  readonly index: number;
  /** The chunk's bytes (checked against its chunk id). */
  readonly data: Uint8Array;
  /** Unix seconds: record time and epoch of the new symbols. */
  readonly now: number;
  /** Repair ratio of the new symbols (default 500 bps). */
  readonly repairBps?: number;
}

/** What {@link repairChunk} did. */
export interface RepairChunkResult {
  /** The chunk index. */
  readonly index: number;
  /** Its state before the repair. */
  readonly before: ChunkState;
  /** Whether it was written (false when it was already `stored` and verified). */
  readonly written: boolean;
  /** Sealed symbols written. */
  readonly symbols: number;
}

async function repairOne(
  ctx: ObjectContext,
  manifest: ChunkedObjectManifest,
  zone: ZoneId,
  index: number,
  data: Uint8Array,
  now: number,
  repairBps: number,
): Promise<RepairChunkResult> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= manifest.chunks.length) {
    throw new FcpError("FCP-1040", `chunk index must be in 0..${manifest.chunks.length - 1}`);
  }
  const chunkId = manifest.chunks[index]!;
  if (data.length !== chunkLengthAt(manifest, index)) {
    throw new FcpError("FCP-1014", `replacement for chunk ${index} has the wrong length; refused`);
  }
  const actual = chunkObjectId(data);
  if (!actual.every((b, i) => b === chunkId[i])) {
    throw new FcpError("FCP-1014", `replacement for chunk ${index} does not match its id; refused`);
  }
  const status = await chunkStatus(ctx, manifest, index, zone, true);
  if (status.state === "stored") {
    return { index, before: "stored", written: false, symbols: 0 };
  }
  if (status.state !== "missing") {
    await ctx.store.deleteObject(status.storageId, "repair_replaced", now);
  }
  const zoneKey = ctx.keyring.activeZoneKey(zone);
  const sealed = sealObject({
    objectId: status.storageId,
    zoneId: zone,
    data,
    zoneKey,
    senderNodeId: ctx.nodeId,
    senderInstanceId: ctx.senderInstanceId,
    frameSeq: ctx.nextFrameSeq(),
    epochId: epochAt(now),
    repairBps,
    subkeys: ctx.subkeys,
  });
  const [put] = await ctx.store.putObjects([{
    record: {
      objectId: sealed.objectId,
      zoneId: zone,
      state: "complete",
      role: "chunk",
      schemaHash: CHUNK_REF_SCHEMA_HASH,
      transferLength: sealed.transferLength,
      symbolSize: sealed.symbolSize,
      k: sealed.k,
      seal: sealed.seal,
      refs: [],
      createdAt: now,
    },
    symbols: sealed.symbols,
  }]);
  return { index, before: status.state, written: true, symbols: put!.symbols };
}

/**
 * Store chunk `index` of a chunked object again from its bytes, touching no other chunk: the
 * top-level object is verified, `data` must match the chunk id its manifest lists (`FCP-1014`
 * otherwise, nothing written), a `stored` chunk that verifies is left alone, and a `short` or
 * `damaged` one is replaced (its old record deleted first). The new symbols are sealed under
 * the zone's active key. Throws `FCP-1040` for an index outside the manifest or for a Blob.
 *
 * @example
 * ```ts
 * import { inspectObject, repairChunk } from "./object_chunks.ts";
 * import { createObjectContext, getObject, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const store = new MemorySymbolStore();
 * const ctx = createObjectContext({ store, keyring, nodeId: "n" });
 * const data = new Uint8Array(300_000).map((_, i) => i % 13);
 * const { objectId } = await putObject(ctx, data, { zone: "z:work", now: 1 });
 * const lost = (await inspectObject(ctx, objectId, { zone: "z:work" })).chunks[1]!;
 * await store.deleteObject(lost.storageId, "user", 1);
 * const res = await repairChunk(ctx, objectId, {
 *   zone: "z:work", index: 1, data: data.subarray(65536, 131072), now: 2,
 * });
 * assert.deepEqual([res.before, res.written], ["missing", true]);
 * assert.deepEqual(await getObject(ctx, objectId, { zone: "z:work" }), data);
 * ```
 */
export async function repairChunk(
  ctx: ObjectContext,
  objectId: ObjectId,
  opts: RepairChunkOptions,
): Promise<RepairChunkResult> {
  await aeadReady();
  const zone = parseZoneId(opts.zone);
  const top = await openTopLevel(ctx, objectId, zone);
  if (top.kind === "blob") throw new FcpError("FCP-1040", "a Blob has no chunks to repair");
  return await repairOne(
    ctx,
    top.manifest,
    zone,
    opts.index,
    opts.data,
    opts.now,
    opts.repairBps ?? DEFAULT_REPAIR_BPS,
  );
}

/** Options of {@link repairObject}. */
export interface RepairObjectOptions {
  /** The object's zone. */
  readonly zone: ZoneId | string;
  /** Reads `length` bytes at `offset` of the original payload (e.g. from a copy of the file). */
  readonly read: (offset: number, length: number) => Promise<Uint8Array> | Uint8Array;
  /** Unix seconds. */
  readonly now: number;
  /** Repair ratio of the new symbols (default 500 bps). */
  readonly repairBps?: number;
}

/** What {@link repairObject} did. */
export interface RepairObjectResult {
  /** Chunks checked. */
  readonly chunks: number;
  /** The chunks that were rewritten, with their state before. */
  readonly repaired: readonly { readonly index: number; readonly before: ChunkState }[];
  /** Sealed symbols written. */
  readonly symbols: number;
}

/**
 * Verify every chunk of a chunked object and repair, one by one, those that are not `stored`,
 * reading only their byte ranges through `read`; healthy chunks are neither read nor written.
 * A range that does not match its chunk id is `FCP-1014` (repairs done before it are kept).
 *
 * @example
 * ```ts
 * import { repairObject } from "./object_chunks.ts";
 * import { createObjectContext, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const data = new Uint8Array(300_000).fill(3);
 * const { objectId } = await putObject(ctx, data, { zone: "z:work", now: 1 });
 * const reads: number[] = [];
 * const res = await repairObject(ctx, objectId, {
 *   zone: "z:work", now: 2, read: (at, n) => (reads.push(at), data.subarray(at, at + n)),
 * });
 * assert.deepEqual([res.chunks, res.repaired.length, reads.length], [5, 0, 0]);
 * ```
 */
export async function repairObject(
  ctx: ObjectContext,
  objectId: ObjectId,
  opts: RepairObjectOptions,
): Promise<RepairObjectResult> {
  await aeadReady();
  const zone = parseZoneId(opts.zone);
  const top = await openTopLevel(ctx, objectId, zone);
  if (top.kind === "blob") return { chunks: 0, repaired: [], symbols: 0 };
  const { manifest } = top;
  const repaired: { index: number; before: ChunkState }[] = [];
  let symbols = 0;
  for (let i = 0; i < manifest.chunks.length; i++) {
    const status = await chunkStatus(ctx, manifest, i, zone, true);
    if (status.state === "stored") continue;
    const bytes = await opts.read(status.offset, status.length);
    const res = await repairOne(
      ctx,
      manifest,
      zone,
      i,
      bytes,
      opts.now,
      opts.repairBps ?? DEFAULT_REPAIR_BPS,
    );
    if (res.written) {
      repaired.push({ index: i, before: res.before });
      symbols += res.symbols;
    }
  }
  return { chunks: manifest.chunks.length, repaired, symbols };
}
