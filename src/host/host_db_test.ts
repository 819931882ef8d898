import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { isFcpError } from "../core/mod.ts";
import { HOST_DB_VERSION, hostDbPath, openHostDb } from "./host_db.ts";
import { TokenUsage } from "./token_usage.ts";

Deno.test("host.db: a version 1 database gains token_usage.bytes and keeps its counts", async () => {
  const home = await Deno.makeTempDir({ prefix: "fcp-hostdb-" });
  try {
    await Deno.mkdir(`${home}/host`);
    const old = new DatabaseSync(hostDbPath(home));
    old.exec("CREATE TABLE token_usage (jti BLOB PRIMARY KEY, calls INTEGER NOT NULL)");
    const jti = new Uint8Array(16).fill(4);
    old.prepare("INSERT INTO token_usage (jti, calls) VALUES (?, 2)").run(jti);
    old.exec("PRAGMA user_version = 1");
    old.close();

    const db = openHostDb(home);
    try {
      const v = db.prepare("PRAGMA user_version").get() as { user_version: number };
      assert.equal(v.user_version, HOST_DB_VERSION);
      const usage = new TokenUsage(db);
      assert.equal(usage.calls(jti), 2);
      assert.equal(usage.bytes(jti), 0);
      assert.equal(usage.addBytes(jti, 10), 10);
      assert.equal(usage.calls(jti), 2);
    } finally {
      db.close();
    }
    // Opening again is a no-op.
    const again = openHostDb(home);
    assert.equal(new TokenUsage(again).bytes(jti), 10);
    again.close();
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("host.db: a newer schema version is refused (FCP-9002), untouched", async () => {
  const home = await Deno.makeTempDir({ prefix: "fcp-hostdb-" });
  try {
    await Deno.mkdir(`${home}/host`);
    const db = new DatabaseSync(hostDbPath(home));
    db.exec(`PRAGMA user_version = ${HOST_DB_VERSION + 1}`);
    db.close();
    assert.throws(() => openHostDb(home), (e) => isFcpError(e, "FCP-9002"));
    const check = new DatabaseSync(hostDbPath(home));
    const v = check.prepare("PRAGMA user_version").get() as { user_version: number };
    assert.equal(v.user_version, HOST_DB_VERSION + 1);
    check.close();
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("token usage: byte counts refuse what does not fit and reject bad counts", () => {
  const db = openHostDb(":memory:");
  try {
    const usage = new TokenUsage(db);
    const jti = new Uint8Array(16).fill(5);
    usage.checkBytes(jti, 100, 100);
    assert.equal(usage.bytes(jti), 0);
    assert.equal(usage.addBytes(jti, 100), 100);
    assert.throws(() => usage.checkBytes(jti, 1, 100), (e) => isFcpError(e, "FCP-3003"));
    assert.equal(usage.bytes(jti), 100);
    assert.throws(() => usage.addBytes(jti, -1), (e) => isFcpError(e, "FCP-1040"));
    assert.throws(() => usage.addBytes(jti, 1.5), (e) => isFcpError(e, "FCP-1040"));
    assert.equal(usage.calls(jti), 0);
  } finally {
    db.close();
  }
});
