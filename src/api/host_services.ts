/**
 * The LocalAPI services over the node's host (`createNodeHost`): connectors (list, install,
 * activate, deactivate, health), invoke (the pipeline; the token and approvals arrive as hex)
 * and explain (request records).
 *
 * @module
 */
import { FcpError, fromHex } from "../core/mod.ts";
import type { ConnectorStatus, NodeHost } from "../host/mod.ts";
import type {
  ConnectorService,
  ConnectorSummary,
  ExplainService,
  InvokeService,
  JsonValue,
} from "./deps.ts";

type JsonObject = { [key: string]: JsonValue };

function json(v: unknown): JsonObject {
  return JSON.parse(JSON.stringify(v)) as JsonObject;
}

function hexArg(text: string, what: string): Uint8Array {
  try {
    return fromHex(text.trim(), undefined, what);
  } catch (cause) {
    throw new FcpError("FCP-1040", `${what} must be hex`, { cause });
  }
}

function summary(c: ConnectorStatus, health: Map<string, string>): ConnectorSummary {
  const states = c.instances.map((i) => health.get(i.instance_id) ?? "unknown");
  return {
    id: c.id,
    version: c.version,
    state: c.state,
    health: states.includes("failed")
      ? "failed"
      : states.includes("degraded")
      ? "degraded"
      : states.includes("ok")
      ? "ok"
      : "unknown",
    zones: c.zones,
    package_id: c.package_id,
    source: c.source,
    instances: c.instances.map(json),
  };
}

/**
 * The API services of a node host.
 *
 * @example
 * ```ts
 * import { hostServices } from "./host_services.ts";
 * import { createNodeHost, AuditLog } from "../host/mod.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import { MemorySymbolStore } from "../store/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const zones = await createStandardZones(identity, identity.keystore, 1_700_000_000);
 * const audit = AuditLog.open({ path: ":memory:", nodeId: "n", signer: identity.signing,
 *   publicKey: identity.signing.publicKey, objectIdKey: (z) => zones.objectIdKey(z).key });
 * const host = await createNodeHost({ home, identity, zones, store: new MemorySymbolStore(), audit });
 * const s = hostServices(host);
 * await s.connectors.install!("fcp.fs");
 * assert.equal((await s.connectors.list())[0]?.id, "fcp.fs");
 * assert.equal(await s.explain.explain("nope"), undefined);
 * await host.shutdown();
 * audit.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function hostServices(host: NodeHost): {
  connectors: ConnectorService;
  invoke: InvokeService;
  explain: ExplainService;
} {
  const c = host.connectors;
  return {
    connectors: {
      async list() {
        const health = new Map((await c.health()).map((h) => [h.instance_id, h.health]));
        return c.list().map((s) => summary(s, health));
      },
      async install(source) {
        return json(await c.install(source));
      },
      async activate(id, req) {
        return json(
          await c.activate(id, req.zone, {
            ...(req.grantRead === undefined ? {} : { grantRead: req.grantRead }),
            ...(req.grantWrite === undefined ? {} : { grantWrite: req.grantWrite }),
            ...(req.allowHosts === undefined ? {} : { allowHosts: req.allowHosts }),
            ...(req.config === undefined ? {} : { config: req.config }),
          }),
        );
      },
      async deactivate(id, zone) {
        return json(await c.deactivate(id, zone));
      },
      async health(id) {
        if (c.registry.installed(id) === undefined) {
          throw new FcpError("FCP-5008", `${id} is not installed`);
        }
        return (await c.health(id)).map(json);
      },
    },
    invoke: {
      async invoke(r) {
        const out = await host.pipeline.invoke({
          connector: r.connector,
          operation: r.operation,
          zone: r.zone,
          input: r.input,
          ...(r.token === undefined ? {} : { token: hexArg(r.token, "token") }),
          ...(r.idempotencyKey === undefined ? {} : { idempotencyKey: r.idempotencyKey }),
          ...(r.approvals === undefined
            ? {}
            : { approvals: r.approvals.map((a) => hexArg(a, "approval")) }),
          ...(r.inputTaint === undefined ? {} : { inputTaint: r.inputTaint }),
          ...(r.inputOriginZone === undefined ? {} : { inputOriginZone: r.inputOriginZone }),
        });
        // The outcome is JSON already (its output passed canonicalJson for the receipt), so
        // the route serializes it once, without a parse/stringify round trip here.
        return out as unknown as JsonObject;
      },
    },
    explain: {
      explain(id) {
        const rec = host.pipeline.explain(id);
        return Promise.resolve(rec === undefined ? undefined : json(rec));
      },
    },
  };
}
