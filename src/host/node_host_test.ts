import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createStandardZones, initIdentity } from "../authority/mod.ts";
import { FcpError } from "../core/mod.ts";
import { MemorySymbolStore, WalCheckpointer } from "../store/mod.ts";
import { AuditLog } from "./audit_log.ts";
import { hostDbPath } from "./host_db.ts";
import { createNodeHost, type NodeHost, type NodeHostOptions } from "./node_host.ts";

const T0 = 1_700_000_000;

async function withHost(
  walCheckpoints: NodeHostOptions["walCheckpoints"],
  body: (home: string, host: NodeHost, shutdown: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "fcp-nodehost-" });
  const identity = await initIdentity(home, { now: T0, nodeId: "node-nh" });
  const zones = await createStandardZones(identity, identity.keystore, T0);
  const audit = AuditLog.open({
    path: ":memory:",
    nodeId: "node-nh",
    signer: identity.signing,
    publicKey: identity.signing.publicKey,
    objectIdKey: (z) => zones.objectIdKey(z).key,
  });
  const host = await createNodeHost({
    home,
    identity,
    zones,
    store: new MemorySymbolStore(),
    audit,
    startActive: false,
    ...(walCheckpoints === undefined ? {} : { walCheckpoints }),
  });
  let down = false;
  const shutdown = async () => {
    if (!down) await host.shutdown();
    down = true;
  };
  try {
    await body(home, host, shutdown);
  } finally {
    await shutdown();
    audit.close();
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("host.db is handed to the background checkpointer, and taken back on close", async () => {
  let cp: WalCheckpointer | undefined;
  const set: number[] = [];
  try {
    await withHost({
      manage: (path, setAuto) => {
        cp ??= WalCheckpointer.start({ dirs: [path.slice(0, path.lastIndexOf("/"))] });
        return cp.manage(path, (pages) => {
          setAuto(pages);
          set.push(pages);
        });
      },
    }, async (home, _host, shutdown) => {
      assert.deepEqual(cp?.managed, [hostDbPath(home)]);
      assert.deepEqual(set, [0], "the host's own automatic checkpoint is off");
      const probe = new DatabaseSync(hostDbPath(home));
      try {
        assert.equal(
          (probe.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
          "wal",
        );
      } finally {
        probe.close();
      }
      await shutdown();
      // The host's connection is closed: giving it its checkpoints back must not throw.
      await cp?.close();
      assert.deepEqual(set, [0, 1000]);
      assert.equal(cp?.running, false);
    });
  } finally {
    await cp?.close();
  }
});

Deno.test("a checkpointer that refuses host.db leaves the host working", async () => {
  const asked: string[] = [];
  await withHost({
    manage: (path) => {
      asked.push(path);
      return Promise.reject(new FcpError("FCP-9002", "the checkpoint worker is not running"));
    },
  }, async (home, host) => {
    assert.deepEqual(asked, [hostDbPath(home)]);
    await host.connectors.install("fcp.fs");
    assert.deepEqual(host.connectors.list().map((s) => s.id), ["fcp.fs"]);
  });
});

Deno.test("the node host makes the revocations directory, so revocation reads never write", async () => {
  await withHost(undefined, async (home) => {
    assert.ok((await Deno.stat(`${home}/revocations`)).isDirectory);
  });
});
