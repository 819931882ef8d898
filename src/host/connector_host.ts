/**
 * The connector host (issue 5 §2): installs connectors as content-addressed package objects in
 * the store, binds instances to zones, runs every active instance in its own sandboxed Worker
 * (permissions from the manifest, `manifest_sandbox.ts`), routes the workers' HTTP through the
 * egress guard with the calling operation's network constraints, and serves the invoke pipeline
 * as its {@link ConnectorResolver}.
 *
 * Where the code comes from: a connector shipped with fcp whose stored package is byte-identical
 * to the embedded one runs from the embedded files (which is what a compiled binary can load);
 * any other package is written once to `FCP_HOME/connectors/packages/<package id>/` and run
 * from there. Either way the package id in the registry names exactly the bytes that run.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { uuidToBytes, type ZoneKeyring } from "../authority/mod.ts";
import { equalBytes, FcpError, toHex } from "../core/mod.ts";
import { parseZoneId, type ZoneId } from "../model/mod.ts";
import {
  createObjectContext,
  getObject,
  type ObjectContext,
  putObject,
  type SymbolStore,
} from "../store/mod.ts";
import type { AuditLog } from "./audit_log.ts";
import { builtinEntryUrl, builtinFolder, readBuiltinPackage } from "./builtin_connectors.ts";
import {
  type ConnectorPackage,
  decodePackage,
  encodePackage,
  readPackageDir,
  WORKER_ENTRY,
} from "./connector_package.ts";
import {
  type ConnectorInstance,
  ConnectorRegistry,
  type InstalledConnector,
  instanceIdFor,
} from "./connector_registry.ts";
import type { WorkerLaunchSpec } from "./connector_worker.ts";
import type { EgressEvent, EgressGuard, EgressHttpRequest } from "./egress_guard.ts";
import type { ConnectorResolver, ConnectorTarget } from "./invoke_pipeline.ts";
import { sandboxPermissions } from "./manifest_sandbox.ts";
import {
  type ConnectorManifest,
  type OperationNetworkConstraints,
  strictNetworkConstraints,
} from "./manifest_types.ts";
import { manifestAllowsZone } from "./manifest_zones.ts";

/** The zone that holds connector packages. */
export const PACKAGE_ZONE: ZoneId = "z:owner";

/** What the host needs of a running worker (`ConnectorWorker` provides it). */
export interface RunningWorker {
  /** Run one operation. */
  invoke(
    operation: string,
    input: unknown,
    opts: { readonly requestId: string; readonly signal?: AbortSignal },
  ): Promise<unknown>;
  /** Readiness and heap use. */
  health(): Promise<{ ok: boolean; detail?: string; heapUsedBytes?: number }>;
  /** Stop (idempotent). */
  shutdown(): Promise<void>;
  /** Lifecycle state. */
  readonly state: string;
  /** Restarts so far. */
  readonly restarts: number;
}

/** Starts a worker (the default is `ConnectorWorker.start`). */
export type StartWorker = (spec: WorkerLaunchSpec) => Promise<RunningWorker>;

/** Options of {@link ConnectorHost}. */
export interface ConnectorHostOptions {
  /** The node home. */
  readonly home: string;
  /** Zone keys (package objects are sealed in z:owner). */
  readonly zones: ZoneKeyring;
  /** This node's id. */
  readonly nodeId: string;
  /** The symbol store. */
  readonly store: SymbolStore;
  /** host.db. */
  readonly db: DatabaseSync;
  /** Audit chains (install/activate/deactivate, secret access, egress refusals). */
  readonly audit: AuditLog;
  /** The egress guard; without one every connector request is refused (`FCP-3008`). */
  readonly egress?: EgressGuard;
  /** Starts workers. */
  readonly startWorker: StartWorker;
  /** Paths a connector may never be granted (default: the home). */
  readonly protect?: readonly string[];
  /** Clock, Unix seconds. */
  readonly now?: () => number;
}

/** Options of {@link ConnectorHost.activate}. */
export interface ActivateOptions {
  /** Readable directories (absolute). */
  readonly grantRead?: readonly string[];
  /** Writable directories (absolute). */
  readonly grantWrite?: readonly string[];
  /** Extra `host:port` entries this instance may reach (e.g. a GitHub Enterprise host). */
  readonly allowHosts?: readonly string[];
  /** `configure` values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Start the worker now (default true). `false` only records the instance as active, for a
   * node that is not running: it starts it when it starts.
   */
  readonly start?: boolean;
}

/** What {@link ConnectorHost.install} did (JSON-safe). */
export interface InstallResult {
  /** Connector id. */
  readonly id: string;
  /** Version. */
  readonly version: string;
  /** Folder inside the package. */
  readonly folder: string;
  /** Package ObjectId (hex). */
  readonly "package_id": string;
  /** `builtin` or `path`. */
  readonly source: string;
  /** Install time of the recorded package. */
  readonly "installed_at": number;
  /** False when these bytes were already installed. */
  readonly created: boolean;
}

/** An instance as `fcp connector list` shows it. */
export interface InstanceStatus {
  /** Instance id. */
  readonly "instance_id": string;
  /** Zone. */
  readonly zone: string;
  /** `active` or `inactive` (what the operator asked for). */
  readonly desired: string;
  /** The worker's state (`ready`, `restarting`, `failed`, `stopped`, or `not running`). */
  readonly state: string;
  /** Restarts of the worker. */
  readonly restarts: number;
  /** Granted directories. */
  readonly grants: { readonly read: readonly string[]; readonly write: readonly string[] };
  /** Extra hosts. */
  readonly "allow_hosts": readonly string[];
}

/** A connector as `fcp connector list` shows it. */
export interface ConnectorStatus {
  /** Connector id. */
  readonly id: string;
  /** Version. */
  readonly version: string;
  /** Package ObjectId (hex). */
  readonly "package_id": string;
  /** `builtin` or `path`. */
  readonly source: string;
  /** Install time. */
  readonly "installed_at": number;
  /** `active` when any instance runs, else `installed`. */
  readonly state: string;
  /** Zones it runs in. */
  readonly zones: readonly string[];
  /** Its instances. */
  readonly instances: readonly InstanceStatus[];
}

/** A health report. */
export interface InstanceHealth {
  /** Instance id. */
  readonly "instance_id": string;
  /** `ok`, `degraded`, `failed` or `stopped`. */
  readonly health: string;
  /** Detail. */
  readonly detail?: string;
  /** Worker heap in use, bytes. */
  readonly "heap_used_bytes"?: number;
  /** Restarts. */
  readonly restarts: number;
}

interface Live {
  readonly instance: ConnectorInstance;
  readonly manifest: ConnectorManifest;
  readonly worker: RunningWorker;
  readonly target: ConnectorTarget;
}

function denyAll(): OperationNetworkConstraints {
  return strictNetworkConstraints({
    maxRedirects: 0,
    totalTimeoutMs: 30_000,
    maxResponseBytes: 1_048_576,
  });
}

const HOST_PORT_RE = /^[a-z0-9.-]+:[0-9]{1,5}$|^\[[0-9a-f:.]+\]:[0-9]{1,5}$/;

function absolutePaths(paths: readonly string[] | undefined, what: string): string[] {
  const out: string[] = [];
  for (const p of paths ?? []) {
    if (!p.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(p)) {
      throw new FcpError("FCP-1040", `${what} ${p} must be an absolute path`);
    }
    let real: string;
    try {
      real = Deno.realPathSync(p);
    } catch (cause) {
      throw new FcpError("FCP-6001", `${what} ${p} does not exist`, { cause });
    }
    if (!Deno.statSync(real).isDirectory) {
      throw new FcpError("FCP-1040", `${what} ${p} is not a directory`);
    }
    if (!out.includes(real)) out.push(real);
  }
  return out;
}

/**
 * The connector host. See the module comment; the node creates one per run.
 *
 * @example
 * ```ts
 * import { ConnectorHost } from "./connector_host.ts";
 * import { AuditLog } from "./audit_log.ts";
 * import { openHostDb } from "./host_db.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import { MemorySymbolStore } from "../store/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const zones = await createStandardZones(id, id.keystore, 1_700_000_000);
 * const audit = AuditLog.open({ path: ":memory:", nodeId: "n", signer: id.signing,
 *   publicKey: id.signing.publicKey, objectIdKey: (z) => zones.objectIdKey(z).key });
 * const host = new ConnectorHost({ home, zones, nodeId: "n", store: new MemorySymbolStore(),
 *   db: openHostDb(":memory:"), audit, startWorker: () => Promise.reject(new Error("unused")) });
 * const installed = await host.install("fcp.fs");
 * assert.equal(installed.id, "fcp.fs");
 * assert.equal(host.list()[0]?.state, "installed");
 * await host.shutdown();
 * audit.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class ConnectorHost implements ConnectorResolver {
  readonly #o: ConnectorHostOptions;
  readonly #registry: ConnectorRegistry;
  readonly #objects: ObjectContext;
  readonly #now: () => number;
  readonly #live = new Map<string, Live>();
  readonly #manifests = new Map<string, ConnectorManifest>();
  readonly #calls = new Map<string, { tokenCredentialAllow?: readonly string[] }>();
  readonly #starting = new Map<string, Promise<Live>>();

  /** A host over these parts. */
  constructor(opts: ConnectorHostOptions) {
    this.#o = opts;
    this.#registry = new ConnectorRegistry(opts.db);
    this.#objects = createObjectContext({
      store: opts.store,
      keyring: opts.zones,
      nodeId: opts.nodeId,
    });
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The registry (installed connectors and instances). */
  get registry(): ConnectorRegistry {
    return this.#registry;
  }

  /**
   * Install a connector: a shipped one by id (`fcp.fs`) or folder name, or a connector folder
   * by path. The package is stored (pinned) in z:owner and recorded; installing the same bytes
   * again changes nothing.
   */
  async install(source: string): Promise<InstallResult> {
    const builtin = builtinFolder(source) !== undefined && !source.includes("/");
    let pkg: ConnectorPackage;
    if (builtin) pkg = await readBuiltinPackage(source);
    else {
      let url: URL;
      try {
        url = new URL(`file://${Deno.realPathSync(source)}/`);
      } catch (cause) {
        throw new FcpError(
          "FCP-5008",
          `${source} is neither a shipped connector nor a folder`,
          { cause },
        );
      }
      pkg = await readPackageDir(url);
    }
    const bytes = encodePackage(pkg);
    const now = this.#now();
    const put = await putObject(this.#objects, bytes, { zone: PACKAGE_ZONE, now, pin: true });
    const previous = this.#registry.installed(pkg.manifest.id);
    const record: InstalledConnector = {
      id: pkg.manifest.id,
      version: pkg.manifest.version,
      folder: pkg.folder,
      packageId: put.objectId,
      source: builtin ? "builtin" : "path",
      installedAt: now,
    };
    const created = previous === undefined || !equalBytes(previous.packageId, put.objectId);
    if (created) {
      this.#registry.recordInstall(record);
      this.#manifests.set(record.id, pkg.manifest);
      await this.#o.audit.append(PACKAGE_ZONE, {
        eventType: "connector.install",
        actor: this.#o.nodeId,
        connectorId: record.id,
        resultObjectId: put.objectId,
        occurredAt: now,
      });
    }
    const c = created ? record : previous!;
    return {
      id: c.id,
      version: c.version,
      folder: c.folder,
      package_id: toHex(c.packageId),
      source: c.source,
      installed_at: c.installedAt,
      created,
    };
  }

  async #package(c: InstalledConnector): Promise<ConnectorPackage> {
    const bytes = await getObject(this.#objects, c.packageId, { zone: PACKAGE_ZONE });
    const pkg = decodePackage(bytes);
    if (pkg.manifest.id !== c.id) {
      throw new FcpError("FCP-5004", `package of ${c.id} declares ${pkg.manifest.id}`);
    }
    return pkg;
  }

  /** Where the worker entry of a package is (see the module comment). */
  async #entryUrl(c: InstalledConnector, pkg: ConnectorPackage): Promise<string> {
    if (c.source === "builtin") {
      const embedded = await readBuiltinPackage(c.id).catch(() => undefined);
      if (embedded !== undefined && equalBytes(encodePackage(embedded), encodePackage(pkg))) {
        return builtinEntryUrl(pkg.folder);
      }
    }
    const dir = `${this.#o.home}/connectors/packages/${toHex(c.packageId)}`;
    const marker = `${dir}/.complete`;
    const done = await Deno.stat(marker).then(() => true, () => false);
    if (!done) {
      for (const [path, bytes] of pkg.files) {
        const file = `${dir}/${path}`;
        await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true, mode: 0o700 });
        await Deno.writeFile(file, bytes, { mode: 0o600 });
      }
      await Deno.writeTextFile(marker, toHex(c.packageId));
    }
    return new URL(`file://${dir}/${pkg.folder}/${WORKER_ENTRY}`).href;
  }

  // The paths no grant may reach: the home (or the configured list) as given and as resolved,
  // since a grant is resolved and a home reached through a symbolic link is the same place.
  #protected(): string[] {
    const out: string[] = [];
    for (const p of this.#o.protect ?? [this.#o.home]) {
      out.push(p);
      try {
        const real = Deno.realPathSync(p);
        if (!out.includes(real)) out.push(real);
      } catch { /* not there (yet): nothing else to protect */ }
    }
    return out;
  }

  /** The manifest of an installed connector (the pipeline's resolver). */
  manifest(connectorId: string): ConnectorManifest | undefined {
    return this.#manifests.get(connectorId) ??
      this.#live.values().find((l) => l.manifest.id === connectorId)?.manifest;
  }

  /** The active instance of a connector in a zone (the pipeline's resolver). */
  target(connectorId: string, zone: ZoneId): ConnectorTarget | { readonly activeIn: ZoneId[] } {
    const live = this.#live.get(instanceIdFor(connectorId, zone));
    if (live !== undefined) return live.target;
    return {
      activeIn: [...this.#live.values()]
        .filter((l) => l.manifest.id === connectorId)
        .map((l) => l.instance.zone),
    };
  }

  async #loadManifests(): Promise<void> {
    for (const c of this.#registry.list()) {
      if (this.#manifests.has(c.id)) continue;
      try {
        this.#manifests.set(c.id, (await this.#package(c)).manifest);
      } catch {
        // an unreadable package: activation reports it
      }
    }
  }

  /** Start every instance marked active (at node start). Failures are reported, not thrown. */
  async startActive(): Promise<{ instance: string; code: string }[]> {
    await this.#loadManifests();
    const failures: { instance: string; code: string }[] = [];
    for (const i of this.#registry.instances()) {
      if (i.desired !== "active") continue;
      try {
        await this.#start(i);
      } catch (e) {
        failures.push({
          instance: i.instanceId,
          code: e instanceof FcpError ? e.code : "FCP-9001",
        });
      }
    }
    return failures;
  }

  /**
   * Bind a connector to a zone and start its worker. Refuses a zone the manifest does not
   * accept (`FCP-4002`), a connector that is not installed (`FCP-5008`), grants the manifest
   * does not take or that reach the home (`FCP-1040`, `FCP-3003`).
   */
  async activate(
    connectorId: string,
    zone: ZoneId | string,
    opts: ActivateOptions = {},
  ): Promise<InstanceStatus> {
    const z = parseZoneId(zone);
    if (!this.#o.zones.zoneIds().includes(z)) {
      throw new FcpError("FCP-4005", `this node holds no keys for ${z}`);
    }
    const installed = this.#registry.installed(connectorId);
    if (installed === undefined) {
      throw new FcpError(
        "FCP-5008",
        `${connectorId} is not installed (fcp connector install ${connectorId})`,
      );
    }
    const manifest = this.#manifests.get(connectorId) ?? (await this.#package(installed)).manifest;
    this.#manifests.set(connectorId, manifest);
    if (!manifestAllowsZone(manifest, z)) {
      throw new FcpError("FCP-4002", `the ${connectorId} manifest does not accept ${z}`);
    }
    for (const h of opts.allowHosts ?? []) {
      if (!HOST_PORT_RE.test(h)) throw new FcpError("FCP-1040", `${h} is not a host:port`);
    }
    // Extra hosts widen the operations that already reach out, never give network to one that
    // declares none (spec §7.3: an operation without network_constraints makes no calls).
    if ((opts.allowHosts?.length ?? 0) > 0 && !manifest.operations.some((o) => o.network)) {
      throw new FcpError(
        "FCP-3008",
        `${connectorId} declares no operation with network_constraints; --allow-host does not apply`,
      );
    }
    const previous = this.#registry.instance(connectorId, z);
    const grants = {
      read: absolutePaths(opts.grantRead ?? previous?.grants.read, "granted path"),
      write: absolutePaths(opts.grantWrite ?? previous?.grants.write, "granted path"),
      ...(opts.allowHosts ?? previous?.grants.net
        ? { net: [...(opts.allowHosts ?? previous?.grants.net ?? [])] }
        : {}),
    };
    // Refused grants (a path the manifest does not take, or one that reaches the home) are
    // refused before anything is recorded, also when the instance only starts with the node.
    sandboxPermissions(manifest, {
      dataDir: `${this.#o.home}/connectors/data/${
        instanceIdFor(connectorId, z).replaceAll(":", "_")
      }`,
      granted: { read: grants.read, write: grants.write },
      protect: this.#protected(),
    });
    const instance = this.#registry.setInstance({
      connectorId,
      zone: z,
      desired: "active",
      grants,
      config: opts.config ?? previous?.config ?? {},
      updatedAt: this.#now(),
    });
    if (opts.start !== false) {
      await this.#stop(instance.instanceId);
      try {
        await this.#start(instance);
      } catch (e) {
        this.#registry.setInstance({ ...instance, desired: "inactive", updatedAt: this.#now() });
        throw e;
      }
    }
    await this.#o.audit.append(z, {
      eventType: "connector.activate",
      actor: this.#o.nodeId,
      connectorId,
      resultObjectId: installed.packageId,
      occurredAt: this.#now(),
    });
    return this.#status(instance);
  }

  /** Stop a connector's instance in a zone and mark it inactive. */
  async deactivate(connectorId: string, zone: ZoneId | string): Promise<InstanceStatus> {
    const z = parseZoneId(zone);
    const instance = this.#registry.instance(connectorId, z);
    if (instance === undefined) {
      throw new FcpError("FCP-5005", `${connectorId} has no instance in ${z}`);
    }
    await this.#stop(instance.instanceId);
    const updated = this.#registry.setInstance({
      ...instance,
      desired: "inactive",
      updatedAt: this.#now(),
    });
    await this.#o.audit.append(z, {
      eventType: "connector.deactivate",
      actor: this.#o.nodeId,
      connectorId,
      occurredAt: this.#now(),
    });
    return this.#status(updated);
  }

  async #stop(instanceId: string): Promise<void> {
    const live = this.#live.get(instanceId);
    this.#live.delete(instanceId);
    if (live !== undefined) await live.worker.shutdown();
  }

  #start(instance: ConnectorInstance): Promise<Live> {
    const pending = this.#starting.get(instance.instanceId);
    if (pending !== undefined) return pending;
    const p = this.#launch(instance).finally(() => this.#starting.delete(instance.instanceId));
    this.#starting.set(instance.instanceId, p);
    return p;
  }

  async #launch(instance: ConnectorInstance): Promise<Live> {
    const installed = this.#registry.installed(instance.connectorId);
    if (installed === undefined) {
      throw new FcpError("FCP-5008", `${instance.connectorId} is not installed`);
    }
    const pkg = await this.#package(installed);
    const manifest = pkg.manifest;
    this.#manifests.set(manifest.id, manifest);
    const dataDir = `${this.#o.home}/connectors/data/${instance.instanceId.replaceAll(":", "_")}`;
    await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
    const extra = instance.grants.net ?? [];
    const permissions = sandboxPermissions(manifest, {
      dataDir,
      granted: { read: instance.grants.read, write: instance.grants.write },
      protect: this.#protected(),
    });
    // `--allow-host` widens the guard's list, and raw sockets only where the profile has them.
    if (extra.length > 0 && manifest.sandbox.profile === "permissive") {
      permissions.net = [...new Set([...(permissions.net || []), ...extra])];
    }
    const read = [...instance.grants.read];
    for (const w of instance.grants.write) if (!read.includes(w)) read.push(w);
    const entryUrl = await this.#entryUrl(installed, pkg);
    const worker = await this.#o.startWorker({
      manifest,
      instanceId: instance.instanceId,
      zone: instance.zone,
      entryUrl,
      permissions,
      fsRoots: { read, write: [...instance.grants.write] },
      config: instance.config,
      egress: (req, call) => this.#egress(manifest, instance, extra, req, call),
    });
    const target: ConnectorTarget = {
      instanceId: instance.instanceId,
      zone: instance.zone,
      manifest,
      run: async (operation, input, call) => {
        this.#calls.set(call.requestId, {
          ...(call.tokenCredentialAllow === undefined
            ? {}
            : { tokenCredentialAllow: call.tokenCredentialAllow }),
        });
        try {
          return await worker.invoke(operation, input, {
            requestId: call.requestId,
            ...(call.signal === undefined ? {} : { signal: call.signal }),
          });
        } finally {
          this.#calls.delete(call.requestId);
        }
      },
    };
    const live: Live = { instance, manifest, worker, target };
    this.#live.set(instance.instanceId, live);
    return live;
  }

  async #egress(
    manifest: ConnectorManifest,
    instance: ConnectorInstance,
    extraHosts: readonly string[],
    req: EgressHttpRequest,
    call: { readonly operation: string; readonly requestId: string },
  ) {
    const guard = this.#o.egress;
    if (guard === undefined) {
      throw new FcpError("FCP-3008", "this node has no egress guard: connectors cannot reach out");
    }
    const call0 = this.#calls.get(call.requestId);
    if (call0 === undefined) {
      throw new FcpError("FCP-3008", "network requests are only allowed during an invocation");
    }
    const op = manifest.operations.find((o) => o.id === call.operation);
    const base = op?.network ?? denyAll();
    const constraints = extraHosts.length === 0 || op?.network === undefined
      ? base
      : { ...base, hostAllow: [...new Set([...base.hostAllow, ...extraHosts])] };
    return await guard.fetch(req, {
      connectorId: manifest.id,
      zone: instance.zone,
      operation: call.operation,
      requestId: call.requestId,
      constraints,
      ...(call0.tokenCredentialAllow === undefined
        ? {}
        : { tokenCredentialAllow: call0.tokenCredentialAllow }),
    });
  }

  /**
   * Record an egress event on the zone's audit chain (`secret.access` and `egress.denied`);
   * the node passes this as the guard's `onEvent`.
   */
  async recordEgress(e: EgressEvent): Promise<void> {
    if (e.type === "egress.allowed") return;
    let zone: ZoneId;
    try {
      zone = parseZoneId(e.zone);
    } catch {
      return;
    }
    // The invoke's request id is the correlation id, so the event joins the invoke's own
    // events and its `fcp explain` record (which carries the host and the reason).
    let correlationId: Uint8Array | undefined;
    try {
      correlationId = uuidToBytes(e.requestId);
    } catch { /* not an invoke request id: a random correlation id */ }
    await this.#o.audit.append(zone, {
      eventType: e.type,
      actor: `connector:${e.connectorId}`,
      ...(correlationId === undefined ? {} : { correlationId }),
      connectorId: e.connectorId,
      operation: e.operation,
      occurredAt: this.#now(),
    });
  }

  #status(i: ConnectorInstance): InstanceStatus {
    const live = this.#live.get(i.instanceId);
    return {
      instance_id: i.instanceId,
      zone: i.zone,
      desired: i.desired,
      state: live?.worker.state ?? "not running",
      restarts: live?.worker.restarts ?? 0,
      grants: { read: i.grants.read, write: i.grants.write },
      allow_hosts: i.grants.net ?? [],
    };
  }

  /** Installed connectors with their instances. */
  list(): ConnectorStatus[] {
    return this.#registry.list().map((c) => {
      const instances = this.#registry.instances(c.id).map((i) => this.#status(i));
      const running = instances.filter((i) => this.#live.has(i.instance_id));
      return {
        id: c.id,
        version: c.version,
        package_id: toHex(c.packageId),
        source: c.source,
        installed_at: c.installedAt,
        state: running.length > 0 ? "active" : "installed",
        zones: running.map((i) => i.zone),
        instances,
      };
    });
  }

  /** Health of the running instances (of one connector when given). */
  async health(connectorId?: string): Promise<InstanceHealth[]> {
    const out: InstanceHealth[] = [];
    for (const i of this.#registry.instances(connectorId)) {
      const live = this.#live.get(i.instanceId);
      if (live === undefined) {
        if (i.desired === "active") {
          out.push({
            instance_id: i.instanceId,
            health: "failed",
            detail: "not running",
            restarts: 0,
          });
        } else out.push({ instance_id: i.instanceId, health: "stopped", restarts: 0 });
        continue;
      }
      try {
        const h = await live.worker.health();
        out.push({
          instance_id: i.instanceId,
          health: h.ok ? (live.worker.restarts > 0 ? "degraded" : "ok") : "degraded",
          ...(h.detail === undefined ? {} : { detail: h.detail }),
          ...(h.heapUsedBytes === undefined ? {} : { heap_used_bytes: h.heapUsedBytes }),
          restarts: live.worker.restarts,
        });
      } catch (e) {
        out.push({
          instance_id: i.instanceId,
          health: "failed",
          detail: e instanceof FcpError ? e.detail : "health check failed",
          restarts: live.worker.restarts,
        });
      }
    }
    return out;
  }

  /** Stop every worker (node shutdown). */
  async shutdown(): Promise<void> {
    const all = [...this.#live.keys()];
    await Promise.allSettled(all.map((id) => this.#stop(id)));
  }
}
