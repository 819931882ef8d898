/**
 * Object admission (spec §8.4.1, revision proposal 3): symbols of objects from peers are held
 * in a bounded quarantine, never announced, and promoted only when reachable from a root,
 * explicitly requested or pinned, and only after the object reconstructs and verifies.
 *
 * @module
 */
import { equalBytes, FcpError, toHex } from "../core/mod.ts";
import type { ObjectId, ZoneId } from "../model/mod.ts";
import { chargedBytes } from "./_records.ts";
import { checkRecord, checkSymbols } from "./_validate.ts";
import { markReachable } from "./reachability.ts";
import type {
  ObjectRecord,
  SealParams,
  StoredObject,
  SymbolRecord,
  SymbolStore,
  UsageCounters,
} from "./types.ts";

/** Quarantine limits (spec §8.4.1 `ObjectAdmissionPolicy`, plus per-peer limits). */
export interface AdmissionPolicy {
  /** Quarantined bytes per zone (default 256 MiB, spec §8.4.1). */
  readonly maxQuarantineBytesPerZone: number;
  /** Quarantined objects per zone (default 100 000, spec §8.4.1). */
  readonly maxQuarantineObjectsPerZone: number;
  /** Quarantined bytes per source peer (default 64 MiB). */
  readonly maxQuarantineBytesPerPeer: number;
  /** Quarantined objects per source peer (default 25 000). */
  readonly maxQuarantineObjectsPerPeer: number;
  /** Seconds a quarantined object lives before it is dropped (default 3600, spec §8.4.1). */
  readonly quarantineTtlSecs: number;
  /** Seconds a tombstone refuses re-admission after a failed verification (default 86 400). */
  readonly tombstoneSecs: number;
  /**
   * What to do when an unexpected object would exceed a quota: `reject` (default: `FCP-6002`,
   * nothing stored) or `evict_oldest` (drop the oldest, then largest, unexpected quarantined
   * objects of that zone or peer to make room: the eviction order of spec §8.4.1).
   */
  readonly onQuotaFull: "reject" | "evict_oldest";
}

/** The defaults of spec §8.4.1 (per-peer limits are ours: a quarter of the zone's). */
export const DEFAULT_ADMISSION_POLICY: AdmissionPolicy = Object.freeze({
  maxQuarantineBytesPerZone: 256 * 1024 * 1024,
  maxQuarantineObjectsPerZone: 100_000,
  maxQuarantineBytesPerPeer: 64 * 1024 * 1024,
  maxQuarantineObjectsPerPeer: 25_000,
  quarantineTtlSecs: 3600,
  tombstoneSecs: 86_400,
  onQuotaFull: "reject",
});

/** What {@link AdmissionControl.ingest} did. */
export interface IngestResult {
  /**
   * `quarantined`: a new object was stored in quarantine; `added`: symbols were added to a
   * stored object; `seal_mismatch`: the object is stored with other seal parameters (e.g.
   * from another sender), nothing was stored.
   */
  readonly status: "quarantined" | "added" | "seal_mismatch";
  /** Symbols stored. */
  readonly added: number;
  /** Quarantined objects evicted to make room (`evict_oldest` only). */
  readonly evicted: number;
}

/**
 * A verifier's verdict on a quarantined object: `valid` (it reconstructs, its ObjectId and
 * schema check out), `invalid` (it reconstructs to something else: delete it), `incomplete`
 * (not enough good symbols yet: keep waiting). `true`/`false` mean `valid`/`invalid`.
 */
export type VerifyOutcome = "valid" | "invalid" | "incomplete" | boolean;

/**
 * Reconstructs a stored object from its symbols and checks its ObjectId and schema. A verifier
 * that throws counts as `incomplete`: the object is kept (until its TTL) rather than condemned.
 */
export type VerifyObject = (object: StoredObject) => Promise<VerifyOutcome>;

/** What {@link AdmissionControl.promote} did. */
export interface PromoteReport {
  /** Objects promoted to `complete`. */
  readonly promoted: ObjectId[];
  /** Objects whose verification failed; deleted with a `verify_failed` tombstone. */
  readonly failed: ObjectId[];
  /** Eligible objects still waiting for symbols. */
  readonly waiting: number;
}

/** What {@link AdmissionControl.expireQuarantine} did. */
export interface ExpireReport {
  /** Objects dropped. */
  readonly deleted: number;
  /** Bytes freed. */
  readonly bytesFreed: number;
}

function sameSeal(a: SealParams, b: SealParams): boolean {
  return a.algorithm === b.algorithm && equalBytes(a.zoneKeyId, b.zoneKeyId) &&
    a.epochId === b.epochId && a.senderNodeId === b.senderNodeId &&
    a.senderInstanceId === b.senderInstanceId;
}

function over(u: UsageCounters, bytes: number, objects: number, maxB: number, maxO: number) {
  return u.quarantinedBytes + bytes > maxB || u.quarantinedObjects + objects > maxO;
}

/**
 * The admission pipeline over one {@link SymbolStore} (spec §8.4.1). Calls are serialized, so
 * a quota check and the write it guards are never interleaved with another call of the same
 * instance; use one instance per store.
 *
 * @example Quarantine, then promotion of a pinned object after verification
 * ```ts
 * import { AdmissionControl, announceable } from "./admission.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemorySymbolStore();
 * const admission = new AdmissionControl(store, { quarantineTtlSecs: 60 });
 * const objectId = new Uint8Array(32).fill(9);
 * const record = {
 *   objectId, zoneId: "z:work", state: "complete" as const, role: "object" as const,
 *   transferLength: 8, symbolSize: 8, k: 1, refs: [], createdAt: 0, sourcePeer: "peer-b",
 *   seal: {
 *     algorithm: "chacha20poly1305" as const, zoneKeyId: new Uint8Array(8), epochId: 0n,
 *     senderNodeId: "peer-b", senderInstanceId: 1n,
 *   },
 * };
 * const sym = { esi: 0, frameSeq: 1n, data: new Uint8Array(8), tag: new Uint8Array(16) };
 * assert.equal((await admission.ingest(record, [sym], 100)).status, "quarantined");
 * assert.deepEqual(await announceable(store, "z:work"), []);
 *
 * await store.pin(objectId, "z:work", 100);
 * const report = await admission.promote(100, () => Promise.resolve(true));
 * assert.equal(report.promoted.length, 1);
 * assert.equal((await announceable(store, "z:work")).length, 1);
 * ```
 */
export class AdmissionControl {
  /** The store. */
  readonly store: SymbolStore;
  /** The effective policy. */
  readonly policy: AdmissionPolicy;
  #chain: Promise<unknown> = Promise.resolve();

  /**
   * @param store The symbol store.
   * @param policy Overrides of {@link DEFAULT_ADMISSION_POLICY}.
   */
  constructor(store: SymbolStore, policy: Partial<AdmissionPolicy> = {}) {
    this.store = store;
    this.policy = Object.freeze({ ...DEFAULT_ADMISSION_POLICY, ...policy });
  }

  #serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(f, f);
    this.#chain = next.catch(() => {});
    return next;
  }

  /** Whether an object is expected here: pinned, a zone root, or requested (live at `now`). */
  async #expected(id: ObjectId, zone: ZoneId, now: number): Promise<boolean> {
    if (await this.store.isPinned(id)) return true;
    const key = toHex(id);
    if ((await this.store.listRequests(now, zone)).some((r) => toHex(r.objectId) === key)) {
      return true;
    }
    return (await this.store.listZoneRoots(zone)).some((r) => toHex(r.objectId) === key);
  }

  /**
   * Take symbols received from a peer (spec §8.4.1 stage 1). A new object is stored as
   * `quarantined` with `createdAt = now` and `expiresAt = now + quarantineTtlSecs` whatever
   * the record says; symbols for a stored object are added to it. Unexpected objects (not
   * pinned, requested or a zone root) count against the per-zone and per-peer quotas.
   *
   * Refusals: `FCP-6005` while the object is tombstoned; `FCP-6002` when over quota (nothing
   * stored); `FCP-1040`/`FCP-4001` for malformed records or symbols.
   */
  ingest(
    record: ObjectRecord,
    symbols: readonly SymbolRecord[],
    now: number,
  ): Promise<IngestResult> {
    return this.#serial(async () => {
      checkRecord(record);
      checkSymbols(symbols, record.symbolSize);
      const store = this.store;
      const p = this.policy;
      if (await store.isTombstoned(record.objectId, now)) {
        throw new FcpError("FCP-6005", "object was deleted here and may not be re-admitted yet");
      }
      const existing = await store.getObject(record.objectId);
      if (existing !== undefined) {
        if (!sameSeal(existing.seal, record.seal) || existing.zoneId !== record.zoneId) {
          return { status: "seal_mismatch", added: 0, evicted: 0 };
        }
        let evicted = 0;
        if (existing.state === "quarantined") {
          const have = new Set(await store.listEsis(record.objectId));
          const fresh = new Set(symbols.map((s) => s.esi).filter((e) => !have.has(e)));
          const bytes = chargedBytes(fresh.size, existing.symbolSize);
          if (!(await this.#expected(record.objectId, existing.zoneId, now))) {
            evicted = await this.#makeRoom(existing, bytes, 0, now);
          }
        }
        const added = await store.addSymbols(record.objectId, symbols);
        return { status: "added", added, evicted };
      }
      const distinct = new Set(symbols.map((s) => s.esi)).size;
      const bytes = chargedBytes(distinct, record.symbolSize);
      const { expiresAt: _e, ...rest } = record;
      const quarantined: ObjectRecord = {
        ...rest,
        state: "quarantined",
        createdAt: now,
        expiresAt: now + p.quarantineTtlSecs,
      };
      let evicted = 0;
      if (!(await this.#expected(record.objectId, record.zoneId, now))) {
        evicted = await this.#makeRoom(quarantined, bytes, 1, now);
      }
      const put = await store.putObject(quarantined, symbols);
      return { status: "quarantined", added: put.symbols, evicted };
    });
  }

  /** Check the quotas for `bytes`/`objects` more; evict or throw `FCP-6002`. Returns evictions. */
  async #makeRoom(
    target: ObjectRecord,
    bytes: number,
    objects: number,
    now: number,
  ): Promise<number> {
    const p = this.policy;
    const store = this.store;
    const zoneOver = async () =>
      over(
        await store.zoneUsage(target.zoneId),
        bytes,
        objects,
        p.maxQuarantineBytesPerZone,
        p.maxQuarantineObjectsPerZone,
      );
    const peer = target.sourcePeer;
    const peerOver = async () =>
      peer !== undefined &&
      over(
        await store.peerUsage(peer),
        bytes,
        objects,
        p.maxQuarantineBytesPerPeer,
        p.maxQuarantineObjectsPerPeer,
      );
    const tooBig = bytes > p.maxQuarantineBytesPerZone ||
      (peer !== undefined && bytes > p.maxQuarantineBytesPerPeer);
    const checks = [{
      isOver: zoneOver,
      victims: () => store.listQuarantined({ zone: target.zoneId }),
    }];
    if (peer !== undefined) {
      checks.push({ isOver: peerOver, victims: () => store.listQuarantined({ sourcePeer: peer }) });
    }
    const key = toHex(target.objectId);
    let evicted = 0;
    for (const c of checks) {
      if (!(await c.isOver())) continue;
      if (p.onQuotaFull === "evict_oldest" && !tooBig) {
        for (const v of await c.victims()) {
          if (toHex(v.objectId) === key) continue;
          if (await this.#expected(v.objectId, v.zoneId, now)) continue;
          await store.deleteObject(v.objectId, "quarantine_evicted", now);
          evicted++;
          if (!(await c.isOver())) break;
        }
      }
      if (await c.isOver()) {
        throw new FcpError("FCP-6002", "quarantine quota exceeded; symbols not stored");
      }
    }
    return evicted;
  }

  /**
   * Promote quarantined objects that are eligible (spec §8.4.1 stage 3: reachable from a pin,
   * zone root or request through verified objects, explicitly requested, or pinned) and hold at
   * least `k` symbols, after `verify` says they are valid (stage 4). Failed ones are deleted
   * with a `verify_failed` tombstone held `tombstoneSecs`. Repeats until no more promotions,
   * since a promoted object's refs can make more objects reachable. Promoted objects lose
   * their expiry and their request marker.
   */
  promote(now: number, verify: VerifyObject): Promise<PromoteReport> {
    return this.#serial(async () => {
      const store = this.store;
      const promoted: ObjectId[] = [];
      const failed: ObjectId[] = [];
      const tried = new Set<string>();
      let waiting = 0;
      for (;;) {
        const reachable = await markReachable(store, now);
        const candidates = (await store.listObjects({ state: "quarantined" })).filter((o) =>
          reachable.has(toHex(o.objectId)) && !tried.has(toHex(o.objectId))
        );
        let progress = false;
        for (const obj of candidates) {
          const key = toHex(obj.objectId);
          tried.add(key);
          if (obj.symbolCount < obj.k) {
            waiting++;
            continue;
          }
          let outcome: VerifyOutcome;
          try {
            outcome = await verify(obj);
          } catch {
            outcome = "incomplete";
          }
          if (outcome === true || outcome === "valid") {
            await store.setState(obj.objectId, "complete", null);
            await store.unrequest(obj.objectId);
            promoted.push(obj.objectId);
            progress = true;
          } else if (outcome === false || outcome === "invalid") {
            await store.deleteObject(
              obj.objectId,
              "verify_failed",
              now,
              now + this.policy.tombstoneSecs,
            );
            failed.push(obj.objectId);
          } else {
            waiting++;
          }
        }
        if (!progress) break;
      }
      return { promoted, failed, waiting };
    });
  }

  /**
   * Drop quarantined objects whose `expiresAt <= now` (spec §8.4.1 TTL), except pinned ones.
   * The tombstone holds for `tombstoneSecs` so a flooding peer cannot resend at once.
   */
  expireQuarantine(now: number): Promise<ExpireReport> {
    return this.#serial(() => expireQuarantine(this.store, now, this.policy.tombstoneSecs));
  }
}

/**
 * Drop quarantined objects whose `expiresAt <= now`, except pinned ones, each with a
 * `quarantine_expired` tombstone held `tombstoneSecs` seconds.
 *
 * @example
 * ```ts
 * import { expireQuarantine } from "./admission.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * const store = new MemorySymbolStore();
 * assert.deepEqual(await expireQuarantine(store, 100, 60), { deleted: 0, bytesFreed: 0 });
 * ```
 */
export async function expireQuarantine(
  store: SymbolStore,
  now: number,
  tombstoneSecs: number,
): Promise<ExpireReport> {
  let deleted = 0;
  let bytesFreed = 0;
  for (const o of await store.listObjects({ state: "quarantined" })) {
    if (o.expiresAt === undefined || o.expiresAt > now) continue;
    if (await store.isPinned(o.objectId)) continue;
    bytesFreed += await store.deleteObject(
      o.objectId,
      "quarantine_expired",
      now,
      now + tombstoneSecs,
    );
    deleted++;
  }
  return { deleted, bytesFreed };
}

/**
 * The ObjectIds of a zone that may be announced to peers (gossip filters, IBLT): complete
 * objects only. Quarantined objects are never announced (spec §8.4.1 stage 2).
 *
 * @example
 * ```ts
 * import { announceable } from "./admission.ts";
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(await announceable(new MemorySymbolStore(), "z:work"), []);
 * ```
 */
export async function announceable(store: SymbolStore, zone: ZoneId | string): Promise<ObjectId[]> {
  return (await store.listObjects({ zone, state: "complete" })).map((o) => o.objectId);
}
