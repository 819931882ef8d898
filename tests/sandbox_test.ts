/**
 * The sandbox refuses what it must (issue 5 §7): a probe connector in a real, permission-
 * restricted Worker tries to read and write outside its grant, read the node's secrets, read
 * env outside its list, run a subprocess, load a library, open sockets, reach other workers;
 * and the host's limits stop busy loops, heap growth, crashes and oversized messages.
 */
import assert from "node:assert/strict";
import type { ConnectorManifest } from "../src/host/mod.ts";
import { type ErrorCode, isFcpError } from "../src/core/mod.ts";
import {
  builtinEntryUrl,
  ConnectorWorker,
  EgressGuard,
  parseManifest,
  readBuiltinPackage,
  sandboxPermissions,
  type WorkerLaunchSpec,
} from "../src/host/mod.ts";

const PROBE = new URL("./fixtures/connectors/probe/", import.meta.url);

interface Env {
  readonly root: string;
  readonly granted: string;
  readonly home: string;
  readonly outside: string;
  readonly worker: ConnectorWorker;
  close(): Promise<void>;
}

async function probe(
  limits: WorkerLaunchSpec["limits"] = {},
  egress?: WorkerLaunchSpec["egress"],
  edit: (m: ConnectorManifest) => ConnectorManifest = (m) => m,
): Promise<Env> {
  const root = await Deno.makeTempDir({ prefix: "fcp-sandbox-" });
  const granted = `${root}/granted`;
  const home = `${root}/home`;
  const outside = `${root}/outside`;
  for (const d of [granted, home, outside, `${root}/data`]) await Deno.mkdir(d);
  await Deno.writeTextFile(`${granted}/in.txt`, "inside");
  await Deno.writeTextFile(`${outside}/secret.txt`, "outside");
  await Deno.writeTextFile(`${home}/api.token`, "node-secret-token");
  const manifest = edit(parseManifest(await Deno.readTextFile(new URL("manifest.toml", PROBE))));
  const permissions = sandboxPermissions(manifest, {
    dataDir: `${root}/data`,
    granted: { read: [granted], write: [granted] },
    protect: [home],
  });
  const worker = await ConnectorWorker.start({
    manifest,
    instanceId: "fcp.probe:z:work",
    zone: "z:work",
    entryUrl: new URL("worker.ts", PROBE).href,
    permissions,
    fsRoots: { read: [granted], write: [granted] },
    egress: egress ?? (() => Promise.reject(new Error("no egress in this test"))),
    limits: { restart: { baseDelayMs: 10, maxDelayMs: 50 }, ...limits },
  });
  return {
    root,
    granted,
    home,
    outside,
    worker,
    async close() {
      await worker.shutdown();
      await Deno.remove(root, { recursive: true });
    },
  };
}

async function refused(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(isFcpError(e), `expected ${code}, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const call = (w: ConnectorWorker, op: string, input: unknown = {}) =>
  w.invoke(op, input, { requestId: crypto.randomUUID() });

/** A probe whose `ctx.fetch` goes through a real EgressGuard (closed with the probe). */
async function guardedProbe(resolver: (name: string) => Promise<string[]>): Promise<Env> {
  const guard = new EgressGuard({ resolver });
  const probeManifest = parseManifest(await Deno.readTextFile(new URL("manifest.toml", PROBE)));
  const op = probeManifest.operations.find((o) => o.id === "probe_ctxfetch")!;
  const env = await probe({}, (req, c) =>
    guard.fetch(req, {
      connectorId: "fcp.probe",
      zone: "z:work",
      operation: c.operation,
      requestId: c.requestId,
      constraints: op.network!,
    }));
  return {
    ...env,
    async close() {
      await env.close();
      await guard.close();
    },
  };
}

/** The shipped fs connector in a real worker, granted `read` (and `write`) directories. */
async function fsWorker(dir: string, read: string[], write: string[]): Promise<ConnectorWorker> {
  const pkg = await readBuiltinPackage("fcp.fs");
  return await ConnectorWorker.start({
    manifest: pkg.manifest,
    instanceId: "fcp.fs:z:work",
    zone: "z:work",
    entryUrl: builtinEntryUrl("fs"),
    permissions: sandboxPermissions(pkg.manifest, { dataDir: dir, granted: { read, write } }),
    fsRoots: { read, write },
    egress: () => Promise.reject(new Error("none")),
  });
}

Deno.test("sandbox: files only inside the granted directory; never the node home", async () => {
  const env = await probe();
  try {
    assert.deepEqual(await call(env.worker, "probe_read", { path: `${env.granted}/in.txt` }), {
      ok: true,
      text: "inside",
    });
    await call(env.worker, "probe_write", { path: `${env.granted}/new.txt` });
    await refused(
      call(env.worker, "probe_read", { path: `${env.outside}/secret.txt` }),
      "FCP-3009",
    );
    await refused(call(env.worker, "probe_write", { path: `${env.outside}/x.txt` }), "FCP-3009");
    await refused(call(env.worker, "probe_read", { path: `${env.home}/api.token` }), "FCP-3009");
    await refused(call(env.worker, "probe_read", { path: "/etc/hostname" }), "FCP-3009");
    assert.equal(await Deno.stat(`${env.outside}/x.txt`).then(() => true, () => false), false);
    // Nor can it plant a link in its granted directory that leads out of it.
    await refused(
      call(env.worker, "probe_symlink", { target: env.home, path: `${env.granted}/link` }),
      "FCP-3009",
    );
    assert.equal(await Deno.lstat(`${env.granted}/link`).then(() => true, () => false), false);
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: env only as declared; no subprocess, no FFI", async () => {
  Deno.env.set("PROBE_OK", "yes");
  Deno.env.set("PROBE_SECRET", "no");
  const env = await probe();
  try {
    assert.deepEqual(await call(env.worker, "probe_env", { name: "PROBE_OK" }), {
      ok: true,
      value: "yes",
    });
    await refused(call(env.worker, "probe_env", { name: "PROBE_SECRET" }), "FCP-3009");
    await refused(call(env.worker, "probe_env", { name: "HOME" }), "FCP-3009");
    await refused(call(env.worker, "probe_run"), "FCP-3009");
    await refused(call(env.worker, "probe_ffi"), "FCP-3009");
  } finally {
    await env.close();
    Deno.env.delete("PROBE_OK");
    Deno.env.delete("PROBE_SECRET");
  }
});

Deno.test("sandbox: no direct network; sockets only to allow-listed names", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x"),
  );
  const env = await probe();
  try {
    const port = server.addr.port;
    await refused(
      call(env.worker, "probe_fetch", { url: `http://127.0.0.1:${port}/` }),
      "FCP-3009",
    );
    await refused(call(env.worker, "probe_fetch", { url: "https://example.com/" }), "FCP-3009");
    await refused(call(env.worker, "probe_netconnect", { host: "127.0.0.1", port }), "FCP-3009");
    await refused(call(env.worker, "probe_netconnect", { host: "10.0.0.1", port: 80 }), "FCP-3009");
  } finally {
    await env.close();
    await server.shutdown();
  }
});

Deno.test("sandbox: below the permissive profile no raw socket reaches even an allow-listed name (§11.2)", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  let accepted = 0;
  const accepting = (async () => {
    for await (const c of listener) {
      accepted++;
      c.close();
    }
  })();
  // `localhost:<port>` allow-listed for probe_netconnect: a name that resolves to loopback.
  const allowing =
    (profile: ConnectorManifest["sandbox"]["profile"]) => (m: ConnectorManifest) => ({
      ...m,
      sandbox: { ...m.sandbox, profile },
      operations: m.operations.map((o) =>
        o.id === "probe_netconnect" && o.network !== undefined
          ? { ...o, network: { ...o.network, hostAllow: [`localhost:${port}`] } }
          : o
      ),
    });
  try {
    for (const profile of ["moderate", "strict"] as const) {
      const env = await probe({}, undefined, allowing(profile));
      try {
        for (const host of ["localhost", "127.0.0.1"]) {
          await assert.rejects(call(env.worker, "probe_netconnect", { host, port }));
        }
      } finally {
        await env.close();
      }
    }
    assert.equal(accepted, 0, "no connection reached the listener");
    // The permissive profile does get the socket: the refusals above are the profile's doing.
    const open = await probe({}, undefined, allowing("permissive"));
    try {
      assert.deepEqual(
        await call(open.worker, "probe_netconnect", { host: "localhost", port }),
        { ok: true },
      );
    } finally {
      await open.close();
    }
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
});

Deno.test("sandbox: ctx.fetch goes through the egress guard, which refuses loopback, private and metadata addresses", async () => {
  const env = await guardedProbe((name) =>
    Promise.resolve(name === "allowed.test" ? ["127.0.0.1"] : [])
  );
  try {
    for (const url of ["http://127.0.0.1:9/", "http://10.0.0.1:9/", "http://169.254.169.254:9/"]) {
      await refused(call(env.worker, "probe_ctxfetch", { url }), "FCP-3008");
    }
    // Allow-listed by name, but the name resolves to loopback: refused after DNS.
    await refused(
      call(env.worker, "probe_ctxfetch", { url: "http://allowed.test:9/" }),
      "FCP-3008",
    );
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: connectors cannot reach each other through shared channels or caches", async () => {
  const env = await probe();
  const seen: unknown[] = [];
  const ch = new BroadcastChannel("fcp-probe");
  ch.onmessage = (e) => seen.push(e.data);
  try {
    await refused(call(env.worker, "probe_broadcast"), "FCP-3009");
    await refused(call(env.worker, "probe_cache"), "FCP-3009");
    // Saved by the connector's module before the SDK ran: the host's lockdown ran earlier.
    await refused(call(env.worker, "probe_saved_broadcast"), "FCP-3009");
    await refused(
      call(env.worker, "probe_saved_fetch", { url: "http://allowed.test:9/" }),
      "FCP-3009",
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen, []);
  } finally {
    ch.close();
    await env.close();
  }
});

Deno.test("sandbox: a busy loop is stopped by the wall clock and the worker comes back", async () => {
  const env = await probe({ callTimeoutMs: 300 });
  try {
    await refused(call(env.worker, "probe_spin"), "FCP-6003");
    assert.deepEqual(await call(env.worker, "probe_echo", { a: 1 }), { ok: true, input: { a: 1 } });
    assert.equal(env.worker.restarts, 1);
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: a connector over its heap limit is terminated and restarted", async () => {
  const env = await probe({ heapLimitMb: 32 });
  try {
    await refused(call(env.worker, "probe_alloc", { mb: 64 }), "FCP-5007");
    assert.deepEqual(await call(env.worker, "probe_echo", {}), { ok: true, input: {} });
    assert.equal(env.worker.restarts, 1);
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: a connector cannot hide its heap by replacing Deno.memoryUsage or postMessage", async () => {
  const env = await probe({ heapLimitMb: 32 });
  try {
    await refused(call(env.worker, "probe_hide_heap", { mb: 64 }), "FCP-5007");
    assert.equal(env.worker.restarts, 1);
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: a crash fails the call, restarts with backoff, and too many leave it failed", async () => {
  const env = await probe({ restart: { baseDelayMs: 10, maxDelayMs: 20, maxRestarts: 2 } });
  try {
    await refused(call(env.worker, "probe_crash"), "FCP-5006");
    assert.deepEqual(await call(env.worker, "probe_echo", {}), { ok: true, input: {} });
    await refused(call(env.worker, "probe_crash"), "FCP-5006");
    await call(env.worker, "probe_echo", {});
    await refused(call(env.worker, "probe_crash"), "FCP-5006");
    assert.equal(env.worker.state, "failed");
    await refused(call(env.worker, "probe_echo", {}), "FCP-5005");
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: messages over the size limit are refused both ways", async () => {
  const env = await probe();
  try {
    await refused(call(env.worker, "probe_echo", { big: "z".repeat(70_000) }), "FCP-1041");
    await refused(call(env.worker, "probe_big", { bytes: 70_000 }), "FCP-1041");
    assert.equal(
      (await call(env.worker, "probe_big", { bytes: 1000 }) as { ok: boolean }).ok,
      true,
    );
  } finally {
    await env.close();
  }
});

Deno.test("sandbox: the shipped fs connector works inside its grant through a real worker", async () => {
  const dir = await Deno.makeTempDir();
  const w = await fsWorker(dir, [dir], [dir]);
  try {
    await w.invoke("fs_write", { path: `${dir}/n.txt`, content: "hi" }, { requestId: "a" });
    const r = await w.invoke("fs_read", { path: `${dir}/n.txt` }, { requestId: "b" }) as {
      content: string;
    };
    assert.equal(r.content, "hi");
    await refused(w.invoke("fs_read", { path: "/etc/passwd" }, { requestId: "c" }), "FCP-3003");
    const h = await w.health();
    assert.equal(h.ok, true);
    assert.ok((h.heapUsedBytes ?? 0) > 0);
  } finally {
    await w.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker methods: introspect, simulate and subscribe (§10.3) answer through the sandbox", async () => {
  const env = await guardedProbe(() => Promise.resolve([]));
  const sim = (operation: string, input: unknown) =>
    env.worker.simulate(operation, input, { requestId: crypto.randomUUID() });
  try {
    const intro = await env.worker.introspect();
    assert.ok((intro.operations as string[]).includes("probe_read"));
    assert.equal(intro.simulate, true);
    assert.equal(intro.subscribe, true);
    assert.deepEqual(await sim("probe_read", { path: `${env.granted}/in.txt` }), {
      wouldSucceed: true,
    });
    // The preflight runs under the same sandbox: outside the grant it would not succeed.
    const outside = await sim("probe_read", { path: `${env.outside}/secret.txt` });
    assert.equal(outside.wouldSucceed, false);
    assert.equal(outside.failureReason, "NotCapable");
    assert.deepEqual(await sim("probe_nothing", {}), {
      wouldSucceed: false,
      failureReason: "fcp.probe has no operation probe_nothing",
    });
    // And its network goes through the guard, which refuses the metadata address.
    await refused(sim("probe_ctxfetch", { url: "http://169.254.169.254:9/" }), "FCP-3008");
    assert.deepEqual(await env.worker.subscribe("probe.ticks"), { subscribed: "probe.ticks" });
    await refused(env.worker.subscribe("probe.other"), "FCP-1040");
    // The worker is still serving after the refusals.
    assert.equal((await env.worker.health()).ok, true);
  } finally {
    await env.close();
  }
  // A connector without simulate or events: simulate says yes to its own operations only, and
  // subscribe is refused.
  const dir = await Deno.makeTempDir();
  const fs = await fsWorker(dir, [dir], []);
  try {
    const intro = await fs.introspect();
    assert.equal(intro.simulate, false);
    assert.equal(intro.subscribe, false);
    assert.deepEqual(await fs.simulate("fs_list", { path: dir }, { requestId: "s1" }), {
      wouldSucceed: true,
    });
    assert.equal((await fs.simulate("fs_nope", {}, { requestId: "s2" })).wouldSucceed, false);
    await refused(fs.subscribe("fs.changes"), "FCP-1040");
  } finally {
    await fs.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker errors: a connector's details reach the caller bounded and under connector_ names only", async () => {
  const env = await probe();
  try {
    await assert.rejects(call(env.worker, "probe_fail_details"), (e) => {
      assert.ok(isFcpError(e));
      assert.equal(e.code, "FCP-7003");
      const d = e.details ?? {};
      // Nothing can pass for the host's own fields.
      assert.equal(d.request_id, undefined);
      assert.equal(d.stage, undefined);
      assert.equal(d.connector_request_id, "forged");
      assert.equal(d.connector_documentation_url, "https://docs.example/x");
      assert.equal(d.connector_nested_remaining, 0);
      assert.equal(d.connector_retry_after_ms, 1500);
      assert.equal(d.connector_retryable, true);
      assert.ok(!Object.keys(d).some((k) => k.includes("Bad")));
      assert.equal(String(d.connector_long).length, 500);
      assert.ok(Object.keys(d).every((k) => k.startsWith("connector_")));
      assert.ok(Object.keys(d).length <= 18, JSON.stringify(d));
      return true;
    });
  } finally {
    await env.close();
  }
});
