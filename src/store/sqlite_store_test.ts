import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { isFcpError } from "../core/mod.ts";
import { defaultStorePath, openSqliteStore } from "./sqlite_store.ts";
import { SQLITE_MIGRATIONS } from "./sqlite_schema.ts";
import { runStoreContract } from "./store_contract.ts";
import { idOf, makeRecord, makeSymbols } from "./_test_util.ts";

const dir = Deno.makeTempDirSync({ prefix: "fcp-store-test-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch { /* already gone */ }
});
let n = 0;

runStoreContract("sqlite", () => openSqliteStore(`${dir}/contract-${n++}/symbols.db`));

Deno.test("sqlite: data survives close and reopen; WAL, FULL sync, 16 KiB pages", async () => {
  const path = defaultStorePath(`${dir}/reopen`);
  const s1 = openSqliteStore(path);
  await s1.putObject(makeRecord(1, { refs: [idOf(2)], sourcePeer: "p" }), makeSymbols(1, 3));
  await s1.pin(idOf(1), "z:work", 5);
  await s1.setZoneRoot("z:work", "checkpoint", idOf(1));
  await s1.deleteObject(idOf(9), "user", 1);
  await s1.close();
  const s2 = openSqliteStore(path);
  assert.deepEqual(await s2.getSymbols(idOf(1)), makeSymbols(1, 3));
  assert.deepEqual((await s2.getObject(idOf(1)))?.refs, [idOf(2)]);
  assert.ok(await s2.isPinned(idOf(1)));
  assert.equal((await s2.stats()).byPeer.p?.bytes, 3 * 48);
  assert.equal(await s2.integrityCheck(), "ok");
  await s2.close();
  const db = new DatabaseSync(path);
  assert.equal(
    (db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
    "wal",
  );
  assert.equal((db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size, 16384);
  db.close();
});

Deno.test("sqlite: synchronous is FULL by default and NORMAL on request", async () => {
  const a = openSqliteStore(`${dir}/sync-a/symbols.db`);
  const b = openSqliteStore(`${dir}/sync-b/symbols.db`, { synchronous: "normal" });
  assert.equal(a.synchronous, "full");
  assert.equal(b.synchronous, "normal");
  await a.close();
  await b.close();
});

Deno.test("sqlite: migrations run once, in order, through the hook", async () => {
  const path = `${dir}/migrate/symbols.db`;
  const s1 = openSqliteStore(path);
  assert.equal(s1.schemaVersion, SQLITE_MIGRATIONS.length);
  await s1.putObject(makeRecord(1), makeSymbols(1, 2));
  await s1.close();
  let runs = 0;
  const extra = [...SQLITE_MIGRATIONS, (db: DatabaseSync) => {
    runs++;
    db.exec("CREATE TABLE extra(x INTEGER PRIMARY KEY)");
  }];
  const s2 = openSqliteStore(path, { migrations: extra });
  assert.equal(s2.schemaVersion, SQLITE_MIGRATIONS.length + 1);
  assert.deepEqual(await s2.getSymbols(idOf(1)), makeSymbols(1, 2));
  await s2.close();
  const s3 = openSqliteStore(path, { migrations: extra });
  assert.equal(runs, 1);
  await s3.close();
  // An older fcp refuses a newer store instead of corrupting it.
  assert.throws(
    () => openSqliteStore(path),
    (e) => isFcpError(e, "FCP-9002") && /newer/.test(e.message),
  );
});

Deno.test("sqlite: a failing migration leaves the store untouched", () => {
  const path = `${dir}/bad-migration/symbols.db`;
  const boom = [...SQLITE_MIGRATIONS, () => {
    throw new Error("boom");
  }];
  assert.throws(
    () => openSqliteStore(path, { migrations: boom }),
    (e) => isFcpError(e, "FCP-9002"),
  );
  const s = openSqliteStore(path); // the v1 schema was rolled back with it: created afresh
  assert.equal(s.schemaVersion, SQLITE_MIGRATIONS.length);
  s.close();
});

Deno.test("sqlite: refuses a file that is not an fcp store", () => {
  const path = `${dir}/foreign.db`;
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t(x)");
  db.close();
  assert.throws(() => openSqliteStore(path), (e) => isFcpError(e, "FCP-9002"));
  Deno.writeTextFileSync(
    `${dir}/garbage.db`,
    "this is not a database at all, not even close".repeat(100),
  );
  assert.throws(() => openSqliteStore(`${dir}/garbage.db`), (e) => isFcpError(e, "FCP-9002"));
});

Deno.test("sqlite: two connections see each other's commits", async () => {
  const path = `${dir}/shared/symbols.db`;
  const a = openSqliteStore(path);
  const b = openSqliteStore(path);
  await a.putObject(makeRecord(1), makeSymbols(1, 2));
  assert.deepEqual(await b.getSymbols(idOf(1)), makeSymbols(1, 2));
  await b.deleteObject(idOf(1), "user", 1);
  assert.equal(await a.getObject(idOf(1)), undefined);
  await a.close();
  await b.close();
});
