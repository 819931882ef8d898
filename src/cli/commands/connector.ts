/**
 * `fcp connector list | install | activate | deactivate | health | describe` (issue 5 §2).
 * With a node running these go through its LocalAPI (activation starts the sandboxed worker
 * at once); without one, install, list and activate work on the home directly and the node
 * starts the active instances when it starts.
 *
 * @module
 */
import { resolve } from "node:path";
import { isNodeLockHeld, requestNode, withOfflineHost } from "../../api/mod.ts";
import { FcpError } from "../../core/mod.ts";
import { readBuiltinPackage } from "../../host/mod.ts";
import { parseZoneId, type ZoneId } from "../../model/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

type Json = Record<string, unknown>;

function post(body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

function zoneOption(ctx: CommandContext): ZoneId {
  const z = ctx.string("zone");
  if (z === undefined) throw new UsageError("--zone is required");
  try {
    return parseZoneId(z);
  } catch (cause) {
    throw new UsageError(`--zone ${z} is not a zone id`, { cause });
  }
}

function connectorArg(ctx: CommandContext): string {
  const id = ctx.positionals[0];
  if (id === undefined) throw new UsageError("a connector id is required");
  return id;
}

/**
 * Parse `--config key=value` pairs (a value that parses as JSON is taken as JSON, otherwise
 * as text).
 *
 * @example
 * ```ts
 * import { parseConfigPairs } from "./connector.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseConfigPairs(["base_url=http://127.0.0.1:9", "n=3"]),
 *   { base_url: "http://127.0.0.1:9", n: 3 });
 * assert.throws(() => parseConfigPairs(["novalue"]), /FCP-1040/);
 * ```
 */
export function parseConfigPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new UsageError(`--config ${p} must be key=value`);
    const key = p.slice(0, i);
    const raw = p.slice(i + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    out[key] = value;
  }
  return out;
}

function printInstances(ctx: CommandContext, list: readonly Json[]): void {
  for (const c of list) {
    const instances = (c.instances as Json[] | undefined) ?? [];
    ctx.out(
      `${c.id} ${c.version}  ${c.state}  (${c.source}, package ${
        String(c.package_id).slice(0, 16)
      })`,
    );
    for (const i of instances) {
      ctx.out(`  ${i.zone}  ${i.desired}/${i.state}  restarts ${i.restarts}`);
    }
  }
}

/** `fcp connector list`. */
export const connectorList: CliCommand = {
  path: ["connector", "list"],
  summary: "List installed connectors and their instances",
  usage: "fcp connector list [--json]",
  async run(ctx) {
    let list: Json[];
    if (await isNodeLockHeld(ctx.home)) {
      list = (await requestNode<{ connectors: Json[] }>(ctx.home, "/v1/connectors")).body
        .connectors;
    } else {
      list = await withOfflineHost(
        ctx.home,
        (h) => Promise.resolve(h.connectors.list() as unknown as Json[]),
      );
    }
    if (ctx.json) {
      ctx.printJson({ connectors: list });
      return;
    }
    if (list.length === 0) ctx.out("no connectors installed (fcp connector install fcp.fs)");
    printInstances(ctx, list);
  },
};

/** `fcp connector install`. */
export const connectorInstall: CliCommand = {
  path: ["connector", "install"],
  summary: "Install a shipped connector by id, or a connector folder by path",
  usage: "fcp connector install ID|PATH [--json]",
  description: [
    "Stores the connector's package (manifest and modules, the SDK included) as a pinned",
    "object of z:owner and records it. Shipped connectors: fcp.fs, fcp.http, fcp.github.",
    "Installing the same bytes again changes nothing.",
  ].join("\n"),
  args: [{ name: "ID|PATH", description: "connector id or folder" }],
  async run(ctx) {
    const source0 = connectorArg(ctx);
    let source = source0;
    if (source0.includes("/") || source0.startsWith(".")) {
      try {
        source = Deno.realPathSync(source0);
      } catch {
        throw new UsageError(`no connector folder at ${source0}`);
      }
    }
    const r: Json = await isNodeLockHeld(ctx.home)
      ? (await requestNode<Json>(ctx.home, "/v1/connectors/install", post({ source }))).body
      : await withOfflineHost(
        ctx.home,
        async (h) => JSON.parse(JSON.stringify(await h.connectors.install(source))) as Json,
      );
    if (ctx.json) {
      ctx.printJson(r);
      return;
    }
    ctx.out(`${r.created ? "installed" : "already installed"} ${r.id} ${r.version}`);
  },
};

/** `fcp connector activate`. */
export const connectorActivate: CliCommand = {
  path: ["connector", "activate"],
  summary: "Bind a connector to a zone and run it in its sandboxed worker",
  usage:
    "fcp connector activate ID --zone Z [--grant-read DIR]... [--grant-write DIR]... [--allow-host H:P]... [--config K=V]... [--json]",
  description: [
    "One instance per zone. The worker gets exactly the manifest's permissions: net = its",
    "network allow list (plus --allow-host), read/write = the granted directories, env = its",
    "declared variables, no subprocess, FFI or system info. The node home can never be granted.",
    "Without a running node the instance is recorded as active and starts with the node.",
  ].join("\n"),
  args: [{ name: "ID", description: "connector id" }],
  options: {
    zone: { type: "string", valueName: "Z", description: "zone to bind to" },
    "grant-read": {
      type: "string",
      multiple: true,
      valueName: "DIR",
      description: "readable directory",
    },
    "grant-write": {
      type: "string",
      multiple: true,
      valueName: "DIR",
      description: "writable directory",
    },
    "allow-host": {
      type: "string",
      multiple: true,
      valueName: "H:P",
      description: "extra host:port",
    },
    config: { type: "string", multiple: true, valueName: "K=V", description: "configure value" },
  },
  async run(ctx) {
    const id = connectorArg(ctx);
    const zone = zoneOption(ctx);
    // Absolute here; the node resolves links and refuses a path that does not exist.
    const read = ctx.strings("grant-read").map((p) => resolve(p));
    const write = ctx.strings("grant-write").map((p) => resolve(p));
    const hosts = ctx.strings("allow-host");
    const config = parseConfigPairs(ctx.strings("config"));
    const body = {
      zone,
      ...(read.length ? { grant_read: read } : {}),
      ...(write.length ? { grant_write: write } : {}),
      ...(hosts.length ? { allow_hosts: hosts } : {}),
      ...(Object.keys(config).length ? { config } : {}),
    };
    let r: Json;
    let running = true;
    if (await isNodeLockHeld(ctx.home)) {
      r = (await requestNode<Json>(ctx.home, `/v1/connectors/${id}/activate`, post(body)))
        .body;
    } else {
      running = false;
      r = await withOfflineHost(ctx.home, async (h) =>
        JSON.parse(JSON.stringify(
          // As through the LocalAPI: a flag not given keeps what the last activation granted.
          await h.connectors.activate(id, zone, {
            ...(read.length ? { grantRead: read } : {}),
            ...(write.length ? { grantWrite: write } : {}),
            ...(hosts.length ? { allowHosts: hosts } : {}),
            ...(Object.keys(config).length ? { config } : {}),
            start: false,
          }),
        )) as Json);
    }
    if (ctx.json) {
      ctx.printJson({ ...r, node_running: running });
      return;
    }
    ctx.out(
      running
        ? `activated ${id} in ${zone} (${r.state})`
        : `recorded ${id} as active in ${zone}; it starts with the node (fcp node start)`,
    );
  },
};

/** `fcp connector deactivate`. */
export const connectorDeactivate: CliCommand = {
  path: ["connector", "deactivate"],
  summary: "Stop a connector's instance in a zone",
  usage: "fcp connector deactivate ID --zone Z [--json]",
  args: [{ name: "ID", description: "connector id" }],
  options: { zone: { type: "string", valueName: "Z", description: "zone" } },
  async run(ctx) {
    const id = connectorArg(ctx);
    const zone = zoneOption(ctx);
    const r: Json = await isNodeLockHeld(ctx.home)
      ? (await requestNode<Json>(ctx.home, `/v1/connectors/${id}/deactivate`, post({ zone })))
        .body
      : await withOfflineHost(
        ctx.home,
        async (h) => JSON.parse(JSON.stringify(await h.connectors.deactivate(id, zone))) as Json,
      );
    if (ctx.json) {
      ctx.printJson(r);
      return;
    }
    ctx.out(`deactivated ${id} in ${zone}`);
  },
};

/** `fcp connector health`. */
export const connectorHealth: CliCommand = {
  path: ["connector", "health"],
  summary: "Ask a running connector's workers how they are",
  usage: "fcp connector health ID [--json]",
  args: [{ name: "ID", description: "connector id" }],
  async run(ctx) {
    const id = connectorArg(ctx);
    const r = (await requestNode<{ instances: Json[] }>(ctx.home, `/v1/connectors/${id}/health`))
      .body;
    if (ctx.json) {
      ctx.printJson(r);
      return;
    }
    if (r.instances.length === 0) ctx.out(`${id} has no instances`);
    for (const i of r.instances) {
      const heap = typeof i.heap_used_bytes === "number"
        ? `  heap ${(i.heap_used_bytes / 1048576).toFixed(1)} MiB`
        : "";
      ctx.out(`${i.instance_id}  ${i.health}${heap}${i.detail ? `  ${i.detail}` : ""}`);
    }
    if (r.instances.some((i) => i.health === "failed")) return 1;
  },
};

/** `fcp connector describe`. */
export const connectorDescribe: CliCommand = {
  path: ["connector", "describe"],
  summary: "Show a shipped connector's operations, risk and input schemas",
  usage: "fcp connector describe ID [--json]",
  args: [{ name: "ID", description: "shipped connector id (fcp.fs, fcp.http, fcp.github)" }],
  async run(ctx) {
    const pkg = await readBuiltinPackage(connectorArg(ctx));
    const m = pkg.manifest;
    if (ctx.json) {
      ctx.printJson({
        id: m.id,
        version: m.version,
        zones: m.zones,
        operations: m.operations.map((o) => ({
          id: o.id,
          capability: o.capability,
          safety_tier: o.safetyTier,
          risk_level: o.riskLevel,
          idempotency: o.idempotency,
          requires_approval: o.requiresApproval,
          input_schema: o.inputSchema,
          network: o.network?.hostAllow ?? [],
        })),
      });
      return;
    }
    ctx.out(`${m.id} ${m.version}: ${m.description}`);
    for (const o of m.operations) {
      ctx.out(`  ${o.id.padEnd(28)} ${o.capability.padEnd(14)} ${o.safetyTier}  ${o.description}`);
    }
    if (m.operations.length === 0) throw new FcpError("FCP-5004", `${m.id} has no operations`);
  },
};
