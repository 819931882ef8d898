/**
 * RaptorQ object codec (RFC 6330; spec Appendix B; WIRE.md §12): one source block, one
 * sub-block, alignment 8. `K = ⌈len / symbol_size⌉` source symbols with ESIs `0..K−1` (the last
 * one zero-padded) and `R = ⌊K · repair_bps / 10000⌋` repair symbols with ESIs `K′..K′+R−1`,
 * where K′ is the RFC 6330 Table 2 extended block size.
 *
 * The code is systematic: source symbols are the object's bytes, so they are cut here in
 * TypeScript. Repair symbols, and source symbols lost in transit, come from the WASM codec
 * (npm `raptorq`, see `_raptorq_wasm.ts`) or, when few rows are needed (the common case:
 * repair ratios up to a few thousand bps, a 10 % loss), from the code's GF(256) generator
 * matrix, derived from that same codec once per K (`_generator.ts`): the same bytes, at a
 * fraction of the cost. `engine: "wasm"` forces the package's own code path (benchmarks,
 * tests). Interoperability with the Rust reference is limited to source symbols: its in-house
 * codec is not RFC 6330 bit compatible for repair symbols (WIRE.md §12, D13).
 *
 * One codec call handles at most {@link MAX_CODEC_TRANSFER_LENGTH} bytes (the chunking
 * threshold: larger objects are split by `chunking.ts`), which bounds the WASM heap.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { raptorqWasmStats, withRaptorq } from "./_raptorq_wasm.ts";
import { fastDecode, fastRepairSymbols } from "./_generator.ts";
import { extendedSourceSymbols } from "./_rfc6330.ts";

/** Default symbol size in bytes (spec Appendix B `symbol_size`). */
export const DEFAULT_SYMBOL_SIZE = 1024;
/** Default repair ratio in basis points (spec Appendix B `repair_ratio_bps`: 500 = 5%). */
export const DEFAULT_REPAIR_BPS = 500;
/** Smallest symbol size the codec accepts (the `raptorq` package traps below 64). */
export const MIN_SYMBOL_SIZE = 64;
/** Largest symbol size the codec accepts (largest multiple of 8 that fits a u16). */
export const MAX_SYMBOL_SIZE = 65528;
/** Symbol alignment: symbol sizes are multiples of this (OTI `alignment`, WIRE.md §12). */
export const SYMBOL_ALIGNMENT = 8;
/** Largest accepted repair ratio in basis points (100%: as many repair as source symbols). */
export const MAX_REPAIR_BPS = 10000;
/**
 * Largest transfer length of one codec call: the chunking threshold (spec Appendix B
 * `max_chunk_threshold`, 256 KiB; objects above it are chunked, WIRE.md §12).
 */
export const MAX_CODEC_TRANSFER_LENGTH = 256 * 1024;
/** Default decode timeout in milliseconds (spec Appendix B `decode_timeout`, 30 s). */
export const DEFAULT_DECODE_TIMEOUT_MS = 30_000;
/** Largest encoding symbol id: ESIs are 24-bit (RFC 6330 §3.2). */
export const MAX_ESI = 0xffffff;

/** Object Transmission Information for one object (WIRE.md §12; RFC 6330 §3.3). */
export interface ObjectTransmissionInfo {
  /** Object length in bytes. */
  readonly transferLength: number;
  /** Symbol size in bytes, a multiple of 8. */
  readonly symbolSize: number;
  /** Source blocks: always 1 in FCP. */
  readonly sourceBlocks: 1;
  /** Sub-blocks: always 1 in FCP. */
  readonly subBlocks: 1;
  /** Symbol alignment: always 8. */
  readonly alignment: 8;
}

/** One encoding symbol: its ESI and exactly `symbolSize` bytes. */
export interface EncodedSymbol {
  /** Encoding symbol id: `0..K−1` for source, `K′..` for repair symbols. */
  readonly esi: number;
  /** The symbol bytes (`symbolSize` long). */
  readonly data: Uint8Array;
}

/** The result of {@link encodeObject}. */
export interface EncodedObject {
  /** Transmission information the decoder needs. */
  readonly oti: ObjectTransmissionInfo;
  /** Number of source symbols (K). */
  readonly k: number;
  /** Number of repair symbols (R). */
  readonly r: number;
  /** K source symbols (ESI 0..K−1) followed by R repair symbols (ESI K′..K′+R−1). */
  readonly symbols: readonly EncodedSymbol[];
}

/** Options of {@link encodeObject}. */
export interface EncodeObjectOptions {
  /** Symbol size in bytes, a multiple of 8 in 64..65528. Default 1024. */
  readonly symbolSize?: number;
  /** Repair ratio in basis points, 0..10000. Default 500. */
  readonly repairBps?: number;
  /** `auto` (default): generator matrix when cheaper, else WASM; `wasm`: always the package. */
  readonly engine?: CodecEngine;
}

/**
 * How repair and lost source symbols are computed: `auto` picks the GF(256) generator-matrix
 * path when it is cheaper and falls back to the WASM codec; `wasm` always uses the package.
 * Both give identical bytes.
 */
export type CodecEngine = "auto" | "wasm";

/** Resource limits of an {@link ObjectDecoder}. */
export interface DecodeLimits {
  /** Largest transfer length accepted, at most (and by default) 256 KiB. */
  readonly maxTransferLength?: number;
  /**
   * Most distinct symbols buffered before giving up; buffered bytes stay below
   * `maxSymbols × symbolSize`. Default `2K + 64`.
   */
  readonly maxSymbols?: number;
  /** Milliseconds from construction after which pushes fail. Default 30 000. */
  readonly timeoutMs?: number;
  /** Clock in milliseconds, for tests. Default `performance.now`. */
  readonly now?: () => number;
  /** Decoding engine (default `auto`, see {@link CodecEngine}). */
  readonly engine?: CodecEngine;
}

function isAlignedSymbolSize(t: unknown): t is number {
  return Number.isSafeInteger(t) && (t as number) >= MIN_SYMBOL_SIZE &&
    (t as number) <= MAX_SYMBOL_SIZE && (t as number) % SYMBOL_ALIGNMENT === 0;
}

/**
 * Number of source symbols K for an object: `⌈transferLength / symbolSize⌉`.
 *
 * @example
 * ```ts
 * import { sourceSymbolCount } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sourceSymbolCount(0, 1024), 0);
 * assert.equal(sourceSymbolCount(1, 1024), 1);
 * assert.equal(sourceSymbolCount(2048, 1024), 2);
 * assert.equal(sourceSymbolCount(2049, 1024), 3);
 * ```
 */
export function sourceSymbolCount(transferLength: number, symbolSize: number): number {
  return Math.ceil(transferLength / symbolSize);
}

/**
 * Number of repair symbols R for K source symbols: `⌊K · bps / 10000⌋` (WIRE.md §12).
 *
 * @example
 * ```ts
 * import { repairSymbolCount } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * assert.equal(repairSymbolCount(19, 500), 0);
 * assert.equal(repairSymbolCount(20, 500), 1);
 * assert.equal(repairSymbolCount(256, 500), 12);
 * ```
 */
export function repairSymbolCount(k: number, repairBps: number): number {
  return Math.floor((k * repairBps) / 10000);
}

/**
 * The ESI of the first repair symbol: K′, the smallest RFC 6330 Table 2 block size ≥ K
 * (0 when K is 0). ESIs in `K..K′−1` name padding symbols that are never sent.
 *
 * @example
 * ```ts
 * import { firstRepairEsi } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * assert.equal(firstRepairEsi(64), 69);
 * assert.equal(firstRepairEsi(256), 257);
 * ```
 */
export function firstRepairEsi(k: number): number {
  return extendedSourceSymbols(k);
}

/**
 * Validate transmission information received from a peer and return a clean copy:
 * `transferLength` a non-negative safe integer, `symbolSize` a multiple of 8 in 64..65528, one
 * source block, one sub-block, alignment 8. Throws `FCP-1022` otherwise; the size cap is the
 * decoder's business.
 *
 * @example
 * ```ts
 * import { checkOti } from "./raptorq.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const oti = { transferLength: 10, symbolSize: 1024, sourceBlocks: 1, subBlocks: 1, alignment: 8 };
 * assert.deepEqual(checkOti(oti), oti);
 * assert.throws(() => checkOti({ ...oti, symbolSize: 1001 }), (e) => isFcpError(e, "FCP-1022"));
 * assert.throws(() => checkOti({ ...oti, sourceBlocks: 2 }), (e) => isFcpError(e, "FCP-1022"));
 * ```
 */
export function checkOti(value: unknown): ObjectTransmissionInfo {
  const oti = (typeof value === "object" && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const { transferLength, symbolSize } = oti;
  if (
    !Number.isSafeInteger(transferLength) || (transferLength as number) < 0 ||
    !isAlignedSymbolSize(symbolSize) ||
    oti.sourceBlocks !== 1 || oti.subBlocks !== 1 || oti.alignment !== SYMBOL_ALIGNMENT
  ) {
    throw new FcpError(
      "FCP-1022",
      "object transmission info must have a transfer length >= 0, a symbol size that is a " +
        `multiple of 8 in ${MIN_SYMBOL_SIZE}..${MAX_SYMBOL_SIZE}, 1 source block, 1 sub-block ` +
        "and alignment 8",
    );
  }
  return {
    transferLength: transferLength as number,
    symbolSize,
    sourceBlocks: 1,
    subBlocks: 1,
    alignment: 8,
  };
}

/**
 * The transmission information for a local object of `transferLength` bytes. Throws
 * `FCP-1040` for a bad symbol size or a length above {@link MAX_CODEC_TRANSFER_LENGTH}.
 *
 * @example
 * ```ts
 * import { objectTransmissionInfo } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(objectTransmissionInfo(3000), {
 *   transferLength: 3000, symbolSize: 1024, sourceBlocks: 1, subBlocks: 1, alignment: 8,
 * });
 * ```
 */
export function objectTransmissionInfo(
  transferLength: number,
  symbolSize: number = DEFAULT_SYMBOL_SIZE,
): ObjectTransmissionInfo {
  if (!isAlignedSymbolSize(symbolSize)) {
    throw new FcpError(
      "FCP-1040",
      `symbol size must be a multiple of 8 in ${MIN_SYMBOL_SIZE}..${MAX_SYMBOL_SIZE}`,
    );
  }
  if (
    !Number.isSafeInteger(transferLength) || transferLength < 0 ||
    transferLength > MAX_CODEC_TRANSFER_LENGTH
  ) {
    throw new FcpError(
      "FCP-1040",
      `one RaptorQ object holds 0..${MAX_CODEC_TRANSFER_LENGTH} bytes; chunk larger objects`,
    );
  }
  return { transferLength, symbolSize, sourceBlocks: 1, subBlocks: 1, alignment: 8 };
}

/**
 * Encode an object into K source symbols and R repair symbols (WIRE.md §12).
 *
 * An empty object has K = 0 and no symbols (its decoder is complete from the start).
 * Source symbols are views into one zero-padded copy of `data`; repair symbols come from the
 * generator matrix or the WASM codec (see {@link CodecEngine}); neither runs when R = 0. Throws `FCP-1040` for bad options or an
 * object above {@link MAX_CODEC_TRANSFER_LENGTH} (chunk it first).
 *
 * @example
 * ```ts
 * import { encodeObject } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * const enc = encodeObject(new Uint8Array(30_000).fill(7));
 * assert.equal(enc.k, 30); // ⌈30000 / 1024⌉
 * assert.equal(enc.r, 1); // ⌊30 · 500 / 10000⌋
 * assert.deepEqual(enc.symbols.map((s) => s.esi).slice(-2), [29, 30]); // K′(30) = 30
 * assert.equal(enc.symbols[29]!.data[30_000 - 29 * 1024], 0); // zero padding
 * ```
 */
export function encodeObject(data: Uint8Array, opts: EncodeObjectOptions = {}): EncodedObject {
  const repairBps = opts.repairBps ?? DEFAULT_REPAIR_BPS;
  if (!Number.isSafeInteger(repairBps) || repairBps < 0 || repairBps > MAX_REPAIR_BPS) {
    throw new FcpError("FCP-1040", `repair ratio must be an integer in 0..${MAX_REPAIR_BPS} bps`);
  }
  if (!(data instanceof Uint8Array)) throw new FcpError("FCP-1040", "object must be bytes");
  const oti = objectTransmissionInfo(data.length, opts.symbolSize ?? DEFAULT_SYMBOL_SIZE);
  const t = oti.symbolSize;
  const k = sourceSymbolCount(data.length, t);
  const r = repairSymbolCount(k, repairBps);
  const padded = new Uint8Array(k * t);
  padded.set(data);
  const symbols: EncodedSymbol[] = [];
  for (let i = 0; i < k; i++) symbols.push({ esi: i, data: padded.subarray(i * t, (i + 1) * t) });
  if (r > 0) {
    const fast = opts.engine === "wasm" ? undefined : fastRepairSymbols(padded, t, k, r);
    if (fast === undefined) symbols.push(...repairSymbols(data, t, k, r));
    else {
      const first = firstRepairEsi(k);
      fast.forEach((d, j) => symbols.push({ esi: first + j, data: d }));
    }
  }
  return { oti, k, r, symbols };
}

function repairSymbols(data: Uint8Array, t: number, k: number, r: number): EncodedSymbol[] {
  const packets = withRaptorq((rq) => {
    const enc = rq.Encoder.with_defaults(data, t);
    try {
      return enc.encode(r);
    } finally {
      enc.free();
    }
  });
  // Packets are the serialized EncodingPacket: PayloadId (SBN u8, ESI u24 big-endian) ‖ data.
  if (packets.length !== k + r) {
    throw new FcpError("FCP-9001", `RaptorQ encoder returned ${packets.length} packets`);
  }
  const first = firstRepairEsi(k);
  const out: EncodedSymbol[] = [];
  for (let j = 0; j < r; j++) {
    const p = packets[k + j]!;
    const esi = (p[1]! << 16) | (p[2]! << 8) | p[3]!;
    if (p.length !== t + 4 || p[0] !== 0 || esi !== first + j) {
      throw new FcpError("FCP-9001", "RaptorQ encoder returned an unexpected packet");
    }
    out.push({ esi, data: p.subarray(4) });
  }
  return out;
}

type DecoderState = "receiving" | "complete" | "failed" | "freed";

/**
 * Reassembles one object from encoding symbols received in any order, with duplicates and
 * stray garbage, within resource limits.
 *
 * - `push` returns `true` once the object is complete (and for every later push: stragglers
 *   are ignored), `false` while more symbols are needed or for a duplicate ESI.
 * - A symbol of the wrong size, or an ESI that is neither a source ESI (`0..K−1`) nor a
 *   repair ESI (`K′..2²⁴−1`), throws `FCP-1022`; the decoder stays usable.
 * - More than `maxSymbols` distinct symbols throws `FCP-6002`, a push after `timeoutMs`
 *   throws `FCP-6003`; either one ends the decoder (later pushes throw the same error).
 * - When all K source symbols are present the object is copied out directly; otherwise,
 *   once at least K symbols are held, the missing source symbols are solved for through the
 *   generator matrix, or (when that does not apply or cannot decide) by the WASM decoder
 *   (created, fed, freed).
 *
 * The codec cannot tell a forged symbol of the right size from a real one: the decoded bytes
 * must be checked by the caller against the ObjectId. With only genuine symbols, `result()`
 * is either the exact object or `undefined`.
 *
 * @example
 * ```ts
 * import { encodeObject, ObjectDecoder } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * const data = new Uint8Array(50_000).map((_, i) => i % 251);
 * const enc = encodeObject(data, { repairBps: 1000 }); // K = 49, R = 4
 * using dec = new ObjectDecoder(enc.oti);
 * const arrived = enc.symbols.slice(3).reverse(); // lose 3 source symbols, any order
 * let done = false;
 * for (const s of arrived) done = dec.push(s.esi, s.data);
 * assert.ok(done);
 * assert.deepEqual(dec.result(), data);
 * ```
 */
export class ObjectDecoder {
  /** The transmission information this decoder was made for. */
  readonly oti: ObjectTransmissionInfo;
  /** Number of source symbols (K). */
  readonly k: number;
  readonly #firstRepair: number;
  readonly #maxSymbols: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #engine: CodecEngine;
  readonly #startedAt: number;
  #symbols = new Map<number, Uint8Array>();
  #sourceCount = 0;
  #state: DecoderState = "receiving";
  #failure: FcpError | undefined;
  #result: Uint8Array | undefined;

  /**
   * @param oti Transmission information, checked with {@link checkOti} (`FCP-1022`).
   * @param limits Resource limits; a transfer length above `maxTransferLength` throws
   *   `FCP-6002`, malformed limits throw `FCP-1040`.
   */
  constructor(oti: ObjectTransmissionInfo, limits: DecodeLimits = {}) {
    this.oti = checkOti(oti);
    const maxLen = limits.maxTransferLength ?? MAX_CODEC_TRANSFER_LENGTH;
    if (!Number.isSafeInteger(maxLen) || maxLen < 0 || maxLen > MAX_CODEC_TRANSFER_LENGTH) {
      throw new FcpError(
        "FCP-1040",
        `maxTransferLength must be an integer in 0..${MAX_CODEC_TRANSFER_LENGTH}`,
      );
    }
    if (oti.transferLength > maxLen) {
      throw new FcpError(
        "FCP-6002",
        `object of ${oti.transferLength} bytes exceeds the decode limit of ${maxLen} bytes`,
      );
    }
    this.k = sourceSymbolCount(oti.transferLength, oti.symbolSize);
    this.#firstRepair = firstRepairEsi(this.k);
    this.#maxSymbols = limits.maxSymbols ?? 2 * this.k + 64;
    if (!Number.isSafeInteger(this.#maxSymbols) || this.#maxSymbols < 1) {
      throw new FcpError("FCP-1040", "maxSymbols must be a positive integer");
    }
    if (this.#maxSymbols < this.k) {
      throw new FcpError(
        "FCP-6002",
        `maxSymbols ${this.#maxSymbols} is below the ${this.k} symbols the object needs`,
      );
    }
    this.#timeoutMs = limits.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0) || !Number.isFinite(this.#timeoutMs)) {
      throw new FcpError("FCP-1040", "timeoutMs must be a positive number");
    }
    this.#now = limits.now ?? (() => performance.now());
    this.#engine = limits.engine ?? "auto";
    this.#startedAt = this.#now();
    if (this.k === 0) this.#finish(new Uint8Array(0));
  }

  /** Whether the object has been reassembled. */
  get complete(): boolean {
    return this.#state === "complete";
  }

  /** Number of distinct symbols held (drops to 0 once complete, failed or freed). */
  get receivedCount(): number {
    return this.#symbols.size;
  }

  /** The distinct ESIs held, ascending (for a DecodeStatus report). */
  esis(): number[] {
    return [...this.#symbols.keys()].sort((a, b) => a - b);
  }

  /** Whether the timeout has passed (a sweeper can drop the decoder without pushing). */
  isExpired(): boolean {
    return this.#state === "receiving" && this.#now() - this.#startedAt > this.#timeoutMs;
  }

  /**
   * Add one symbol. Returns `true` once the object is complete.
   *
   * @param esi Encoding symbol id.
   * @param data Exactly `symbolSize` bytes; copied, so the caller may reuse the buffer.
   */
  push(esi: number, data: Uint8Array): boolean {
    switch (this.#state) {
      case "complete":
        return true;
      case "failed":
        throw this.#failure!;
      case "freed":
        throw new FcpError("FCP-9001", "push on a freed RaptorQ decoder");
    }
    if (this.isExpired()) {
      this.#fail(new FcpError("FCP-6003", `object not decoded within ${this.#timeoutMs} ms`));
    }
    if (
      !Number.isSafeInteger(esi) || esi < 0 || esi > MAX_ESI ||
      (esi >= this.k && esi < this.#firstRepair)
    ) {
      throw new FcpError(
        "FCP-1022",
        `ESI ${esi} is neither a source ESI below ${this.k} nor a repair ESI from ` +
          `${this.#firstRepair}`,
      );
    }
    if (!(data instanceof Uint8Array) || data.length !== this.oti.symbolSize) {
      throw new FcpError(
        "FCP-1022",
        `symbol must be ${this.oti.symbolSize} bytes, got ${data?.length}`,
      );
    }
    if (this.#symbols.has(esi)) return false;
    if (this.#symbols.size >= this.#maxSymbols) {
      this.#fail(
        new FcpError("FCP-6002", `more than ${this.#maxSymbols} symbols without decoding`),
      );
    }
    this.#symbols.set(esi, data.slice());
    if (esi < this.k) this.#sourceCount++;
    if (this.#sourceCount === this.k) {
      this.#finish(this.#fromSource());
    } else if (this.#symbols.size >= this.k) {
      const { symbolSize, transferLength } = this.oti;
      const out = (this.#engine === "wasm"
        ? undefined
        : fastDecode(this.k, symbolSize, transferLength, this.#symbols)) ??
        wasmDecode(this.oti, this.#symbols);
      if (out !== undefined) {
        this.#finish(out);
      }
    }
    return this.complete;
  }

  /** The decoded object once complete, else `undefined`. */
  result(): Uint8Array | undefined {
    return this.#result;
  }

  /** Drop every buffer; later pushes throw `FCP-9001`. Idempotent. */
  free(): void {
    this.#symbols = new Map();
    this.#result = undefined;
    this.#state = "freed";
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }

  #fromSource(): Uint8Array {
    const t = this.oti.symbolSize;
    const len = this.oti.transferLength;
    const out = new Uint8Array(len);
    for (let i = 0; i < this.k; i++) {
      const s = this.#symbols.get(i)!;
      const at = i * t;
      out.set(at + t <= len ? s : s.subarray(0, len - at), at);
    }
    return out;
  }

  #finish(out: Uint8Array): void {
    this.#result = out;
    this.#state = "complete";
    this.#symbols = new Map();
  }

  #fail(err: FcpError): never {
    this.#failure = err;
    this.#state = "failed";
    this.#symbols = new Map();
    throw err;
  }
}

function wasmDecode(
  oti: ObjectTransmissionInfo,
  symbols: ReadonlyMap<number, Uint8Array>,
): Uint8Array | undefined {
  const out = withRaptorq((rq) => {
    const dec = rq.Decoder.with_defaults(BigInt(oti.transferLength), oti.symbolSize);
    try {
      const packet = new Uint8Array(4 + oti.symbolSize);
      for (const [esi, data] of symbols) {
        packet[1] = esi >>> 16;
        packet[2] = (esi >>> 8) & 0xff;
        packet[3] = esi & 0xff;
        packet.set(data, 4);
        const decoded = dec.decode(packet);
        if (decoded !== undefined) return decoded;
      }
      return undefined;
    } finally {
      dec.free();
    }
  });
  if (out !== undefined && out.length !== oti.transferLength) {
    throw new FcpError("FCP-9001", `RaptorQ decoder returned ${out.length} bytes`);
  }
  return out;
}

/**
 * Diagnostics of the shared WASM codec: linear memory bytes (0 before first use; it only
 * grows, and the instance is replaced once it passes 64 MiB), instances created, calls made.
 *
 * @example
 * ```ts
 * import { encodeObject, raptorqCodecStats } from "./raptorq.ts";
 * import assert from "node:assert/strict";
 * encodeObject(new Uint8Array(64 * 1024)); // K = 64, R = 3: uses the WASM encoder
 * assert.ok(raptorqCodecStats().memoryBytes > 0);
 * ```
 */
export function raptorqCodecStats(): { memoryBytes: number; instances: number; calls: number } {
  return raptorqWasmStats();
}
