/**
 * The SQLite store's schema and its migrations (issue 4 §3).
 *
 * Layout decisions (measured on this machine, see `bench/store_bench.ts`):
 * - `symbols` is deliberately a rowid table keyed by `seq · 2^24 + esi`, where `seq` is a
 *   per-object number from `meta.next_seq` and ESIs are 24-bit (one RaptorQ source block,
 *   RFC 6330 §3.2). A `WITHOUT ROWID (object_id, esi)` table stores each ~1 KiB symbol inside
 *   the index b-tree, whose local payload limit is ~1 KiB on 4 KiB pages, so every row spilled
 *   to overflow pages: putting 1100 symbols took ~30 ms and 3× the disk. The integer key keeps
 *   the 32-byte object id out of every symbol row and makes "all symbols of one object" a
 *   single range scan; range deletes are cheap.
 * - Every other table is `WITHOUT ROWID` (small rows keyed by their natural key).
 * - Per-zone and per-peer usage counters live in `usage` and are updated in the same
 *   transaction as the change they count, so quota checks are point reads.
 * - Pages are 16 KiB (set before the first table): fewer, fuller pages for symbol rows.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** One schema migration: runs inside the migration transaction on an open database. */
export type SqliteMigration = (db: DatabaseSync) => void;

/** `PRAGMA application_id` of an fcp symbol store ("FCP2"). */
export const SQLITE_APPLICATION_ID = 0x46435032;

/** Page size used when a store is created. */
export const SQLITE_PAGE_SIZE = 16384;

const V1 = `
CREATE TABLE objects(
  object_id BLOB PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  zone TEXT NOT NULL,
  state INTEGER NOT NULL,          -- 0 complete, 1 quarantined
  role INTEGER NOT NULL,           -- 0 object, 1 chunk
  schema_hash BLOB,
  transfer_length INTEGER NOT NULL,
  symbol_size INTEGER NOT NULL,
  k INTEGER NOT NULL,
  alg INTEGER NOT NULL,            -- 0 chacha20poly1305, 1 xchacha20poly1305
  zone_key_id BLOB NOT NULL,
  epoch_id INTEGER NOT NULL,       -- u64 kept as the i64 with the same bits
  sender_node TEXT NOT NULL,
  sender_instance INTEGER NOT NULL, -- u64 kept as the i64 with the same bits
  refs BLOB NOT NULL,              -- concatenated 32-byte object ids
  source_peer TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  symbol_count INTEGER NOT NULL,
  bytes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX objects_by_zone ON objects(zone, state);
CREATE INDEX objects_by_quarantine ON objects(state, zone, created_at);
CREATE INDEX objects_by_peer ON objects(source_peer, state, created_at)
  WHERE source_peer IS NOT NULL;
CREATE TABLE symbols(
  key INTEGER PRIMARY KEY,         -- seq * 2^24 + esi
  frame_seq INTEGER NOT NULL,      -- u64 kept as the i64 with the same bits
  data BLOB NOT NULL,
  tag BLOB NOT NULL
);
CREATE TABLE tombstones(
  object_id BLOB PRIMARY KEY,
  zone TEXT NOT NULL,
  reason TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE pins(
  object_id BLOB PRIMARY KEY,
  zone TEXT NOT NULL,
  pinned_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE zone_roots(
  zone TEXT NOT NULL,
  name TEXT NOT NULL,
  object_id BLOB NOT NULL,
  PRIMARY KEY(zone, name)
) WITHOUT ROWID;
CREATE TABLE requests(
  object_id BLOB PRIMARY KEY,
  zone TEXT NOT NULL,
  until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE usage(
  scope INTEGER NOT NULL,          -- 0 zone, 1 peer
  name TEXT NOT NULL,
  objects INTEGER NOT NULL,
  symbols INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  q_objects INTEGER NOT NULL,
  q_bytes INTEGER NOT NULL,
  PRIMARY KEY(scope, name)
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('next_seq', 1);
`;

/**
 * The built-in migrations; migration `i` takes the schema from version `i` to `i + 1`.
 * Append only: a released migration is never edited.
 *
 * @example
 * ```ts
 * import { SQLITE_MIGRATIONS } from "./sqlite_schema.ts";
 * import assert from "node:assert/strict";
 * assert.ok(SQLITE_MIGRATIONS.length >= 1);
 * ```
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  (db) => db.exec(V1),
];
