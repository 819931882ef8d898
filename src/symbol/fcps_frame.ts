/**
 * FCPS frames (spec §4.3, §4.3.1; WIRE.md §9): a 114-byte little-endian header followed by
 * `symbol_count` records `esi u32 ‖ k u16 ‖ data[symbol_size] ‖ tag[16]`.
 *
 * Decoding checks, in this order, before touching any record: frame length ≤ the maximum
 * datagram size (`FCP-1023`), length ≥ 114 and the magic (`FCP-1022`), version 1 (`FCP-1020`),
 * the flags (`FCP-1021`, `checkFcpsFlags`), symbol_size in 256..16384 (`FCP-1022`),
 * symbol_count ≤ the cap (default 256, `FCP-1023`), `total_payload_len = count × (22 + size)`
 * and frame length `= 114 + total_payload_len` (`FCP-1022`). The symbol-size range and the
 * count cap are spec §4.3 limits that the Rust reference does not enforce (WIRE.md D14); the
 * datagram-seq = frame-seq rule is checked where datagram and frame meet
 * (`openFcpsDatagram` in fcps_datagram.ts). Nothing is allocated from a header field before it has been
 * checked against the actual buffer.
 *
 * Decoded records are zero-copy `subarray` views of the input unless `copy: true` is given:
 * the caller must not reuse the input buffer while it still holds the frame.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { checkFcpsFlags } from "./frame_flags.ts";

/** The 4 magic bytes `"FCPS"`. */
const MAGIC = [0x46, 0x43, 0x50, 0x53] as const;
/** The only FCPS version (spec §4.3 "Version handling"). */
export const FCPS_VERSION = 1;
/** Size of the fixed FCPS header (spec §4.3). */
export const FCPS_HEADER_BYTES = 114;
/** Per-record bytes besides the symbol data: esi u32 + k u16 + tag 16. */
export const FCPS_RECORD_OVERHEAD = 22;
/** Bytes of the per-symbol AEAD tag in a record. */
export const FCPS_TAG_BYTES = 16;
/** Smallest symbol size a frame may carry (spec §4.3 parse-time limits). */
export const FCPS_MIN_SYMBOL_SIZE = 256;
/** Largest symbol size a frame may carry (spec §4.3 parse-time limits). */
export const FCPS_MAX_SYMBOL_SIZE = 16384;
/** Default and highest symbol-count cap per frame (spec §4.3 parse-time limits). */
export const FCPS_MAX_SYMBOL_COUNT = 256;
/** Default maximum UDP payload of an FCPS datagram (spec §4.3.1, WIRE.md §9). */
export const DEFAULT_MAX_DATAGRAM_BYTES = 1200;
/** Size of the datagram envelope in front of a frame (spec §4.2.2). */
export const FCPS_DATAGRAM_HEADER_BYTES = 40;

/** One symbol record of an FCPS frame. */
export interface FcpsSymbolRecord {
  /** Encoding symbol id (u32). */
  readonly esi: number;
  /** Source-symbol count K of the object (u16). */
  readonly k: number;
  /** The (encrypted) symbol, exactly `symbolSize` bytes. */
  readonly data: Uint8Array;
  /** The per-symbol AEAD tag, 16 bytes (WIRE.md §8). */
  readonly tag: Uint8Array;
}

/** An FCPS frame (spec §4.3) without its version (always {@link FCPS_VERSION}). */
export interface FcpsFrame {
  /** Flag word (spec §4.4); see `FCPS_FLAGS` in frame_flags.ts. */
  readonly flags: number;
  /** ObjectId, 32 bytes. */
  readonly objectId: Uint8Array;
  /** Bytes of data in every record, 256..16384. */
  readonly symbolSize: number;
  /** Zone key id, 8 bytes. */
  readonly zoneKeyId: Uint8Array;
  /** ZoneIdHash, 32 bytes. */
  readonly zoneIdHash: Uint8Array;
  /** Epoch id (u64). */
  readonly epochId: bigint;
  /** Sender instance id (u64), random per process start (spec §4.3 rule 5). */
  readonly senderInstanceId: bigint;
  /** Per-sender frame sequence (u64); equals the datagram seq (spec §4.3 rule 4). */
  readonly frameSeq: bigint;
  /** The symbol records. */
  readonly records: readonly FcpsSymbolRecord[];
}

/** Limits applied when encoding or decoding a frame. */
export interface FcpsFrameLimits {
  /** Maximum datagram size; absent or 0 ⇒ 1200 ({@link effectiveMaxDatagramBytes}). */
  readonly maxDatagramBytes?: number;
  /** Symbol-count cap, 0..256 (default 256). */
  readonly maxSymbolCount?: number;
}

/** Options of {@link decodeFcpsFrame}. */
export interface FcpsDecodeOptions extends FcpsFrameLimits {
  /** Copy record data and tags out of the input (default false: `subarray` views). */
  readonly copy?: boolean;
}

/**
 * The maximum datagram size in force for a `max_datagram_bytes` value: absent or 0 means the
 * default 1200 (WIRE.md §9, `TransportLimits`); other values must be a u16 (`FCP-1040`).
 *
 * @example
 * ```ts
 * import { effectiveMaxDatagramBytes } from "./fcps_frame.ts";
 * import assert from "node:assert/strict";
 * assert.equal(effectiveMaxDatagramBytes(undefined), 1200);
 * assert.equal(effectiveMaxDatagramBytes(0), 1200);
 * assert.equal(effectiveMaxDatagramBytes(65535), 65535);
 * assert.throws(() => effectiveMaxDatagramBytes(65536), /FCP-1040/);
 * ```
 */
export function effectiveMaxDatagramBytes(limit?: number): number {
  if (limit === undefined || limit === 0) return DEFAULT_MAX_DATAGRAM_BYTES;
  if (!Number.isInteger(limit) || limit < 0 || limit > 0xffff) {
    throw new FcpError("FCP-1040", `max_datagram_bytes must be a u16, got ${limit}`);
  }
  return limit;
}

/**
 * Bytes of a frame with `symbolCount` records of `symbolSize` bytes: `114 + count × (22 + size)`.
 *
 * @example
 * ```ts
 * import { fcpsFrameLength } from "./fcps_frame.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fcpsFrameLength(1, 1024), 1160);
 * ```
 */
export function fcpsFrameLength(symbolCount: number, symbolSize: number): number {
  return FCPS_HEADER_BYTES + symbolCount * (FCPS_RECORD_OVERHEAD + symbolSize);
}

/**
 * How many records of `symbolSize` fit one datagram of `maxDatagramBytes` (envelope included,
 * spec §4.3.1 symbol sizing rule), capped at 256. At the defaults (1200, 1024) that is 1.
 *
 * @example
 * ```ts
 * import { fcpsSymbolsPerDatagram } from "./fcps_frame.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fcpsSymbolsPerDatagram(1024), 1);
 * assert.equal(fcpsSymbolsPerDatagram(256, 1200), 3);
 * ```
 */
export function fcpsSymbolsPerDatagram(symbolSize: number, maxDatagramBytes?: number): number {
  checkSymbolSize(symbolSize, "FCP-1040");
  const room = effectiveMaxDatagramBytes(maxDatagramBytes) - FCPS_DATAGRAM_HEADER_BYTES -
    FCPS_HEADER_BYTES;
  if (room <= 0) return 0;
  return Math.min(FCPS_MAX_SYMBOL_COUNT, Math.floor(room / (FCPS_RECORD_OVERHEAD + symbolSize)));
}

/**
 * Encode a frame. Field shapes (lengths of ids, u16/u32/u64 ranges, record sizes) throw
 * `FCP-1040`; a frame the decoder would refuse throws the decoder's code (`FCP-1021` flags,
 * `FCP-1022` symbol size, `FCP-1023` over the count cap or the maximum datagram size).
 *
 * @example
 * ```ts
 * import { decodeFcpsFrame, encodeFcpsFrame } from "./fcps_frame.ts";
 * import assert from "node:assert/strict";
 * const frame = {
 *   flags: 0x0404,
 *   objectId: new Uint8Array(32).fill(1),
 *   symbolSize: 1024,
 *   zoneKeyId: new Uint8Array(8).fill(2),
 *   zoneIdHash: new Uint8Array(32).fill(3),
 *   epochId: 5n,
 *   senderInstanceId: 6n,
 *   frameSeq: 7n,
 *   records: [{ esi: 0, k: 1, data: new Uint8Array(1024), tag: new Uint8Array(16) }],
 * };
 * const bytes = encodeFcpsFrame(frame);
 * assert.equal(bytes.length, 1160);
 * assert.deepEqual(decodeFcpsFrame(bytes), frame);
 * ```
 */
export function encodeFcpsFrame(frame: FcpsFrame, limits: FcpsFrameLimits = {}): Uint8Array {
  checkFcpsFlags(frame.flags);
  checkLength(frame.objectId, 32, "objectId");
  checkLength(frame.zoneKeyId, 8, "zoneKeyId");
  checkLength(frame.zoneIdHash, 32, "zoneIdHash");
  if (!Number.isInteger(frame.symbolSize)) {
    throw new FcpError("FCP-1040", `symbolSize must be an integer, got ${frame.symbolSize}`);
  }
  checkSymbolSize(frame.symbolSize, "FCP-1022");
  const count = frame.records.length;
  const cap = countCap(limits.maxSymbolCount);
  if (count > cap) {
    throw new FcpError("FCP-1023", `FCPS frame has ${count} symbols, the cap is ${cap}`);
  }
  const length = fcpsFrameLength(count, frame.symbolSize);
  const max = effectiveMaxDatagramBytes(limits.maxDatagramBytes);
  if (length > max) {
    throw new FcpError("FCP-1023", `FCPS frame of ${length} bytes exceeds ${max}`);
  }
  const out = new Uint8Array(length);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(4, FCPS_VERSION, true);
  dv.setUint16(6, frame.flags, true);
  dv.setUint32(8, count, true);
  dv.setUint32(12, length - FCPS_HEADER_BYTES, true);
  out.set(frame.objectId, 16);
  dv.setUint16(48, frame.symbolSize, true);
  out.set(frame.zoneKeyId, 50);
  out.set(frame.zoneIdHash, 58);
  dv.setBigUint64(90, checkU64(frame.epochId, "epochId"), true);
  dv.setBigUint64(98, checkU64(frame.senderInstanceId, "senderInstanceId"), true);
  dv.setBigUint64(106, checkU64(frame.frameSeq, "frameSeq"), true);
  let at = FCPS_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const r = frame.records[i]!;
    checkUint(r.esi, 0xffffffff, `records[${i}].esi`);
    checkUint(r.k, 0xffff, `records[${i}].k`);
    checkLength(r.data, frame.symbolSize, `records[${i}].data`);
    checkLength(r.tag, FCPS_TAG_BYTES, `records[${i}].tag`);
    dv.setUint32(at, r.esi, true);
    dv.setUint16(at + 4, r.k, true);
    out.set(r.data, at + 6);
    out.set(r.tag, at + 6 + frame.symbolSize);
    at += FCPS_RECORD_OVERHEAD + frame.symbolSize;
  }
  return out;
}

/**
 * Decode and validate a frame (every rule of WIRE.md §9 plus the spec §4.3 limits; see the
 * module notes for the order and codes). Records are views of `bytes` unless `copy` is set.
 *
 * @example
 * ```ts
 * import { decodeFcpsFrame } from "./fcps_frame.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const header = new Uint8Array(114);
 * header.set([0x46, 0x43, 0x50, 0x53]); // "FCPS", version 0
 * assert.throws(() => decodeFcpsFrame(header), (e) => isFcpError(e, "FCP-1020"));
 * assert.throws(() => decodeFcpsFrame(header.subarray(0, 113)), (e) => isFcpError(e, "FCP-1022"));
 * ```
 */
export function decodeFcpsFrame(bytes: Uint8Array, opts: FcpsDecodeOptions = {}): FcpsFrame {
  const max = effectiveMaxDatagramBytes(opts.maxDatagramBytes);
  const cap = countCap(opts.maxSymbolCount);
  const n = bytes.length;
  if (n > max) throw new FcpError("FCP-1023", `FCPS frame of ${n} bytes exceeds ${max}`);
  if (n < FCPS_HEADER_BYTES) {
    throw new FcpError("FCP-1022", `FCPS frame of ${n} bytes is shorter than its header`);
  }
  if (
    bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2] ||
    bytes[3] !== MAGIC[3]
  ) {
    throw new FcpError("FCP-1022", 'FCPS frame magic is not "FCPS"');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = dv.getUint16(4, true);
  if (version !== FCPS_VERSION) {
    throw new FcpError("FCP-1020", `unsupported FCPS version ${version}`);
  }
  const flags = dv.getUint16(6, true);
  checkFcpsFlags(flags);
  const count = dv.getUint32(8, true);
  const total = dv.getUint32(12, true);
  const symbolSize = dv.getUint16(48, true);
  checkSymbolSize(symbolSize, "FCP-1022");
  if (count > cap) {
    throw new FcpError("FCP-1023", `FCPS frame claims ${count} symbols, the cap is ${cap}`);
  }
  // count ≤ 256 and size ≤ 16384 here, so the product is exact.
  const stride = FCPS_RECORD_OVERHEAD + symbolSize;
  if (total !== count * stride) {
    throw new FcpError(
      "FCP-1022",
      `FCPS total_payload_len ${total} is not symbol_count ${count} × ${stride}`,
    );
  }
  if (n !== FCPS_HEADER_BYTES + total) {
    throw new FcpError(
      "FCP-1022",
      `FCPS frame is ${n} bytes, its header says ${FCPS_HEADER_BYTES + total}`,
    );
  }
  const take = opts.copy === true
    ? (a: number, b: number) => bytes.slice(a, b)
    : (a: number, b: number) => bytes.subarray(a, b);
  const records: FcpsSymbolRecord[] = new Array(count);
  let at = FCPS_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const dataAt = at + 6;
    const tagAt = dataAt + symbolSize;
    records[i] = {
      esi: dv.getUint32(at, true),
      k: dv.getUint16(at + 4, true),
      data: take(dataAt, tagAt),
      tag: take(tagAt, tagAt + FCPS_TAG_BYTES),
    };
    at += stride;
  }
  return {
    flags,
    objectId: bytes.slice(16, 48),
    symbolSize,
    zoneKeyId: bytes.slice(50, 58),
    zoneIdHash: bytes.slice(58, 90),
    epochId: dv.getBigUint64(90, true),
    senderInstanceId: dv.getBigUint64(98, true),
    frameSeq: dv.getBigUint64(106, true),
    records,
  };
}

/**
 * The `frame_seq` of an encoded frame (bytes 106–113) without decoding the rest; `FCP-1022`
 * when the input is shorter than the header.
 *
 * @example
 * ```ts
 * import { peekFcpsFrameSeq } from "./fcps_frame.ts";
 * import assert from "node:assert/strict";
 * const header = new Uint8Array(114);
 * header[106] = 9;
 * assert.equal(peekFcpsFrameSeq(header), 9n);
 * ```
 */
export function peekFcpsFrameSeq(bytes: Uint8Array): bigint {
  if (bytes.length < FCPS_HEADER_BYTES) {
    throw new FcpError("FCP-1022", `FCPS frame of ${bytes.length} bytes has no frame_seq`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getBigUint64(106, true);
}

function countCap(v: number | undefined): number {
  if (v === undefined) return FCPS_MAX_SYMBOL_COUNT;
  if (!Number.isInteger(v) || v < 0 || v > FCPS_MAX_SYMBOL_COUNT) {
    throw new FcpError("FCP-1040", `maxSymbolCount must be 0..${FCPS_MAX_SYMBOL_COUNT}, got ${v}`);
  }
  return v;
}

function checkSymbolSize(size: number, code: "FCP-1022" | "FCP-1040"): void {
  if (!(size >= FCPS_MIN_SYMBOL_SIZE && size <= FCPS_MAX_SYMBOL_SIZE)) {
    throw new FcpError(
      code,
      `FCPS symbol_size ${size} is outside ${FCPS_MIN_SYMBOL_SIZE}..${FCPS_MAX_SYMBOL_SIZE}`,
    );
  }
}

function checkLength(b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new FcpError("FCP-1040", `${what} must be ${n} bytes`);
  }
}

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new FcpError("FCP-1040", `${what} out of range: ${v}`);
  }
}

function checkU64(v: bigint, what: string): bigint {
  if (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn) {
    throw new FcpError("FCP-1040", `${what} must be a u64`);
  }
  return v;
}
