/**
 * Byte helpers used by every layer: hex, UTF-8, little-endian integers,
 * length prefixes and a growable writer for transcripts (WIRE.md conventions:
 * `lp32(b) = u32le(len b) ‖ b`, `lp64(b) = u64le(len b) ‖ b`).
 *
 * @module
 */
import { FcpError } from "./errors.ts";

const HEX = "0123456789abcdef";

/** The value of one hex digit's char code (either case), or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Lowercase hex of bytes.
 *
 * @example
 * ```ts
 * import { toHex } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(new Uint8Array([0, 255])), "00ff");
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/**
 * Parse hex (either case, even length) into bytes; `expectedLength` checks the byte count.
 * Throws `FCP-1040` on anything else.
 *
 * @example
 * ```ts
 * import { fromHex } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fromHex("00ff"), new Uint8Array([0, 255]));
 * assert.throws(() => fromHex("0"), /FCP-1040/);
 * ```
 */
export function fromHex(hex: string, expectedLength?: number, what = "hex"): Uint8Array {
  if (hex.length % 2 !== 0) throw new FcpError("FCP-1040", `${what} is not valid hex`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if ((hi | lo) < 0) throw new FcpError("FCP-1040", `${what} is not valid hex`);
    out[i] = (hi << 4) | lo;
  }
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new FcpError(
      "FCP-1040",
      `${what} must be ${expectedLength} bytes, got ${out.length}`,
    );
  }
  return out;
}

/**
 * UTF-8 encode a string.
 *
 * @example
 * ```ts
 * import { utf8 } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(utf8("z:"), new Uint8Array([0x7a, 0x3a]));
 * ```
 */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Strict UTF-8 decode; invalid sequences throw `FCP-1040`. A leading U+FEFF is kept, not
 * stripped: bytes and text must round-trip exactly.
 *
 * @example
 * ```ts
 * import { fromUtf8 } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fromUtf8(new Uint8Array([0x61])), "a");
 * ```
 */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    throw new FcpError("FCP-1040", "invalid UTF-8", { cause });
  }
}

/**
 * Concatenate byte arrays.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(concatBytes(new Uint8Array([1]), new Uint8Array([2])), new Uint8Array([1, 2]));
 * ```
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The bytes `start..end` as a string of one char code per byte (latin1): a cheap exact key for
 * maps, not text.
 *
 * @example
 * ```ts
 * import { latin1 } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(latin1(new Uint8Array([0x41, 0xff, 0x42]), 1), "\xffB");
 * ```
 */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * Compare two byte arrays in constant time for equal lengths.
 *
 * @example
 * ```ts
 * import { equalBytes } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.ok(equalBytes(new Uint8Array([1]), new Uint8Array([1])));
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * Bytewise lexicographic comparison (RFC 8949 §4.2.1 key order).
 *
 * @example
 * ```ts
 * import { compareBytes } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.ok(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0])) < 0);
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Unsigned 16-bit little-endian.
 *
 * @example
 * ```ts
 * import { u16le } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(u16le(1), new Uint8Array([1, 0]));
 * ```
 */
export function u16le(n: number): Uint8Array {
  checkUint(n, 0xffff, "u16");
  return new Uint8Array([n & 0xff, n >>> 8]);
}

/**
 * Unsigned 32-bit little-endian.
 *
 * @example
 * ```ts
 * import { u32le } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(u32le(258), new Uint8Array([2, 1, 0, 0]));
 * ```
 */
export function u32le(n: number): Uint8Array {
  checkUint(n, 0xffffffff, "u32");
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

/**
 * Unsigned 64-bit little-endian from a safe integer or a bigint.
 *
 * @example
 * ```ts
 * import { u64le } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(u64le(1n), new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
 * ```
 */
export function u64le(n: number | bigint): Uint8Array {
  const v = typeof n === "bigint" ? n : BigInt(checkUint(n, Number.MAX_SAFE_INTEGER, "u64"));
  if (v < 0n || v > 0xffffffffffffffffn) throw new FcpError("FCP-1040", "u64 out of range");
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
}

/**
 * Signed 64-bit little-endian.
 *
 * @example
 * ```ts
 * import { i64le } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(i64le(-1), new Uint8Array(8).fill(255));
 * ```
 */
export function i64le(n: number | bigint): Uint8Array {
  const v = BigInt(n);
  if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new FcpError("FCP-1040", "i64 out of range");
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, v, true);
  return out;
}

/**
 * Read an unsigned little-endian 64-bit integer as a bigint.
 *
 * @example
 * ```ts
 * import { readU64le } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readU64le(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]), 0), 1n);
 * ```
 */
export function readU64le(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, true);
}

/**
 * `u32le(len b) ‖ b`.
 *
 * @example
 * ```ts
 * import { lp32 } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(lp32(new Uint8Array([9])), new Uint8Array([1, 0, 0, 0, 9]));
 * ```
 */
export function lp32(b: Uint8Array | string): Uint8Array {
  const bytes = typeof b === "string" ? utf8(b) : b;
  return concatBytes(u32le(bytes.length), bytes);
}

/**
 * `u64le(len b) ‖ b`.
 *
 * @example
 * ```ts
 * import { lp64 } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(lp64("ab").length, 10);
 * ```
 */
export function lp64(b: Uint8Array | string): Uint8Array {
  const bytes = typeof b === "string" ? utf8(b) : b;
  return concatBytes(u64le(bytes.length), bytes);
}

/**
 * Base64url without padding (RFC 4648 §5).
 *
 * @example
 * ```ts
 * import { toBase64Url } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toBase64Url(new Uint8Array([0xfb, 0xff])), "-_8");
 * ```
 */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * A growable byte buffer for building transcripts and frames.
 *
 * @example
 * ```ts
 * import { ByteWriter } from "./bytes.ts";
 * import assert from "node:assert/strict";
 * const w = new ByteWriter().u8(1).u32le(2).bytes(new Uint8Array([3]));
 * assert.deepEqual(w.finish(), new Uint8Array([1, 2, 0, 0, 0, 3]));
 * ```
 */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  /** @param capacity Initial capacity in bytes. */
  constructor(capacity = 256) {
    this.#buf = new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    const need = this.#len + n;
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#len;
    this.#len = need;
    return at;
  }

  /** Append one byte. */
  u8(n: number): this {
    checkUint(n, 0xff, "u8");
    this.#buf[this.#reserve(1)] = n;
    return this;
  }

  /** Append a u16 little-endian. */
  u16le(n: number): this {
    checkUint(n, 0xffff, "u16");
    this.#view.setUint16(this.#reserve(2), n, true);
    return this;
  }

  /** Append a u32 little-endian. */
  u32le(n: number): this {
    checkUint(n, 0xffffffff, "u32");
    this.#view.setUint32(this.#reserve(4), n, true);
    return this;
  }

  /** Append a u64 little-endian. */
  u64le(n: number | bigint): this {
    return this.bytes(u64le(n));
  }

  /** Append raw bytes. */
  bytes(b: Uint8Array): this {
    this.#buf.set(b, this.#reserve(b.length));
    return this;
  }

  /** Append `u32le(len) ‖ b` (strings as UTF-8). */
  lp32(b: Uint8Array | string): this {
    const bytes = typeof b === "string" ? utf8(b) : b;
    return this.u32le(bytes.length).bytes(bytes);
  }

  /** The written bytes (a copy). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

function checkUint(n: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new FcpError("FCP-1040", `${what} out of range: ${n}`);
  }
  return n;
}
