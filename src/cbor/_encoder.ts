/**
 * The canonical CBOR writer (RFC 8949 §4.2.1, WIRE.md §1): one growing buffer, shortest heads,
 * shortest lossless floats, map keys sorted by the bytes of their encoding.
 *
 * @module
 */
import { compareBytes, FcpError, latin1 } from "../core/mod.ts";
import { sortTextKeys } from "./_key_order.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

/** Encoder options with every default filled in. */
export interface EncodeSettings {
  maxDepth: number;
  maxBytes: number;
  preserveKeyOrder: boolean;
  allowTags: boolean;
}

const TWO32 = 0x1_0000_0000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const SCRATCH_BYTES = 8 * 1024;
const KEEP_SCRATCH_BYTES = 1024 * 1024;
const textEncoder = new TextEncoder();

function headSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < TWO32 ? 5 : 9;
}

function describe(v: unknown): string {
  if (typeof v !== "object" || v === null) return typeof v;
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `${name} instance` : "object";
}

class Encoder {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  limit = 0;
  settings: EncodeSettings = {
    maxDepth: 0,
    maxBytes: 0,
    preserveKeyOrder: false,
    allowTags: false,
  };

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Make room for `n` more bytes after `pos`, refusing output beyond the limit (FCP-1008). */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need > this.limit) {
      throw new FcpError(
        "FCP-1008",
        `encoded output exceeds ${this.settings.maxBytes} bytes`,
      );
    }
    if (need > this.buf.length) this.grow(need);
  }

  grow(need: number): void {
    let cap = this.buf.length * 2;
    if (cap < need) cap = need;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Head with a safe-integer argument, shortest form (RFC 8949 §4.2.1 rule 1). */
  head(major: number, n: number): void {
    const m = major << 5;
    if (n < 24) {
      this.reserve(1);
      this.buf[this.pos++] = m | n;
    } else if (n < 0x100) {
      this.reserve(2);
      const p = this.pos;
      this.buf[p] = m | 24;
      this.buf[p + 1] = n;
      this.pos = p + 2;
    } else if (n < 0x10000) {
      this.reserve(3);
      const p = this.pos;
      this.buf[p] = m | 25;
      this.buf[p + 1] = n >>> 8;
      this.buf[p + 2] = n & 0xff;
      this.pos = p + 3;
    } else if (n < TWO32) {
      this.reserve(5);
      this.buf[this.pos] = m | 26;
      this.view.setUint32(this.pos + 1, n);
      this.pos += 5;
    } else {
      this.reserve(9);
      this.buf[this.pos] = m | 27;
      this.view.setUint32(this.pos + 1, Math.floor(n / TWO32));
      this.view.setUint32(this.pos + 5, n >>> 0);
      this.pos += 9;
    }
  }

  headBig(major: number, n: bigint): void {
    this.reserve(9);
    this.buf[this.pos] = (major << 5) | 27;
    this.view.setBigUint64(this.pos + 1, n);
    this.pos += 9;
  }

  value(v: CborValue, depth: number): void {
    switch (typeof v) {
      case "number":
        return this.number(v);
      case "string":
        return this.text(v);
      case "boolean":
        this.reserve(1);
        this.buf[this.pos++] = v ? 0xf5 : 0xf4;
        return;
      case "bigint":
        return this.bigint(v);
      case "object":
        if (v === null) {
          this.reserve(1);
          this.buf[this.pos++] = 0xf6;
          return;
        }
        if (Array.isArray(v)) return this.array(v as readonly CborValue[], depth);
        if (v instanceof Uint8Array) {
          this.head(2, v.length);
          return this.raw(v);
        }
        if (v instanceof CborFloat) return this.float(v.value);
        if (v instanceof Map) return this.map(v, depth);
        if (v instanceof CborTag) return this.tag(v, depth);
        {
          const proto = Object.getPrototypeOf(v);
          if (proto === Object.prototype || proto === null) {
            return this.object(v as { readonly [key: string]: CborValue | undefined }, depth);
          }
        }
        throw new FcpError("FCP-1010", `cannot encode a ${describe(v)} as CBOR`);
      default:
        throw new FcpError("FCP-1010", `cannot encode a value of type ${typeof v} as CBOR`);
    }
  }

  number(v: number): void {
    if (Number.isInteger(v)) {
      if (v >= 0 ? v <= MAX_SAFE : v >= -MAX_SAFE) {
        // -0 takes the first branch and encodes as integer 0.
        if (v >= 0) this.head(0, v);
        else this.head(1, -1 - v);
        return;
      }
      throw new FcpError(
        "FCP-1010",
        `integer ${v} is outside the safe range; pass a bigint (or a CborFloat for a float)`,
      );
    }
    this.float(v);
  }

  /** Shortest lossless float (WIRE.md §1): f16, else f32, else f64; -0.0 → 0.0; no NaN/Inf. */
  float(x: number): void {
    if (!Number.isFinite(x)) {
      throw new FcpError(
        "FCP-1006",
        `cannot encode the float ${x} (NaN and infinities are forbidden)`,
      );
    }
    if (x === 0) x = 0; // normalise -0.0
    if (Math.f16round(x) === x) {
      this.reserve(3);
      this.buf[this.pos] = 0xf9;
      this.view.setFloat16(this.pos + 1, x);
      this.pos += 3;
    } else if (Math.fround(x) === x) {
      this.reserve(5);
      this.buf[this.pos] = 0xfa;
      this.view.setFloat32(this.pos + 1, x);
      this.pos += 5;
    } else {
      this.reserve(9);
      this.buf[this.pos] = 0xfb;
      this.view.setFloat64(this.pos + 1, x);
      this.pos += 9;
    }
  }

  bigint(v: bigint): void {
    const major = v >= 0n ? 0 : 1;
    const n = v >= 0n ? v : -1n - v;
    if (n <= MAX_SAFE_BIG) return this.head(major, Number(n));
    if (n <= U64_MAX) return this.headBig(major, n);
    throw new FcpError("FCP-1010", `integer ${v} is outside the CBOR range [-2^64, 2^64-1]`);
  }

  text(s: string): void {
    const n = s.length;
    if (n < 0x100) {
      // ASCII fast path: copy code units directly after a head sized for n bytes.
      const hs = n < 24 ? 1 : 2;
      this.reserve(hs + n);
      const buf = this.buf;
      const p = this.pos + hs;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p + i] = c;
      }
      if (i === n) {
        this.head(3, n);
        this.pos += n;
        return;
      }
    }
    if (!s.isWellFormed()) {
      throw new FcpError("FCP-1010", "text contains a lone surrogate (not well-formed UTF-16)");
    }
    if (this.pos + n > this.limit) this.reserve(n); // UTF-8 is never shorter: fails fast
    const max = n * 3;
    const hs = headSize(max);
    const need = this.pos + hs + max;
    if (need > this.buf.length) this.grow(need);
    const written = textEncoder.encodeInto(
      s,
      this.buf.subarray(this.pos + hs, this.pos + hs + max),
    ).written;
    const rhs = headSize(written);
    if (this.pos + rhs + written > this.limit) this.reserve(rhs + written);
    if (rhs !== hs) this.buf.copyWithin(this.pos + rhs, this.pos + hs, this.pos + hs + written);
    this.head(3, written);
    this.pos += written;
  }

  enter(depth: number): void {
    if (depth >= this.settings.maxDepth) {
      throw new FcpError(
        "FCP-1007",
        `value nests deeper than ${this.settings.maxDepth} levels`,
      );
    }
  }

  array(a: readonly CborValue[], depth: number): void {
    this.enter(depth);
    const n = a.length;
    this.head(4, n);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (x === undefined) {
        throw new FcpError("FCP-1010", `cannot encode undefined (array index ${i})`);
      }
      this.value(x, depth + 1);
    }
  }

  object(o: { readonly [key: string]: CborValue | undefined }, depth: number): void {
    this.enter(depth);
    const keys = Object.keys(o);
    let n = 0;
    // Properties whose value is undefined are omitted (serde `skip_serializing_if`).
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (o[k] !== undefined) keys[n++] = k;
    }
    keys.length = n;
    if (!this.settings.preserveKeyOrder) sortTextKeys(keys);
    this.head(5, n);
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      this.text(k);
      this.value(o[k]!, depth + 1);
    }
  }

  map(m: Map<CborValue, CborValue>, depth: number): void {
    this.enter(depth);
    this.head(5, m.size);
    if (this.settings.preserveKeyOrder) {
      const seen = new Set<string>();
      for (const [k, v] of m) {
        const start = this.pos;
        this.value(k, depth + 1);
        const id = latin1(this.buf, start, this.pos);
        if (seen.has(id)) throw new FcpError("FCP-1003", "map has two keys with the same encoding");
        seen.add(id);
        this.value(v, depth + 1);
      }
      return;
    }
    // Canonical order: bytewise order of the encoded keys (RFC 8949 §4.2.1, WIRE.md §1).
    const entries: { key: Uint8Array; value: CborValue }[] = [];
    const start = this.pos;
    for (const [k, v] of m) {
      this.value(k, depth + 1);
      entries.push({ key: this.buf.slice(start, this.pos), value: v });
      this.pos = start;
    }
    entries.sort((a, b) => compareBytes(a.key, b.key));
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (i > 0 && compareBytes(entries[i - 1]!.key, e.key) === 0) {
        throw new FcpError("FCP-1003", "map has two keys with the same encoding");
      }
      this.raw(e.key);
      this.value(e.value, depth + 1);
    }
  }

  tag(t: CborTag, depth: number): void {
    if (!this.settings.allowTags) {
      throw new FcpError("FCP-1005", `CBOR tags are forbidden (tag ${t.tag})`);
    }
    if (!Number.isSafeInteger(t.tag) || t.tag < 0) {
      throw new FcpError("FCP-1010", `tag number ${t.tag} is not a non-negative safe integer`);
    }
    this.enter(depth);
    this.head(6, t.tag);
    this.value(t.value, depth + 1);
  }
}

let shared: Encoder | undefined = new Encoder(SCRATCH_BYTES);

/**
 * Encode `value` (after `prefix`, if given) into a fresh byte array. `maxBytes` bounds the CBOR
 * part only. Reentrant calls (a getter that encodes) get their own buffer.
 */
export function encodeWithSettings(
  value: CborValue,
  settings: EncodeSettings,
  prefix?: Uint8Array,
): Uint8Array {
  const enc = shared ?? new Encoder(SCRATCH_BYTES);
  shared = undefined;
  try {
    enc.pos = 0;
    enc.settings = settings;
    enc.limit = Infinity;
    if (prefix !== undefined) enc.raw(prefix);
    enc.limit = enc.pos + settings.maxBytes;
    enc.value(value, 0);
    return enc.buf.slice(0, enc.pos);
  } catch (e) {
    if (e instanceof RangeError) {
      // Only reachable with a huge maxDepth (stack) or a failed allocation.
      if (/call stack/i.test(e.message)) {
        throw new FcpError("FCP-1007", "value nests too deeply for the stack", { cause: e });
      }
      throw new FcpError("FCP-1008", "encoded output too large to allocate", { cause: e });
    }
    throw e;
  } finally {
    if (enc.buf.length > KEEP_SCRATCH_BYTES) {
      enc.buf = new Uint8Array(SCRATCH_BYTES);
      enc.view = new DataView(enc.buf.buffer);
    }
    shared = enc;
  }
}
