/**
 * `fcp node start [--port N] [--foreground]` and `fcp node status`: run this home's node (the
 * LocalAPI on loopback, single instance per home) and ask a running one how it is.
 *
 * @module
 */
import { fetchNodeStatus, startNode, stopOnSignals } from "../../api/mod.ts";
import { createStandardZones, initIdentity, isInitialized } from "../../authority/mod.ts";
import { FcpError } from "../../core/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";
import { FCP_VERSION } from "../version.ts";
import { writeDefaultPolicies } from "../../host/mod.ts";

/**
 * Parse `--port`: an integer from 0 to 65535 (0 picks a free port); default 7878.
 *
 * @example
 * ```ts
 * import { parsePort } from "./node.ts";
 * import { isFcpError } from "../../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parsePort(undefined), 7878);
 * assert.equal(parsePort("0"), 0);
 * assert.throws(() => parsePort("70000"), (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function parsePort(text: string | undefined): number {
  if (text === undefined) return 7878;
  const n = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new UsageError("--port must be an integer from 0 to 65535");
  return n;
}

/**
 * Initialize `home` the way `fcp init` does (identity, standard zones, default-deny policies)
 * when it has no identity yet. Returns whether it did.
 *
 * @example
 * ```ts
 * import { ensureInitialized } from "./node.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.equal(await ensureInitialized(`${home}/h`, 1_700_000_000), true);
 * assert.equal(await ensureInitialized(`${home}/h`, 1_700_000_000), false);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function ensureInitialized(home: string, now: number): Promise<boolean> {
  if (await isInitialized(home)) return false;
  const identity = await initIdentity(home, { now });
  const ring = await createStandardZones(identity, identity.keystore, now);
  await writeDefaultPolicies(identity, ring, now);
  return true;
}

/** `fcp node start`. */
export const nodeStart: CliCommand = {
  path: ["node", "start"],
  summary: "Run this home's node: the LocalAPI on 127.0.0.1 (stops on SIGINT/SIGTERM)",
  usage: "fcp node start [--port N] [--foreground] [--json]",
  description: [
    "Initializes FCP_HOME first if it has no identity (as 'fcp init'), takes the home's",
    "single-instance lock (a second node on the same home is refused: FCP-5001, exit 14),",
    "renews the attestation, creates FCP_HOME/api.token (0600) on first start and serves the",
    "LocalAPI on 127.0.0.1 (docs/api.md). The bound port and pid are in",
    "FCP_HOME/run/node.lock.json. Runs in the foreground (--foreground is the only mode: fcp",
    "has no permission to spawn a detached process; use a service manager to background it).",
    "SIGINT or SIGTERM stops it cleanly: the API stops accepting requests and finishes those in",
    "flight, connector workers are terminated, the store is closed, the lock is released, exit 0.",
  ].join("\n"),
  options: {
    port: { type: "string", valueName: "N", description: "LocalAPI port (default 7878; 0: any)" },
    foreground: { type: "boolean", description: "stay attached to the terminal (the default)" },
  },
  async run(ctx) {
    const port = parsePort(ctx.string("port"));
    const initialized = await ensureInitialized(ctx.home, Math.floor(Date.now() / 1000));
    const node = await startNode({ home: ctx.home, version: FCP_VERSION, port });
    stopOnSignals(node);
    if (ctx.json) {
      ctx.printJson({
        state: "running",
        home: ctx.home,
        node_id: node.nodeId,
        pid: node.pid,
        hostname: node.hostname,
        port: node.port,
        initialized,
        routes: node.routes,
      });
    } else {
      if (initialized) ctx.out(`initialized ${ctx.home}`);
      ctx.out(
        `node ${node.nodeId} listening on http://${node.hostname}:${node.port} (pid ${node.pid})`,
      );
      ctx.out(`bearer token in ${ctx.home}/api.token; stop with Ctrl-C or SIGTERM`);
    }
    const report = await node.finished;
    if (report.failures.length > 0) {
      const what = report.failures.map((f) => `${f.step} (${f.code})`).join(", ");
      throw new FcpError("FCP-9002", `the node stopped, but these steps failed: ${what}`);
    }
    if (!ctx.json) ctx.out("node stopped");
  },
};

/** `fcp node status`. */
export const nodeStatus: CliCommand = {
  path: ["node", "status"],
  summary: "Show the running node's status (FCP-5002, exit 14, when none runs)",
  usage: "fcp node status [--json]",
  description: [
    "Finds the node through FCP_HOME/run/node.lock.json (trusted only while the node holds the",
    "lock, so a file left by a killed node reads as not running) and calls GET /v1/status with",
    "the token of FCP_HOME/api.token.",
  ].join("\n"),
  async run(ctx) {
    const s = await fetchNodeStatus(ctx.home);
    if (ctx.json) {
      ctx.printJson(s);
      return;
    }
    ctx.out(`node ${s.node_id} running (pid ${s.pid}, fcp ${s.version})`);
    ctx.out(`listen   http://${s.listen.hostname}:${s.listen.port}`);
    ctx.out(`uptime   ${s.uptime_secs} s`);
    ctx.out(`zones    ${s.zones.join(", ")}`);
    ctx.out(
      `store    ${s.store.kind}${
        s.store.objects === undefined ? "" : ` (${s.store.objects} objects)`
      }`,
    );
    ctx.out(`services ${s.services.length === 0 ? "none" : s.services.join(", ")}`);
  },
};
