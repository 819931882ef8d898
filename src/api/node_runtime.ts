/**
 * The node runtime behind `fcp node start`: takes the home's single-instance lock, loads the
 * identity (renewing its attestation), opens the store, serves the LocalAPI on loopback, and
 * stops cleanly: stop accepting requests and finish those in flight, run the shutdown hooks the
 * host registered (workers terminated), close the store, release the lock.
 *
 * The node provides the object service (store pipeline) and the audit tail itself, and records
 * `node.start` / `node.stop` on the `z:owner` audit chain. The connector host and the invoke
 * pipeline plug in through {@link StartNodeOptions.services}: it receives the identity, zone
 * keyring, store and audit log, returns further LocalAPI services, and registers its shutdown
 * hooks with `ctx.onShutdown`.
 *
 * @module
 */
import { type Identity, loadIdentity, renewAttestation, ZoneKeyring } from "../authority/mod.ts";
import { FcpError } from "../core/mod.ts";
import { auditDbPath, AuditLog, createNodeHost, type NodeHostOptions } from "../host/mod.ts";
import {
  defaultStorePath,
  openSqliteStore,
  type SymbolStore,
  WalCheckpointer,
} from "../store/mod.ts";
import { loadOrCreateApiToken } from "./api_token.ts";
import { createApp } from "./app.ts";
import type { ApiDeps, NodeStatus } from "./deps.ts";
import { auditLogService } from "./audit_service.ts";
import { hostServices } from "./host_services.ts";
import { NodeLock } from "./node_lock.ts";
import { storeObjectService } from "./object_service.ts";
import { type LocalApiServer, serveLocalApi } from "./serve.ts";

/** How often the running node renews its attestation when close to expiry, milliseconds. */
export const ATTESTATION_CHECK_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Open the node's default store: SQLite at `FCP_HOME/store/symbols.db` (created when absent).
 *
 * @example
 * ```ts
 * import { openDefaultStore } from "./node_runtime.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const store = openDefaultStore(home);
 * assert.equal(store.kind, "sqlite");
 * await store.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function openDefaultStore(home: string): SymbolStore {
  return openSqliteStore(defaultStorePath(home));
}

/** The zone whose audit chain records `node.start` and `node.stop`. */
export const LIFECYCLE_ZONE = "z:owner";

/**
 * Open the node's audit log (`FCP_HOME/audit/audit.db`, directory mode 0700), signing with the
 * node's signing key and deriving event ids with each zone's ObjectIdKey.
 *
 * @example
 * ```ts
 * import { openNodeAudit } from "./node_runtime.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-a" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * const log = openNodeAudit(home, id, ring, () => 1_700_000_000);
 * await log.append("z:work", { eventType: "invoke", actor: "agent" });
 * assert.equal(log.verify("z:work").ok, true);
 * log.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function openNodeAudit(
  home: string,
  identity: Identity,
  zones: ZoneKeyring,
  now: () => number,
): AuditLog {
  try {
    Deno.mkdirSync(`${home}/audit`, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new FcpError("FCP-9002", "cannot create the audit directory", { cause: e });
  }
  return AuditLog.open({
    path: auditDbPath(home),
    // WAL with synchronous=NORMAL: an append survives a crash of the process (the invoke
    // receipt is never returned before its event is committed); a power loss may drop the
    // newest events, never corrupt or fork the chain (the head is in the same transaction).
    // FCP_AUDIT_DURABILITY=full fsyncs every append (about 0.25 ms more per invoke here).
    durability: Deno.env.get("FCP_AUDIT_DURABILITY") === "full" ? "full" : "normal",
    nodeId: identity.nodeId,
    signer: identity.signing,
    publicKey: identity.signing.publicKey,
    objectIdKey: (zone) => zones.objectIdKey(zone).key,
    now,
  });
}

/**
 * The node's WAL checkpointer over `audit/` and `host/` of `home`, managing the audit log at
 * once (host.db is managed when the host opens it). `undefined` when its worker cannot start;
 * the databases then checkpoint themselves, inside a commit now and then, as SQLite does by
 * default.
 */
async function startWalCheckpoints(
  home: string,
  audit: AuditLog,
): Promise<WalCheckpointer | undefined> {
  let cp: WalCheckpointer;
  try {
    await Deno.mkdir(`${home}/host`, { recursive: true, mode: 0o700 });
    cp = WalCheckpointer.start({ dirs: [`${home}/audit`, `${home}/host`] });
  } catch {
    return undefined;
  }
  try {
    await cp.manage(auditDbPath(home), (pages) => audit.setWalAutoCheckpoint(pages));
  } catch { /* the audit log keeps its own automatic checkpoints */ }
  return cp;
}

/** A step of a clean stop, run in reverse registration order. */
export type ShutdownHook = () => Promise<void> | void;

/** What the {@link StartNodeOptions.services} hook receives. */
export interface NodeServicesContext {
  /** The node home. */
  readonly home: string;
  /** The loaded identity. */
  readonly identity: Identity;
  /** The zone keyring. */
  readonly zones: ZoneKeyring;
  /** The open store. */
  readonly store: SymbolStore;
  /** The node's audit log (`FCP_HOME/audit/audit.db`); the invoke pipeline appends to it. */
  readonly audit: AuditLog;
  /** Register a step to run on stop (after the API stopped, before the store closes). */
  onShutdown(name: string, hook: ShutdownHook): void;
  /** The background WAL checkpointer (absent when its worker could not start). */
  readonly walCheckpoints?: WalCheckpointer;
}

/** The optional LocalAPI services. */
export type NodeServices = Omit<ApiDeps, "status">;

/**
 * The node's own services: the connector host with its sandboxed workers, the invoke pipeline
 * and the request log (`createNodeHost`), stopped on shutdown (workers terminated, host.db
 * closed) before the store closes.
 *
 * @example
 * ```ts
 * import { defaultNodeServices } from "./node_runtime.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof defaultNodeServices, "function");
 * ```
 */
export async function defaultNodeServices(
  ctx: NodeServicesContext,
  seams: Pick<NodeHostOptions, "resolver" | "startWorker"> = {},
  now?: () => number,
): Promise<NodeServices> {
  const host = await createNodeHost({
    home: ctx.home,
    identity: ctx.identity,
    zones: ctx.zones,
    store: ctx.store,
    audit: ctx.audit,
    ...(ctx.walCheckpoints === undefined ? {} : { walCheckpoints: ctx.walCheckpoints }),
    ...seams,
    ...(now === undefined ? {} : { now }),
  });
  ctx.onShutdown("connectors", () => host.shutdown());
  return hostServices(host);
}

/** Options of {@link startNode}. */
export interface StartNodeOptions {
  /** The node home (must be initialized; `fcp node start` runs `fcp init` first). */
  readonly home: string;
  /** fcp version (status, lock file, OpenAPI). */
  readonly version: string;
  /** LocalAPI port (default 7878; 0 picks a free one). */
  readonly port?: number;
  /** LocalAPI loopback address (default 127.0.0.1). */
  readonly hostname?: string;
  /** Clock, Unix seconds (default: the system clock). */
  readonly now?: () => number;
  /** Opens the store (default {@link openDefaultStore}: SQLite in the home). */
  readonly openStore?: (home: string) => Promise<SymbolStore> | SymbolStore;
  /**
   * Builds the optional API services and registers shutdown hooks. The object service over the
   * store pipeline is provided by default; a returned `objects` replaces it. Without this hook
   * the node runs its connector host ({@link defaultNodeServices}).
   */
  readonly services?: (ctx: NodeServicesContext) => Promise<NodeServices> | NodeServices;
  /** Test seams of the default connector host (DNS resolver, worker starter). */
  readonly host?: Pick<NodeHostOptions, "resolver" | "startWorker">;
  /** Largest request body. */
  readonly maxBodyBytes?: number;
}

/** What a stop did. */
export interface StopReport {
  /** Steps run, in order. */
  readonly steps: readonly string[];
  /** Steps that failed, with the error code (or `FCP-9001`). */
  readonly failures: readonly { readonly step: string; readonly code: string }[];
}

/** A running node. */
export interface RunningNode {
  /** The node home. */
  readonly home: string;
  /** The node id. */
  readonly nodeId: string;
  /** The process id. */
  readonly pid: number;
  /** The LocalAPI address. */
  readonly hostname: string;
  /** The LocalAPI port. */
  readonly port: number;
  /** Start time, Unix seconds. */
  readonly startedAt: number;
  /** The LocalAPI's registered routes. */
  readonly routes: readonly string[];
  /** Register a step to run on stop (after the API stopped, before the store closes). */
  onShutdown(name: string, hook: ShutdownHook): void;
  /** Stop cleanly (idempotent: every call gets the same report). */
  stop(): Promise<StopReport>;
  /** Resolves when the node has stopped. */
  readonly finished: Promise<StopReport>;
}

function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}

function codeOf(e: unknown): string {
  return e instanceof FcpError ? e.code : "FCP-9001";
}

/**
 * Start a node on an initialized home. A second node on the same home is refused with
 * `FCP-5001`; an uninitialized home with `FCP-2012`.
 *
 * @example
 * ```ts
 * import { startNode } from "./node_runtime.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-doc" });
 * await createStandardZones(id, id.keystore, 1_700_000_000);
 * const node = await startNode({ home, version: "0.1.0", port: 0 });
 * await assert.rejects(startNode({ home, version: "0.1.0", port: 0 }), (e) => isFcpError(e, "FCP-5001"));
 * const token = (await Deno.readTextFile(`${home}/api.token`)).trim();
 * const res = await fetch(`http://127.0.0.1:${node.port}/v1/status`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * assert.equal((await res.json()).node_id, "node-doc");
 * const report = await node.stop();
 * assert.deepEqual(report.failures, []);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function startNode(opts: StartNodeOptions): Promise<RunningNode> {
  const now = opts.now ?? systemNow;
  const home = opts.home;
  const lock = await NodeLock.acquire(home);
  const hooks: { name: string; hook: ShutdownHook }[] = [];
  const onShutdown = (name: string, hook: ShutdownHook) => void hooks.push({ name, hook });
  let store: SymbolStore | undefined;
  let audit: AuditLog | undefined;
  let actor = "";
  let server: LocalApiServer | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopping: Promise<StopReport> | undefined;
  let resolveFinished: (r: StopReport) => void = () => {};
  const finished = new Promise<StopReport>((resolve) => resolveFinished = resolve);

  const stop = (): Promise<StopReport> =>
    stopping ??= (async () => {
      const steps: string[] = [];
      const failures: { step: string; code: string }[] = [];
      const step = async (name: string, f: () => Promise<void> | void) => {
        steps.push(name);
        try {
          await f();
        } catch (e) {
          failures.push({ step: name, code: codeOf(e) });
        }
      };
      if (timer !== undefined) clearInterval(timer);
      const srv = server;
      if (srv) await step("api", () => srv.shutdown());
      for (const { name, hook } of [...hooks].reverse()) await step(name, hook);
      const log = audit;
      if (log) {
        await step("audit-log", async () => {
          try {
            if (actor !== "") {
              await log.append(LIFECYCLE_ZONE, {
                eventType: "node.stop",
                actor,
                occurredAt: now(),
              });
            }
          } finally {
            log.close();
          }
        });
      }
      const st = store;
      if (st) await step("store", () => st.close());
      await step("lock", () => lock.release());
      const report = { steps, failures };
      resolveFinished(report);
      return report;
    })();

  try {
    let identity = await loadIdentity(home);
    identity = await renewAttestation(identity, now());
    const zones = await ZoneKeyring.load(identity.keystore);
    const token = await loadOrCreateApiToken(home);
    const opened = await (opts.openStore ?? openDefaultStore)(home);
    store = opened;
    const auditLog = openNodeAudit(home, identity, zones, now);
    audit = auditLog;
    const walCheckpoints = await startWalCheckpoints(home, auditLog);
    // Registered first, so it stops last of the hooks: every database it manages gets its own
    // automatic checkpoint back before it closes.
    if (walCheckpoints) onShutdown("wal-checkpoints", () => walCheckpoints.close());
    const ctx: NodeServicesContext = {
      home,
      identity,
      zones,
      store: opened,
      audit: auditLog,
      onShutdown,
      ...(walCheckpoints === undefined ? {} : { walCheckpoints }),
    };
    const objects = storeObjectService({
      store: opened,
      keyring: zones,
      nodeId: identity.nodeId,
      now,
    });
    const services: NodeServices = {
      objects,
      audit: auditLogService(auditLog),
      ...(opts.services
        ? await opts.services(ctx)
        : await defaultNodeServices(ctx, opts.host, opts.now)),
    };
    const startedAt = now();
    const listen = { hostname: "", port: 0 };
    const serviceNames = Object.entries(services)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k)
      .sort();
    const status = async (): Promise<NodeStatus> => {
      const objects = (await opened.stats()).objects;
      return {
        state: "running",
        node_id: identity.nodeId,
        version: opts.version,
        pid: Deno.pid,
        started_at: startedAt,
        uptime_secs: Math.max(0, now() - startedAt),
        listen: { ...listen },
        zones: zones.zoneIds(),
        store: { kind: opened.kind, objects },
        services: serviceNames,
      };
    };
    const api = createApp({ ...services, status: { status } }, {
      token,
      version: opts.version,
      ...(opts.maxBodyBytes === undefined ? {} : { maxBodyBytes: opts.maxBodyBytes }),
    });
    server = serveLocalApi(api.app.fetch, {
      ...(opts.hostname === undefined ? {} : { hostname: opts.hostname }),
      ...(opts.port === undefined ? {} : { port: opts.port }),
    });
    listen.hostname = server.hostname;
    listen.port = server.port;
    await lock.writeInfo({
      pid: Deno.pid,
      node_id: identity.nodeId,
      hostname: server.hostname,
      port: server.port,
      started_at: startedAt,
      version: opts.version,
    });
    if (zones.zoneIds().includes(LIFECYCLE_ZONE)) {
      actor = identity.nodeId;
      await auditLog.append(LIFECYCLE_ZONE, { eventType: "node.start", actor, occurredAt: now() });
    }
    const renew = setInterval(() => {
      renewAttestation(identity, now()).then((renewed) => identity = renewed, () => {});
    }, ATTESTATION_CHECK_INTERVAL_MS);
    Deno.unrefTimer(renew);
    timer = renew;
    return {
      home,
      nodeId: identity.nodeId,
      pid: Deno.pid,
      hostname: server.hostname,
      port: server.port,
      startedAt,
      routes: api.routes,
      onShutdown,
      stop,
      finished,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Stop the node on SIGINT or SIGTERM (SIGINT only on Windows). Returns a function removing the
 * listeners; they are removed by themselves once the node has stopped.
 *
 * @example
 * ```ts
 * import { stopOnSignals } from "./node_runtime.ts";
 * import assert from "node:assert/strict";
 * let stopped = 0;
 * const finished = Promise.withResolvers<{ steps: string[]; failures: [] }>();
 * const remove = stopOnSignals({
 *   stop: () => { stopped++; return Promise.resolve({ steps: [], failures: [] }); },
 *   finished: finished.promise,
 * });
 * remove();
 * assert.equal(stopped, 0);
 * ```
 */
export function stopOnSignals(node: Pick<RunningNode, "stop" | "finished">): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const handler = () => void node.stop();
  for (const s of signals) Deno.addSignalListener(s, handler);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    for (const s of signals) Deno.removeSignalListener(s, handler);
  };
  node.finished.then(remove, remove);
  return remove;
}
