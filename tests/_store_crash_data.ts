/**
 * Deterministic objects for the store crash test: the writer child and the checking parent
 * derive the same ids, records and symbol bytes from the object index.
 *
 * @module
 */
import type { ObjectRecord, SymbolRecord } from "../src/store/mod.ts";

/** Symbols per object. */
export const CRASH_SYMBOLS = 200;
/** Symbol size in bytes. */
export const CRASH_SYMBOL_SIZE = 1024;
/** Objects the writer tries to put. */
export const CRASH_OBJECTS = 300;

function fill(seed: number, out: Uint8Array): Uint8Array {
  let x = (Math.imul(seed, 2654435761) ^ 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The id of object `i`. */
export function crashObjectId(i: number): Uint8Array {
  const id = fill(i * 31 + 7, new Uint8Array(32));
  new DataView(id.buffer).setUint32(0, i);
  return id;
}

/** The record of object `i`. */
export function crashRecord(i: number): ObjectRecord {
  return {
    objectId: crashObjectId(i),
    zoneId: "z:work",
    state: "complete",
    role: i % 5 === 0 ? "chunk" : "object",
    transferLength: CRASH_SYMBOLS * CRASH_SYMBOL_SIZE - 100,
    symbolSize: CRASH_SYMBOL_SIZE,
    k: CRASH_SYMBOLS - 10,
    seal: {
      algorithm: "xchacha20poly1305",
      zoneKeyId: fill(i, new Uint8Array(8)),
      epochId: BigInt(i) << 40n,
      senderNodeId: `writer-${i % 3}`,
      senderInstanceId: 0xfedcba9876543210n,
    },
    refs: i > 0 ? [crashObjectId(i - 1)] : [],
    createdAt: 1_700_000_000 + i,
  };
}

/** The symbols of object `i`. */
export function crashSymbols(i: number): SymbolRecord[] {
  const out: SymbolRecord[] = [];
  for (let esi = 0; esi < CRASH_SYMBOLS; esi++) {
    out.push({
      esi,
      frameSeq: BigInt(i) * 1_000_000n + BigInt(esi),
      data: fill(i * 100_003 + esi, new Uint8Array(CRASH_SYMBOL_SIZE)),
      tag: fill(i * 7_919 + esi + 1, new Uint8Array(16)),
    });
  }
  return out;
}
