/**
 * Garbage collection by reachability from pins, zone roots and live requests, with tombstones
 * (issue 4 §3; spec §8.4.1 TTL for the quarantine).
 *
 * @module
 */
import { toHex } from "../core/mod.ts";
import { expireQuarantine } from "./admission.ts";
import { markReachable } from "./reachability.ts";
import type { SymbolStore } from "./types.ts";

/** Options of {@link collectGarbage}. */
export interface GcOptions {
  /** The current time (Unix seconds). */
  readonly now: number;
  /** Seconds a tombstone refuses re-admission of a collected object (default 86 400). */
  readonly tombstoneSecs?: number;
  /**
   * Complete objects younger than this many seconds are kept even when unreachable (default
   * 600), so that a multi-transaction put (chunks first, then the manifest that references
   * them, then the pin) is not collected halfway.
   */
  readonly minAgeSecs?: number;
  /** Only report what would be deleted. */
  readonly dryRun?: boolean;
}

/** What {@link collectGarbage} did (or, with `dryRun`, would do). */
export interface GcReport {
  /** Objects deleted. */
  readonly deleted: number;
  /** Bytes freed. */
  readonly bytesFreed: number;
  /** Objects kept. */
  readonly kept: number;
  /** Deletions per tombstone reason (`unreachable`, `quarantine_expired`). */
  readonly byReason: Readonly<Record<string, number>>;
  /** Tombstones whose hold ended and were purged. */
  readonly tombstonesPurged: number;
}

/** Default tombstone hold of {@link collectGarbage}: one day. */
export const DEFAULT_TOMBSTONE_SECS = 86_400;

/** Default grace period of {@link collectGarbage} for young unreachable objects. */
export const DEFAULT_GC_MIN_AGE_SECS = 600;

/**
 * Mark every object reachable from a pin, a zone root or a live request (same-zone refs of
 * complete objects, see {@link markReachable}), then sweep: unreachable complete objects older
 * than `minAgeSecs` are deleted with an `unreachable` tombstone, expired quarantined objects
 * (not pinned) with a `quarantine_expired` one; lapsed requests and tombstones are purged.
 * Quarantined objects that have not expired are kept: the quarantine TTL bounds them.
 *
 * @example
 * ```ts
 * import { collectGarbage } from "./gc.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemorySymbolStore();
 * const objectId = new Uint8Array(32).fill(3);
 * await store.putObject({
 *   objectId, zoneId: "z:work", state: "complete", role: "object", transferLength: 8,
 *   symbolSize: 8, k: 1, refs: [], createdAt: 0,
 *   seal: {
 *     algorithm: "chacha20poly1305", zoneKeyId: new Uint8Array(8), epochId: 0n,
 *     senderNodeId: "n", senderInstanceId: 0n,
 *   },
 * }, [{ esi: 0, frameSeq: 0n, data: new Uint8Array(8), tag: new Uint8Array(16) }]);
 * const report = await collectGarbage(store, { now: 1000, minAgeSecs: 0 });
 * assert.equal(report.deleted, 1);
 * assert.equal(report.bytesFreed, 24);
 * assert.ok(await store.isTombstoned(objectId, 1001));
 * ```
 */
export async function collectGarbage(store: SymbolStore, opts: GcOptions): Promise<GcReport> {
  const now = opts.now;
  const hold = opts.tombstoneSecs ?? DEFAULT_TOMBSTONE_SECS;
  const minAge = opts.minAgeSecs ?? DEFAULT_GC_MIN_AGE_SECS;
  const byReason: Record<string, number> = {};
  const count = (reason: string) => byReason[reason] = (byReason[reason] ?? 0) + 1;
  let deleted = 0;
  let bytesFreed = 0;
  let kept = 0;

  const reachable = await markReachable(store, now);
  for (const o of await store.listObjects({ state: "complete" })) {
    if (reachable.has(toHex(o.objectId)) || now - o.createdAt < minAge) {
      kept++;
      continue;
    }
    bytesFreed += opts.dryRun ? o.bytes : await store.deleteObject(
      o.objectId,
      "unreachable",
      now,
      now + hold,
    );
    deleted++;
    count("unreachable");
  }

  if (opts.dryRun) {
    for (const o of await store.listObjects({ state: "quarantined" })) {
      if (o.expiresAt !== undefined && o.expiresAt <= now && !(await store.isPinned(o.objectId))) {
        bytesFreed += o.bytes;
        deleted++;
        count("quarantine_expired");
      } else {
        kept++;
      }
    }
    return { deleted, bytesFreed, kept, byReason, tombstonesPurged: 0 };
  }

  const quarantinedBefore = (await store.stats()).byZone;
  let quarantined = 0;
  for (const u of Object.values(quarantinedBefore)) quarantined += u.quarantinedObjects;
  const expired = await expireQuarantine(store, now, hold);
  deleted += expired.deleted;
  bytesFreed += expired.bytesFreed;
  kept += quarantined - expired.deleted;
  if (expired.deleted > 0) byReason.quarantine_expired = expired.deleted;
  await store.purgeRequests(now);
  const tombstonesPurged = await store.purgeTombstones(now);
  return { deleted, bytesFreed, kept, byReason, tombstonesPurged };
}
