/**
 * One connector instance in its own permission-restricted Deno Worker (issue 5 §2 "Sandbox";
 * spec §10.3, §11.2). The Worker's `deno.permissions` come from the manifest
 * (`sandboxPermissions`); the host speaks the protocol of `worker_protocol.ts` to it.
 *
 * Limits, and how they are enforced (docs/sandbox.md):
 * - wall clock per call (`sandbox.wall_clock_timeout_ms`): on expiry the call is cancelled; a
 *   worker that does not answer within {@link CANCEL_GRACE_MS} (a busy loop cannot) is
 *   terminated and restarted, and the call fails `FCP-6003`;
 * - heap (`sandbox.memory_mb`): Deno cannot cap one worker's heap, so the heap a worker reports
 *   with every answer, and on a periodic health poll, is compared with the limit; over it the
 *   worker is terminated and restarted and its calls fail `FCP-5007`;
 * - messages over `sandbox.max_message_bytes` are refused both ways (`FCP-1041`);
 * - a crash (an uncaught error, a terminated worker) fails the calls in flight (`FCP-5006`)
 *   and restarts the worker with exponential backoff; more than `maxRestarts` restarts within
 *   {@link RESTART_WINDOW_MS} leave it `failed`. Calls made while it restarts wait for it
 *   (within their own wall clock) and fail `FCP-5005` if it does not come back.
 *
 * @module
 */
import { ERROR_CODES, type ErrorCode, FcpError } from "../core/mod.ts";
import { connectorBootstrap } from "./_connector_bootstrap.ts";
import type { EgressHttpRequest, EgressHttpResponse } from "./egress_guard.ts";
import type { ConnectorWorkerPermissions } from "./manifest_sandbox.ts";
import type { ConnectorManifest } from "./manifest_types.ts";
import {
  checkMessageSize,
  type HostMessage,
  parseWorkerMessage,
  type WireError,
  WORKER_PROTOCOL_VERSION,
  type WorkerMethod,
} from "./worker_protocol.ts";

/** How long a cancelled call may take to stop before the worker is terminated. */
export const CANCEL_GRACE_MS = 250;
/** Window in which restarts are counted. */
export const RESTART_WINDOW_MS = 60_000;
/** Time a worker has to load and answer the handshake. */
export const START_TIMEOUT_MS = 15_000;

/** What a worker needs to start. */
export interface WorkerLaunchSpec {
  /** The connector's manifest. */
  readonly manifest: ConnectorManifest;
  /** Instance id (`<connector>:<zone>`). */
  readonly instanceId: string;
  /** The zone it is bound to. */
  readonly zone: string;
  /** `file:` URL of the connector's `worker.ts`. */
  readonly entryUrl: string;
  /** The Worker's Deno permissions. */
  readonly permissions: ConnectorWorkerPermissions;
  /** Directories the connector's `ctx.fs` names. */
  readonly fsRoots: { readonly read: readonly string[]; readonly write: readonly string[] };
  /** `configure` values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Performs a connector HTTP request (the egress guard). */
  readonly egress: (
    req: EgressHttpRequest,
    call: { readonly operation: string; readonly requestId: string },
  ) => Promise<EgressHttpResponse>;
  /** Receives the connector's log lines. */
  readonly onLog?: (line: string) => void;
  /** Overrides of the manifest's limits. */
  readonly limits?: {
    readonly callTimeoutMs?: number;
    readonly heapLimitMb?: number;
    readonly maxMessageBytes?: number;
    readonly heapCheckIntervalMs?: number;
    readonly restart?: {
      readonly maxRestarts?: number;
      readonly baseDelayMs?: number;
      readonly maxDelayMs?: number;
    };
  };
}

/** Lifecycle states. */
export type WorkerState = "starting" | "ready" | "restarting" | "failed" | "stopped";

interface Pending {
  readonly method: WorkerMethod;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly operation?: string;
  readonly requestId?: string;
}

function toFcpError(e: WireError): FcpError {
  const code = Object.hasOwn(ERROR_CODES, e.code) ? e.code as ErrorCode : "FCP-9001";
  const details = connectorDetails(e);
  return new FcpError(
    code,
    String(e.message).slice(0, 1000),
    Object.keys(details).length === 0 ? undefined : { details },
  );
}

/**
 * What a connector's error may tell the caller (spec §24.2 `details`): at most 16 flat values
 * under `connector_<key>` names (so none can pass for the host's own `request_id`, `stage`...),
 * keys `[a-z][a-z0-9_]*` up to 40 characters, strings up to 500, plus its retry hints. The
 * connector is untrusted; it never holds a secret (the guard injects credentials), so what it
 * says is passed on, bounded.
 */
function connectorDetails(e: WireError): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (e.retryable === true) out.connector_retryable = true;
  if (typeof e.retry_after_ms === "number" && Number.isFinite(e.retry_after_ms)) {
    out.connector_retry_after_ms = Math.max(0, Math.round(e.retry_after_ms));
  }
  const d = e.details;
  if (typeof d !== "object" || d === null || Array.isArray(d)) return out;
  let n = 0;
  for (const [k, v] of Object.entries(d)) {
    if (n >= 16) break;
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(k)) continue;
    if (typeof v === "string") out[`connector_${k}`] = v.slice(0, 500);
    else if (typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) {
      out[`connector_${k}`] = v;
    } else continue;
    n++;
  }
  return out;
}

function errorWire(e: unknown): WireError {
  return e instanceof FcpError
    ? { code: e.code, message: e.detail }
    : { code: "FCP-9001", message: "the host failed to perform the request" };
}

/**
 * A running connector worker.
 *
 * @example
 * ```ts
 * import { ConnectorWorker } from "./connector_worker.ts";
 * import { builtinEntryUrl, readBuiltinPackage } from "./builtin_connectors.ts";
 * import { sandboxPermissions } from "./manifest_sandbox.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "a");
 * const pkg = await readBuiltinPackage("fcp.fs");
 * const w = await ConnectorWorker.start({
 *   manifest: pkg.manifest, instanceId: "fcp.fs:z:work", zone: "z:work",
 *   entryUrl: builtinEntryUrl("fs"),
 *   permissions: sandboxPermissions(pkg.manifest, { dataDir: dir, granted: { read: [dir] } }),
 *   fsRoots: { read: [dir], write: [] },
 *   egress: () => Promise.reject(new Error("no network")),
 * });
 * const out = await w.invoke("fs_list", { path: dir }, { requestId: "r1" }) as { entries: { name: string }[] };
 * assert.deepEqual(out.entries.map((e) => e.name), ["a.txt"]);
 * await w.shutdown();
 * assert.equal(w.state, "stopped");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class ConnectorWorker {
  readonly #spec: WorkerLaunchSpec;
  readonly #callTimeoutMs: number;
  readonly #heapLimit: number;
  readonly #maxBytes: number;
  readonly #restartPolicy: { maxRestarts: number; baseDelayMs: number; maxDelayMs: number };
  #worker: Worker | undefined;
  #state: WorkerState = "starting";
  #restarts = 0;
  #restartTimes: number[] = [];
  #seq = 0;
  #pending = new Map<number, Pending>();
  #ready: Promise<void> = Promise.resolve();
  #heapTimer: ReturnType<typeof setInterval> | undefined;
  #lastHeap = 0;

  private constructor(spec: WorkerLaunchSpec) {
    this.#spec = spec;
    const s = spec.manifest.sandbox;
    this.#callTimeoutMs = spec.limits?.callTimeoutMs ?? s.wallClockTimeoutMs;
    this.#heapLimit = (spec.limits?.heapLimitMb ?? s.memoryMb) * 1024 * 1024;
    this.#maxBytes = spec.limits?.maxMessageBytes ?? s.maxMessageBytes;
    this.#restartPolicy = {
      maxRestarts: spec.limits?.restart?.maxRestarts ?? 5,
      baseDelayMs: spec.limits?.restart?.baseDelayMs ?? 100,
      maxDelayMs: spec.limits?.restart?.maxDelayMs ?? 5_000,
    };
  }

  /** Spawn, handshake and configure a worker; `FCP-5006` when it cannot start. */
  static async start(spec: WorkerLaunchSpec): Promise<ConnectorWorker> {
    const w = new ConnectorWorker(spec);
    await w.#spawn();
    const interval = spec.limits?.heapCheckIntervalMs ?? 2_000;
    const timer = setInterval(() => {
      if (w.#state === "ready") w.health().catch(() => {});
    }, interval);
    Deno.unrefTimer(timer);
    w.#heapTimer = timer;
    return w;
  }

  /** The lifecycle state. */
  get state(): WorkerState {
    return this.#state;
  }

  /** Restarts so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The heap the worker last reported, bytes. */
  get heapUsedBytes(): number {
    return this.#lastHeap;
  }

  async #spawn(): Promise<void> {
    this.#state = this.#restarts === 0 ? "starting" : "restarting";
    let worker: Worker;
    // The host's lockdown module runs before any of the connector's (_connector_bootstrap.ts).
    const bootstrap = connectorBootstrap(this.#spec.entryUrl);
    try {
      worker = new Worker(bootstrap.url, {
        type: "module",
        name: this.#spec.instanceId,
        deno: { permissions: { ...this.#spec.permissions } },
      } as WorkerOptions);
    } catch (cause) {
      bootstrap.revoke();
      this.#state = "failed";
      throw new FcpError("FCP-5006", `cannot start the ${this.#spec.manifest.id} worker`, {
        cause,
      });
    }
    this.#worker = worker;
    worker.onmessage = (e) => this.#onMessage(worker, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.#crashed(worker, "FCP-5006", "the connector crashed");
    };
    worker.onmessageerror = () => this.#crashed(worker, "FCP-5006", "unreadable message");
    const m = this.#spec.manifest;
    const boot = (async () => {
      const hs = await this.#call("handshake", {
        protocol: WORKER_PROTOCOL_VERSION,
        connectorId: m.id,
        version: m.version,
        zone: this.#spec.zone,
        instanceId: this.#spec.instanceId,
        maxMessageBytes: this.#maxBytes,
      }, START_TIMEOUT_MS) as { operations?: unknown };
      const ops = Array.isArray(hs?.operations) ? hs.operations : [];
      const missing = m.operations.filter((o) => !ops.includes(o.id)).map((o) => o.id);
      if (missing.length > 0) {
        throw new FcpError("FCP-5004", `${m.id} implements no handler for ${missing.join(", ")}`);
      }
      await this.#call("configure", {
        fs: { read: [...this.#spec.fsRoots.read], write: [...this.#spec.fsRoots.write] },
        config: this.#spec.config ?? {},
      }, START_TIMEOUT_MS);
    })();
    this.#ready = boot.then(() => {}, () => {});
    try {
      await boot;
    } catch (e) {
      bootstrap.revoke();
      worker.terminate();
      this.#worker = undefined;
      this.#state = "failed";
      throw e instanceof FcpError && e.code !== "FCP-9001"
        ? new FcpError(e.code === "FCP-6003" ? "FCP-5006" : e.code, `${m.id}: ${e.detail}`)
        : new FcpError("FCP-5006", `the ${m.id} worker did not start`, { cause: e });
    }
    bootstrap.revoke();
    if (this.state !== "stopped") this.#state = "ready";
  }

  #post(m: HostMessage): void {
    checkMessageSize(m, this.#maxBytes, "the message to the connector");
    this.#worker?.postMessage(m);
  }

  #call(
    method: WorkerMethod,
    params: Record<string, unknown>,
    timeoutMs: number,
    extra: { operation?: string; requestId?: string; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    const id = ++this.#seq;
    const worker = this.#worker;
    return new Promise((resolve, reject) => {
      if (worker === undefined) {
        reject(new FcpError("FCP-5005", `${this.#spec.manifest.id} is not running`));
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        extra.signal?.removeEventListener("abort", onAbort);
        this.#pending.delete(id);
      };
      const onAbort = () => {
        this.#worker?.postMessage({ t: "cancel", id });
        done();
        reject(new FcpError("FCP-6003", `${method} was cancelled by the caller`));
      };
      this.#pending.set(id, {
        method,
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        ...(extra.operation === undefined ? {} : { operation: extra.operation }),
        ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
      });
      timer = setTimeout(() => {
        // Cancel, then give the worker a moment; a worker that cannot answer is terminated.
        worker.postMessage({ t: "cancel", id });
        timer = setTimeout(() => {
          if (!this.#pending.has(id)) return;
          const p = this.#pending.get(id)!;
          p.reject(
            new FcpError("FCP-6003", `${method} exceeded its ${timeoutMs} ms wall-clock limit`),
          );
          if (this.#worker === worker) this.#crashed(worker, "FCP-6003", "wall-clock limit");
        }, CANCEL_GRACE_MS);
      }, timeoutMs);
      if (extra.signal?.aborted) {
        onAbort();
        return;
      }
      extra.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        this.#post({ t: "call", id, method, params });
      } catch (e) {
        done();
        reject(e);
      }
    });
  }

  #onMessage(worker: Worker, data: unknown): void {
    if (worker !== this.#worker) return;
    let m;
    try {
      checkMessageSize(data, this.#maxBytes, "a message from the connector");
      m = parseWorkerMessage(data);
    } catch (e) {
      const id = typeof data === "object" && data !== null
        ? (data as { id?: unknown }).id
        : undefined;
      const p = typeof id === "number" ? this.#pending.get(id) : undefined;
      if (p !== undefined && (data as { t?: unknown }).t === "result") p.reject(e);
      return;
    }
    switch (m.t) {
      case "log":
        this.#spec.onLog?.(m.line);
        return;
      case "result": {
        this.#lastHeap = m.heap;
        if (m.heap > this.#heapLimit) {
          // The call that pushed the heap over the limit fails with the others.
          this.#crashed(
            worker,
            "FCP-5007",
            `heap ${Math.round(m.heap / 1048576)} MiB over the ${
              this.#heapLimit / 1048576
            } MiB limit`,
          );
          return;
        }
        const p = this.#pending.get(m.id);
        if (p !== undefined) {
          if (m.ok) p.resolve(m.value);
          else p.reject(toFcpError(m.error!));
        }
        return;
      }
      case "egress": {
        const call = this.#pending.get(m.call);
        if (call === undefined || call.requestId === undefined || call.operation === undefined) {
          worker.postMessage({
            t: "egress_result",
            id: m.id,
            ok: false,
            error: { code: "FCP-3008", message: "network requests are allowed only during a call" },
          });
          return;
        }
        this.#spec.egress(m.req, { operation: call.operation, requestId: call.requestId }).then(
          (res) => {
            const answer: HostMessage = { t: "egress_result", id: m.id, ok: true, res };
            try {
              this.#post(answer);
            } catch (e) {
              worker.postMessage({ t: "egress_result", id: m.id, ok: false, error: errorWire(e) });
            }
          },
          (e) =>
            worker.postMessage({ t: "egress_result", id: m.id, ok: false, error: errorWire(e) }),
        );
        return;
      }
    }
  }

  #crashed(worker: Worker, code: ErrorCode, why: string): void {
    if (worker !== this.#worker) return;
    worker.terminate();
    this.#worker = undefined;
    const err = new FcpError(code, `${this.#spec.manifest.id}: ${why}; the worker was restarted`);
    for (const p of [...this.#pending.values()]) p.reject(err);
    this.#pending.clear();
    if (this.#state === "stopped") return;
    const now = Date.now();
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.#restartTimes.length >= this.#restartPolicy.maxRestarts) {
      this.#state = "failed";
      this.#ready = Promise.resolve();
      return;
    }
    this.#restartTimes.push(now);
    this.#restarts++;
    this.#state = "restarting";
    const delay = Math.min(
      this.#restartPolicy.maxDelayMs,
      this.#restartPolicy.baseDelayMs * 2 ** (this.#restartTimes.length - 1),
    );
    this.#ready = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        if (this.#state === "stopped") return resolve();
        this.#spawn().then(resolve, () => resolve());
      }, delay);
      Deno.unrefTimer(t);
    });
  }

  async #whenReady(deadline: number): Promise<void> {
    if (this.#state === "ready") return;
    if (this.#state === "restarting" || this.#state === "starting") {
      let t: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#ready,
        new Promise((r) => t = setTimeout(r, Math.max(0, deadline - Date.now()))),
      ]);
      clearTimeout(t);
    }
    if (this.state !== "ready") {
      throw new FcpError("FCP-5005", `${this.#spec.manifest.id} is ${this.#state}`);
    }
  }

  /** Run one operation (see the module comment for the limits and their codes). */
  async invoke(
    operation: string,
    input: unknown,
    opts: { readonly requestId: string; readonly signal?: AbortSignal },
  ): Promise<unknown> {
    await this.#whenReady(Date.now() + this.#callTimeoutMs);
    return await this.#call("invoke", { operation, input }, this.#callTimeoutMs, {
      operation,
      requestId: opts.requestId,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  }

  /** Preflight an operation without side effects. */
  async simulate(
    operation: string,
    input: unknown,
    opts: { readonly requestId: string },
  ): Promise<{ wouldSucceed: boolean; failureReason?: string }> {
    await this.#whenReady(Date.now() + this.#callTimeoutMs);
    return await this.#call("simulate", { operation, input }, this.#callTimeoutMs, {
      operation,
      requestId: opts.requestId,
    }) as { wouldSucceed: boolean; failureReason?: string };
  }

  /** Operations and events the worker serves. */
  async introspect(): Promise<Record<string, unknown>> {
    await this.#whenReady(Date.now() + this.#callTimeoutMs);
    return await this.#call("introspect", {}, this.#callTimeoutMs) as Record<string, unknown>;
  }

  /** Subscribe to a topic (connectors without events refuse, `FCP-1040`). */
  async subscribe(topic: string): Promise<unknown> {
    await this.#whenReady(Date.now() + this.#callTimeoutMs);
    return await this.#call("subscribe", { topic }, this.#callTimeoutMs);
  }

  /** Readiness and heap in use (also enforces the heap limit). */
  async health(): Promise<{ ok: boolean; detail?: string; heapUsedBytes?: number }> {
    if (this.#state !== "ready") {
      return { ok: false, detail: this.#state, heapUsedBytes: this.#lastHeap };
    }
    const h = await this.#call("health", {}, Math.min(this.#callTimeoutMs, 5_000)) as {
      ok?: unknown;
      detail?: unknown;
      heapUsedBytes?: unknown;
    };
    return {
      ok: h?.ok === true,
      ...(typeof h?.detail === "string" ? { detail: h.detail.slice(0, 500) } : {}),
      ...(typeof h?.heapUsedBytes === "number" ? { heapUsedBytes: h.heapUsedBytes } : {}),
    };
  }

  /** Ask the worker to stop, then terminate it (idempotent). */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    if (this.#heapTimer !== undefined) clearInterval(this.#heapTimer);
    const worker = this.#worker;
    if (worker !== undefined && this.#state === "ready") {
      await this.#call("shutdown", {}, 1_000).catch(() => {});
    }
    this.#state = "stopped";
    worker?.terminate();
    this.#worker = undefined;
    const err = new FcpError("FCP-5005", `${this.#spec.manifest.id} was stopped`);
    for (const p of [...this.#pending.values()]) p.reject(err);
    this.#pending.clear();
  }
}
