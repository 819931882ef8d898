import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  isNodeLockHeld,
  NodeLock,
  nodeLockPaths,
  readNodeLockInfo,
  runningNode,
} from "./node_lock.ts";

async function withHome(f: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "fcp-lock-" });
  try {
    await f(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const INFO = {
  pid: 4242,
  "node_id": "node-a",
  hostname: "127.0.0.1",
  port: 7878,
  "started_at": 1_700_000_000,
  version: "0.1.0",
};

Deno.test("the lock is exclusive, its info is visible while held and removed on release", async () => {
  await withHome(async (home) => {
    const lock = await NodeLock.acquire(home);
    await lock.writeInfo(INFO);
    assert.deepEqual(await runningNode(home), { format: "fcp.node-lock/1", ...INFO });
    await assert.rejects(NodeLock.acquire(home), (e) => {
      assert.ok(isFcpError(e, "FCP-5001"));
      assert.match(e.detail, /already running.*pid 4242, http:\/\/127\.0\.0\.1:7878/);
      return true;
    });
    assert.equal((await Deno.stat(nodeLockPaths(home).dir)).mode! & 0o777, 0o700);
    await lock.release();
    await lock.release(); // idempotent
    assert.equal(lock.held, false);
    assert.equal(await readNodeLockInfo(home), undefined);
    assert.equal(await isNodeLockHeld(home), false);
    await assert.rejects(lock.writeInfo(INFO), (e) => isFcpError(e, "FCP-5002"));
  });
});

Deno.test("an info file without a held lock is stale: not running, and a new node takes over", async () => {
  await withHome(async (home) => {
    const paths = nodeLockPaths(home);
    await Deno.mkdir(paths.dir, { recursive: true });
    await Deno.writeTextFile(paths.info, JSON.stringify({ format: "fcp.node-lock/1", ...INFO }));
    await Deno.writeTextFile(paths.lock, "");
    await assert.rejects(runningNode(home), (e) => {
      assert.ok(isFcpError(e, "FCP-5002"));
      assert.match(e.detail, /stale lock file of pid 4242/);
      return true;
    });
    const lock = await NodeLock.acquire(home);
    await lock.writeInfo({ ...INFO, pid: 7, port: 9999 });
    assert.equal((await runningNode(home)).port, 9999);
    await lock.release();
  });
});

Deno.test("a held lock without info reads as starting, malformed info as absent", async () => {
  await withHome(async (home) => {
    const lock = await NodeLock.acquire(home);
    await assert.rejects(runningNode(home), (e) => {
      assert.ok(isFcpError(e, "FCP-5002"));
      assert.match(e.detail, /starting or stopping/);
      return true;
    });
    await Deno.writeTextFile(nodeLockPaths(home).info, '{"format":"fcp.node-lock/1","pid":"x"}');
    assert.equal(await readNodeLockInfo(home), undefined);
    await lock.release();
  });
});
