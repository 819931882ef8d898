/**
 * The symbol store contract: records, options and the {@link SymbolStore} interface that every
 * store implementation satisfies (issue 4 §3; spec §8.4.1).
 *
 * @module
 */
import type { AeadAlgorithm } from "../crypto/mod.ts";
import type { ObjectId, ZoneId } from "../model/mod.ts";

/**
 * Admission class of a stored object (spec §8.4.1): `complete` objects are admitted (verified
 * or put locally) and may be announced; `quarantined` ones are bounded, never announced, and
 * wait for promotion or expiry.
 */
export type ObjectState = "complete" | "quarantined";

/** What a stored object is: a whole object, or one chunk of a chunked object (WIRE.md §12). */
export type ObjectRole = "object" | "chunk";

/**
 * Why an object was deleted, kept in its tombstone. The store accepts any short text; these
 * are the reasons admission and GC use.
 */
export type TombstoneReason =
  | "unreachable"
  | "quarantine_expired"
  | "quarantine_evicted"
  | "verify_failed"
  | "user"
  | (string & { readonly __reason?: never });

/**
 * What is needed to open the object's stored symbols later (WIRE.md §8): the zone AEAD, the
 * zone key and epoch the symbols were sealed under, and the sender whose subkey sealed them.
 */
export interface SealParams {
  /** The zone's AEAD algorithm. */
  readonly algorithm: AeadAlgorithm;
  /** The zone key id (8 bytes). */
  readonly zoneKeyId: Uint8Array;
  /** The key epoch id (u64). */
  readonly epochId: bigint;
  /** The sending node's id (input of the sender subkey). */
  readonly senderNodeId: string;
  /** The sending node's instance id (u64; input of the sender subkey and the XChaCha nonce). */
  readonly senderInstanceId: bigint;
}

/** The metadata of one stored object. */
export interface ObjectRecord {
  /** The 32-byte ObjectId. */
  readonly objectId: ObjectId;
  /** The zone the object belongs to. */
  readonly zoneId: ZoneId;
  /** Admission class. */
  readonly state: ObjectState;
  /** Whole object or chunk. */
  readonly role: ObjectRole;
  /** The 32-byte SchemaHash, when known. */
  readonly schemaHash?: Uint8Array;
  /** The object's length in bytes (RaptorQ transfer length F). */
  readonly transferLength: number;
  /** Symbol size T in bytes; every stored symbol's ciphertext is exactly this long. */
  readonly symbolSize: number;
  /** Source symbol count K (0..65535; it is a u16 in the symbol AAD, WIRE.md §8). */
  readonly k: number;
  /** How the stored symbols were sealed. */
  readonly seal: SealParams;
  /**
   * Same-zone GC edges (e.g. a chunk manifest's chunk ids), in the caller's order. Refs to
   * objects of other zones are kept but never followed.
   */
  readonly refs: readonly ObjectId[];
  /** The peer the symbols came from; absent for local puts. Drives per-peer accounting. */
  readonly sourcePeer?: string;
  /** When the object was first stored (Unix seconds). */
  readonly createdAt: number;
  /** When a quarantined object expires (Unix seconds); absent means no expiry. */
  readonly expiresAt?: number;
}

/** One stored symbol: the sealed record of WIRE.md §9 minus what the object record holds. */
export interface SymbolRecord {
  /** Encoding symbol id (0..2^24−1: one source block, RFC 6330 §3.2). */
  readonly esi: number;
  /** The FCPS frame sequence number it was sealed with (u64; part of the nonce). */
  readonly frameSeq: bigint;
  /** The ciphertext, exactly `symbolSize` bytes. */
  readonly data: Uint8Array;
  /** The 16-byte Poly1305 tag. */
  readonly tag: Uint8Array;
}

/** An object record as stored, with its symbol accounting. */
export interface StoredObject extends ObjectRecord {
  /** Number of distinct symbols stored. */
  readonly symbolCount: number;
  /** Bytes charged to the object: `symbolCount × (symbolSize + 16)`. */
  readonly bytes: number;
}

/** One object to store with {@link SymbolStore.putObjects}. */
export interface ObjectWithSymbols {
  /** The object's record. */
  readonly record: ObjectRecord;
  /** Its symbols (duplicate ESIs: the first one wins). */
  readonly symbols: readonly SymbolRecord[];
}

/** What {@link SymbolStore.putObject} did. */
export interface PutResult {
  /** True when the object was written; false when a complete copy was already stored. */
  readonly created: boolean;
  /** Symbols written. */
  readonly symbols: number;
}

/** Which symbols {@link SymbolStore.getSymbols} returns. */
export interface GetSymbolsOptions {
  /** Only these ESIs (missing ones are skipped). */
  readonly esis?: readonly number[];
  /** At most this many symbols. */
  readonly limit?: number;
}

/** Filter for {@link SymbolStore.listObjects}. */
export interface ListObjectsOptions {
  /** Only this zone. */
  readonly zone?: ZoneId | string;
  /** Only this admission class. */
  readonly state?: ObjectState;
  /** Only objects from this peer. */
  readonly sourcePeer?: string;
}

/** A tombstone: a deleted object that must not be re-admitted before `until`. */
export interface Tombstone {
  /** The deleted object. */
  readonly objectId: ObjectId;
  /** Its zone. */
  readonly zoneId: ZoneId;
  /** Why it was deleted. */
  readonly reason: TombstoneReason;
  /** When (Unix seconds). */
  readonly deletedAt: number;
  /** Re-admission is refused while `now < until` (Unix seconds). */
  readonly until: number;
}

/** A local pin (spec §8.4.1: "explicitly pinned locally by user action/policy"). */
export interface Pin {
  /** The pinned object (it need not be stored yet). */
  readonly objectId: ObjectId;
  /** Its zone. */
  readonly zoneId: ZoneId;
  /** When it was pinned (Unix seconds). */
  readonly pinnedAt: number;
}

/** A named GC root of a zone, e.g. its `checkpoint` head (spec §8.4.1 "pinned ZoneCheckpoint"). */
export interface ZoneRoot {
  /** The zone. */
  readonly zoneId: ZoneId;
  /** The root's name within the zone (a canonical identifier such as `checkpoint`). */
  readonly name: string;
  /** The object it points at. */
  readonly objectId: ObjectId;
}

/** An explicit request for an object (spec §8.4.1 promotion rule 2), valid until `until`. */
export interface ObjectRequest {
  /** The requested object. */
  readonly objectId: ObjectId;
  /** Its zone. */
  readonly zoneId: ZoneId;
  /** The request lapses at this time (Unix seconds). */
  readonly until: number;
}

/** Usage of one zone or one peer. `objects` and `bytes` include the quarantined ones. */
export interface UsageCounters {
  /** Stored objects. */
  readonly objects: number;
  /** Stored symbols. */
  readonly symbols: number;
  /** Bytes charged (see {@link StoredObject.bytes}). */
  readonly bytes: number;
  /** Quarantined objects among `objects`. */
  readonly quarantinedObjects: number;
  /** Bytes of the quarantined objects. */
  readonly quarantinedBytes: number;
}

/** What {@link SymbolStore.stats} reports. */
export interface StoreStats {
  /** Stored objects. */
  readonly objects: number;
  /** Stored symbols. */
  readonly symbols: number;
  /** Bytes charged. */
  readonly bytes: number;
  /** Per zone. */
  readonly byZone: Readonly<Record<string, UsageCounters>>;
  /** Per source peer (local objects are not listed). */
  readonly byPeer: Readonly<Record<string, UsageCounters>>;
}

/**
 * The embedded symbol store (issue 4 §3). Every method is atomic: a write either fully
 * happens or not at all, and a `putObject` that resolved is durable (for the SQLite store,
 * across process kills). Bytes handed in and out are copies or never mutated by the store.
 *
 * Argument errors throw `FcpError` `FCP-1040` (bad lengths, ESIs, ids), `FCP-4001` (bad zone
 * id), `FCP-6001` (unknown object where one is required); storage failures throw `FCP-9002`.
 */
export interface SymbolStore {
  /** A short implementation name (`sqlite`, `memory`). */
  readonly kind: string;
  /**
   * Store one object and all its symbols in one transaction; only after it resolves is the
   * object acknowledged. An already complete object is left alone (`created: false`); an
   * absent or quarantined one is replaced. A put clears the object's tombstone.
   */
  putObject(record: ObjectRecord, symbols: readonly SymbolRecord[]): Promise<PutResult>;
  /** {@link putObject} for several objects (e.g. chunks and their manifest) in ONE transaction. */
  putObjects(items: readonly ObjectWithSymbols[]): Promise<PutResult[]>;
  /**
   * Add symbols to a stored object, ignoring ESIs already stored and duplicates in `symbols`.
   * Returns how many were inserted. Throws `FCP-6001` for an unknown object.
   */
  addSymbols(id: ObjectId, symbols: readonly SymbolRecord[]): Promise<number>;
  /** The object's record, or `undefined`. */
  getObject(id: ObjectId): Promise<StoredObject | undefined>;
  /** The object's symbols in ascending ESI order (empty for an unknown object). */
  getSymbols(id: ObjectId, opts?: GetSymbolsOptions): Promise<SymbolRecord[]>;
  /** The ESIs stored for the object, ascending. */
  listEsis(id: ObjectId): Promise<number[]>;
  /**
   * Change the admission class; `expiresAt` replaces the expiry (`null` clears it).
   * Throws `FCP-6001` for an unknown object.
   */
  setState(id: ObjectId, state: ObjectState, expiresAt?: number | null): Promise<void>;
  /**
   * Delete the object and its symbols and write a tombstone that refuses re-admission until
   * `until` (default `now`, i.e. no hold), both in one transaction. Returns the bytes freed;
   * an object that is not stored is left alone (0, no tombstone).
   */
  deleteObject(
    id: ObjectId,
    reason: TombstoneReason,
    now: number,
    until?: number,
  ): Promise<number>;
  /** The object's tombstone, if any (expired ones included until purged). */
  getTombstone(id: ObjectId): Promise<Tombstone | undefined>;
  /** True when a tombstone holds the object at `now`. */
  isTombstoned(id: ObjectId, now: number): Promise<boolean>;
  /** Drop tombstones whose hold ended (`until <= now`); returns how many. */
  purgeTombstones(now: number): Promise<number>;
  /** Pin an object (it need not be stored yet). */
  pin(id: ObjectId, zone: ZoneId | string, now: number): Promise<void>;
  /** Remove a pin; returns whether one existed. */
  unpin(id: ObjectId): Promise<boolean>;
  /** True when the object is pinned. */
  isPinned(id: ObjectId): Promise<boolean>;
  /** Pins, optionally of one zone, ordered by object id. */
  listPins(zone?: ZoneId | string): Promise<Pin[]>;
  /** Set (or replace) the zone root `name`. */
  setZoneRoot(zone: ZoneId | string, name: string, id: ObjectId): Promise<void>;
  /** Remove the zone root `name`; returns whether one existed. */
  removeZoneRoot(zone: ZoneId | string, name: string): Promise<boolean>;
  /** Zone roots, optionally of one zone, ordered by zone then name. */
  listZoneRoots(zone?: ZoneId | string): Promise<ZoneRoot[]>;
  /** Record an explicit request for an object, valid until `until` (replaces an older one). */
  request(id: ObjectId, zone: ZoneId | string, until: number): Promise<void>;
  /** Remove a request; returns whether one existed. */
  unrequest(id: ObjectId): Promise<boolean>;
  /** Requests still valid at `now` (`until > now`), optionally of one zone. */
  listRequests(now: number, zone?: ZoneId | string): Promise<ObjectRequest[]>;
  /** Drop requests that lapsed (`until <= now`); returns how many. */
  purgeRequests(now: number): Promise<number>;
  /** Object records matching the filter, ordered by object id. */
  listObjects(opts?: ListObjectsOptions): Promise<StoredObject[]>;
  /**
   * Quarantined objects of a zone (or from a peer) oldest first (by `createdAt`, then largest
   * first): the eviction order of spec §8.4.1.
   */
  listQuarantined(by: { zone?: ZoneId | string; sourcePeer?: string }): Promise<StoredObject[]>;
  /** Usage of one zone. */
  zoneUsage(zone: ZoneId | string): Promise<UsageCounters>;
  /** Usage of one peer. */
  peerUsage(peer: string): Promise<UsageCounters>;
  /** Totals plus per-zone and per-peer usage. */
  stats(): Promise<StoreStats>;
  /** Release resources; the store is unusable afterwards. Idempotent. */
  close(): Promise<void>;
}

/** Bytes a symbol is charged beyond its ciphertext: the 16-byte tag. */
export const SYMBOL_TAG_BYTES = 16;

/** Largest ESI the store accepts: one RaptorQ source block has 24-bit ESIs (RFC 6330 §3.2). */
export const MAX_STORE_ESI = 0xffffff;

/** Usage counters of nothing. */
export const ZERO_USAGE: UsageCounters = Object.freeze({
  objects: 0,
  symbols: 0,
  bytes: 0,
  quarantinedObjects: 0,
  quarantinedBytes: 0,
});
