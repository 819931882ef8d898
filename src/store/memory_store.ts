/**
 * An in-memory {@link SymbolStore}: the same contract as the SQLite store, nothing persisted.
 * For tests, examples and ephemeral nodes.
 *
 * @module
 */
import { FcpError, toHex } from "../core/mod.ts";
import type { ObjectId, ZoneId } from "../model/mod.ts";
import type {
  GetSymbolsOptions,
  ListObjectsOptions,
  ObjectRecord,
  ObjectRequest,
  ObjectState,
  ObjectWithSymbols,
  Pin,
  PutResult,
  StoredObject,
  StoreStats,
  SymbolRecord,
  SymbolStore,
  Tombstone,
  TombstoneReason,
  UsageCounters,
  ZoneRoot,
} from "./types.ts";
import {
  checkId,
  checkReason,
  checkRecord,
  checkRootName,
  checkSymbols,
  checkTime,
  checkZone,
  freezeUsage,
  type MutableUsage,
} from "./_validate.ts";
import {
  addUsage,
  applyUsage,
  chargedBytes,
  copyStored,
  emptyUsage,
  evictionOrder,
} from "./_records.ts";

interface Entry {
  record: StoredObject;
  symbols: Map<number, SymbolRecord>;
}

function copySymbol(s: SymbolRecord): SymbolRecord {
  return { esi: s.esi, frameSeq: s.frameSeq, data: s.data.slice(), tag: s.tag.slice() };
}

/**
 * A {@link SymbolStore} held in maps. Bytes are copied in and out, so callers can reuse buffers.
 *
 * @example
 * ```ts
 * import { MemorySymbolStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemorySymbolStore();
 * const objectId = new Uint8Array(32).fill(7);
 * await store.putObject({
 *   objectId, zoneId: "z:work", state: "complete", role: "object",
 *   transferLength: 3, symbolSize: 8, k: 1, refs: [], createdAt: 1_700_000_000,
 *   seal: {
 *     algorithm: "chacha20poly1305", zoneKeyId: new Uint8Array(8), epochId: 1n,
 *     senderNodeId: "node-a", senderInstanceId: 1n,
 *   },
 * }, [{ esi: 0, frameSeq: 1n, data: new Uint8Array(8), tag: new Uint8Array(16) }]);
 * assert.equal((await store.getObject(objectId))?.symbolCount, 1);
 * assert.equal((await store.stats()).byZone["z:work"]?.bytes, 24);
 * ```
 */
export class MemorySymbolStore implements SymbolStore {
  /** Implementation name. */
  readonly kind = "memory";
  #objects = new Map<string, Entry>();
  #tombstones = new Map<string, Tombstone>();
  #pins = new Map<string, Pin>();
  #roots = new Map<string, ZoneRoot>();
  #requests = new Map<string, ObjectRequest>();
  #zones = new Map<string, MutableUsage>();
  #peers = new Map<string, MutableUsage>();
  #closed = false;

  #open(): void {
    if (this.#closed) throw new FcpError("FCP-9002", "symbol store is closed");
  }

  #charge(r: ObjectRecord, state: ObjectState, objects: number, symbols: number, bytes: number) {
    let z = this.#zones.get(r.zoneId);
    if (!z) this.#zones.set(r.zoneId, z = emptyUsage());
    applyUsage(z, state, objects, symbols, bytes);
    if (z.objects === 0) this.#zones.delete(r.zoneId);
    if (r.sourcePeer !== undefined) {
      let p = this.#peers.get(r.sourcePeer);
      if (!p) this.#peers.set(r.sourcePeer, p = emptyUsage());
      applyUsage(p, state, objects, symbols, bytes);
      if (p.objects === 0) this.#peers.delete(r.sourcePeer);
    }
  }

  #remove(key: string): number {
    const e = this.#objects.get(key);
    if (!e) return 0;
    const r = e.record;
    this.#charge(r, r.state, -1, -r.symbolCount, -r.bytes);
    this.#objects.delete(key);
    return r.bytes;
  }

  #put(item: ObjectWithSymbols): PutResult {
    const key = toHex(item.record.objectId);
    const existing = this.#objects.get(key);
    if (existing?.record.state === "complete") return { created: false, symbols: 0 };
    if (existing) this.#remove(key);
    const r = item.record;
    const symbols = new Map<number, SymbolRecord>();
    for (const s of item.symbols) if (!symbols.has(s.esi)) symbols.set(s.esi, copySymbol(s));
    const bytes = chargedBytes(symbols.size, r.symbolSize);
    const record = copyStored({ ...r, symbolCount: symbols.size, bytes });
    this.#objects.set(key, { record, symbols });
    this.#charge(record, record.state, 1, symbols.size, bytes);
    this.#tombstones.delete(key);
    return { created: true, symbols: symbols.size };
  }

  /** See {@link SymbolStore.putObject}. */
  putObject(record: ObjectRecord, symbols: readonly SymbolRecord[]): Promise<PutResult> {
    return this.putObjects([{ record, symbols }]).then((r) => r[0]!);
  }

  /** See {@link SymbolStore.putObjects}. */
  putObjects(items: readonly ObjectWithSymbols[]): Promise<PutResult[]> {
    return run(() => {
      this.#open();
      for (const it of items) {
        checkRecord(it.record);
        checkSymbols(it.symbols, it.record.symbolSize);
      }
      return items.map((it) => this.#put(it));
    });
  }

  /** See {@link SymbolStore.addSymbols}. */
  addSymbols(id: ObjectId, symbols: readonly SymbolRecord[]): Promise<number> {
    return run(() => {
      this.#open();
      checkId(id);
      const e = this.#objects.get(toHex(id));
      if (!e) throw new FcpError("FCP-6001", "no such object in the store");
      checkSymbols(symbols, e.record.symbolSize);
      let added = 0;
      for (const s of symbols) {
        if (e.symbols.has(s.esi)) continue;
        e.symbols.set(s.esi, copySymbol(s));
        added++;
      }
      if (added > 0) {
        const bytes = chargedBytes(added, e.record.symbolSize);
        e.record = {
          ...e.record,
          symbolCount: e.record.symbolCount + added,
          bytes: e.record.bytes + bytes,
        };
        this.#charge(e.record, e.record.state, 0, added, bytes);
      }
      return added;
    });
  }

  /** See {@link SymbolStore.getObject}. */
  getObject(id: ObjectId): Promise<StoredObject | undefined> {
    return run(() => {
      this.#open();
      checkId(id);
      const e = this.#objects.get(toHex(id));
      return e ? copyStored(e.record) : undefined;
    });
  }

  /** See {@link SymbolStore.getSymbols}. */
  getSymbols(id: ObjectId, opts: GetSymbolsOptions = {}): Promise<SymbolRecord[]> {
    return run(() => {
      this.#open();
      checkId(id);
      const e = this.#objects.get(toHex(id));
      if (!e) return [];
      const esis = opts.esis !== undefined
        ? [...new Set(opts.esis)].filter((x) => e.symbols.has(x))
        : [...e.symbols.keys()];
      esis.sort((a, b) => a - b);
      const limit = opts.limit ?? Infinity;
      return esis.slice(0, limit).map((x) => copySymbol(e.symbols.get(x)!));
    });
  }

  /** See {@link SymbolStore.listEsis}. */
  listEsis(id: ObjectId): Promise<number[]> {
    return run(() => {
      this.#open();
      checkId(id);
      const e = this.#objects.get(toHex(id));
      return e ? [...e.symbols.keys()].sort((a, b) => a - b) : [];
    });
  }

  /** See {@link SymbolStore.setState}. */
  setState(id: ObjectId, state: ObjectState, expiresAt?: number | null): Promise<void> {
    return run(() => {
      this.#open();
      checkId(id);
      if (state !== "complete" && state !== "quarantined") {
        throw new FcpError("FCP-1040", "state must be complete|quarantined");
      }
      if (typeof expiresAt === "number") checkTime(expiresAt, "expiresAt");
      const e = this.#objects.get(toHex(id));
      if (!e) throw new FcpError("FCP-6001", "no such object in the store");
      const r = e.record;
      this.#charge(r, r.state, -1, -r.symbolCount, -r.bytes);
      const { expiresAt: oldExpiry, ...rest } = r;
      const expiry = expiresAt === undefined ? oldExpiry : expiresAt ?? undefined;
      e.record = { ...rest, state, ...(expiry !== undefined ? { expiresAt: expiry } : {}) };
      this.#charge(e.record, state, 1, r.symbolCount, r.bytes);
    });
  }

  /** See {@link SymbolStore.deleteObject}. */
  deleteObject(id: ObjectId, reason: TombstoneReason, now: number, until = now): Promise<number> {
    return run(() => {
      this.#open();
      checkId(id);
      checkReason(reason);
      checkTime(now, "now");
      checkTime(until, "until");
      const key = toHex(id);
      const e = this.#objects.get(key);
      if (!e) return 0;
      const zoneId = e.record.zoneId;
      const freed = this.#remove(key);
      this.#tombstones.set(key, { objectId: id.slice(), zoneId, reason, deletedAt: now, until });
      return freed;
    });
  }

  /** See {@link SymbolStore.getTombstone}. */
  getTombstone(id: ObjectId): Promise<Tombstone | undefined> {
    return run(() => {
      this.#open();
      checkId(id);
      const t = this.#tombstones.get(toHex(id));
      return t ? { ...t, objectId: t.objectId.slice() } : undefined;
    });
  }

  /** See {@link SymbolStore.isTombstoned}. */
  isTombstoned(id: ObjectId, now: number): Promise<boolean> {
    return run(() => {
      this.#open();
      checkId(id);
      const t = this.#tombstones.get(toHex(id));
      return t !== undefined && now < t.until;
    });
  }

  /** See {@link SymbolStore.purgeTombstones}. */
  purgeTombstones(now: number): Promise<number> {
    return run(() => {
      this.#open();
      let n = 0;
      for (const [k, t] of this.#tombstones) {
        if (t.until <= now) {
          this.#tombstones.delete(k);
          n++;
        }
      }
      return n;
    });
  }

  /** See {@link SymbolStore.pin}. */
  pin(id: ObjectId, zone: ZoneId | string, now: number): Promise<void> {
    return run(() => {
      this.#open();
      checkId(id);
      const zoneId = checkZone(zone);
      checkTime(now, "now");
      this.#pins.set(toHex(id), { objectId: id.slice(), zoneId, pinnedAt: now });
    });
  }

  /** See {@link SymbolStore.unpin}. */
  unpin(id: ObjectId): Promise<boolean> {
    return run(() => {
      this.#open();
      checkId(id);
      return this.#pins.delete(toHex(id));
    });
  }

  /** See {@link SymbolStore.isPinned}. */
  isPinned(id: ObjectId): Promise<boolean> {
    return run(() => {
      this.#open();
      checkId(id);
      return this.#pins.has(toHex(id));
    });
  }

  /** See {@link SymbolStore.listPins}. */
  listPins(zone?: ZoneId | string): Promise<Pin[]> {
    return run(() => {
      this.#open();
      const z = zone === undefined ? undefined : checkZone(zone);
      return [...this.#pins.entries()]
        .filter(([, p]) => z === undefined || p.zoneId === z)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, p]) => ({ ...p, objectId: p.objectId.slice() }));
    });
  }

  /** See {@link SymbolStore.setZoneRoot}. */
  setZoneRoot(zone: ZoneId | string, name: string, id: ObjectId): Promise<void> {
    return run(() => {
      this.#open();
      const zoneId = checkZone(zone);
      checkRootName(name);
      checkId(id);
      this.#roots.set(`${zoneId}\u0000${name}`, { zoneId, name, objectId: id.slice() });
    });
  }

  /** See {@link SymbolStore.removeZoneRoot}. */
  removeZoneRoot(zone: ZoneId | string, name: string): Promise<boolean> {
    return run(() => {
      this.#open();
      const zoneId = checkZone(zone);
      checkRootName(name);
      return this.#roots.delete(`${zoneId}\u0000${name}`);
    });
  }

  /** See {@link SymbolStore.listZoneRoots}. */
  listZoneRoots(zone?: ZoneId | string): Promise<ZoneRoot[]> {
    return run(() => {
      this.#open();
      const z = zone === undefined ? undefined : checkZone(zone);
      return [...this.#roots.entries()]
        .filter(([, r]) => z === undefined || r.zoneId === z)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, r]) => ({ ...r, objectId: r.objectId.slice() }));
    });
  }

  /** See {@link SymbolStore.request}. */
  request(id: ObjectId, zone: ZoneId | string, until: number): Promise<void> {
    return run(() => {
      this.#open();
      checkId(id);
      const zoneId = checkZone(zone);
      checkTime(until, "until");
      this.#requests.set(toHex(id), { objectId: id.slice(), zoneId, until });
    });
  }

  /** See {@link SymbolStore.unrequest}. */
  unrequest(id: ObjectId): Promise<boolean> {
    return run(() => {
      this.#open();
      checkId(id);
      return this.#requests.delete(toHex(id));
    });
  }

  /** See {@link SymbolStore.listRequests}. */
  listRequests(now: number, zone?: ZoneId | string): Promise<ObjectRequest[]> {
    return run(() => {
      this.#open();
      const z = zone === undefined ? undefined : checkZone(zone);
      return [...this.#requests.entries()]
        .filter(([, r]) => r.until > now && (z === undefined || r.zoneId === z))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, r]) => ({ ...r, objectId: r.objectId.slice() }));
    });
  }

  /** See {@link SymbolStore.purgeRequests}. */
  purgeRequests(now: number): Promise<number> {
    return run(() => {
      this.#open();
      let n = 0;
      for (const [k, r] of this.#requests) {
        if (r.until <= now) {
          this.#requests.delete(k);
          n++;
        }
      }
      return n;
    });
  }

  /** See {@link SymbolStore.listObjects}. */
  listObjects(opts: ListObjectsOptions = {}): Promise<StoredObject[]> {
    return run(() => {
      this.#open();
      const z = opts.zone === undefined ? undefined : checkZone(opts.zone);
      return [...this.#objects.entries()]
        .filter(([, e]) =>
          (z === undefined || e.record.zoneId === z) &&
          (opts.state === undefined || e.record.state === opts.state) &&
          (opts.sourcePeer === undefined || e.record.sourcePeer === opts.sourcePeer)
        )
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, e]) => copyStored(e.record));
    });
  }

  /** See {@link SymbolStore.listQuarantined}. */
  listQuarantined(by: { zone?: ZoneId | string; sourcePeer?: string }): Promise<StoredObject[]> {
    return run(() => {
      this.#open();
      const z = by.zone === undefined ? undefined : checkZone(by.zone);
      return [...this.#objects.entries()]
        .filter(([, e]) =>
          e.record.state === "quarantined" &&
          (z === undefined || e.record.zoneId === z) &&
          (by.sourcePeer === undefined || e.record.sourcePeer === by.sourcePeer)
        )
        .sort(([ka, a], [kb, b]) => evictionOrder(a.record, b.record, ka, kb))
        .map(([, e]) => copyStored(e.record));
    });
  }

  /** See {@link SymbolStore.zoneUsage}. */
  zoneUsage(zone: ZoneId | string): Promise<UsageCounters> {
    return run(() => {
      this.#open();
      return freezeUsage(this.#zones.get(checkZone(zone)) ?? emptyUsage());
    });
  }

  /** See {@link SymbolStore.peerUsage}. */
  peerUsage(peer: string): Promise<UsageCounters> {
    return run(() => {
      this.#open();
      return freezeUsage(this.#peers.get(peer) ?? emptyUsage());
    });
  }

  /** See {@link SymbolStore.stats}. */
  stats(): Promise<StoreStats> {
    return run(() => {
      this.#open();
      const total = emptyUsage();
      const byZone: Record<string, UsageCounters> = {};
      const byPeer: Record<string, UsageCounters> = {};
      for (const [z, u] of [...this.#zones].sort(([a], [b]) => (a < b ? -1 : 1))) {
        byZone[z] = freezeUsage(u);
        addUsage(total, u);
      }
      for (const [p, u] of [...this.#peers].sort(([a], [b]) => (a < b ? -1 : 1))) {
        byPeer[p] = freezeUsage(u);
      }
      return { objects: total.objects, symbols: total.symbols, bytes: total.bytes, byZone, byPeer };
    });
  }

  /** See {@link SymbolStore.close}. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

/** Run synchronously, turning a throw into a rejected promise (one place for the async shape). */
function run<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}
