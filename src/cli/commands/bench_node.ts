/**
 * `fcp bench invoke-local | connector-activate | connector-memory` (issue 5 §9): timings of
 * the real path in a scratch node — HTTP request → pipeline → sandboxed worker → receipt →
 * audit — printed as JSON with the goals and whether they were met. Goals live here and in
 * docs/perf.md, never in tests.
 *
 * @module
 */
import {
  builtinEntryUrl,
  ConnectorWorker,
  readBuiltinPackage,
  sandboxPermissions,
} from "../../host/mod.ts";
import { startScratchNode } from "../scratch_node.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";
import { FETCH_BENCH_CLIENT, HTTP1_BENCH_CLIENT } from "./_bench_clients.ts";
import { percentile } from "./bench.ts";

const ZONE = "z:work";

function count(
  text: string | undefined,
  dflt: number,
  max: number,
  min = 1,
  what = "count",
): number {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < min || n > max) {
    throw new UsageError(`the ${what} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/**
 * Untimed invokes before `fcp bench invoke-local` starts timing: enough for V8 to have compiled
 * the pipeline's hot path, so the figures are those of a node that has been serving for a while.
 * After only 100 calls the p50 is ~0.1 ms higher (docs/perf.md).
 */
export const DEFAULT_INVOKE_WARMUP = 1000;

function stats(samples: readonly number[]): Record<string, number> {
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return {
    n: samples.length,
    p50_ms: percentile(samples, 50),
    p99_ms: percentile(samples, 99),
    mean_ms: Math.round(mean * 1000) / 1000,
    min_ms: percentile(samples, 0),
    max_ms: percentile(samples, 100),
  };
}

/** The HTTP clients `fcp bench invoke-local` can time with. */
export const BENCH_CLIENTS = ["http1", "fetch"] as const;
/** One of {@link BENCH_CLIENTS}. */
export type BenchClient = typeof BENCH_CLIENTS[number];

async function timeFromClientThread(
  client: BenchClient,
  url: string,
  token: string,
  body: string,
  warmup: number,
  n: number,
): Promise<number[]> {
  const source = client === "http1" ? HTTP1_BENCH_CLIENT : FETCH_BENCH_CLIENT;
  const src = URL.createObjectURL(new Blob([source], { type: "application/javascript" }));
  const w = new Worker(src, { type: "module" });
  try {
    const reply = await new Promise<{ samples?: number[]; error?: string }>((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      w.postMessage({ url, token, body, warmup, n });
    });
    if (reply.error !== undefined || reply.samples === undefined) {
      throw new UsageError(`the benchmark client failed: ${reply.error}`);
    }
    return reply.samples;
  } finally {
    w.terminate();
    URL.revokeObjectURL(src);
  }
}

/**
 * Time `n` sequential local invokes of fcp.fs fs_list over HTTP on a scratch node, after
 * `warmup` untimed ones, from a client thread speaking plain HTTP/1.1 over one keep-alive
 * connection (`http1`, the default) or through `fetch`, whose own cost (~0.1–0.2 ms a call
 * here) then counts too.
 */
export async function benchInvokeLocal(
  n: number,
  warmup = DEFAULT_INVOKE_WARMUP,
  client: BenchClient = "http1",
): Promise<Record<string, unknown>> {
  const s = await startScratchNode();
  const dir = await Deno.makeTempDir({ prefix: "fcp-bench-files-" });
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "a");
    await s.api("POST", "/v1/connectors/install", { source: "fcp.fs" });
    await s.api("POST", "/v1/connectors/fcp.fs/activate", { zone: ZONE, grant_read: [dir] });
    await s.allow(ZONE, { principals: ["agent:bench"], connectors: ["fcp.fs"], caps: ["fs.list"] });
    const token = await s.mint({
      zone: ZONE,
      capability: "fs.list",
      operations: ["fs_list"],
      ttlSecs: 3600,
      principal: "agent:bench",
    });
    const body = {
      connector: "fcp.fs",
      operation: "fs_list",
      zone: ZONE,
      input: { path: dir },
      token,
    };
    const samples = await timeFromClientThread(
      client,
      `http://127.0.0.1:${s.node.port}/v1/invoke`,
      (await Deno.readTextFile(`${s.home}/api.token`)).trim(),
      JSON.stringify(body),
      warmup,
      n,
    );
    const st = stats(samples);
    return {
      bench: "invoke-local",
      path:
        `HTTP POST /v1/invoke (${client} client in its own thread) → token, zone, policy, revocation, taint, approval, input → ` +
        "fcp.fs worker (fs_list) → OperationReceipt → audit event",
      ...st,
      warmup,
      client,
      goals: { p50_ms: 1, p99_ms: 5 },
      met: { p50: st.p50_ms! <= 1, p99: st.p99_ms! <= 5 },
    };
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Time activation to ready of fcp.fs, `n` times (deactivating in between). */
export async function benchConnectorActivate(n: number): Promise<Record<string, unknown>> {
  const s = await startScratchNode();
  const dir = await Deno.makeTempDir({ prefix: "fcp-bench-files-" });
  try {
    await s.api("POST", "/v1/connectors/install", { source: "fcp.fs" });
    const samples: number[] = [];
    for (let i = 0; i < n + 1; i++) {
      const t0 = performance.now();
      await s.api("POST", "/v1/connectors/fcp.fs/activate", {
        zone: ZONE,
        grant_read: [dir],
      });
      const ms = performance.now() - t0;
      if (i > 0) samples.push(ms); // the first one also compiles the worker's modules
      await s.api("POST", "/v1/connectors/fcp.fs/deactivate", { zone: ZONE });
    }
    const st = stats(samples);
    return {
      bench: "connector-activate",
      path: "HTTP POST /v1/connectors/fcp.fs/activate → load package → sandboxed Worker → " +
        "handshake + configure → ready",
      ...st,
      goals: { p50_ms: 50 },
      met: { p50: st.p50_ms! <= 50 },
    };
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** RSS growth with `n` connector workers active (the shipped connectors in rotation). */
export async function benchConnectorMemory(n: number): Promise<Record<string, unknown>> {
  const folders = ["fs", "http", "github"];
  const manifests = await Promise.all(folders.map((f) => readBuiltinPackage(f)));
  const dataDir = await Deno.makeTempDir({ prefix: "fcp-bench-mem-" });
  const workers: ConnectorWorker[] = [];
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 50));
  };
  try {
    await settle();
    const before = Deno.memoryUsage().rss;
    const growth: number[] = [];
    for (let i = 0; i < n; i++) {
      const pkg = manifests[i % folders.length]!;
      const zone = pkg.manifest.zones.home ?? ZONE;
      const rss0 = Deno.memoryUsage().rss;
      workers.push(
        await ConnectorWorker.start({
          manifest: pkg.manifest,
          instanceId: `${pkg.manifest.id}:bench-${i}`,
          zone,
          entryUrl: builtinEntryUrl(pkg.folder),
          permissions: sandboxPermissions(pkg.manifest, { dataDir }),
          fsRoots: { read: [], write: [] },
          egress: () => Promise.reject(new Error("no network in this bench")),
        }),
      );
      await settle();
      growth.push((Deno.memoryUsage().rss - rss0) / 1048576);
    }
    const after = Deno.memoryUsage().rss;
    const per = (after - before) / 1048576 / n;
    return {
      bench: "connector-memory",
      connectors: n,
      rss_before_mib: Math.round(before / 1048576 * 10) / 10,
      rss_after_mib: Math.round(after / 1048576 * 10) / 10,
      rss_growth_per_connector_mib: Math.round(per * 100) / 100,
      rss_growth_each_mib: growth.map((g) => Math.round(g * 100) / 100),
      goals: { rss_growth_per_connector_mib: 10 },
      met: { rss_growth_per_connector: per <= 10 },
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.shutdown()));
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** `fcp bench invoke-local`. */
export const benchInvokeLocalCommand: CliCommand = {
  path: ["bench", "invoke-local"],
  summary: "Time local invokes over the real path (HTTP → pipeline → worker → receipt → audit)",
  usage: "fcp bench invoke-local [--count N] [--warmup N] [--client http1|fetch] [--json]",
  options: {
    count: { type: "string", valueName: "N", description: "timed invokes (default 1000)" },
    warmup: {
      type: "string",
      valueName: "N",
      description: `untimed invokes first (default ${DEFAULT_INVOKE_WARMUP})`,
    },
    client: {
      type: "string",
      valueName: "KIND",
      description: "http1 (one keep-alive HTTP/1.1 connection, default) or fetch",
    },
  },
  async run(ctx) {
    const n = count(ctx.string("count"), 1000, 100_000);
    const warmup = count(ctx.string("warmup"), DEFAULT_INVOKE_WARMUP, 100_000, 0, "warm-up");
    const client = ctx.string("client") ?? "http1";
    if (!(BENCH_CLIENTS as readonly string[]).includes(client)) {
      throw new UsageError("the client must be http1 or fetch");
    }
    const r = await benchInvokeLocal(n, warmup, client as BenchClient);
    if (ctx.json) ctx.printJson(r);
    else {
      ctx.out(
        `invoke-local: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms over ${r.n} calls ` +
          `(after ${warmup} untimed, ${client} client)`,
      );
    }
  },
};

/** `fcp bench connector-activate`. */
export const benchConnectorActivateCommand: CliCommand = {
  path: ["bench", "connector-activate"],
  summary: "Time connector activation to ready",
  usage: "fcp bench connector-activate [--count N] [--json]",
  options: { count: { type: "string", valueName: "N", description: "activations (default 20)" } },
  async run(ctx) {
    const r = await benchConnectorActivate(count(ctx.string("count"), 20, 1000));
    if (ctx.json) ctx.printJson(r);
    else ctx.out(`connector-activate: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms over ${r.n}`);
  },
};

/** `fcp bench connector-memory`. */
export const benchConnectorMemoryCommand: CliCommand = {
  path: ["bench", "connector-memory"],
  summary: "RSS growth per active connector worker",
  usage: "fcp bench connector-memory [--count N] [--json]",
  options: { count: { type: "string", valueName: "N", description: "workers (default 10)" } },
  async run(ctx) {
    const r = await benchConnectorMemory(count(ctx.string("count"), 10, 100));
    if (ctx.json) ctx.printJson(r);
    else {
      ctx.out(
        `connector-memory: ${r.rss_growth_per_connector_mib} MiB per connector (${r.connectors} active)`,
      );
    }
  },
};
