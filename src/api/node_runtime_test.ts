import assert from "node:assert/strict";
import { createStandardZones, initIdentity, loadIdentity, ZoneKeyring } from "../authority/mod.ts";
import { FcpError, isFcpError } from "../core/mod.ts";
import { MemorySymbolStore } from "../store/mod.ts";
import { readApiToken } from "./api_token.ts";
import { isNodeLockHeld, readNodeLockInfo } from "./node_lock.ts";
import { openNodeAudit, startNode } from "./node_runtime.ts";

const NOW = 1_700_000_000;

async function withHome(init: boolean, f: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fcp-node-" });
  const home = `${dir}/home`;
  try {
    if (init) {
      const id = await initIdentity(home, { now: NOW, nodeId: "node-rt" });
      await createStandardZones(id, id.keystore, NOW);
    }
    await f(home);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A MemorySymbolStore that records whether it was closed. */
class TrackedStore extends MemorySymbolStore {
  closed = 0;
  override close(): Promise<void> {
    this.closed++;
    return super.close();
  }
}

Deno.test("a node serves status, writes its lock info, and stops in order", async () => {
  await withHome(true, async (home) => {
    const store = new TrackedStore();
    const order: string[] = [];
    let checkpointing: { managed: string[]; auditAuto: number } | undefined;
    let clock = NOW + 100;
    const node = await startNode({
      home,
      version: "0.1.0",
      port: 0,
      now: () => clock,
      openStore: () => store,
      services: (ctx) => {
        assert.equal(ctx.identity.nodeId, "node-rt");
        assert.equal(ctx.store, store);
        ctx.onShutdown("workers", () => void order.push(`workers closed=${store.closed}`));
        ctx.onShutdown("audit", () => void order.push("audit"));
        // While the node runs, the audit log's WAL is checkpointed in the background.
        checkpointing = {
          managed: [...ctx.walCheckpoints?.managed ?? []],
          auditAuto: ctx.audit.walAutoCheckpoint,
        };
        return {
          connectors: { list: () => Promise.resolve([]) },
        };
      },
    });
    const info = await readNodeLockInfo(home);
    assert.equal(info?.port, node.port);
    assert.equal(info?.pid, Deno.pid);
    assert.ok(node.routes.includes("GET /v1/connectors"));
    clock += 7;
    const token = await readApiToken(home);
    const res = await fetch(`http://127.0.0.1:${node.port}/v1/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const status = await res.json();
    assert.equal(status.node_id, "node-rt");
    assert.equal(status.uptime_secs, 7);
    assert.deepEqual(status.listen, { hostname: "127.0.0.1", port: node.port });
    assert.deepEqual(status.store, { kind: "memory", objects: 0 });
    assert.deepEqual(status.services, ["audit", "connectors", "objects"]);
    assert.ok(node.routes.includes("PUT /v1/objects"));
    assert.equal(status.zones.length, 5);

    const report = await node.stop();
    assert.deepEqual(report.steps, [
      "api",
      "audit",
      "workers",
      "wal-checkpoints",
      "audit-log",
      "store",
      "lock",
    ]);
    assert.deepEqual(report.failures, []);
    assert.deepEqual(order, ["audit", "workers closed=0"]); // hooks run before the store closes
    assert.deepEqual(checkpointing, { managed: [`${home}/audit/audit.db`], auditAuto: 0 });
    assert.equal(store.closed, 1);
    assert.equal(await node.stop(), report);
    assert.equal(await node.finished, report);
    assert.equal(await isNodeLockHeld(home), false);
    assert.equal(await readNodeLockInfo(home), undefined);
    await assert.rejects(fetch(`http://127.0.0.1:${node.port}/v1/status`));

    // The lifecycle is on the z:owner audit chain, signed and hash-linked.
    const id = await loadIdentity(home);
    const log = openNodeAudit(home, id, await ZoneKeyring.load(id.keystore), () => clock);
    try {
      const events = log.tail("z:owner", 10).map((e) => [e.event.eventType, e.event.actor]);
      assert.deepEqual(events, [["node.start", "node-rt"], ["node.stop", "node-rt"]]);
      assert.equal(log.verify("z:owner").ok, true);
    } finally {
      log.close();
    }
  });
});

Deno.test("a failing shutdown hook is reported, and the rest of the stop still runs", async () => {
  await withHome(true, async (home) => {
    const store = new TrackedStore();
    const node = await startNode({ home, version: "0.1.0", port: 0, openStore: () => store });
    node.onShutdown("bad", () => {
      throw new FcpError("FCP-6003", "worker did not stop");
    });
    node.onShutdown("crash", () => Promise.reject(new Error("x")));
    const report = await node.stop();
    assert.deepEqual(report.failures, [
      { step: "crash", code: "FCP-9001" },
      { step: "bad", code: "FCP-6003" },
    ]);
    assert.equal(store.closed, 1);
    assert.equal(await isNodeLockHeld(home), false);
  });
});

Deno.test("startup refusals release the lock: uninitialized home, non-loopback bind", async () => {
  await withHome(false, async (home) => {
    await Deno.mkdir(home, { recursive: true });
    await assert.rejects(
      startNode({ home, version: "0.1.0", port: 0, openStore: () => new MemorySymbolStore() }),
      (e) => isFcpError(e, "FCP-2012"),
    );
    assert.equal(await isNodeLockHeld(home), false);
  });
  await withHome(true, async (home) => {
    const store = new TrackedStore();
    await assert.rejects(
      startNode({ home, version: "0.1.0", port: 0, hostname: "0.0.0.0", openStore: () => store }),
      (e) => isFcpError(e, "FCP-1040"),
    );
    assert.equal(store.closed, 1);
    assert.equal(await isNodeLockHeld(home), false);
    const node = await startNode({ home, version: "0.1.0", port: 0, openStore: () => store });
    await node.stop();
  });
});

Deno.test("a second node on the same home is refused with FCP-5001 and the first keeps running", async () => {
  await withHome(true, async (home) => {
    const first = await startNode({
      home,
      version: "0.1.0",
      port: 0,
      openStore: () => new MemorySymbolStore(),
    });
    let opened = false;
    await assert.rejects(
      startNode({
        home,
        version: "0.1.0",
        port: 0,
        openStore: () => {
          opened = true;
          return new MemorySymbolStore();
        },
      }),
      (e) => isFcpError(e, "FCP-5001"),
    );
    assert.equal(opened, false, "the refused node touched nothing");
    assert.equal((await readNodeLockInfo(home))?.port, first.port);
    await first.stop();
  });
});

Deno.test("the default store is SQLite in FCP_HOME/store/symbols.db", async () => {
  await withHome(true, async (home) => {
    const node = await startNode({ home, version: "0.1.0", port: 0 });
    const token = await readApiToken(home);
    const res = await fetch(`http://127.0.0.1:${node.port}/v1/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal((await res.json()).store.kind, "sqlite");
    await node.stop();
    assert.ok((await Deno.stat(`${home}/store/symbols.db`)).isFile);
  });
});
