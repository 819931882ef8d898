/**
 * The embedded symbol store (rank 4; issue 4 §3): the {@link SymbolStore} contract with a
 * SQLite implementation (default, `FCP_HOME/store/symbols.db`) and an in-memory one, object
 * admission with a bounded quarantine (spec §8.4.1), and reachability GC with tombstones.
 *
 * @module
 */
export type {
  GetSymbolsOptions,
  ListObjectsOptions,
  ObjectRecord,
  ObjectRequest,
  ObjectRole,
  ObjectState,
  ObjectWithSymbols,
  Pin,
  PutResult,
  SealParams,
  StoredObject,
  StoreStats,
  SymbolRecord,
  SymbolStore,
  Tombstone,
  TombstoneReason,
  UsageCounters,
  ZoneRoot,
} from "./types.ts";
export { MAX_STORE_ESI, SYMBOL_TAG_BYTES, ZERO_USAGE } from "./types.ts";
export { MemorySymbolStore } from "./memory_store.ts";
export {
  defaultStorePath,
  openSqliteStore,
  type SqliteStoreOptions,
  SqliteSymbolStore,
} from "./sqlite_store.ts";
export {
  SQLITE_APPLICATION_ID,
  SQLITE_MIGRATIONS,
  SQLITE_PAGE_SIZE,
  type SqliteMigration,
} from "./sqlite_schema.ts";
export { markReachable } from "./reachability.ts";
export {
  DEFAULT_WAL_CHECKPOINT_INTERVAL_MS,
  type SetAutoCheckpoint,
  SQLITE_DEFAULT_AUTOCHECKPOINT,
  type WalCheckpoint,
  WalCheckpointer,
  type WalCheckpointerOptions,
} from "./wal_checkpointer.ts";
export {
  AdmissionControl,
  type AdmissionPolicy,
  announceable,
  DEFAULT_ADMISSION_POLICY,
  expireQuarantine,
  type ExpireReport,
  type IngestResult,
  type PromoteReport,
  type VerifyObject,
  type VerifyOutcome,
} from "./admission.ts";
export {
  collectGarbage,
  DEFAULT_GC_MIN_AGE_SECS,
  DEFAULT_TOMBSTONE_SECS,
  type GcOptions,
  type GcReport,
} from "./gc.ts";
export * from "./object_codec.ts";
export * from "./object_pipeline.ts";
export * from "./object_chunks.ts";
