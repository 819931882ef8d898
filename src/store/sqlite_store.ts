/**
 * The default {@link SymbolStore}: embedded SQLite through Deno's built-in `node:sqlite`, in WAL
 * mode (issue 4 §3). Schema and layout: `sqlite_schema.ts`.
 *
 * Durability: `synchronous=FULL` by default, so a `putObject` that resolved survives a process
 * kill AND a power loss (the WAL is fsynced at every commit; ~2–3 ms per commit here). With
 * `synchronous: "normal"` a commit survives process kills but the last ones may roll back on
 * power loss; the database stays consistent either way. A write is one `BEGIN IMMEDIATE`
 * transaction, so a reader never sees half an object.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { concatBytes, FcpError, isFcpError } from "../core/mod.ts";
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
import { addUsage, chargedBytes, emptyUsage } from "./_records.ts";
import {
  SQLITE_APPLICATION_ID,
  SQLITE_MIGRATIONS,
  SQLITE_PAGE_SIZE,
  type SqliteMigration,
} from "./sqlite_schema.ts";

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** `full` (default): durable across power loss; `normal`: durable across process kills. */
  synchronous?: "full" | "normal";
  /** How long to wait for another process's write lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** The migration list (default {@link SQLITE_MIGRATIONS}); tests append to it. */
  migrations?: readonly SqliteMigration[];
}

/**
 * Where the store lives under a node home: `FCP_HOME/store/symbols.db`.
 *
 * @example
 * ```ts
 * import { defaultStorePath } from "./sqlite_store.ts";
 * import assert from "node:assert/strict";
 * assert.match(defaultStorePath("/srv/fcp"), /^\/srv\/fcp.store.symbols\.db$/);
 * ```
 */
export function defaultStorePath(home: string): string {
  return join(home, "store", "symbols.db");
}

const ESI_SPAN = 2 ** 24;
const MAX_SEQ = 2 ** 29 - 1; // seq · 2^24 + esi stays a safe integer
const SCOPE_ZONE = 0;
const SCOPE_PEER = 1;

const toI64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const toU64 = (v: bigint | number): bigint => BigInt.asUintN(64, BigInt(v));

/** Wrap a non-FcpError thrown by SQLite as `FCP-9002`. */
function storageError(e: unknown, what: string): FcpError {
  if (isFcpError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new FcpError("FCP-9002", `symbol store ${what} failed: ${msg}`, { cause: e });
}

type Row = Record<string, unknown>;

/**
 * Open (creating if needed, with its parent directory) the SQLite symbol store at `path`, and
 * bring its schema up to date. Throws `FCP-9002` when the file cannot be opened, is not an fcp
 * store, or was written by a newer fcp.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite_store.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const store = openSqliteStore(`${dir}/store/symbols.db`);
 * const id = new Uint8Array(32).fill(1);
 * await store.pin(id, "z:work", 1_700_000_000);
 * assert.ok(await store.isPinned(id));
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): SqliteSymbolStore {
  return new SqliteSymbolStore(path, opts);
}

/**
 * The SQLite {@link SymbolStore}. Use {@link openSqliteStore}. One instance per process and
 * file is the intended use; other processes may open the same file (WAL, busy timeout).
 *
 * @example
 * ```ts
 * import { SqliteSymbolStore } from "./sqlite_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new SqliteSymbolStore(":memory:");
 * assert.equal(store.kind, "sqlite");
 * assert.equal(store.schemaVersion, 1);
 * assert.equal((await store.stats()).objects, 0);
 * await store.close();
 * ```
 */
export class SqliteSymbolStore implements SymbolStore {
  /** Implementation name. */
  readonly kind = "sqlite";
  /** The schema version after opening. */
  readonly schemaVersion: number;
  /** The durability level in effect, read back from SQLite (`PRAGMA synchronous`). */
  readonly synchronous: "full" | "normal";
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();
  #closed = false;

  /**
   * @param path The database file (`:memory:` for a throwaway store).
   * @param opts Durability, busy timeout, migrations.
   */
  constructor(path: string, opts: SqliteStoreOptions = {}) {
    const migrations = opts.migrations ?? SQLITE_MIGRATIONS;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.#db = new DatabaseSync(path);
    } catch (e) {
      throw storageError(e, "open");
    }
    try {
      const db = this.#db;
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      const appId = Number((db.prepare("PRAGMA application_id").get() as Row).application_id);
      const fresh = this.#tableCount() === 0;
      if (!fresh && appId !== SQLITE_APPLICATION_ID) {
        throw new FcpError("FCP-9002", "the file is not an fcp symbol store");
      }
      if (fresh) db.exec(`PRAGMA page_size = ${SQLITE_PAGE_SIZE}`);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec(`PRAGMA synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
      const sync = Number((db.prepare("PRAGMA synchronous").get() as Row).synchronous);
      this.synchronous = sync >= 2 ? "full" : "normal";
      this.schemaVersion = this.#migrate(migrations);
    } catch (e) {
      this.#db.close();
      throw storageError(e, "open");
    }
  }

  #tableCount(): number {
    const row = this.#db.prepare("SELECT count(*) AS n FROM sqlite_schema").get() as Row;
    return Number(row.n);
  }

  #migrate(migrations: readonly SqliteMigration[]): number {
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
      );
      db.exec(`PRAGMA application_id = ${SQLITE_APPLICATION_ID}`);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
        | Row
        | undefined;
      let version = row === undefined ? 0 : Number(row.value);
      if (version > migrations.length) {
        throw new FcpError(
          "FCP-9002",
          `symbol store schema version ${version} is newer than this fcp (${migrations.length})`,
        );
      }
      for (; version < migrations.length; version++) migrations[version]!(db);
      db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)").run(
        version,
      );
      db.exec("COMMIT");
      return version;
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw e;
    }
  }

  /** A cached prepared statement. */
  #st(sql: string, bigints = false, arrays = false): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      if (bigints) s.setReadBigInts(true);
      // Rows as arrays: fewer allocations on the symbol paths. Present in Deno's node:sqlite
      // but missing from its type declarations.
      if (arrays) (s as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** Run `f` in one write transaction (`BEGIN IMMEDIATE` … `COMMIT`), rolling back on error. */
  #write<T>(what: string, f: () => T): Promise<T> {
    try {
      this.#open();
      const db = this.#db;
      db.exec("BEGIN IMMEDIATE");
      try {
        const out = f();
        db.exec("COMMIT");
        return Promise.resolve(out);
      } catch (e) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw e;
      }
    } catch (e) {
      return Promise.reject(storageError(e, what));
    }
  }

  /** Run a read. */
  #read<T>(what: string, f: () => T): Promise<T> {
    try {
      this.#open();
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(storageError(e, what));
    }
  }

  #open(): void {
    if (this.#closed) throw new FcpError("FCP-9002", "symbol store is closed");
  }

  #charge(
    zone: string,
    peer: string | null,
    state: ObjectState,
    objects: number,
    symbols: number,
    bytes: number,
  ): void {
    const q = state === "quarantined";
    const up = this.#st(
      `INSERT INTO usage(scope, name, objects, symbols, bytes, q_objects, q_bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(scope, name) DO UPDATE SET objects = objects + excluded.objects,
         symbols = symbols + excluded.symbols, bytes = bytes + excluded.bytes,
         q_objects = q_objects + excluded.q_objects, q_bytes = q_bytes + excluded.q_bytes`,
    );
    const drop = this.#st("DELETE FROM usage WHERE scope = ? AND name = ? AND objects = 0");
    const qo = q ? objects : 0;
    const qb = q ? bytes : 0;
    up.run(SCOPE_ZONE, zone, objects, symbols, bytes, qo, qb);
    if (objects < 0) drop.run(SCOPE_ZONE, zone);
    if (peer !== null) {
      up.run(SCOPE_PEER, peer, objects, symbols, bytes, qo, qb);
      if (objects < 0) drop.run(SCOPE_PEER, peer);
    }
  }

  #row(id: ObjectId): Row | undefined {
    return this.#st("SELECT * FROM objects WHERE object_id = ?", true).get(id) as Row | undefined;
  }

  #removeRow(r: Row): number {
    const seq = Number(r.seq);
    this.#st("DELETE FROM symbols WHERE key BETWEEN ? AND ?").run(
      seq * ESI_SPAN,
      seq * ESI_SPAN + ESI_SPAN - 1,
    );
    this.#st("DELETE FROM objects WHERE object_id = ?").run(r.object_id as Uint8Array);
    const state: ObjectState = Number(r.state) === 1 ? "quarantined" : "complete";
    const bytes = Number(r.bytes);
    this.#charge(
      r.zone as string,
      (r.source_peer as string | null) ?? null,
      state,
      -1,
      -Number(r.symbol_count),
      -bytes,
    );
    return bytes;
  }

  #insertSymbols(seq: number, symbols: readonly SymbolRecord[]): number {
    const ins = this.#st(
      "INSERT OR IGNORE INTO symbols(key, frame_seq, data, tag) VALUES (?, ?, ?, ?)",
    );
    const base = seq * ESI_SPAN;
    let n = 0;
    for (const s of symbols) {
      n += Number(ins.run(base + s.esi, toI64(s.frameSeq), s.data, s.tag).changes);
    }
    return n;
  }

  #put(item: ObjectWithSymbols): PutResult {
    const r = item.record;
    const existing = this.#row(r.objectId);
    if (existing !== undefined && Number(existing.state) === 0) {
      return { created: false, symbols: 0 };
    }
    if (existing !== undefined) this.#removeRow(existing);
    const next = this.#st(
      "UPDATE meta SET value = value + 1 WHERE key = 'next_seq' RETURNING value",
    )
      .get() as Row;
    const seq = Number(next.value) - 1;
    if (seq > MAX_SEQ) throw new FcpError("FCP-6002", "symbol store object sequence exhausted");
    const count = this.#insertSymbols(seq, item.symbols);
    const bytes = chargedBytes(count, r.symbolSize);
    this.#st(
      `INSERT INTO objects(object_id, seq, zone, state, role, schema_hash, transfer_length,
         symbol_size, k, alg, zone_key_id, epoch_id, sender_node, sender_instance, refs,
         source_peer, created_at, expires_at, symbol_count, bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.objectId,
      seq,
      r.zoneId,
      r.state === "quarantined" ? 1 : 0,
      r.role === "chunk" ? 1 : 0,
      r.schemaHash ?? null,
      r.transferLength,
      r.symbolSize,
      r.k,
      r.seal.algorithm === "xchacha20poly1305" ? 1 : 0,
      r.seal.zoneKeyId,
      toI64(r.seal.epochId),
      r.seal.senderNodeId,
      toI64(r.seal.senderInstanceId),
      r.refs.length === 0 ? new Uint8Array(0) : concatBytes(...r.refs),
      r.sourcePeer ?? null,
      r.createdAt,
      r.expiresAt ?? null,
      count,
      bytes,
    );
    this.#charge(r.zoneId, r.sourcePeer ?? null, r.state, 1, count, bytes);
    this.#st("DELETE FROM tombstones WHERE object_id = ?").run(r.objectId);
    return { created: true, symbols: count };
  }

  /** See {@link SymbolStore.putObject}. */
  putObject(record: ObjectRecord, symbols: readonly SymbolRecord[]): Promise<PutResult> {
    return this.putObjects([{ record, symbols }]).then((r) => r[0]!);
  }

  /** See {@link SymbolStore.putObjects}. */
  putObjects(items: readonly ObjectWithSymbols[]): Promise<PutResult[]> {
    try {
      for (const it of items) {
        checkRecord(it.record);
        checkSymbols(it.symbols, it.record.symbolSize);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#write("put", () => items.map((it) => this.#put(it)));
  }

  /** See {@link SymbolStore.addSymbols}. */
  addSymbols(id: ObjectId, symbols: readonly SymbolRecord[]): Promise<number> {
    return this.#write("add symbols", () => {
      checkId(id);
      const row = this.#row(id);
      if (row === undefined) throw new FcpError("FCP-6001", "no such object in the store");
      const size = Number(row.symbol_size);
      checkSymbols(symbols, size);
      const added = this.#insertSymbols(Number(row.seq), symbols);
      if (added > 0) {
        const bytes = chargedBytes(added, size);
        this.#st(
          "UPDATE objects SET symbol_count = symbol_count + ?, bytes = bytes + ? WHERE object_id = ?",
        ).run(added, bytes, id);
        this.#charge(
          row.zone as string,
          (row.source_peer as string | null) ?? null,
          Number(row.state) === 1 ? "quarantined" : "complete",
          0,
          added,
          bytes,
        );
      }
      return added;
    });
  }

  /** See {@link SymbolStore.getObject}. */
  getObject(id: ObjectId): Promise<StoredObject | undefined> {
    return this.#read("get object", () => {
      checkId(id);
      const row = this.#row(id);
      return row === undefined ? undefined : fromRow(row);
    });
  }

  /** See {@link SymbolStore.getSymbols}. */
  getSymbols(id: ObjectId, opts: GetSymbolsOptions = {}): Promise<SymbolRecord[]> {
    return this.#read("get symbols", () => {
      checkId(id);
      const seq = this.#st("SELECT seq FROM objects WHERE object_id = ?").get(id) as
        | Row
        | undefined;
      if (seq === undefined) return [];
      const base = Number(seq.seq) * ESI_SPAN;
      const limit = opts.limit ?? -1;
      const out: SymbolRecord[] = [];
      if (opts.esis !== undefined) {
        const one = this.#st("SELECT frame_seq, data, tag FROM symbols WHERE key = ?", true, true);
        const esis = [...new Set(opts.esis)].sort((a, b) => a - b);
        for (const esi of esis) {
          if (limit >= 0 && out.length >= limit) break;
          if (!Number.isInteger(esi) || esi < 0 || esi >= ESI_SPAN) continue;
          const r = one.get(base + esi) as unknown as unknown[] | undefined;
          if (r !== undefined) {
            out.push({
              esi,
              frameSeq: toU64(r[0] as bigint),
              data: r[1] as Uint8Array,
              tag: r[2] as Uint8Array,
            });
          }
        }
        return out;
      }
      const rows = this.#st(
        "SELECT key, frame_seq, data, tag FROM symbols WHERE key BETWEEN ? AND ? ORDER BY key LIMIT ?",
        true,
        true,
      ).all(base, base + ESI_SPAN - 1, limit) as unknown as unknown[][];
      const b = BigInt(base);
      for (const r of rows) {
        out.push({
          esi: Number((r[0] as bigint) - b),
          frameSeq: toU64(r[1] as bigint),
          data: r[2] as Uint8Array,
          tag: r[3] as Uint8Array,
        });
      }
      return out;
    });
  }

  /** See {@link SymbolStore.listEsis}. */
  listEsis(id: ObjectId): Promise<number[]> {
    return this.#read("list esis", () => {
      checkId(id);
      const seq = this.#st("SELECT seq FROM objects WHERE object_id = ?").get(id) as
        | Row
        | undefined;
      if (seq === undefined) return [];
      const base = Number(seq.seq) * ESI_SPAN;
      const rows = this.#st(
        "SELECT key FROM symbols WHERE key BETWEEN ? AND ? ORDER BY key",
        false,
        true,
      ).all(base, base + ESI_SPAN - 1) as unknown as number[][];
      return rows.map((r) => r[0]! - base);
    });
  }

  /** See {@link SymbolStore.setState}. */
  setState(id: ObjectId, state: ObjectState, expiresAt?: number | null): Promise<void> {
    return this.#write("set state", () => {
      checkId(id);
      if (state !== "complete" && state !== "quarantined") {
        throw new FcpError("FCP-1040", "state must be complete|quarantined");
      }
      if (typeof expiresAt === "number") checkTime(expiresAt, "expiresAt");
      const row = this.#row(id);
      if (row === undefined) throw new FcpError("FCP-6001", "no such object in the store");
      const old: ObjectState = Number(row.state) === 1 ? "quarantined" : "complete";
      const zone = row.zone as string;
      const peer = (row.source_peer as string | null) ?? null;
      const count = Number(row.symbol_count);
      const bytes = Number(row.bytes);
      if (expiresAt === undefined) {
        this.#st("UPDATE objects SET state = ? WHERE object_id = ?").run(
          state === "quarantined" ? 1 : 0,
          id,
        );
      } else {
        this.#st("UPDATE objects SET state = ?, expires_at = ? WHERE object_id = ?").run(
          state === "quarantined" ? 1 : 0,
          expiresAt,
          id,
        );
      }
      if (old !== state) {
        this.#charge(zone, peer, old, -1, -count, -bytes);
        this.#charge(zone, peer, state, 1, count, bytes);
      }
    });
  }

  /** See {@link SymbolStore.deleteObject}. */
  deleteObject(id: ObjectId, reason: TombstoneReason, now: number, until = now): Promise<number> {
    return this.#write("delete", () => {
      checkId(id);
      checkReason(reason);
      checkTime(now, "now");
      checkTime(until, "until");
      const row = this.#row(id);
      if (row === undefined) return 0;
      const freed = this.#removeRow(row);
      this.#st(
        `INSERT OR REPLACE INTO tombstones(object_id, zone, reason, deleted_at, until)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(id, row.zone as string, reason, now, until);
      return freed;
    });
  }

  /** See {@link SymbolStore.getTombstone}. */
  getTombstone(id: ObjectId): Promise<Tombstone | undefined> {
    return this.#read("get tombstone", () => {
      checkId(id);
      const r = this.#st("SELECT * FROM tombstones WHERE object_id = ?").get(id) as
        | Row
        | undefined;
      if (r === undefined) return undefined;
      return {
        objectId: r.object_id as Uint8Array,
        zoneId: r.zone as ZoneId,
        reason: r.reason as string,
        deletedAt: Number(r.deleted_at),
        until: Number(r.until),
      };
    });
  }

  /** See {@link SymbolStore.isTombstoned}. */
  isTombstoned(id: ObjectId, now: number): Promise<boolean> {
    return this.#read("check tombstone", () => {
      checkId(id);
      return this.#st("SELECT 1 FROM tombstones WHERE object_id = ? AND until > ?").get(
        id,
        now,
      ) !== undefined;
    });
  }

  /** See {@link SymbolStore.purgeTombstones}. */
  purgeTombstones(now: number): Promise<number> {
    return this.#write("purge tombstones", () => {
      return Number(this.#st("DELETE FROM tombstones WHERE until <= ?").run(now).changes);
    });
  }

  /** See {@link SymbolStore.pin}. */
  pin(id: ObjectId, zone: ZoneId | string, now: number): Promise<void> {
    return this.#write("pin", () => {
      checkId(id);
      const z = checkZone(zone);
      checkTime(now, "now");
      this.#st("INSERT OR REPLACE INTO pins(object_id, zone, pinned_at) VALUES (?, ?, ?)").run(
        id,
        z,
        now,
      );
    });
  }

  /** See {@link SymbolStore.unpin}. */
  unpin(id: ObjectId): Promise<boolean> {
    return this.#write("unpin", () => {
      checkId(id);
      return Number(this.#st("DELETE FROM pins WHERE object_id = ?").run(id).changes) > 0;
    });
  }

  /** See {@link SymbolStore.isPinned}. */
  isPinned(id: ObjectId): Promise<boolean> {
    return this.#read("check pin", () => {
      checkId(id);
      return this.#st("SELECT 1 FROM pins WHERE object_id = ?").get(id) !== undefined;
    });
  }

  /** See {@link SymbolStore.listPins}. */
  listPins(zone?: ZoneId | string): Promise<Pin[]> {
    return this.#read("list pins", () => {
      const rows = zone === undefined
        ? this.#st("SELECT * FROM pins ORDER BY object_id").all()
        : this.#st("SELECT * FROM pins WHERE zone = ? ORDER BY object_id").all(checkZone(zone));
      return (rows as Row[]).map((r) => ({
        objectId: r.object_id as Uint8Array,
        zoneId: r.zone as ZoneId,
        pinnedAt: Number(r.pinned_at),
      }));
    });
  }

  /** See {@link SymbolStore.setZoneRoot}. */
  setZoneRoot(zone: ZoneId | string, name: string, id: ObjectId): Promise<void> {
    return this.#write("set zone root", () => {
      const z = checkZone(zone);
      checkRootName(name);
      checkId(id);
      this.#st("INSERT OR REPLACE INTO zone_roots(zone, name, object_id) VALUES (?, ?, ?)").run(
        z,
        name,
        id,
      );
    });
  }

  /** See {@link SymbolStore.removeZoneRoot}. */
  removeZoneRoot(zone: ZoneId | string, name: string): Promise<boolean> {
    return this.#write("remove zone root", () => {
      const z = checkZone(zone);
      checkRootName(name);
      return Number(
        this.#st("DELETE FROM zone_roots WHERE zone = ? AND name = ?").run(z, name).changes,
      ) > 0;
    });
  }

  /** See {@link SymbolStore.listZoneRoots}. */
  listZoneRoots(zone?: ZoneId | string): Promise<ZoneRoot[]> {
    return this.#read("list zone roots", () => {
      const rows = zone === undefined
        ? this.#st("SELECT * FROM zone_roots ORDER BY zone, name").all()
        : this.#st("SELECT * FROM zone_roots WHERE zone = ? ORDER BY name").all(checkZone(zone));
      return (rows as Row[]).map((r) => ({
        zoneId: r.zone as ZoneId,
        name: r.name as string,
        objectId: r.object_id as Uint8Array,
      }));
    });
  }

  /** See {@link SymbolStore.request}. */
  request(id: ObjectId, zone: ZoneId | string, until: number): Promise<void> {
    return this.#write("request", () => {
      checkId(id);
      const z = checkZone(zone);
      checkTime(until, "until");
      this.#st("INSERT OR REPLACE INTO requests(object_id, zone, until) VALUES (?, ?, ?)").run(
        id,
        z,
        until,
      );
    });
  }

  /** See {@link SymbolStore.unrequest}. */
  unrequest(id: ObjectId): Promise<boolean> {
    return this.#write("unrequest", () => {
      checkId(id);
      return Number(this.#st("DELETE FROM requests WHERE object_id = ?").run(id).changes) > 0;
    });
  }

  /** See {@link SymbolStore.listRequests}. */
  listRequests(now: number, zone?: ZoneId | string): Promise<ObjectRequest[]> {
    return this.#read("list requests", () => {
      const rows = zone === undefined
        ? this.#st("SELECT * FROM requests WHERE until > ? ORDER BY object_id").all(now)
        : this.#st("SELECT * FROM requests WHERE until > ? AND zone = ? ORDER BY object_id")
          .all(now, checkZone(zone));
      return (rows as Row[]).map((r) => ({
        objectId: r.object_id as Uint8Array,
        zoneId: r.zone as ZoneId,
        until: Number(r.until),
      }));
    });
  }

  /** See {@link SymbolStore.purgeRequests}. */
  purgeRequests(now: number): Promise<number> {
    return this.#write("purge requests", () => {
      return Number(this.#st("DELETE FROM requests WHERE until <= ?").run(now).changes);
    });
  }

  /** See {@link SymbolStore.listObjects}. */
  listObjects(opts: ListObjectsOptions = {}): Promise<StoredObject[]> {
    return this.#read("list objects", () => {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (opts.zone !== undefined) {
        where.push("zone = ?");
        args.push(checkZone(opts.zone));
      }
      if (opts.state !== undefined) {
        where.push("state = ?");
        args.push(opts.state === "quarantined" ? 1 : 0);
      }
      if (opts.sourcePeer !== undefined) {
        where.push("source_peer = ?");
        args.push(opts.sourcePeer);
      }
      const sql = `SELECT * FROM objects${
        where.length ? ` WHERE ${where.join(" AND ")}` : ""
      } ORDER BY object_id`;
      return (this.#st(sql, true).all(...args) as Row[]).map(fromRow);
    });
  }

  /** See {@link SymbolStore.listQuarantined}. */
  listQuarantined(by: { zone?: ZoneId | string; sourcePeer?: string }): Promise<StoredObject[]> {
    return this.#read("list quarantine", () => {
      const where = ["state = 1"];
      const args: string[] = [];
      if (by.zone !== undefined) {
        where.push("zone = ?");
        args.push(checkZone(by.zone));
      }
      if (by.sourcePeer !== undefined) {
        where.push("source_peer = ?");
        args.push(by.sourcePeer);
      }
      const sql = `SELECT * FROM objects WHERE ${
        where.join(" AND ")
      } ORDER BY created_at, bytes DESC, object_id`;
      return (this.#st(sql, true).all(...args) as Row[]).map(fromRow);
    });
  }

  #usage(scope: number, name: string): UsageCounters {
    const r = this.#st("SELECT * FROM usage WHERE scope = ? AND name = ?").get(scope, name) as
      | Row
      | undefined;
    return r === undefined ? freezeUsage(emptyUsage()) : usageFromRow(r);
  }

  /** See {@link SymbolStore.zoneUsage}. */
  zoneUsage(zone: ZoneId | string): Promise<UsageCounters> {
    return this.#read("zone usage", () => this.#usage(SCOPE_ZONE, checkZone(zone)));
  }

  /** See {@link SymbolStore.peerUsage}. */
  peerUsage(peer: string): Promise<UsageCounters> {
    return this.#read("peer usage", () => this.#usage(SCOPE_PEER, peer));
  }

  /** See {@link SymbolStore.stats}. */
  stats(): Promise<StoreStats> {
    return this.#read("stats", () => {
      const total: MutableUsage = emptyUsage();
      const byZone: Record<string, UsageCounters> = {};
      const byPeer: Record<string, UsageCounters> = {};
      for (const r of this.#st("SELECT * FROM usage ORDER BY scope, name").all() as Row[]) {
        const u = usageFromRow(r);
        if (Number(r.scope) === SCOPE_ZONE) {
          byZone[r.name as string] = u;
          addUsage(total, u);
        } else {
          byPeer[r.name as string] = u;
        }
      }
      return { objects: total.objects, symbols: total.symbols, bytes: total.bytes, byZone, byPeer };
    });
  }

  /**
   * Run `PRAGMA integrity_check` and return its verdict (`"ok"` when healthy).
   *
   * @example
   * ```ts
   * import { SqliteSymbolStore } from "./sqlite_store.ts";
   * import assert from "node:assert/strict";
   * const store = new SqliteSymbolStore(":memory:");
   * assert.equal(await store.integrityCheck(), "ok");
   * await store.close();
   * ```
   */
  integrityCheck(): Promise<string> {
    return this.#read("integrity check", () => {
      const rows = this.#db.prepare("PRAGMA integrity_check").all() as Row[];
      return rows.map((r) => String(r.integrity_check)).join("\n");
    });
  }

  /** See {@link SymbolStore.close}. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    try {
      this.#stmts.clear();
      this.#db.close();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(storageError(e, "close"));
    }
  }
}

function usageFromRow(r: Row): UsageCounters {
  return freezeUsage({
    objects: Number(r.objects),
    symbols: Number(r.symbols),
    bytes: Number(r.bytes),
    quarantinedObjects: Number(r.q_objects),
    quarantinedBytes: Number(r.q_bytes),
  });
}

function fromRow(r: Row): StoredObject {
  const refsBlob = r.refs as Uint8Array;
  const refs: Uint8Array[] = [];
  for (let i = 0; i + 32 <= refsBlob.length; i += 32) refs.push(refsBlob.slice(i, i + 32));
  const schemaHash = r.schema_hash as Uint8Array | null;
  const sourcePeer = r.source_peer as string | null;
  const expiresAt = r.expires_at as bigint | null;
  return {
    objectId: r.object_id as Uint8Array,
    zoneId: r.zone as ZoneId,
    state: Number(r.state) === 1 ? "quarantined" : "complete",
    role: Number(r.role) === 1 ? "chunk" : "object",
    ...(schemaHash !== null ? { schemaHash } : {}),
    transferLength: Number(r.transfer_length),
    symbolSize: Number(r.symbol_size),
    k: Number(r.k),
    seal: {
      algorithm: Number(r.alg) === 1 ? "xchacha20poly1305" : "chacha20poly1305",
      zoneKeyId: r.zone_key_id as Uint8Array,
      epochId: toU64(r.epoch_id as bigint),
      senderNodeId: r.sender_node as string,
      senderInstanceId: toU64(r.sender_instance as bigint),
    },
    refs,
    ...(sourcePeer !== null ? { sourcePeer } : {}),
    createdAt: Number(r.created_at),
    ...(expiresAt !== null ? { expiresAt: Number(expiresAt) } : {}),
    symbolCount: Number(r.symbol_count),
    bytes: Number(r.bytes),
  };
}
