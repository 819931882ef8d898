/**
 * Chunked objects (spec Appendix B "Chunked Objects"; WIRE.md §12): an object longer than
 * {@link MAX_CHUNK_THRESHOLD} is carried as fixed-size chunks plus a manifest listing each
 * chunk's id and the BLAKE3 hash of the whole payload, so that no RaptorQ call ever handles
 * more than the threshold and a receiver can fetch, verify and repair chunk by chunk.
 *
 * The manifest follows the Rust reference `fcp-raptorq` `ChunkedObjectManifest`, not the spec
 * text (which adds an ObjectHeader): CBOR `{total_len: uint, chunk_size: uint, chunks: [bstr32],
 * payload_hash: [32 uints]}`, where `payload_hash` is a CBOR array of 32 unsigned integers
 * (serde's encoding of a plain `[u8; 32]`, WIRE.md §1) and each chunk id is the unscoped ObjectId
 * `BLAKE3("FCP2-CONTENT-V2" ‖ chunk)` (WIRE.md §2).
 *
 * @module
 */
import { concatBytes, equalBytes, FcpError, utf8 } from "../core/mod.ts";
import type { CborValue } from "../cbor/mod.ts";
import { blake3, createBlake3 } from "../crypto/mod.ts";
import { MAX_CODEC_TRANSFER_LENGTH } from "./raptorq.ts";

/** Objects longer than this many bytes are chunked (spec Appendix B `max_chunk_threshold`). */
export const MAX_CHUNK_THRESHOLD = 256 * 1024;
/** Chunk size in bytes (spec Appendix B `chunk_size`, 64 KiB). */
export const CHUNK_SIZE = 64 * 1024;
/** Largest object accepted (spec Appendix B `max_object_size`, 64 MiB). */
export const MAX_OBJECT_SIZE = 64 * 1024 * 1024;

const CONTENT_DOMAIN = utf8("FCP2-CONTENT-V2");
const MANIFEST_KEYS = ["chunk_size", "chunks", "payload_hash", "total_len"];

/** The manifest of a chunked object (WIRE.md §12), with camelCase field names. */
export interface ChunkedObjectManifest {
  /** Length of the whole payload in bytes (`total_len`, u64). */
  readonly totalLen: number;
  /** Size of every chunk but the last, which holds the remainder (`chunk_size`, u32). */
  readonly chunkSize: number;
  /** Chunk ids in payload order, 32 bytes each (`chunks`). */
  readonly chunks: readonly Uint8Array[];
  /** BLAKE3 of the whole payload, 32 bytes (`payload_hash`). */
  readonly payloadHash: Uint8Array;
}

/** What to send for an object: the payload itself, or a manifest and its chunks. */
export type ChunkPlan =
  | { readonly chunked: false; readonly payload: Uint8Array }
  | {
    readonly chunked: true;
    readonly manifest: ChunkedObjectManifest;
    readonly chunks: readonly Uint8Array[];
  };

/**
 * Whether an object of `length` bytes must be chunked: strictly longer than
 * {@link MAX_CHUNK_THRESHOLD} (WIRE.md §12).
 *
 * @example
 * ```ts
 * import { needsChunking } from "./chunking.ts";
 * import assert from "node:assert/strict";
 * assert.equal(needsChunking(256 * 1024), false);
 * assert.equal(needsChunking(256 * 1024 + 1), true);
 * ```
 */
export function needsChunking(length: number): boolean {
  return length > MAX_CHUNK_THRESHOLD;
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CODEC_TRANSFER_LENGTH) {
    throw new FcpError(
      "FCP-1040",
      `chunk size must be an integer in 1..${MAX_CODEC_TRANSFER_LENGTH}`,
    );
  }
}

/**
 * Split `data` into chunks of `chunkSize` bytes (the last one shorter); no chunks for empty
 * data. The chunks are views into `data`.
 *
 * @example
 * ```ts
 * import { splitChunks } from "./chunking.ts";
 * import assert from "node:assert/strict";
 * const chunks = splitChunks(new Uint8Array(150 * 1024));
 * assert.deepEqual(chunks.map((c) => c.length), [65536, 65536, 22528]);
 * assert.deepEqual(splitChunks(new Uint8Array(0)), []);
 * ```
 */
export function splitChunks(data: Uint8Array, chunkSize: number = CHUNK_SIZE): Uint8Array[] {
  checkChunkSize(chunkSize);
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += chunkSize) {
    out.push(data.subarray(at, Math.min(at + chunkSize, data.length)));
  }
  return out;
}

/**
 * The id of a chunk: the unscoped ObjectId `BLAKE3("FCP2-CONTENT-V2" ‖ chunk)` (WIRE.md §2, §12).
 *
 * @example
 * ```ts
 * import { chunkObjectId } from "./chunking.ts";
 * import { toHex, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // ../shared/interop/object_id.json, object_id.unscoped.request-1
 * assert.equal(
 *   toHex(chunkObjectId(utf8("request-1"))),
 *   "963723aec2ef23d000093b94762ea671d6d78a7af3ae520931bf2a6652d053a7",
 * );
 * ```
 */
export function chunkObjectId(chunk: Uint8Array): Uint8Array {
  // One-shot over a copy: blake3-jit's one-shot hash takes its SIMD path, its incremental
  // hasher never does (2–3× slower for a 64 KiB chunk, measured).
  return blake3(concatBytes(CONTENT_DOMAIN, chunk));
}

/**
 * Length of chunk `index` under `manifest`: `chunkSize`, or the remainder for the last one.
 * Throws `FCP-1040` for an index outside the manifest.
 *
 * @example
 * ```ts
 * import { buildChunkManifest, chunkLengthAt } from "./chunking.ts";
 * import assert from "node:assert/strict";
 * const m = buildChunkManifest(new Uint8Array(300 * 1024));
 * assert.equal(chunkLengthAt(m, 0), 65536);
 * assert.equal(chunkLengthAt(m, 4), 300 * 1024 - 4 * 65536);
 * ```
 */
export function chunkLengthAt(manifest: ChunkedObjectManifest, index: number): number {
  if (!Number.isSafeInteger(index) || index < 0 || index >= manifest.chunks.length) {
    throw new FcpError(
      "FCP-1040",
      `chunk index ${index} is outside 0..${manifest.chunks.length - 1}`,
    );
  }
  return Math.min(manifest.chunkSize, manifest.totalLen - index * manifest.chunkSize);
}

/**
 * Build the manifest of `data` split into `chunkSize` chunks. Throws `FCP-1040` for data
 * above {@link MAX_OBJECT_SIZE} or a bad chunk size.
 *
 * @example
 * ```ts
 * import { buildChunkManifest, chunkObjectId, splitChunks } from "./chunking.ts";
 * import assert from "node:assert/strict";
 * const data = new Uint8Array(200_000).fill(1);
 * const m = buildChunkManifest(data);
 * assert.equal(m.totalLen, 200_000);
 * assert.equal(m.chunks.length, 4);
 * assert.deepEqual(m.chunks[3], chunkObjectId(splitChunks(data)[3]!));
 * ```
 */
export function buildChunkManifest(
  data: Uint8Array,
  chunkSize: number = CHUNK_SIZE,
): ChunkedObjectManifest {
  if (!(data instanceof Uint8Array) || data.length > MAX_OBJECT_SIZE) {
    throw new FcpError("FCP-1040", `object must be bytes of at most ${MAX_OBJECT_SIZE} bytes`);
  }
  const chunks = splitChunks(data, chunkSize).map(chunkObjectId);
  const payloadHash = blake3(data);
  return { totalLen: data.length, chunkSize, chunks, payloadHash };
}

/**
 * Decide how to carry `data` (WIRE.md §12): as is when at most {@link MAX_CHUNK_THRESHOLD}
 * bytes, else as a manifest and {@link CHUNK_SIZE} chunks.
 *
 * @example
 * ```ts
 * import { planChunks } from "./chunking.ts";
 * import assert from "node:assert/strict";
 * assert.equal(planChunks(new Uint8Array(256 * 1024)).chunked, false);
 * const plan = planChunks(new Uint8Array(256 * 1024 + 1));
 * assert.ok(plan.chunked);
 * assert.equal(plan.chunks.length, 5);
 * assert.equal(plan.manifest.chunks.length, 5);
 * ```
 */
export function planChunks(data: Uint8Array): ChunkPlan {
  if (!needsChunking(data.length)) return { chunked: false, payload: data };
  return { chunked: true, manifest: buildChunkManifest(data), chunks: splitChunks(data) };
}

/**
 * Check a manifest's shape: `totalLen` a safe integer ≥ 0, `chunkSize` 1..256 KiB, exactly
 * `⌈totalLen / chunkSize⌉` chunk ids of 32 bytes, a 32-byte payload hash. Throws `FCP-1013`.
 *
 * @example
 * ```ts
 * import { buildChunkManifest, checkChunkManifest } from "./chunking.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const m = buildChunkManifest(new Uint8Array(70_000));
 * checkChunkManifest(m);
 * assert.throws(
 *   () => checkChunkManifest({ ...m, chunks: m.chunks.slice(1) }),
 *   (e) => isFcpError(e, "FCP-1013"),
 * );
 * ```
 */
export function checkChunkManifest(manifest: ChunkedObjectManifest): void {
  const { totalLen, chunkSize, chunks, payloadHash } = manifest;
  const ok = Number.isSafeInteger(totalLen) && totalLen >= 0 &&
    Number.isSafeInteger(chunkSize) && chunkSize >= 1 && chunkSize <= MAX_CODEC_TRANSFER_LENGTH &&
    Array.isArray(chunks) && chunks.length === Math.ceil(totalLen / chunkSize) &&
    chunks.every((id) => id instanceof Uint8Array && id.length === 32) &&
    payloadHash instanceof Uint8Array && payloadHash.length === 32;
  if (!ok) {
    throw new FcpError(
      "FCP-1013",
      "chunk manifest needs total_len >= 0, chunk_size in 1..262144, " +
        "ceil(total_len / chunk_size) 32-byte chunk ids and a 32-byte payload hash",
    );
  }
}

/** Options of {@link reassemble}. */
export interface ReassembleOptions {
  /** Largest `totalLen` accepted (default {@link MAX_OBJECT_SIZE}); above it: `FCP-6002`. */
  readonly maxTotalLen?: number;
}

function walk(
  manifest: ChunkedObjectManifest,
  getChunk: (index: number) => Uint8Array | undefined,
  out: Uint8Array | undefined,
): void {
  const hasher = createBlake3();
  for (let i = 0; i < manifest.chunks.length; i++) {
    const chunk = getChunk(i);
    if (chunk === undefined) {
      throw new FcpError("FCP-6001", `chunk ${i} of ${manifest.chunks.length} is missing`);
    }
    if (!(chunk instanceof Uint8Array) || chunk.length !== chunkLengthAt(manifest, i)) {
      throw new FcpError("FCP-1013", `chunk ${i} has the wrong length`);
    }
    if (!equalBytes(chunkObjectId(chunk), manifest.chunks[i]!)) {
      throw new FcpError("FCP-1013", `chunk ${i} does not match its id in the manifest`);
    }
    hasher.update(chunk);
    out?.set(chunk, i * manifest.chunkSize);
  }
  if (!equalBytes(hasher.digest(), manifest.payloadHash)) {
    throw new FcpError(
      "FCP-1013",
      "reassembled payload does not match the manifest's payload hash",
    );
  }
}

/**
 * Verify chunks against a manifest without reassembling: count, each chunk's length and id,
 * and the payload hash. Throws `FCP-1013` on any mismatch (and for a bad manifest shape).
 *
 * @example
 * ```ts
 * import { buildChunkManifest, splitChunks, verifyChunkManifest } from "./chunking.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const data = new Uint8Array(300_000).map((_, i) => i);
 * const chunks = splitChunks(data);
 * verifyChunkManifest(buildChunkManifest(data), chunks);
 * const bad = chunks[2]!.slice();
 * bad[7] = bad[7]! ^ 1;
 * const tampered = chunks.with(2, bad);
 * assert.throws(
 *   () => verifyChunkManifest(buildChunkManifest(data), tampered),
 *   (e) => isFcpError(e, "FCP-1013"),
 * );
 * ```
 */
export function verifyChunkManifest(
  manifest: ChunkedObjectManifest,
  chunks: readonly Uint8Array[],
): void {
  checkChunkManifest(manifest);
  if (chunks.length !== manifest.chunks.length) {
    throw new FcpError(
      "FCP-1013",
      `manifest lists ${manifest.chunks.length} chunks, got ${chunks.length}`,
    );
  }
  walk(manifest, (i) => chunks[i], undefined);
}

/**
 * Rebuild the payload from its chunks, checking each chunk's length and id and the payload
 * hash. `getChunk(i)` returns chunk `i` or `undefined` when it is not available. Throws
 * `FCP-6001` for a missing chunk, `FCP-1013` for a mismatch or a bad manifest, `FCP-6002` for
 * a payload above `maxTotalLen`.
 *
 * @example
 * ```ts
 * import { planChunks, reassemble } from "./chunking.ts";
 * import assert from "node:assert/strict";
 * const data = new Uint8Array(600_000).map((_, i) => i * 7);
 * const plan = planChunks(data);
 * assert.ok(plan.chunked);
 * assert.deepEqual(reassemble(plan.manifest, (i) => plan.chunks[i]), data);
 * ```
 */
export function reassemble(
  manifest: ChunkedObjectManifest,
  getChunk: (index: number) => Uint8Array | undefined,
  options: ReassembleOptions = {},
): Uint8Array {
  checkChunkManifest(manifest);
  const max = options.maxTotalLen ?? MAX_OBJECT_SIZE;
  if (manifest.totalLen > max) {
    throw new FcpError("FCP-6002", `chunked object of ${manifest.totalLen} bytes exceeds ${max}`);
  }
  const out = new Uint8Array(manifest.totalLen);
  walk(manifest, getChunk, out);
  return out;
}

/**
 * The CBOR value of a manifest (WIRE.md §12): `{total_len, chunk_size, chunks: [bstr],
 * payload_hash: [32 uints]}`; encode it with `encodeCbor`.
 *
 * @example
 * ```ts
 * import { buildChunkManifest, chunkManifestToCbor } from "./chunking.ts";
 * import { encodeCbor } from "../cbor/mod.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeCbor(chunkManifestToCbor(buildChunkManifest(new Uint8Array(0))));
 * // {"chunks": [], "total_len": 0, "chunk_size": 65536, "payload_hash": [32 uints]}
 * assert.ok(toHex(bytes).startsWith("a4666368756e6b7380"));
 * assert.ok(toHex(bytes).includes("6c7061796c6f61645f686173689820")); // "payload_hash" array(32)
 * ```
 */
export function chunkManifestToCbor(manifest: ChunkedObjectManifest): CborValue {
  checkChunkManifest(manifest);
  return {
    total_len: manifest.totalLen,
    chunk_size: manifest.chunkSize,
    chunks: manifest.chunks.map((id) => id.slice()),
    payload_hash: [...manifest.payloadHash],
  };
}

/**
 * Read a manifest from its decoded CBOR value. Exactly the four fields, with `payload_hash`
 * an array of 32 integers 0..255; anything else throws `FCP-1013`.
 *
 * @example
 * ```ts
 * import { buildChunkManifest, chunkManifestFromCbor, chunkManifestToCbor } from "./chunking.ts";
 * import { decodeCbor, encodeCbor } from "../cbor/mod.ts";
 * import assert from "node:assert/strict";
 * const m = buildChunkManifest(new Uint8Array(300_000));
 * assert.deepEqual(chunkManifestFromCbor(decodeCbor(encodeCbor(chunkManifestToCbor(m)))), m);
 * ```
 */
export function chunkManifestFromCbor(value: CborValue): ChunkedObjectManifest {
  const bad = (what: string) => new FcpError("FCP-1013", `chunk manifest: ${what}`);
  if (
    typeof value !== "object" || value === null || value instanceof Uint8Array ||
    Array.isArray(value) || value instanceof Map ||
    Object.getPrototypeOf(value) !== Object.prototype
  ) {
    throw bad("not a text-keyed map");
  }
  const obj = value as { readonly [key: string]: CborValue | undefined };
  const keys = Object.keys(obj).sort();
  if (keys.length !== MANIFEST_KEYS.length || keys.some((k, i) => k !== MANIFEST_KEYS[i])) {
    throw bad(`fields must be exactly ${MANIFEST_KEYS.join(", ")}`);
  }
  const { total_len: totalLen, chunk_size: chunkSize, chunks, payload_hash: hash } = obj;
  if (typeof totalLen !== "number" || typeof chunkSize !== "number") {
    throw bad("total_len and chunk_size must be unsigned integers");
  }
  if (!Array.isArray(chunks) || !chunks.every((c) => c instanceof Uint8Array)) {
    throw bad("chunks must be an array of byte strings");
  }
  if (
    !Array.isArray(hash) ||
    !hash.every((b) => typeof b === "number" && Number.isInteger(b) && b >= 0 && b <= 255)
  ) {
    throw bad("payload_hash must be an array of integers 0..255");
  }
  const manifest: ChunkedObjectManifest = {
    totalLen,
    chunkSize,
    chunks: chunks as Uint8Array[],
    payloadHash: Uint8Array.from(hash as number[]),
  };
  checkChunkManifest(manifest);
  return manifest;
}
