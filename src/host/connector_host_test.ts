import assert from "node:assert/strict";
import { createStandardZones, initIdentity } from "../authority/mod.ts";
import { fromHex, isFcpError } from "../core/mod.ts";
import { createObjectContext, getObject, MemorySymbolStore } from "../store/mod.ts";
import { AuditLog } from "./audit_log.ts";
import { ConnectorHost, type RunningWorker } from "./connector_host.ts";
import type { WorkerLaunchSpec } from "./connector_worker.ts";
import { decodePackage } from "./connector_package.ts";
import type { EgressContext, EgressGuard } from "./egress_guard.ts";
import { openHostDb } from "./host_db.ts";

const T0 = 1_700_000_000;

async function setup(over: {
  invoke?: (
    spec: WorkerLaunchSpec,
    op: string,
    input: unknown,
    requestId: string,
  ) => Promise<unknown>;
  egress?: EgressGuard;
  /** Reach the home through a symbolic link (FCP_HOME set to a link). */
  linkedHome?: boolean;
} = {}) {
  const realHome = await Deno.makeTempDir({ prefix: "fcp-host-" });
  let home = realHome;
  if (over.linkedHome) {
    await Deno.symlink(home, `${home}-link`);
    home = `${home}-link`;
  }
  const identity = await initIdentity(home, { now: T0, nodeId: "node-h" });
  const zones = await createStandardZones(identity, identity.keystore, T0);
  const audit = AuditLog.open({
    path: ":memory:",
    nodeId: "node-h",
    signer: identity.signing,
    publicKey: identity.signing.publicKey,
    objectIdKey: (z) => zones.objectIdKey(z).key,
    now: () => T0,
  });
  const store = new MemorySymbolStore();
  const db = openHostDb(":memory:");
  const launched: WorkerLaunchSpec[] = [];
  const stopped: string[] = [];
  const startWorker = (spec: WorkerLaunchSpec): Promise<RunningWorker> => {
    launched.push(spec);
    return Promise.resolve({
      state: "ready",
      restarts: 0,
      invoke: (op, input, o) =>
        over.invoke?.(spec, op, input, o.requestId) ??
          Promise.resolve({ op, input, instance: spec.instanceId }),
      health: () => Promise.resolve({ ok: true, heapUsedBytes: 1 }),
      shutdown: () => {
        stopped.push(spec.instanceId);
        return Promise.resolve();
      },
    });
  };
  const host = new ConnectorHost({
    home,
    zones,
    nodeId: "node-h",
    store,
    db,
    audit,
    startWorker,
    now: () => T0,
    ...(over.egress === undefined ? {} : { egress: over.egress }),
  });
  return {
    home,
    zones,
    audit,
    store,
    host,
    launched,
    stopped,
    async close() {
      await host.shutdown();
      audit.close();
      db.close();
      if (home !== realHome) await Deno.remove(home);
      await Deno.remove(realHome, { recursive: true });
    },
  };
}

Deno.test("connector host: install stores the package as a pinned z:owner object, once", async () => {
  const s = await setup();
  try {
    const a = await s.host.install("fcp.fs");
    const b = await s.host.install("fcp.fs");
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(a.package_id, b.package_id);
    const ctx = createObjectContext({ store: s.store, keyring: s.zones, nodeId: "node-h" });
    const pkg = decodePackage(await getObject(ctx, fromHex(a.package_id), { zone: "z:owner" }));
    assert.equal(pkg.manifest.id, "fcp.fs");
    assert.ok(pkg.files.has("fs/worker.ts") && pkg.files.has("_sdk/mod.ts"));
    assert.equal(
      s.audit.tail("z:owner", 5).filter((e) => e.event.eventType === "connector.install").length,
      1,
    );
    await assert.rejects(s.host.install("fcp.nope"), (e) => isFcpError(e, "FCP-5008"));
  } finally {
    await s.close();
  }
});

Deno.test("connector host: a home reached through a link is refused as itself, and a refusal records nothing", async () => {
  const s = await setup({ linkedHome: true });
  try {
    await s.host.install("fcp.fs");
    const real = await Deno.realPath(s.home);
    assert.notEqual(real, s.home);
    for (const path of [real, `${real}/keys`, s.home]) {
      await assert.rejects(
        s.host.activate("fcp.fs", "z:work", { grantRead: [path] }),
        (e) => isFcpError(e, "FCP-3003"),
        path,
      );
      await assert.rejects(
        s.host.activate("fcp.fs", "z:work", { grantRead: [path], start: false }),
        (e) => isFcpError(e, "FCP-3003"),
        `${path}, recorded only`,
      );
    }
    assert.deepEqual(s.host.list()[0]?.instances, []);
    assert.equal(s.launched.length, 0);
  } finally {
    await s.close();
  }
});

Deno.test("connector host: activation binds one zone, derives the sandbox and refuses the home", async () => {
  const s = await setup();
  const granted = await Deno.makeTempDir();
  try {
    await s.host.install("fcp.fs");
    await assert.rejects(s.host.activate("fcp.http", "z:work"), (e) => isFcpError(e, "FCP-5008"));
    await assert.rejects(s.host.activate("fcp.fs", "z:public"), (e) => isFcpError(e, "FCP-4002"));
    await assert.rejects(
      s.host.activate("fcp.fs", "z:work", { grantRead: [s.home] }),
      (e) => isFcpError(e, "FCP-3003"),
      "the node home can never be granted",
    );
    await assert.rejects(
      s.host.activate("fcp.fs", "z:work", { grantRead: ["relative/dir"] }),
      (e) => isFcpError(e, "FCP-1040"),
    );
    await assert.rejects(
      s.host.activate("fcp.fs", "z:work", { grantRead: [granted], allowHosts: ["evil.test:443"] }),
      (e) =>
        isFcpError(e, "FCP-3008") &&
        /declares no operation with network_constraints/.test(e.message),
      "--allow-host gives no network to a connector that declares none",
    );
    const st = await s.host.activate("fcp.fs", "z:work", { grantRead: [granted] });
    assert.equal(st.instance_id, "fcp.fs:z:work");
    const spec = s.launched.at(-1)!;
    const real = await Deno.realPath(granted);
    assert.deepEqual(spec.permissions.read, [real]);
    assert.equal(spec.permissions.write, false);
    assert.equal(spec.permissions.run, false);
    assert.equal(spec.permissions.net, false);
    assert.ok(spec.entryUrl.endsWith("/connectors/fs/worker.ts"), "shipped code runs embedded");
    const t = s.host.target("fcp.fs", "z:work");
    assert.ok("instanceId" in t);
    const other = s.host.target("fcp.fs", "z:private");
    assert.deepEqual(other, { activeIn: ["z:work"] });
    const out = await t.run("fs_list", { path: "." }, { requestId: "r" }) as { instance: string };
    assert.equal(out.instance, "fcp.fs:z:work");
    await s.host.deactivate("fcp.fs", "z:work");
    assert.deepEqual(s.stopped, ["fcp.fs:z:work"]);
    assert.ok(!("instanceId" in s.host.target("fcp.fs", "z:work")));
    assert.equal(s.host.registry.instance("fcp.fs", "z:work")?.desired, "inactive");
  } finally {
    await Deno.remove(granted, { recursive: true });
    await s.close();
  }
});

Deno.test("connector host: startActive brings back what was active; a path install runs materialized", async () => {
  const s = await setup();
  const src = await Deno.makeTempDir();
  try {
    // A connector folder from a path: a copy of fcp.http with its SDK beside it.
    const root = new URL("../../connectors/", import.meta.url);
    await Deno.mkdir(`${src}/http`);
    await Deno.mkdir(`${src}/_sdk`);
    for (const dir of ["http", "_sdk"]) {
      for await (const e of Deno.readDir(new URL(`${dir}/`, root))) {
        if (e.isFile) {
          await Deno.copyFile(new URL(`${dir}/${e.name}`, root), `${src}/${dir}/${e.name}`);
        }
      }
    }
    const r = await s.host.install(`${src}/http`);
    assert.equal(r.source, "path");
    await s.host.activate("fcp.http", "z:work", { start: false });
    assert.equal(s.launched.length, 0, "start: false only records");
    const failures = await s.host.startActive();
    assert.deepEqual(failures, []);
    const spec = s.launched.at(-1)!;
    assert.match(spec.entryUrl, /\/connectors\/packages\/[0-9a-f]{64}\/http\/worker\.ts$/);
    // fcp.http is strict: no raw sockets, its network goes through the egress guard (§11.2).
    assert.equal(spec.permissions.net, false);
    const onDisk = await Deno.readTextFile(new URL(spec.entryUrl));
    assert.ok(onDisk.length > 0);
    const health = await s.host.health("fcp.http");
    assert.equal(health[0]?.health, "ok");
  } finally {
    await Deno.remove(src, { recursive: true });
    await s.close();
  }
});

Deno.test("connector host: --allow-host widens only operations that declare network_constraints", async () => {
  const seen: EgressContext[] = [];
  const guard = {
    fetch: (_req: unknown, ctx: EgressContext) => {
      seen.push(ctx);
      return Promise.resolve({
        status: 204,
        statusText: "",
        url: "",
        headers: [],
        body: new Uint8Array(),
        truncated: false,
      });
    },
  } as unknown as EgressGuard;
  const s = await setup({
    egress: guard,
    invoke: (spec, op, _input, requestId) =>
      spec.egress({ method: "GET", url: "https://extra.test/", headers: [] }, {
        operation: op,
        requestId,
      }),
  });
  const src = await Deno.makeTempDir();
  try {
    // fcp.http with its second operation's network_constraints removed.
    const root = new URL("../../connectors/", import.meta.url);
    for (const dir of ["http", "_sdk"]) {
      await Deno.mkdir(`${src}/${dir}`);
      for await (const e of Deno.readDir(new URL(`${dir}/`, root))) {
        if (e.isFile) {
          await Deno.copyFile(new URL(`${dir}/${e.name}`, root), `${src}/${dir}/${e.name}`);
        }
      }
    }
    const text = await Deno.readTextFile(`${src}/http/manifest.toml`);
    const at = text.lastIndexOf("[operations.network_constraints]");
    const end = text.indexOf("[operations.ai_hints]", at);
    await Deno.writeTextFile(`${src}/http/manifest.toml`, text.slice(0, at) + text.slice(end));
    await s.host.install(`${src}/http`);
    await s.host.activate("fcp.http", "z:work", { allowHosts: ["extra.test:443"] });
    const target = s.host.target("fcp.http", "z:work");
    assert.ok("run" in target);
    await target.run("http_get", {}, { requestId: "r-get" });
    await target.run("http_post", {}, { requestId: "r-post" });
    const byOp = new Map(seen.map((c) => [c.operation, c.constraints.hostAllow]));
    assert.ok(byOp.get("http_get")?.includes("extra.test:443"), "declared network: widened");
    assert.deepEqual(byOp.get("http_post"), [], "no network_constraints: still deny-all");
  } finally {
    await Deno.remove(src, { recursive: true });
    await s.close();
  }
});
