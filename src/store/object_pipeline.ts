/**
 * The object pipeline (spec §3.5, Appendix B; WIRE.md §2, §8, §12): `put` turns bytes into
 * sealed RaptorQ symbols in the store, `get` opens, decodes and VERIFIES them.
 *
 * Put: an object of at most 256 KiB is one stored object; a larger one is cut into 64 KiB
 * chunks, each stored as a `chunk` object, then a ChunkedObjectManifest is stored as the
 * top-level object whose refs are the chunks. The top-level ObjectId is keyed with the zone's
 * ObjectIdKey over the payload (schema `fcp.store/Blob`) or over the canonical manifest CBOR
 * (schema `fcp.raptorq/ChunkedObjectManifest`). Chunks are written first, in transactions of
 * up to 16 chunks, and the top-level object last, in the same transaction as the final batch;
 * so a crash mid-put leaves no visible top-level object (the orphan chunks are unreachable and
 * collected by GC, whose grace period covers a put in progress).
 *
 * Chunk storage ids: the manifest lists each chunk's unscoped id `BLAKE3("FCP2-CONTENT-V2" ‖
 * chunk)` (WIRE.md §12), but the same chunk may be stored in several zones and a zone's GC
 * follows only its own refs. So a chunk is stored under the zone-scoped reference id
 * {@link chunkStorageId} (keyed with the zone's ObjectIdKey over the unscoped id); the decoded
 * chunk is checked against the unscoped id in the manifest.
 *
 * Get: every symbol is opened (a symbol that fails to open is dropped; repair symbols make up
 * for it), the decoder runs under limits, and the result is checked against the keyed ObjectId
 * or the chunk id and the manifest's payload hash. Wrong content is `FCP-1014`, never
 * returned. Chunked objects are processed chunk by chunk, so memory stays bounded.
 *
 * @module
 */
import { encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError, isFcpError, toHex } from "../core/mod.ts";
import { aeadReady, createBlake3, randomBytes, SenderKeyCache } from "../crypto/mod.ts";
import { epochAt, type ObjectId, objectIdKeyed, parseZoneId, type ZoneId } from "../model/mod.ts";
import {
  checkChunkManifest,
  CHUNK_SIZE,
  type ChunkedObjectManifest,
  chunkManifestToCbor,
  chunkObjectId,
  DEFAULT_REPAIR_BPS,
  MAX_CHUNK_THRESHOLD,
  MAX_OBJECT_SIZE,
} from "../symbol/mod.ts";
import {
  BLOB_SCHEMA_HASH,
  MANIFEST_SCHEMA_HASH,
  type OpenedObject,
  type SealedObject,
  type SealingKey,
  sealObject,
} from "./object_codec.ts";
import type { ObjectRecord, ObjectWithSymbols, SymbolStore } from "./types.ts";
import type { VerifyObject } from "./admission.ts";
import {
  CHUNK_REF_SCHEMA_HASH,
  chunkStorageId,
  decodeManifest,
  openTopLevel,
  rebuildChunk,
  rebuildStored,
} from "./_object_access.ts";

export { CHUNK_REF_SCHEMA, CHUNK_REF_SCHEMA_HASH, chunkStorageId } from "./_object_access.ts";

/**
 * Chunks written per store transaction during a chunked put (1 MiB of payload). The last batch
 * is committed together with the manifest, so a 1 MiB put is one transaction plus the pin.
 */
const CHUNKS_PER_BATCH = 16;

/** The zone keys the pipeline uses (a `ZoneKeyring` from the authority layer fits). */
export interface ObjectKeyring {
  /** The zone's active key (`FCP-4005` when the zone is not held). */
  activeZoneKey(zone: string): SealingKey;
  /** A zone key by id, active or retained (`FCP-4005` when not held). */
  zoneKey(zone: string, keyId: Uint8Array): SealingKey;
  /** The zone's current ObjectIdKey. */
  objectIdKey(zone: string): { readonly keyId: Uint8Array; readonly key: Uint8Array };
}

/** What the pipeline works with: store, keys, this node and this process's sealing state. */
export interface ObjectContext {
  /** The symbol store. */
  readonly store: SymbolStore;
  /** Zone keys. */
  readonly keyring: ObjectKeyring;
  /** This node's id (sender of the symbols it seals). */
  readonly nodeId: string;
  /** Random 64-bit id of this process (WIRE.md §8 sender instance). */
  readonly senderInstanceId: bigint;
  /** Sender subkey cache. */
  readonly subkeys: SenderKeyCache;
  /** The next frame sequence number: a fresh one per sealed object within this instance. */
  nextFrameSeq(): bigint;
}

/** Options of {@link createObjectContext}. */
export interface ObjectContextOptions {
  /** The symbol store. */
  readonly store: SymbolStore;
  /** Zone keys. */
  readonly keyring: ObjectKeyring;
  /** This node's id. */
  readonly nodeId: string;
  /** Sender instance id; random by default. */
  readonly senderInstanceId?: bigint;
}

/**
 * A pipeline context with a random sender instance id and a frame counter starting at 1.
 *
 * @example
 * ```ts
 * import { createObjectContext } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const keyring = {
 *   activeZoneKey: () => ({ keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const }),
 *   zoneKey: () => ({ keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const }),
 *   objectIdKey: () => ({ keyId: new Uint8Array(8), key: new Uint8Array(32) }),
 * };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "node-a" });
 * assert.equal(ctx.nextFrameSeq(), 1n);
 * assert.equal(ctx.nextFrameSeq(), 2n);
 * ```
 */
export function createObjectContext(opts: ObjectContextOptions): ObjectContext {
  let seq = 0n;
  const instance = opts.senderInstanceId ??
    new DataView(randomBytes(8).buffer).getBigUint64(0, true);
  return {
    store: opts.store,
    keyring: opts.keyring,
    nodeId: opts.nodeId,
    senderInstanceId: instance,
    subkeys: new SenderKeyCache(64),
    nextFrameSeq: () => ++seq,
  };
}

/** Progress of a long put or get: bytes done of the total (when known). */
export type ProgressCallback = (done: number, total: number | undefined) => void;

/** Options of {@link putObject}. */
export interface PutObjectOptions {
  /** The zone. */
  readonly zone: ZoneId | string;
  /** Repair ratio in basis points (default 500). */
  readonly repairBps?: number;
  /** Pin the top-level object (default true). */
  readonly pin?: boolean;
  /** Unix seconds: record time and epoch of the symbol AAD. */
  readonly now: number;
  /** Total length, when known in advance (only for progress). */
  readonly totalHint?: number;
  /** Progress callback. */
  readonly onProgress?: ProgressCallback;
}

/** What {@link putObject} stored. */
export interface PutObjectResult {
  /** The top-level ObjectId (keyed). */
  readonly objectId: ObjectId;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** Payload length in bytes. */
  readonly size: number;
  /** Number of chunks (0 for an unchunked object). */
  readonly chunks: number;
  /** Sealed symbols written (chunks and top-level object). */
  readonly symbols: number;
  /** Whether the top-level object was new (false when it was already stored). */
  readonly created: boolean;
  /** The top-level object's schema: Blob or ChunkedObjectManifest. */
  readonly schemaHash: Uint8Array;
}

interface PutState {
  readonly ctx: ObjectContext;
  readonly zone: ZoneId;
  readonly zoneKey: SealingKey;
  readonly objectIdKey: Uint8Array;
  readonly epochId: bigint;
  readonly repairBps: number;
  readonly now: number;
  symbols: number;
}

function seal(st: PutState, objectId: ObjectId, data: Uint8Array): SealedObject {
  return sealObject({
    objectId,
    zoneId: st.zone,
    data,
    zoneKey: st.zoneKey,
    senderNodeId: st.ctx.nodeId,
    senderInstanceId: st.ctx.senderInstanceId,
    frameSeq: st.ctx.nextFrameSeq(),
    epochId: st.epochId,
    repairBps: st.repairBps,
    subkeys: st.ctx.subkeys,
  });
}

function recordOf(
  st: PutState,
  sealed: SealedObject,
  role: "object" | "chunk",
  schema: Uint8Array,
  refs: readonly ObjectId[],
): ObjectRecord {
  return {
    objectId: sealed.objectId,
    zoneId: st.zone,
    state: "complete",
    role,
    schemaHash: schema,
    transferLength: sealed.transferLength,
    symbolSize: sealed.symbolSize,
    k: sealed.k,
    seal: sealed.seal,
    refs,
    createdAt: st.now,
  };
}

async function putTop(
  st: PutState,
  schema: Uint8Array,
  content: Uint8Array,
  refs: readonly ObjectId[],
  pin: boolean,
  before: readonly ObjectWithSymbols[] = [],
): Promise<{ objectId: ObjectId; created: boolean }> {
  const objectId = objectIdKeyed(st.objectIdKey, st.zone, schema, content);
  const sealed = seal(st, objectId, content);
  // The top-level object is last in its transaction: once it is visible, so is all it refers to.
  const results = await st.ctx.store.putObjects([
    ...before,
    { record: recordOf(st, sealed, "object", schema, refs), symbols: sealed.symbols },
  ]);
  for (const r of results) st.symbols += r.symbols;
  if (pin) await st.ctx.store.pin(objectId, st.zone, st.now);
  return { objectId, created: results.at(-1)!.created };
}

function startPut(ctx: ObjectContext, opts: PutObjectOptions): PutState {
  const zone = parseZoneId(opts.zone);
  const repairBps = opts.repairBps ?? DEFAULT_REPAIR_BPS;
  return {
    ctx,
    zone,
    zoneKey: ctx.keyring.activeZoneKey(zone),
    objectIdKey: ctx.keyring.objectIdKey(zone).key,
    epochId: epochAt(opts.now),
    repairBps,
    now: opts.now,
    symbols: 0,
  };
}

/**
 * Store `data` in `zone` and return its ObjectId once the top-level object is committed
 * (and pinned unless `pin: false`). Objects above 256 KiB are chunked (WIRE.md §12). Throws
 * `FCP-6002` above 64 MiB, `FCP-4005` for a zone without keys, `FCP-4001` for a bad zone id.
 *
 * @example
 * ```ts
 * import { createObjectContext, getObject, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8).fill(1), key: new Uint8Array(32).fill(2), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => ({ keyId: new Uint8Array(8), key: new Uint8Array(32).fill(3) }) };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "node-a" });
 * const data = new Uint8Array(300_000).map((_, i) => i % 253);
 * const put = await putObject(ctx, data, { zone: "z:work", now: 1_700_000_000 });
 * assert.equal(put.chunks, 5);
 * assert.deepEqual(await getObject(ctx, put.objectId, { zone: "z:work" }), data);
 * ```
 */
export async function putObject(
  ctx: ObjectContext,
  data: Uint8Array,
  opts: PutObjectOptions,
): Promise<PutObjectResult> {
  return await putObjectStream(ctx, [data], { totalHint: data.length, ...opts });
}

/**
 * {@link putObject} from a stream of byte pieces (e.g. a file read 64 KiB at a time): at most
 * 256 KiB plus one batch of sealed chunks is held at once.
 *
 * @example
 * ```ts
 * import { createObjectContext, getObject, putObjectStream } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const put = await putObjectStream(ctx, [new Uint8Array([1, 2]), new Uint8Array([3])], {
 *   zone: "z:work", now: 1,
 * });
 * assert.equal(put.size, 3);
 * assert.deepEqual(await getObject(ctx, put.objectId, { zone: "z:work" }), new Uint8Array([1, 2, 3]));
 * ```
 */
export async function putObjectStream(
  ctx: ObjectContext,
  source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  opts: PutObjectOptions,
): Promise<PutObjectResult> {
  await aeadReady(); // seal every symbol on the faster backend (identical bytes either way)
  const st = startPut(ctx, opts);
  const pin = opts.pin ?? true;
  const progress = opts.onProgress;
  // Buffer up to the threshold + 1 byte to decide between one object and chunks.
  let pending = new Uint8Array(MAX_CHUNK_THRESHOLD + 1);
  let fill = 0;
  let total = 0;
  let chunker: ChunkWriter | undefined;
  for await (const piece of source) {
    total += piece.length;
    if (total > MAX_OBJECT_SIZE) {
      throw new FcpError("FCP-6002", `object exceeds the ${MAX_OBJECT_SIZE}-byte limit`);
    }
    let at = 0;
    while (at < piece.length) {
      if (chunker === undefined) {
        const n = Math.min(piece.length - at, pending.length - fill);
        pending.set(piece.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === pending.length) {
          chunker = new ChunkWriter(st);
          await chunker.write(pending.subarray(0, fill));
          pending = new Uint8Array(0);
          fill = 0;
        }
      } else {
        await chunker.write(piece.subarray(at));
        at = piece.length;
      }
    }
    progress?.(total, opts.totalHint);
  }
  if (chunker === undefined) {
    const payload = pending.slice(0, fill);
    const top = await putTop(st, BLOB_SCHEMA_HASH, payload, [], pin);
    return {
      ...top,
      zoneId: st.zone,
      size: payload.length,
      chunks: 0,
      symbols: st.symbols,
      schemaHash: BLOB_SCHEMA_HASH,
    };
  }
  const manifest = await chunker.finish();
  const bytes = encodeCbor(chunkManifestToCbor(manifest));
  const top = await putTop(
    st,
    MANIFEST_SCHEMA_HASH,
    bytes,
    chunker.storageIds,
    pin,
    chunker.takeBatch(),
  );
  return {
    ...top,
    zoneId: st.zone,
    size: manifest.totalLen,
    chunks: manifest.chunks.length,
    symbols: st.symbols,
    schemaHash: MANIFEST_SCHEMA_HASH,
  };
}

/** Cuts a stream into 64 KiB chunks, seals and stores them in batches, hashing the payload. */
class ChunkWriter {
  readonly #st: PutState;
  readonly #hasher = createBlake3();
  readonly #buf = new Uint8Array(CHUNK_SIZE);
  #fill = 0;
  #total = 0;
  readonly chunkIds: Uint8Array[] = [];
  readonly storageIds: Uint8Array[] = [];
  readonly #seen = new Set<string>();
  #batch: ObjectWithSymbols[] = [];

  constructor(st: PutState) {
    this.#st = st;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.#hasher.update(bytes);
    this.#total += bytes.length;
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, CHUNK_SIZE - this.#fill);
      this.#buf.set(bytes.subarray(at, at + n), this.#fill);
      this.#fill += n;
      at += n;
      if (this.#fill === CHUNK_SIZE) await this.#emit();
    }
  }

  async #emit(): Promise<void> {
    const chunk = this.#buf.subarray(0, this.#fill);
    const st = this.#st;
    const chunkId = chunkObjectId(chunk);
    const storageId = chunkStorageId(st.objectIdKey, st.zone, chunkId);
    this.chunkIds.push(chunkId);
    this.storageIds.push(storageId);
    this.#fill = 0;
    const key = toHex(storageId);
    if (this.#seen.has(key)) return; // a repeated chunk is stored once
    this.#seen.add(key);
    const sealed = seal(st, storageId, chunk);
    this.#batch.push({
      record: recordOf(st, sealed, "chunk", CHUNK_REF_SCHEMA_HASH, []),
      symbols: sealed.symbols,
    });
    if (this.#batch.length >= CHUNKS_PER_BATCH) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    const results = await this.#st.ctx.store.putObjects(this.#batch);
    for (const r of results) this.#st.symbols += r.symbols;
    this.#batch = [];
  }

  /** Flush the last partial chunk into the batch (not to the store) and build the manifest. */
  async finish(): Promise<ChunkedObjectManifest> {
    if (this.#fill > 0) await this.#emit();
    const manifest: ChunkedObjectManifest = {
      totalLen: this.#total,
      chunkSize: CHUNK_SIZE,
      chunks: this.chunkIds,
      payloadHash: this.#hasher.digest(),
    };
    checkChunkManifest(manifest);
    return manifest;
  }

  /** The chunks not yet written, to be committed with the manifest. */
  takeBatch(): ObjectWithSymbols[] {
    const b = this.#batch;
    this.#batch = [];
    return b;
  }
}

/** Options of {@link getObject}. */
export interface GetObjectOptions {
  /** The zone the caller expects the object in (`FCP-4002` otherwise). */
  readonly zone: ZoneId | string;
  /** Progress callback (bytes written of the total). */
  readonly onProgress?: ProgressCallback;
}

/** What {@link getObjectTo} wrote. */
export interface GetObjectResult {
  /** Payload length. */
  readonly size: number;
  /** Chunks read (0 for an unchunked object). */
  readonly chunks: number;
  /** Symbols dropped because they failed to open or did not fit. */
  readonly dropped: number;
}

/**
 * Rebuild and verify an object, handing the payload to `sink` piece by piece (chunk by chunk
 * for a chunked object; each piece is verified before it is handed over). Throws `FCP-6001`
 * (unknown object or missing chunk), `FCP-4002` (object of another zone), `FCP-1025` (too
 * many symbols failed authentication), `FCP-1014` (content does not match its id: refused),
 * `FCP-1011` (not a Blob or ChunkedObjectManifest), `FCP-4005` (zone key not held).
 *
 * @example
 * ```ts
 * import { createObjectContext, getObjectTo, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const { objectId } = await putObject(ctx, new Uint8Array(700_000).fill(5), { zone: "z:work", now: 1 });
 * const sizes: number[] = [];
 * const res = await getObjectTo(ctx, objectId, { zone: "z:work" }, (piece) => void sizes.push(piece.length));
 * assert.equal(res.chunks, 11);
 * assert.equal(sizes.reduce((a, b) => a + b), 700_000);
 * ```
 */
export async function getObjectTo(
  ctx: ObjectContext,
  objectId: ObjectId,
  opts: GetObjectOptions,
  sink: (piece: Uint8Array) => void | Promise<void>,
): Promise<GetObjectResult> {
  await aeadReady();
  const zone = parseZoneId(opts.zone);
  const top = await openTopLevel(ctx, objectId, zone);
  if (top.kind === "blob") {
    await sink(top.data);
    opts.onProgress?.(top.data.length, top.data.length);
    return { size: top.data.length, chunks: 0, dropped: top.dropped };
  }
  const { manifest } = top;
  const hasher = createBlake3();
  let done = 0;
  let dropped = top.dropped;
  for (let i = 0; i < manifest.chunks.length; i++) {
    const chunk = await rebuildChunk(ctx, manifest, i, zone);
    hasher.update(chunk.data);
    dropped += chunk.dropped;
    done += chunk.data.length;
    await sink(chunk.data);
    opts.onProgress?.(done, manifest.totalLen);
  }
  if (!equalBytes(hasher.digest(), manifest.payloadHash)) {
    throw new FcpError("FCP-1014", "payload does not match the manifest's payload hash; refused");
  }
  return { size: manifest.totalLen, chunks: manifest.chunks.length, dropped };
}

/**
 * Rebuild and verify an object into one byte array (see {@link getObjectTo} for the errors).
 *
 * @example
 * ```ts
 * import { createObjectContext, getObject, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const ctx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "n" });
 * const { objectId } = await putObject(ctx, new Uint8Array([42]), { zone: "z:work", now: 1 });
 * assert.deepEqual(await getObject(ctx, objectId, { zone: "z:work" }), new Uint8Array([42]));
 * await assert.rejects(getObject(ctx, objectId, { zone: "z:private" }), (e) => isFcpError(e, "FCP-4002"));
 * await assert.rejects(getObject(ctx, new Uint8Array(32), { zone: "z:work" }), (e) => isFcpError(e, "FCP-6001"));
 * ```
 */
export async function getObject(
  ctx: ObjectContext,
  objectId: ObjectId,
  opts: GetObjectOptions,
): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  const res = await getObjectTo(ctx, objectId, opts, (p) => void pieces.push(p));
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(res.size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * An admission verifier (spec §8.4.1 promotion: "only after the object reconstructs and its
 * schema checks out") for objects stored by this pipeline: rebuilds ONE stored object from its
 * symbols and checks its id — the keyed ObjectId of a Blob or a ChunkedObjectManifest (whose
 * CBOR must also parse), or {@link chunkStorageId} of a chunk — and that the record's refs are
 * exactly what the content implies (a manifest's chunk storage ids; none for a Blob or chunk),
 * so a peer cannot make other objects reachable through a genuine one. Too few (authentic)
 * symbols is `incomplete`; a mismatch, a bad manifest, wrong refs or an unknown schema is
 * `invalid`.
 *
 * @example
 * ```ts
 * import { createObjectContext, objectVerifier, putObject } from "./object_pipeline.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const key = { keyId: new Uint8Array(8), key: new Uint8Array(32), algorithm: "cha_cha20_poly1305" as const };
 * const keyring = { activeZoneKey: () => key, zoneKey: () => key, objectIdKey: () => key };
 * const store = new MemorySymbolStore();
 * const ctx = createObjectContext({ store, keyring, nodeId: "n" });
 * const { objectId } = await putObject(ctx, new Uint8Array(300_000), { zone: "z:work", now: 1 });
 * const verify = objectVerifier(ctx);
 * for (const o of await store.listObjects()) assert.equal(await verify(o), "valid");
 * assert.equal(await verify({ ...(await store.getObject(objectId))!, objectId: new Uint8Array(32) }), "incomplete");
 * ```
 */
export function objectVerifier(ctx: ObjectContext): VerifyObject {
  return async (rec) => {
    let opened: OpenedObject;
    try {
      opened = await rebuildStored(ctx, rec);
    } catch (e) {
      if (isFcpError(e, "FCP-6001") || isFcpError(e, "FCP-1025")) return "incomplete";
      if (isFcpError(e, "FCP-4005")) return "incomplete"; // key not (yet) held
      return "invalid";
    }
    const schema = rec.schemaHash;
    if (schema === undefined) return "invalid";
    const oidKey = ctx.keyring.objectIdKey(rec.zoneId).key;
    let expected: ObjectId;
    // The refs GC and promotion follow: what the content implies, nothing a peer added.
    let expectedRefs: readonly ObjectId[] = [];
    if (rec.role === "chunk" && equalBytes(schema, CHUNK_REF_SCHEMA_HASH)) {
      expected = chunkStorageId(oidKey, rec.zoneId, chunkObjectId(opened.data));
    } else if (
      rec.role === "object" &&
      (equalBytes(schema, BLOB_SCHEMA_HASH) || equalBytes(schema, MANIFEST_SCHEMA_HASH))
    ) {
      expected = objectIdKeyed(oidKey, rec.zoneId, schema, opened.data);
      if (equalBytes(schema, MANIFEST_SCHEMA_HASH)) {
        try {
          const m = decodeManifest(opened.data);
          expectedRefs = m.chunks.map((c) => chunkStorageId(oidKey, rec.zoneId, c));
        } catch {
          return "invalid";
        }
      }
    } else {
      return "invalid";
    }
    if (!equalBytes(expected, rec.objectId)) return "invalid";
    const want = new Set(expectedRefs.map(toHex));
    const got = new Set(rec.refs.map(toHex));
    if (want.size !== got.size || [...got].some((r) => !want.has(r))) return "invalid";
    return "valid";
  };
}
