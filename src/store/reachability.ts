/**
 * Reachability from a node's roots: local pins, zone roots and live requests (spec §8.4.1
 * promotion rules; issue 4 §3 GC).
 *
 * @module
 */
import { toHex } from "../core/mod.ts";
import type { ZoneId } from "../model/mod.ts";
import type { SymbolStore } from "./types.ts";

/**
 * The hex ids of every stored object reachable at `now` from a pin, a zone root or a live
 * request, following `refs` transitively. Rules:
 * - an edge is followed only within one zone: a root's object must be of the root's zone, and
 *   a ref is followed only to an object of the referrer's zone (refs into other zones are
 *   ignored, never an error);
 * - only `complete` objects' refs are followed: a quarantined object can be reached (and so
 *   become eligible for promotion) but its refs are untrusted until it is verified.
 *
 * Roots whose object is not stored yet are not in the result.
 *
 * @example
 * ```ts
 * import { markReachable } from "./reachability.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemorySymbolStore();
 * const seal = {
 *   algorithm: "chacha20poly1305" as const, zoneKeyId: new Uint8Array(8), epochId: 0n,
 *   senderNodeId: "n", senderInstanceId: 0n,
 * };
 * const base = {
 *   zoneId: "z:work", state: "complete" as const, role: "object" as const,
 *   transferLength: 0, symbolSize: 8, k: 0, seal, createdAt: 0,
 * };
 * const a = new Uint8Array(32).fill(1), b = new Uint8Array(32).fill(2);
 * await store.putObject({ ...base, objectId: a, refs: [b] }, []);
 * await store.putObject({ ...base, objectId: b, refs: [] }, []);
 * assert.equal((await markReachable(store, 0)).size, 0);
 * await store.pin(a, "z:work", 0);
 * assert.equal((await markReachable(store, 0)).size, 2);
 * ```
 */
export async function markReachable(store: SymbolStore, now: number): Promise<Set<string>> {
  const marked = new Set<string>();
  const stack: [Uint8Array, ZoneId][] = [];
  for (const p of await store.listPins()) stack.push([p.objectId, p.zoneId]);
  for (const r of await store.listZoneRoots()) stack.push([r.objectId, r.zoneId]);
  for (const q of await store.listRequests(now)) stack.push([q.objectId, q.zoneId]);
  while (stack.length > 0) {
    const [id, zone] = stack.pop()!;
    const key = toHex(id);
    if (marked.has(key)) continue;
    const obj = await store.getObject(id);
    if (obj === undefined || obj.zoneId !== zone) continue;
    marked.add(key);
    if (obj.state !== "complete") continue;
    for (const ref of obj.refs) if (!marked.has(toHex(ref))) stack.push([ref, obj.zoneId]);
  }
  return marked;
}
