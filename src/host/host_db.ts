/**
 * The connector host's own state: `FCP_HOME/host/host.db` (SQLite through `node:sqlite`, WAL),
 * holding installed connectors and their instances, the request log behind `fcp explain`, and
 * the idempotency table. Symbol data and audit events live elsewhere (the store, the audit log).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { FcpError } from "../core/mod.ts";

/** What a WAL file is truncated to when SQLite restarts it (bytes). */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Schema version of host.db (`PRAGMA user_version`). */
export const HOST_DB_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS connectors (
  connector_id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  folder TEXT NOT NULL,
  package_id BLOB NOT NULL,
  source TEXT NOT NULL,
  installed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS instances (
  instance_id TEXT PRIMARY KEY,
  connector_id TEXT NOT NULL,
  zone TEXT NOT NULL,
  desired TEXT NOT NULL,
  grants_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (connector_id, zone)
);
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY,
  zone TEXT NOT NULL,
  connector_id TEXT NOT NULL,
  operation TEXT NOT NULL,
  principal TEXT NOT NULL,
  decision TEXT NOT NULL,
  record_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_by_time ON requests (created_at);
CREATE TABLE IF NOT EXISTS idempotency (
  zone TEXT NOT NULL,
  connector_id TEXT NOT NULL,
  operation TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  input_hash BLOB NOT NULL,
  request_id TEXT NOT NULL,
  result_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (zone, connector_id, operation, idem_key)
);
CREATE TABLE IF NOT EXISTS host_objects (
  object_id BLOB PRIMARY KEY,
  kind TEXT NOT NULL,
  zone TEXT NOT NULL,
  request_id TEXT NOT NULL,
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS host_objects_by_request ON host_objects (request_id);
CREATE TABLE IF NOT EXISTS token_usage (
  jti BLOB PRIMARY KEY,
  calls INTEGER NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS approvals_spent (
  approval_id BLOB PRIMARY KEY,
  request_id TEXT NOT NULL,
  spent_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS lease_seq (
  zone TEXT NOT NULL,
  subject BLOB NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (zone, subject)
);
`;

// Version 1 → 2: token_usage counts bytes (a token's `max_bytes`). Version 2 → 3: the
// approvals_spent table (made by the schema's CREATE IF NOT EXISTS).
function migrate(db: DatabaseSync, from: number): void {
  if (from === 0 || from >= 2) return;
  const cols = db.prepare("PRAGMA table_info(token_usage)").all() as { name: string }[];
  if (!cols.some((c) => c.name === "bytes")) {
    db.exec("ALTER TABLE token_usage ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0");
  }
}

/**
 * The path of a home's host database.
 *
 * @example
 * ```ts
 * import { hostDbPath } from "./host_db.ts";
 * import assert from "node:assert/strict";
 * assert.equal(hostDbPath("/h"), "/h/host/host.db");
 * ```
 */
export function hostDbPath(home: string): string {
  return `${home}/host/host.db`;
}

/**
 * Open (creating when absent) the host database of `home`, or an in-memory one for `":memory:"`.
 * `durability: "normal"` (the default) is WAL-safe: a power loss may drop the last commits but
 * never corrupts; `"full"` fsyncs every commit.
 *
 * @example
 * ```ts
 * import { openHostDb } from "./host_db.ts";
 * import assert from "node:assert/strict";
 * const db = openHostDb(":memory:");
 * assert.equal((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version, 3);
 * db.close();
 * ```
 */
export function openHostDb(
  home: string,
  opts: { readonly durability?: "normal" | "full" } = {},
): DatabaseSync {
  const memory = home === ":memory:";
  let db: DatabaseSync | undefined;
  try {
    if (!memory) Deno.mkdirSync(`${home}/host`, { recursive: true, mode: 0o700 });
    db = new DatabaseSync(memory ? ":memory:" : hostDbPath(home));
    db.exec("PRAGMA busy_timeout = 5000");
    if (!memory) db.exec("PRAGMA journal_mode = WAL");
    // A WAL checkpointed in the background (WalCheckpointer) may grow between rounds; it is
    // cut back to this size whenever SQLite restarts it.
    db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    db.exec(`PRAGMA synchronous = ${opts.durability === "full" ? "FULL" : "NORMAL"}`);
    const version = Number(
      (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
    );
    if (version > HOST_DB_VERSION) {
      throw new FcpError(
        "FCP-9002",
        `host.db has schema version ${version}; this fcp knows ${HOST_DB_VERSION}`,
      );
    }
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(SCHEMA);
      migrate(db, version);
      db.exec(`PRAGMA user_version = ${HOST_DB_VERSION}`);
      db.exec("COMMIT");
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw e;
    }
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof FcpError) throw e;
    throw new FcpError("FCP-9002", "cannot open the host database", { cause: e });
  }
}
