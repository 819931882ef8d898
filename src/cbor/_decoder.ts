/**
 * The strict CBOR reader (WIRE.md §1 decoder rules; RFC 8949 §4.2.1 and §5.3.1). Every check
 * reports the byte offset where it failed. Declared lengths are compared with the remaining input
 * before anything is allocated.
 *
 * @module
 */
import { type ErrorCode, FcpError } from "../core/mod.ts";
import { encodeWithSettings } from "./_encoder.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

/** Decoder options with every default filled in. */
export interface DecodeSettings {
  maxDepth: number;
  maxBytes: number;
  allowTags: readonly number[];
  canonical: boolean;
}

const TWO32 = 0x1_0000_0000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const MAJOR_NAMES = [
  "integer",
  "negative integer",
  "byte string length",
  "text string length",
  "array length",
  "map length",
  "tag number",
];

class Decoder {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly end: number;
  readonly s: DecodeSettings;
  pos: number;
  /** The argument when {@link arg} returned -1 (above 2^53-1). */
  big = 0n;
  sawTag = false;

  constructor(bytes: Uint8Array, start: number, settings: DecodeSettings) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.pos = start;
    this.s = settings;
  }

  fail(code: ErrorCode, what: string, at: number): never {
    throw new FcpError(code, `${what} at offset ${at}`);
  }

  need(n: number, at: number): void {
    if (this.pos + n > this.end) this.fail("FCP-1001", "truncated input: item", at);
  }

  /**
   * The argument of a head (RFC 8949 §3): a number up to 2^53-1, or -1 with `big` set.
   * Canonical mode refuses non-shortest forms (§4.2.1 rule 1).
   */
  arg(ai: number, major: number, at: number): number {
    if (ai < 24) return ai;
    const c = this.s.canonical;
    let v: number;
    switch (ai) {
      case 24:
        this.need(1, at);
        v = this.bytes[this.pos]!;
        this.pos += 1;
        if (c && v < 24) this.nonShortest(major, at);
        return v;
      case 25:
        this.need(2, at);
        v = this.view.getUint16(this.pos);
        this.pos += 2;
        if (c && v < 0x100) this.nonShortest(major, at);
        return v;
      case 26:
        this.need(4, at);
        v = this.view.getUint32(this.pos);
        this.pos += 4;
        if (c && v < 0x10000) this.nonShortest(major, at);
        return v;
      default: {
        // ai === 27 (28..31 are handled by the caller)
        this.need(8, at);
        const hi = this.view.getUint32(this.pos);
        const lo = this.view.getUint32(this.pos + 4);
        this.pos += 8;
        if (c && hi === 0) this.nonShortest(major, at);
        if (hi < 0x20_0000) return hi * TWO32 + lo;
        this.big = (BigInt(hi) << 32n) | BigInt(lo);
        return -1;
      }
    }
  }

  nonShortest(major: number, at: number): never {
    return this.fail("FCP-1002", `non-shortest ${MAJOR_NAMES[major]}`, at);
  }

  /** A length or count that must fit the remaining input (FCP-1008, before any allocation). */
  length(n: number, unit: number, what: string, at: number): number {
    const remaining = this.end - this.pos;
    if (n < 0 || n * unit > remaining) {
      const declared = n < 0 ? this.big : BigInt(n);
      this.fail(
        "FCP-1008",
        `declared ${what} ${declared} exceeds the ${remaining} remaining bytes`,
        at,
      );
    }
    return n;
  }

  enter(depth: number, at: number): void {
    if (depth >= this.s.maxDepth) {
      this.fail("FCP-1007", `nesting deeper than ${this.s.maxDepth} levels`, at);
    }
  }

  item(depth: number): CborValue {
    const at = this.pos;
    if (at >= this.end) this.fail("FCP-1001", "truncated input: expected an item", at);
    const ib = this.bytes[at]!;
    this.pos = at + 1;
    const major = ib >> 5;
    const ai = ib & 31;
    if (major === 7) return this.simple(ai, at);
    if (ai > 27) {
      if (ai === 31 && major >= 2 && major <= 5) {
        this.fail("FCP-1004", "indefinite-length item", at);
      }
      this.fail("FCP-1001", `reserved additional information ${ai}`, at);
    }
    const n = this.arg(ai, major, at);
    switch (major) {
      case 0:
        return n >= 0 ? n : this.big;
      case 1:
        if (n < 0) return -1n - this.big;
        return n < MAX_SAFE ? -1 - n : -1n - BigInt(n);
      case 2: {
        const len = this.length(n, 1, "byte string length", at);
        const start = this.pos;
        this.pos = start + len;
        return this.bytes.slice(start, start + len);
      }
      case 3:
        return this.text(this.length(n, 1, "text string length", at), at);
      case 4: {
        const count = this.length(n, 1, "array length", at);
        this.enter(depth, at);
        const out: CborValue[] = [];
        for (let i = 0; i < count; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5:
        return this.map(this.length(n, 2, "map length", at), depth, at);
      default: {
        // major 6: tags are refused unless allowed (WIRE.md §1).
        if (n < 0 || !this.s.allowTags.includes(n)) {
          this.fail("FCP-1005", `tag ${n < 0 ? this.big : n} is not allowed`, at);
        }
        this.enter(depth, at);
        this.sawTag = true;
        return new CborTag(n, this.item(depth + 1));
      }
    }
  }

  text(len: number, at: number): string {
    const b = this.bytes;
    const start = this.pos;
    const end = start + len;
    this.pos = end;
    if (len < 32) {
      let s = "";
      let i = start;
      for (; i < end; i++) {
        const c = b[i]!;
        if (c > 0x7f) break;
        s += String.fromCharCode(c);
      }
      if (i === end) return s;
    }
    try {
      return utf8Decoder.decode(b.subarray(start, end));
    } catch (cause) {
      throw new FcpError("FCP-1001", `invalid UTF-8 in text string at offset ${at}`, { cause });
    }
  }

  simple(ai: number, at: number): CborValue {
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 25: {
        this.need(2, at);
        const v = this.view.getFloat16(this.pos);
        this.pos += 2;
        return this.float(v, 2, at);
      }
      case 26: {
        this.need(4, at);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return this.float(v, 4, at);
      }
      case 27: {
        this.need(8, at);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return this.float(v, 8, at);
      }
      case 23:
        return this.fail("FCP-1001", "simple value undefined is not supported", at);
      case 31:
        return this.fail("FCP-1001", "unexpected break", at);
      default:
        return this.fail("FCP-1001", "unsupported simple value", at);
    }
  }

  /** Floats: finite only; canonical = shortest lossless width and no -0.0 (WIRE.md §1). */
  float(v: number, width: number, at: number): CborValue {
    if (!Number.isFinite(v)) this.fail("FCP-1006", "NaN or infinite float", at);
    if (this.s.canonical) {
      if (Object.is(v, -0)) this.fail("FCP-1002", "negative zero float", at);
      if (width === 4 ? Math.f16round(v) === v : width === 8 && Math.fround(v) === v) {
        this.fail("FCP-1002", "non-shortest float", at);
      }
    }
    return Number.isInteger(v) ? new CborFloat(v) : v;
  }

  map(count: number, depth: number, at: number): CborValue {
    this.enter(depth, at);
    const canonical = this.s.canonical;
    // Text keys go straight into a plain object; the first non-text key switches to a Map
    // (filled in wire order from `order`).
    const o: Record<string, CborValue> = {};
    const order: string[] = [];
    let m: Map<CborValue, CborValue> | undefined;
    let prevStart = -1;
    let prevEnd = -1;
    let seen: Set<string> | undefined;
    for (let i = 0; i < count; i++) {
      const ks = this.pos;
      const key = this.item(depth + 1);
      const ke = this.pos;
      if (canonical) {
        // Keys strictly increasing in bytewise order of their encoding (RFC 8949 §4.2.1).
        if (prevStart >= 0) {
          const c = compareRanges(this.bytes, prevStart, prevEnd, ks, ke);
          if (c === 0) this.fail("FCP-1003", "duplicate map key", ks);
          if (c > 0) this.fail("FCP-1002", "map keys not in canonical order", ks);
        }
        prevStart = ks;
        prevEnd = ke;
      } else {
        seen ??= new Set();
        const id = this.keyIdentity(key);
        if (seen.has(id)) this.fail("FCP-1003", "duplicate map key", ks);
        seen.add(id);
      }
      const value = this.item(depth + 1);
      if (m !== undefined) {
        m.set(key, value);
      } else if (typeof key === "string") {
        if (key === "__proto__") {
          // An own property, never the prototype setter (no prototype pollution).
          Object.defineProperty(o, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else {
          o[key] = value;
        }
        order.push(key);
      } else {
        m = new Map();
        for (let j = 0; j < order.length; j++) m.set(order[j]!, o[order[j]!]!);
        m.set(key, value);
      }
    }
    return m ?? o;
  }

  /** Identity of a key by its canonical encoding (non-canonical mode duplicate check). */
  keyIdentity(key: CborValue): string {
    if (typeof key === "string") return "t" + key;
    const b = encodeWithSettings(key, {
      maxDepth: this.s.maxDepth,
      maxBytes: Infinity,
      preserveKeyOrder: false,
      allowTags: true,
    });
    let s = "b";
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
}

function compareRanges(b: Uint8Array, as: number, ae: number, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = b[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return (ae - as) - (be - bs);
}

/**
 * Decode exactly one item from `bytes[start..]`; offsets in errors are relative to `bytes`.
 * In canonical mode the value is re-encoded and must equal the input (WIRE.md §1, fail closed).
 */
export function decodeFrom(bytes: Uint8Array, start: number, s: DecodeSettings): CborValue {
  const size = bytes.length - start;
  if (size > s.maxBytes) {
    throw new FcpError("FCP-1008", `input of ${size} bytes exceeds the limit of ${s.maxBytes}`);
  }
  if (size <= 0) throw new FcpError("FCP-1001", `empty input at offset ${start}`);
  const d = new Decoder(bytes, start, s);
  let value: CborValue;
  try {
    value = d.item(0);
  } catch (e) {
    if (e instanceof RangeError) {
      // Only reachable when a caller raises maxDepth beyond what the stack holds.
      throw new FcpError("FCP-1007", "input nests too deeply for the stack", { cause: e });
    }
    throw e;
  }
  if (d.pos !== d.end) {
    throw new FcpError(
      "FCP-1009",
      `${d.end - d.pos} trailing bytes after the item at offset ${d.pos}`,
    );
  }
  if (s.canonical) {
    const again = encodeWithSettings(value, {
      maxDepth: s.maxDepth,
      maxBytes: s.maxBytes,
      preserveKeyOrder: false,
      allowTags: d.sawTag,
    });
    const diff = firstDifference(again, bytes, start);
    if (diff >= 0) {
      throw new FcpError(
        "FCP-1002",
        `re-encoding differs from the input at offset ${start + diff}`,
      );
    }
  }
  return value;
}

/** -1 when `a` equals `b[start..]`, else the first differing index into `a`. */
function firstDifference(a: Uint8Array, b: Uint8Array, start: number): number {
  const n = b.length - start;
  const m = Math.min(a.length, n);
  for (let i = 0; i < m; i++) if (a[i] !== b[start + i]) return i;
  return a.length === n ? -1 : m;
}
