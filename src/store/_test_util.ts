/**
 * Test helpers for the store tests (private): deterministic records and symbols.
 *
 * @module
 */
import type { ObjectRecord, SymbolRecord } from "./types.ts";

/** Deterministic bytes from a seed (xorshift32). */
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A 32-byte id from a small number. */
export function idOf(n: number): Uint8Array {
  const id = seededBytes(n + 1_000_003, 32);
  id[0] = n & 0xff;
  id[1] = (n >>> 8) & 0xff;
  return id;
}

/** A valid complete record for object `n` (override any field). */
export function makeRecord(n: number, over: Partial<ObjectRecord> = {}): ObjectRecord {
  return {
    objectId: idOf(n),
    zoneId: "z:work",
    state: "complete",
    role: "object",
    transferLength: 64,
    symbolSize: 32,
    k: 2,
    seal: {
      algorithm: "chacha20poly1305",
      zoneKeyId: seededBytes(7, 8),
      epochId: 5n,
      senderNodeId: "node-a",
      senderInstanceId: 9n,
    },
    refs: [],
    createdAt: 1_000,
    ...over,
  };
}

/** `count` symbols of `size` bytes with ESIs `first..`, contents derived from `seed`. */
export function makeSymbols(
  seed: number,
  count: number,
  size = 32,
  first = 0,
): SymbolRecord[] {
  const out: SymbolRecord[] = [];
  for (let i = 0; i < count; i++) {
    const esi = first + i;
    out.push({
      esi,
      frameSeq: BigInt(seed) * 1000n + BigInt(esi),
      data: seededBytes(seed * 100_003 + esi, size),
      tag: seededBytes(seed * 7919 + esi + 1, 16),
    });
  }
  return out;
}
