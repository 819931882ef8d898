/**
 * The node's audit log (spec §23.4): one hash-linked, node-signed chain per zone, stored in
 * SQLite (`FCP_HOME/audit/audit.db`, WAL) with a signed AuditHead updated in the same
 * transaction as every append.
 *
 * Tables: `audit_events(zone, seq, id, bytes)` keyed by (zone, seq), holding each event's
 * canonical CBOR and its ObjectId; `audit_heads(zone, seq, head_event, bytes)`, the latest
 * signed AuditHead of each zone. An append runs inside `BEGIN IMMEDIATE`, so appends from any
 * number of connections or processes serialize on SQLite's write lock and seq stays
 * gap-free and monotonic. `synchronous=FULL` by default (each append is on disk when it
 * returns); `durability: "normal"` trades the last appends on power loss for speed.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { type AuthoritySigner, loadIdentity, ZoneKeyring } from "../authority/mod.ts";
import { equalBytes, FcpError } from "../core/mod.ts";
import { epochAt, epochText, type ObjectId, parseZoneId, type ZoneId } from "../model/mod.ts";
import {
  type AuditEvent,
  auditEventIdOfBytes,
  type AuditEventInput,
  createAuditEvent,
  decodeAuditEvent,
  encodeAuditEvent,
} from "./audit_event.ts";
import {
  type AuditHead,
  createAuditHead,
  decodeAuditHead,
  encodeAuditHead,
  signAuditHead,
} from "./audit_head.ts";
import { type AuditChainResult, type AuditReference, verifyAuditChain } from "./audit_verify.ts";
import { WAL_SIZE_LIMIT_BYTES } from "./host_db.ts";

/**
 * The audit database path under a home.
 *
 * @example
 * ```ts
 * import { auditDbPath } from "./audit_log.ts";
 * import assert from "node:assert/strict";
 * assert.equal(auditDbPath("/h"), "/h/audit/audit.db");
 * ```
 */
export function auditDbPath(home: string): string {
  return `${home}/audit/audit.db`;
}

/** One stored event with its id. */
export interface AuditEntry {
  /** Chain seq. */
  readonly seq: number;
  /** The event's ObjectId. */
  readonly id: ObjectId;
  /** The decoded event. */
  readonly event: AuditEvent;
  /** Its canonical bytes. */
  readonly bytes: Uint8Array;
}

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** Database file (`:memory:` for a private in-memory log). */
  readonly path: string;
  /** This node's id (signer of events and heads). */
  readonly nodeId: string;
  /** This node's signing key (a seed or a key object). */
  readonly signer: AuthoritySigner;
  /** This node's public signing key (to verify its own events). */
  readonly publicKey: Uint8Array;
  /** The ObjectIdKey of a zone (throws when the zone is unknown). */
  readonly objectIdKey: (zoneId: ZoneId) => Uint8Array;
  /** Keys of other nodes whose events may appear in a chain. */
  readonly resolveKey?: (nodeId: string) => Uint8Array | undefined;
  /** Clock, Unix seconds (default: the system clock). */
  readonly now?: () => number;
  /** `full` (default) fsyncs every append; `normal` is WAL-safe but may lose the last ones on power loss. */
  readonly durability?: "full" | "normal";
  /** Milliseconds to wait for another writer's lock (default 5000). */
  readonly busyTimeoutMs?: number;
}

/** Options of {@link AuditLog.follow}. */
export interface FollowOptions {
  /** Stop following when aborted. */
  readonly signal?: AbortSignal;
  /** Yield events with seq greater than this (default: the current head, i.e. only new ones). */
  readonly afterSeq?: number;
  /** Polling interval in milliseconds (default 100). */
  readonly intervalMs?: number;
}

interface Statements {
  last: StatementSync;
  head: StatementSync;
  insert: StatementSync;
  upsertHead: StatementSync;
  tail: StatementSync;
  after: StatementSync;
  all: StatementSync;
  zones: StatementSync;
}

function fail(detail: string, cause?: unknown): never {
  throw new FcpError("FCP-9002", detail, cause === undefined ? undefined : { cause });
}

function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return fail("audit database holds a non-blob value");
}

function numOf(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return fail("audit database holds a non-integer value");
}

/**
 * A node's audit log over SQLite.
 *
 * @example
 * ```ts
 * import { AuditLog } from "./audit_log.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(8);
 * const log = AuditLog.open({ path: ":memory:", nodeId: "node-a", signer: seed,
 *   publicKey: ed25519PublicKey(seed), objectIdKey: () => new Uint8Array(32).fill(1), now: () => 100 });
 * const a = await log.append("z:work", { eventType: "node.start", actor: "node-a" });
 * const b = await log.append("z:work", { eventType: "invoke", actor: "agent", connectorId: "fcp.fs" });
 * assert.equal(a.seq, 0);
 * assert.deepEqual(b.event.prev, a.id);
 * assert.equal(log.head("z:work")?.headSeq, 1);
 * assert.equal(log.verify("z:work").ok, true);
 * log.close();
 * ```
 */
export class AuditLog {
  readonly #db: DatabaseSync;
  readonly #st: Statements;
  readonly #opts: AuditLogOptions;
  readonly #now: () => number;
  #closed = false;

  private constructor(db: DatabaseSync, opts: AuditLogOptions) {
    this.#db = db;
    this.#opts = opts;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.#st = {
      last: db.prepare(
        "SELECT seq, id FROM audit_events WHERE zone = ? ORDER BY seq DESC LIMIT 1",
      ),
      head: db.prepare("SELECT seq, head_event, bytes FROM audit_heads WHERE zone = ?"),
      insert: db.prepare("INSERT INTO audit_events (zone, seq, id, bytes) VALUES (?, ?, ?, ?)"),
      upsertHead: db.prepare(
        "INSERT INTO audit_heads (zone, seq, head_event, bytes) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (zone) DO UPDATE SET seq = excluded.seq, " +
          "head_event = excluded.head_event, bytes = excluded.bytes",
      ),
      tail: db.prepare(
        "SELECT seq, id, bytes FROM audit_events WHERE zone = ? ORDER BY seq DESC LIMIT ?",
      ),
      after: db.prepare(
        "SELECT seq, id, bytes FROM audit_events WHERE zone = ? AND seq > ? ORDER BY seq LIMIT ?",
      ),
      all: db.prepare("SELECT seq, id, bytes FROM audit_events WHERE zone = ? ORDER BY seq"),
      zones: db.prepare(
        "SELECT zone FROM audit_events UNION SELECT zone FROM audit_heads ORDER BY zone",
      ),
    };
  }

  /**
   * Open (and create) the log database. An unreadable or foreign file is `FCP-9002`.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * assert.deepEqual(log.zones(), []);
   * log.close();
   * ```
   */
  static open(opts: AuditLogOptions): AuditLog {
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(opts.path);
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
      if (opts.path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
      db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      db.exec(`PRAGMA synchronous = ${opts.durability === "normal" ? "NORMAL" : "FULL"}`);
      db.exec(
        "CREATE TABLE IF NOT EXISTS audit_events (zone TEXT NOT NULL, seq INTEGER NOT NULL, " +
          "id BLOB NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (zone, seq)) WITHOUT ROWID",
      );
      db.exec(
        "CREATE TABLE IF NOT EXISTS audit_heads (zone TEXT PRIMARY KEY, seq INTEGER NOT NULL, " +
          "head_event BLOB NOT NULL, bytes BLOB NOT NULL) WITHOUT ROWID",
      );
      return new AuditLog(db, opts);
    } catch (e) {
      try {
        db?.close();
      } catch { /* already failed */ }
      return fail(`cannot open the audit database ${opts.path}`, e);
    }
  }

  /**
   * Open the audit log of an initialized home (`FCP_HOME/audit/audit.db`) with this node's
   * identity and zone keyring (`FCP-2012` when the home is not initialized).
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * await assert.rejects(AuditLog.openHome(home), (e) => isFcpError(e, "FCP-2012"));
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  static async openHome(
    home: string,
    extra: Pick<AuditLogOptions, "now" | "durability" | "resolveKey"> = {},
  ): Promise<AuditLog> {
    const identity = await loadIdentity(home);
    const ring = await ZoneKeyring.load(identity.keystore);
    try {
      await Deno.mkdir(`${home}/audit`, { recursive: true, mode: 0o700 });
    } catch (e) {
      fail("cannot create the audit directory", e);
    }
    return AuditLog.open({
      ...extra,
      path: auditDbPath(home),
      nodeId: identity.nodeId,
      signer: identity.signing,
      publicKey: identity.signing.publicKey,
      objectIdKey: (zone) => ring.objectIdKey(zone).key,
    });
  }

  #check(): void {
    if (this.#closed) throw new FcpError("FCP-5002", "the audit log is closed");
  }

  #resolveKey = (nodeId: string): Uint8Array | undefined =>
    nodeId === this.#opts.nodeId ? this.#opts.publicKey : this.#opts.resolveKey?.(nodeId);

  /**
   * Append an event to a zone's chain: seq = head + 1, prev = the previous event's id, signed
   * by this node, stored together with a new signed head in one transaction. Refuses to
   * extend a chain whose stored head does not match its last event (`FCP-5003`).
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * const [a, b] = await Promise.all([
   *   log.append("z:work", { eventType: "invoke", actor: "x" }),
   *   log.append("z:work", { eventType: "invoke", actor: "y" }),
   * ]);
   * assert.deepEqual([a.seq, b.seq], [0, 1]);
   * log.close();
   * ```
   */
  append(zoneId: ZoneId | string, input: AuditEventInput): Promise<AuditEntry> {
    try {
      return Promise.resolve(this.appendSync(zoneId, input));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Synchronous {@link append} (the whole append is one SQLite transaction).
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * assert.equal(log.appendSync("z:work", { eventType: "node.start", actor: "n" }).seq, 0);
   * log.close();
   * ```
   */
  appendSync(zoneId: ZoneId | string, input: AuditEventInput): AuditEntry {
    this.#check();
    const zone = parseZoneId(zoneId);
    const key = this.#opts.objectIdKey(zone);
    const occurredAt = input.occurredAt ?? this.#now();
    this.#begin();
    try {
      const last = this.#st.last.get(zone) as Record<string, unknown> | undefined;
      const head = this.#st.head.get(zone) as Record<string, unknown> | undefined;
      let prev: ObjectId | undefined;
      let seq = 0;
      if (last === undefined) {
        if (head !== undefined) {
          throw new FcpError("FCP-5003", `audit chain of ${zone} has a head but no events`);
        }
      } else {
        prev = bytesOf(last.id);
        seq = numOf(last.seq) + 1;
        if (
          head === undefined || numOf(head.seq) !== seq - 1 ||
          !equalBytes(bytesOf(head.head_event), prev)
        ) {
          throw new FcpError(
            "FCP-5003",
            `audit chain of ${zone} does not match its signed head; run fcp audit verify`,
          );
        }
      }
      const event = createAuditEvent({
        ...input,
        zoneId: zone,
        seq,
        ...(prev === undefined ? {} : { prev }),
        occurredAt,
        nodeId: this.#opts.nodeId,
      }, this.#opts.signer);
      const bytes = encodeAuditEvent(event);
      const id = auditEventIdOfBytes(zone, bytes, key);
      const newHead = signAuditHead(
        createAuditHead({
          zoneId: zone,
          headEvent: id,
          headSeq: seq,
          epochId: epochText(epochAt(occurredAt)),
          now: occurredAt,
        }),
        this.#opts.nodeId,
        this.#opts.signer,
        occurredAt,
      );
      this.#st.insert.run(zone, seq, id, bytes);
      this.#st.upsertHead.run(zone, seq, id, encodeAuditHead(newHead));
      this.#commit();
      return { seq, id, event, bytes };
    } catch (e) {
      this.#rollback();
      if (e instanceof FcpError) throw e;
      return fail("cannot append to the audit log", e);
    }
  }

  #begin(): void {
    try {
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (e) {
      fail("cannot lock the audit database", e);
    }
  }

  #commit(): void {
    this.#db.exec("COMMIT");
  }

  #rollback(): void {
    try {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
    } catch { /* the original error matters */ }
  }

  /**
   * The stored signed head of a zone (undefined before the first event). Decoded, not
   * verified: {@link verify} checks it.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * assert.equal(log.head("z:work"), undefined);
   * log.close();
   * ```
   */
  head(zoneId: ZoneId | string): AuditHead | undefined {
    this.#check();
    const row = this.#st.head.get(parseZoneId(zoneId)) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : decodeAuditHead(bytesOf(row.bytes));
  }

  /**
   * The last `n` events of a zone, oldest first (decoded strictly, not verified). A zone
   * this node does not hold (no ObjectIdKey) and has no chain for is `FCP-4005`, not an
   * empty chain.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * for (let i = 0; i < 5; i++) log.appendSync("z:work", { eventType: "invoke", actor: `a${i}` });
   * assert.deepEqual(log.tail("z:work", 2).map((e) => e.seq), [3, 4]);
   * assert.deepEqual(log.tail("z:work", 0), []);
   * log.close();
   * ```
   */
  tail(zoneId: ZoneId | string, n = 20): AuditEntry[] {
    this.#check();
    if (!Number.isSafeInteger(n) || n < 0) throw new FcpError("FCP-1040", "n must be >= 0");
    const zone = parseZoneId(zoneId);
    const rows = this.#st.tail.all(zone, n) as Record<string, unknown>[];
    if (rows.length === 0 && this.#st.head.get(zone) === undefined && !this.#holdsZone(zone)) {
      throw new FcpError("FCP-4005", `no keys for zone ${zone} on this node`);
    }
    return rows.reverse().map(entryOf);
  }

  #holdsZone(zone: ZoneId): boolean {
    try {
      this.#opts.objectIdKey(zone);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Events of a zone with seq greater than `afterSeq`, oldest first, at most `limit`.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * for (let i = 0; i < 3; i++) log.appendSync("z:work", { eventType: "invoke", actor: "a" });
   * assert.deepEqual(log.after("z:work", 0).map((e) => e.seq), [1, 2]);
   * log.close();
   * ```
   */
  after(zoneId: ZoneId | string, afterSeq: number, limit = 1000): AuditEntry[] {
    this.#check();
    const rows = this.#st.after.all(parseZoneId(zoneId), afterSeq, limit) as Record<
      string,
      unknown
    >[];
    return rows.map(entryOf);
  }

  /**
   * Follow a zone: yields each new event as it is committed (by this or any other
   * connection), polling every `intervalMs`, until `signal` aborts or the consumer stops.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * log.appendSync("z:work", { eventType: "node.start", actor: "n" });
   * const ac = new AbortController();
   * const got: number[] = [];
   * const done = (async () => {
   *   for await (const e of log.follow("z:work", { signal: ac.signal, intervalMs: 5 })) {
   *     got.push(e.seq);
   *     if (got.length === 2) ac.abort();
   *   }
   * })();
   * log.appendSync("z:work", { eventType: "invoke", actor: "a" });
   * log.appendSync("z:work", { eventType: "invoke", actor: "b" });
   * await done;
   * assert.deepEqual(got, [1, 2]);
   * log.close();
   * ```
   */
  async *follow(zoneId: ZoneId | string, opts: FollowOptions = {}): AsyncGenerator<AuditEntry> {
    this.#check();
    const zone = parseZoneId(zoneId);
    const interval = opts.intervalMs ?? 100;
    let cursor = opts.afterSeq ?? this.#lastSeq(zone);
    while (!opts.signal?.aborted && !this.#closed) {
      const batch = this.after(zone, cursor, 256);
      for (const e of batch) {
        if (opts.signal?.aborted) return;
        cursor = e.seq;
        yield e;
      }
      if (batch.length === 0) await sleep(interval, opts.signal);
    }
  }

  #lastSeq(zone: ZoneId): number {
    const last = this.#st.last.get(zone) as Record<string, unknown> | undefined;
    return last === undefined ? -1 : numOf(last.seq);
  }

  /**
   * Verify a zone's whole chain against its stored signed head (see `verifyAuditChain`):
   * the head must exist when events do and must name the last event; and every event in
   * `referenced` (what other records say was appended) must be in the chain. Read the
   * references before calling, so that none can name an event appended after this snapshot.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * assert.deepEqual(log.verify("z:work"), { ok: true, zoneId: "z:work", events: 0, headSeq: -1 });
   * log.close();
   * ```
   */
  verify(
    zoneId: ZoneId | string,
    opts: { readonly referenced?: readonly AuditReference[] } = {},
  ): AuditChainResult {
    this.#check();
    const zone = parseZoneId(zoneId);
    // One read transaction, so the events and the head are one consistent snapshot.
    this.#db.exec("BEGIN");
    try {
      const rows = this.#st.all.all(zone) as Record<string, unknown>[];
      const headRow = this.#st.head.get(zone) as Record<string, unknown> | undefined;
      return verifyAuditChain(
        rows.map((r) => ({ seq: numOf(r.seq), id: bytesOf(r.id), bytes: bytesOf(r.bytes) })),
        {
          zoneId: zone,
          objectIdKey: this.#opts.objectIdKey(zone),
          resolveKey: this.#resolveKey,
          requireHead: true,
          headMustBeLatest: true,
          ...(opts.referenced === undefined ? {} : { referenced: opts.referenced }),
          ...(headRow === undefined ? {} : { head: bytesOf(headRow.bytes) }),
        },
      );
    } finally {
      this.#rollback();
    }
  }

  /**
   * Zones that have audit events or a head, sorted.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * log.appendSync("z:work", { eventType: "node.start", actor: "n" });
   * assert.deepEqual(log.zones(), ["z:work"]);
   * log.close();
   * ```
   */
  zones(): ZoneId[] {
    this.#check();
    return (this.#st.zones.all() as Record<string, unknown>[]).map((r) =>
      parseZoneId(String(r.zone))
    );
  }

  /**
   * Close the database (idempotent). Followers stop at their next poll.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * import assert from "node:assert/strict";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * log.close();
   * log.close();
   * assert.throws(() => log.tail("z:work"), /FCP-5002/);
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /**
   * Set the log's `PRAGMA wal_autocheckpoint` (pages; 0 turns SQLite's automatic checkpoint
   * off while a `WalCheckpointer` does it in the background). Ignored once closed.
   *
   * @example
   * ```ts
   * import { AuditLog } from "./audit_log.ts";
   * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
   *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32) });
   * log.setWalAutoCheckpoint(0);
   * log.close();
   * log.setWalAutoCheckpoint(1000); // no-op
   * ```
   */
  setWalAutoCheckpoint(pages: number): void {
    if (this.#closed) return;
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${Math.max(0, Math.trunc(pages))}`);
  }

  /** The log's `PRAGMA wal_autocheckpoint` (pages). */
  get walAutoCheckpoint(): number {
    this.#check();
    return Number(
      (this.#db.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number })
        .wal_autocheckpoint,
    );
  }
}

function entryOf(r: Record<string, unknown>): AuditEntry {
  const bytes = bytesOf(r.bytes);
  return { seq: numOf(r.seq), id: bytesOf(r.id), event: decodeAuditEvent(bytes), bytes };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
