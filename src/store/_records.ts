/**
 * Record copying and usage bookkeeping shared by the store implementations (private).
 *
 * @module
 */
import type { ObjectState, StoredObject, UsageCounters } from "./types.ts";
import { SYMBOL_TAG_BYTES } from "./types.ts";
import type { MutableUsage } from "./_validate.ts";

/** Bytes charged for `count` symbols of size `symbolSize`. */
export function chargedBytes(count: number, symbolSize: number): number {
  return count * (symbolSize + SYMBOL_TAG_BYTES);
}

/** New zeroed counters. */
export function emptyUsage(): MutableUsage {
  return { objects: 0, symbols: 0, bytes: 0, quarantinedObjects: 0, quarantinedBytes: 0 };
}

/** Add a delta (objects, symbols, bytes) of an object in `state` to `u`. */
export function applyUsage(
  u: MutableUsage,
  state: ObjectState,
  objects: number,
  symbols: number,
  bytes: number,
): void {
  u.objects += objects;
  u.symbols += symbols;
  u.bytes += bytes;
  if (state === "quarantined") {
    u.quarantinedObjects += objects;
    u.quarantinedBytes += bytes;
  }
}

/** Sum counters into `into`. */
export function addUsage(into: MutableUsage, u: UsageCounters): void {
  into.objects += u.objects;
  into.symbols += u.symbols;
  into.bytes += u.bytes;
  into.quarantinedObjects += u.quarantinedObjects;
  into.quarantinedBytes += u.quarantinedBytes;
}

/** A deep copy of a stored object (fresh byte arrays), optional fields only when present. */
export function copyStored(o: StoredObject): StoredObject {
  return {
    objectId: o.objectId.slice(),
    zoneId: o.zoneId,
    state: o.state,
    role: o.role,
    ...(o.schemaHash !== undefined ? { schemaHash: o.schemaHash.slice() } : {}),
    transferLength: o.transferLength,
    symbolSize: o.symbolSize,
    k: o.k,
    seal: { ...o.seal, zoneKeyId: o.seal.zoneKeyId.slice() },
    refs: o.refs.map((r) => r.slice()),
    ...(o.sourcePeer !== undefined ? { sourcePeer: o.sourcePeer } : {}),
    createdAt: o.createdAt,
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
    symbolCount: o.symbolCount,
    bytes: o.bytes,
  };
}

/** Eviction order of spec §8.4.1: oldest first, then largest first, then by id. */
export function evictionOrder(a: StoredObject, b: StoredObject, ka: string, kb: string): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  if (a.bytes !== b.bytes) return b.bytes - a.bytes;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
