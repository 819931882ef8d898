import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { isFcpError } from "../core/mod.ts";
import { type WalCheckpoint, WalCheckpointer } from "./wal_checkpointer.ts";

function walDb(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  // As the node's own connections do: a writer meeting the checkpointer's brief write lock
  // (a RESTART) waits for it instead of failing.
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("CREATE TABLE IF NOT EXISTS t (a INTEGER PRIMARY KEY, b BLOB)");
  return db;
}

const auto = (db: DatabaseSync) =>
  (db.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number })
    .wal_autocheckpoint;

const setter = (db: DatabaseSync) => (n: number) => db.exec(`PRAGMA wal_autocheckpoint = ${n}`);

Deno.test("WalCheckpointer: the worker checkpoints a managed WAL while the owner's auto checkpoint is off", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-wal-" });
  const seen: WalCheckpoint[] = [];
  let copied: () => void = () => {};
  const done = new Promise<void>((r) => copied = r);
  const cp = WalCheckpointer.start({
    dirs: [dir],
    intervalMs: 20,
    onCheckpoint: (c) => {
      seen.push(c);
      if (c.checkpointed >= 200) copied();
    },
  });
  const db = walDb(`${dir}/a.db`);
  try {
    await cp.manage(`${dir}/a.db`, setter(db));
    assert.equal(auto(db), 0);
    assert.deepEqual(cp.managed, [`${dir}/a.db`]);
    const before = (await Deno.stat(`${dir}/a.db`)).size;
    const ins = db.prepare("INSERT INTO t (b) VALUES (?)");
    // 300 commits of ~2 KiB: without any checkpoint every page would stay in the WAL.
    for (let i = 0; i < 300; i++) ins.run(new Uint8Array(2048).fill(i & 255));
    await done;
    assert.ok(seen.every((c) => c.path === `${dir}/a.db`));
    // The copied frames reached the database file itself.
    assert.ok((await Deno.stat(`${dir}/a.db`)).size > before + 300 * 2048);
    assert.equal((db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 300);
  } finally {
    await cp.close();
    assert.equal(auto(db), 1000, "close() gives the connection its auto checkpoint back");
    assert.equal(cp.running, false);
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WalCheckpointer: refuses paths outside its directories, missing files and non-WAL databases", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-wal-" });
  const other = await Deno.makeTempDir({ prefix: "fcp-wal-other-" });
  const cp = WalCheckpointer.start({ dirs: [`${dir}/sub`] });
  await Deno.mkdir(`${dir}/sub`);
  const outside = walDb(`${other}/x.db`);
  const rollback = new DatabaseSync(`${dir}/sub/r.db`); // journal_mode DELETE
  rollback.exec("CREATE TABLE t (a)");
  try {
    for (
      const p of [
        `${other}/x.db`,
        `${dir}/sub/../x.db`,
        `${dir}/subx/x.db`,
        "relative.db",
        "../x.db",
      ]
    ) {
      await assert.rejects(cp.manage(p, setter(outside)), (e) => isFcpError(e, "FCP-1040"), p);
    }
    assert.equal(auto(outside), 1000);
    await assert.rejects(
      cp.manage(`${dir}/sub/none.db`, () => {}),
      (e) => isFcpError(e, "FCP-9002"),
    );
    assert.equal((await Array.fromAsync(Deno.readDir(`${dir}/sub`))).length, 1, "nothing created");
    let called = false;
    await assert.rejects(
      cp.manage(`${dir}/sub/r.db`, () => called = true),
      (e) => isFcpError(e, "FCP-9002") && !String(e).includes(dir),
    );
    assert.equal(called, false);
    assert.throws(() => WalCheckpointer.start({ dirs: [dir], intervalMs: 1 }), /FCP-1040/);
    assert.throws(() => WalCheckpointer.start({ dirs: [] }), /FCP-1040/);
    assert.throws(() => WalCheckpointer.start({ dirs: [""] }), /FCP-1040/);
  } finally {
    await cp.close();
    outside.close();
    rollback.close();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});

Deno.test("WalCheckpointer: a failed worker or a lost database hands checkpointing back to the owner", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-wal-" });
  const a = walDb(`${dir}/a.db`);
  const b = walDb(`${dir}/b.db`);
  try {
    // A worker that accepts one database, reports it lost, then dies on the next message.
    const src = `let n = 0;
      self.onmessage = (e) => {
        const m = e.data;
        if (m.t !== "add") return;
        if (++n === 1) {
          self.postMessage({ t: "added", id: m.id, ok: true });
          setTimeout(() => self.postMessage({ t: "lost", path: m.path, error: "gone" }), 10);
        } else throw new Error("boom");
      };`;
    const failures: string[] = [];
    const cp = WalCheckpointer.start({
      dirs: [dir],
      onFailure: (why) => failures.push(why),
      _workerSource: src,
    });
    await cp.manage(`${dir}/a.db`, setter(a));
    assert.equal(auto(a), 0);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(auto(a), 1000, "a lost database checkpoints itself again");
    assert.deepEqual(cp.managed, []);
    await assert.rejects(cp.manage(`${dir}/b.db`, setter(b)), (e) => isFcpError(e, "FCP-9002"));
    assert.equal(auto(b), 1000);
    assert.equal(cp.running, false);
    assert.equal(failures.length, 1);
    await assert.rejects(cp.manage(`${dir}/b.db`, setter(b)), (e) => isFcpError(e, "FCP-9002"));
    await cp.close();
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WalCheckpointer: under a steady stream of commits the WAL is restarted, not grown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-wal-" });
  let restarts = 0;
  const cp = WalCheckpointer.start({
    dirs: [dir],
    intervalMs: 10,
    restartFrames: 100,
    onCheckpoint: (c) => {
      if (c.restarted) restarts++;
    },
  });
  const db = walDb(`${dir}/a.db`);
  try {
    await cp.manage(`${dir}/a.db`, setter(db));
    const ins = db.prepare("INSERT INTO t (b) VALUES (?)");
    // 6000 commits of 2 KiB, twenty at a time with a 1 ms pause: never idle long enough for a
    // writer to find the WAL fully copied by itself.
    let commits = 0;
    while (commits < 6000) {
      for (let i = 0; i < 20; i++) ins.run(new Uint8Array(2048).fill(i));
      commits += 20;
      await new Promise((r) => setTimeout(r, 1));
    }
    const wal = (await Deno.stat(`${dir}/a.db-wal`)).size;
    assert.ok(restarts > 0, `no round restarted the WAL in ${commits} commits`);
    // Each commit adds at least one 4 KiB frame (about three here): a WAL never restarted holds
    // them all (measured 20–75 MB; one restarted every 10 ms stays at 2–5 MB). The WAL file is
    // reused from its start, not truncated, so its size is the longest it ever was.
    assert.ok(wal < commits * 4096 / 2, `WAL ${wal} bytes after ${commits} commits`);
    const n = (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
    assert.equal(n, commits);
  } finally {
    await cp.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WalCheckpointer: refuses a restart threshold out of range", () => {
  for (const restartFrames of [0, -1, 1.5, 2_000_000]) {
    assert.throws(
      () => WalCheckpointer.start({ dirs: ["/tmp"], restartFrames }),
      (e) => isFcpError(e, "FCP-1040"),
    );
  }
});
