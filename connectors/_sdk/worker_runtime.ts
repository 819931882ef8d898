/**
 * The message loop inside a connector's Worker (spec §10.3). A connector's `worker.ts` is
 *
 * ```
 * import def from "./operations.ts";
 * import { serveConnector } from "../_sdk/worker_runtime.ts";
 * serveConnector(def);
 * ```
 *
 * The runtime answers the host's standard methods, builds a fresh {@link ConnectorContext} per
 * call (its `fetch` asks the host's egress guard, its `signal` aborts on the host's cancel),
 * refuses messages over the connector's size limit both ways, and before any call runs makes
 * the direct network paths unusable: `fetch`, `Deno.connect`, `Deno.connectTls`,
 * `Deno.startTls`, `Deno.resolveDns`, `WebSocket` throw `FCP-3009`, and so do the channels and
 * stores workers of one process share (`BroadcastChannel`, `caches`, web storage). What it cannot hide is
 * `node:net`; the Worker's own Deno `net` permission (the manifest's host allow list) bounds
 * that path (docs/sandbox.md).
 *
 * @module
 */
import { invokeOperation } from "./invoke.ts";
import { isOperationError, OperationError, type OperationErrorCode } from "./operation_error.ts";
import {
  messageSize,
  MIN_MESSAGE_BYTES,
  type WireError,
  WORKER_METHODS,
  WORKER_PROTOCOL_VERSION,
} from "./protocol.ts";
import type { ConnectorContext, ConnectorDefinition, ConnectorFetchInit } from "./types.ts";

interface Port {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
}

interface Session {
  zone?: string;
  instanceId?: string;
  maxBytes: number;
  fs: { read: string[]; write: string[] };
  config: Record<string, unknown>;
}

/** A short call (under this many ms) may reuse a heap sample this many ms old. */
const HEAP_REUSE_MS = 5;
let heapSampledAt = Number.NEGATIVE_INFINITY;
let heapSample = 0;

/**
 * The worker's used V8 heap, sent with every result for the host's heap limit.
 * `Deno.memoryUsage()` also reads the process RSS from the OS (~7 µs here), so a result of a call
 * that ran under {@link HEAP_REUSE_MS} may carry a sample at most that old: such calls cannot
 * have grown the heap by much, and any longer call, and every health poll, takes a fresh sample.
 * (`node:v8`'s `getHeapStatistics` is cheaper per call but loads Node's compatibility layer into
 * every worker, ~2 MiB of RSS each.)
 */
function heap(callStartedAt?: number): number {
  const now = performance.now();
  const short = callStartedAt !== undefined && now - callStartedAt < HEAP_REUSE_MS;
  if (!short || now - heapSampledAt >= HEAP_REUSE_MS) {
    try {
      heapSample = Deno.memoryUsage().heapUsed;
    } catch {
      heapSample = 0;
    }
    heapSampledAt = now;
  }
  return heapSample;
}

function wire(e: unknown): WireError {
  const err = isOperationError(e)
    ? e
    : new OperationError("FCP-9001", "the connector failed unexpectedly", { cause: e });
  return {
    code: err.code,
    message: err.message,
    ...(err.retryable ? { retryable: true } : {}),
    ...(err.retryAfterMs === undefined ? {} : { retry_after_ms: err.retryAfterMs }),
    ...(err.details === undefined ? {} : { details: flatDetails(err.details) }),
  };
}

/** Primitive values, nested objects flattened one level (`rate_limit.remaining` → `rate_limit_remaining`). */
function flatDetails(d: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const put = (k: string, v: unknown) => {
    if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && isFinite(v))) {
      out[k] = v;
    }
  };
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) put(`${k}_${k2}`, v2);
    } else put(k, v);
  }
  return out;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Make the direct network paths unusable inside the worker (see the module comment). */
function closeDirectNetwork(): void {
  const refuse = (what: string) => () => {
    throw new OperationError(
      "FCP-3009" as OperationErrorCode,
      `${what} is not available to connectors; use ctx.fetch (the host's egress guard)`,
    );
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.fetch = (..._a: unknown[]) => Promise.reject(refuse("fetch")());
  g.WebSocket = function () {
    refuse("WebSocket")();
  };
  // Channels and stores shared between the workers of one process, or with the host: a
  // connector must not reach another connector through them (issue 5 §2).
  g.BroadcastChannel = function () {
    refuse("BroadcastChannel")();
  };
  for (const name of ["caches", "localStorage", "sessionStorage", "indexedDB"]) {
    try {
      Object.defineProperty(g, name, { get: refuse(name), configurable: false });
    } catch {
      // absent or fixed in this runtime
    }
  }
  const d = Deno as unknown as Record<string, unknown>;
  for (const name of ["connect", "connectTls", "startTls", "resolveDns", "listen", "listenTls"]) {
    try {
      Object.defineProperty(d, name, { value: refuse(`Deno.${name}`), configurable: false });
    } catch {
      // non-configurable in this runtime: the Worker's permissions still apply
    }
  }
}

/**
 * Serve `def` to the host over the worker's message port. Call once, from the worker entry.
 *
 * @example
 * ```ts
 * import { serveConnector } from "./worker_runtime.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof serveConnector, "function");
 * ```
 */
export function serveConnector(def: ConnectorDefinition, port?: Port): void {
  const self = port ?? (globalThis as unknown as Port);
  const realFetchless = port === undefined;
  const session: Session = { maxBytes: 1_048_576, fs: { read: [], write: [] }, config: {} };
  const calls = new Map<number, AbortController>();
  const egressWaits = new Map<
    number,
    { resolve: (r: Response) => void; reject: (e: unknown) => void }
  >();
  let egressSeq = 0;

  const send = (m: Record<string, unknown>) => {
    if (messageSize(m) > session.maxBytes) {
      const id = m.id as number;
      self.postMessage({
        t: "result",
        id,
        ok: false,
        error: {
          code: "FCP-1041",
          message: `the connector's answer exceeds the ${session.maxBytes}-byte message limit`,
        },
        heap: heap(),
      });
      return;
    }
    self.postMessage(m);
  };

  const ctxFor = (callId: number, signal: AbortSignal): ConnectorContext => ({
    fs: { read: [...session.fs.read], write: [...session.fs.write] },
    signal,
    config: session.config,
    log: (line: string) => self.postMessage({ t: "log", line: String(line).slice(0, 2000) }),
    async fetch(url: string, init: ConnectorFetchInit = {}): Promise<Response> {
      signal.throwIfAborted();
      const headers: [string, string][] = [];
      new Headers(init.headers).forEach((v, k) => headers.push([k, v]));
      let body: Uint8Array | undefined;
      if (init.body !== undefined && init.body !== null) {
        body = new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer());
      }
      const id = ++egressSeq;
      const req = {
        method: (init.method ?? "GET").toUpperCase(),
        url: String(url),
        headers,
        ...(body === undefined ? {} : { body }),
        ...(init.credential === undefined ? {} : { credential: init.credential }),
      };
      const m = { t: "egress", id, call: callId, req };
      if (messageSize(m) > session.maxBytes) {
        throw new OperationError("FCP-1041", "the request exceeds the connector's message limit");
      }
      const answer = new Promise<Response>((resolve, reject) => {
        egressWaits.set(id, { resolve, reject });
      });
      const onAbort = () => {
        egressWaits.get(id)?.reject(signal.reason ?? new DOMException("aborted", "AbortError"));
        egressWaits.delete(id);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      self.postMessage(m);
      try {
        return await answer;
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    },
  });

  const handlers: Record<
    string,
    (params: Record<string, unknown>, id: number) => Promise<unknown>
  > = {
    handshake: (p) => {
      if (p.protocol !== WORKER_PROTOCOL_VERSION) {
        throw new OperationError(
          "FCP-1040",
          `protocol ${p.protocol} is not ${WORKER_PROTOCOL_VERSION}`,
        );
      }
      if (p.connectorId !== def.id || p.version !== def.version) {
        throw new OperationError(
          "FCP-1040",
          `this worker runs ${def.id} ${def.version}, not ${p.connectorId} ${p.version}`,
        );
      }
      session.zone = String(p.zone);
      session.instanceId = String(p.instanceId);
      const max = Number(p.maxMessageBytes);
      session.maxBytes = Number.isSafeInteger(max) && max >= MIN_MESSAGE_BYTES
        ? max
        : session.maxBytes;
      return Promise.resolve({
        protocol: WORKER_PROTOCOL_VERSION,
        connectorId: def.id,
        version: def.version,
        operations: Object.keys(def.operations),
        methods: [...WORKER_METHODS],
      });
    },
    describe: () => Promise.resolve({ id: def.id, version: def.version }),
    introspect: () =>
      Promise.resolve({
        operations: Object.keys(def.operations),
        events: [],
        simulate: def.simulate !== undefined,
        subscribe: def.subscribe !== undefined,
      }),
    capabilities: () => Promise.resolve({ operations: Object.keys(def.operations) }),
    configure: (p) => {
      const fs = (p.fs ?? {}) as { read?: unknown; write?: unknown };
      const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
      session.fs = { read: list(fs.read), write: list(fs.write) };
      const cfg = p.config;
      session.config = typeof cfg === "object" && cfg !== null ? { ...(cfg as object) } : {};
      return Promise.resolve({ configured: true });
    },
    health: async () => {
      const ctx = ctxFor(0, new AbortController().signal);
      const h = def.health ? await def.health(ctx) : { ok: true };
      return {
        ok: h.ok,
        ...(h.detail === undefined ? {} : { detail: h.detail }),
        heapUsedBytes: heap(),
      };
    },
    invoke: async (p, id) => {
      const ac = new AbortController();
      calls.set(id, ac);
      try {
        return await invokeOperation(def, String(p.operation), p.input, ctxFor(id, ac.signal));
      } finally {
        calls.delete(id);
      }
    },
    simulate: async (p, id) => {
      const op = String(p.operation);
      if (!Object.hasOwn(def.operations, op)) {
        return { wouldSucceed: false, failureReason: `${def.id} has no operation ${op}` };
      }
      if (def.simulate === undefined) return { wouldSucceed: true };
      const ac = new AbortController();
      calls.set(id, ac);
      try {
        return await def.simulate(op, p.input, ctxFor(id, ac.signal));
      } finally {
        calls.delete(id);
      }
    },
    subscribe: async (p) => {
      if (def.subscribe === undefined) {
        throw new OperationError("FCP-1040", `${def.id} emits no events to subscribe to`);
      }
      return await def.subscribe(String(p.topic));
    },
    shutdown: () => {
      for (const ac of calls.values()) ac.abort(new DOMException("shutting down", "AbortError"));
      return Promise.resolve({ stopping: true });
    },
  };

  // A host that starts workers through its own lockdown module has done this already, and
  // stamps the heap of every result itself.
  const lockedDown = (globalThis as Record<symbol, unknown>)[Symbol.for("fcp.lockdown")] === true;
  if (realFetchless && !lockedDown) closeDirectNetwork();

  self.onmessage = (e: MessageEvent) => {
    const m = e.data as Record<string, unknown> | null;
    if (typeof m !== "object" || m === null) return;
    if (m.t === "cancel") {
      calls.get(Number(m.id))?.abort(new DOMException("cancelled by the host", "AbortError"));
      return;
    }
    if (m.t === "egress_result") {
      const w = egressWaits.get(Number(m.id));
      if (w === undefined) return;
      egressWaits.delete(Number(m.id));
      if (m.ok === true && typeof m.res === "object" && m.res !== null) {
        const r = m.res as {
          status: number;
          statusText: string;
          url: string;
          headers: [string, string][];
          body: Uint8Array;
        };
        const res = new Response(
          NULL_BODY.has(r.status) ? null : r.body as Uint8Array<ArrayBuffer>,
          {
            status: r.status,
            statusText: r.statusText,
            headers: r.headers,
          },
        );
        Object.defineProperty(res, "url", { value: r.url });
        w.resolve(res);
      } else {
        const err = (m.error ?? {}) as { code?: string; message?: string };
        w.reject(
          new OperationError(
            (/^FCP-\d{4}$/.test(err.code ?? "") ? err.code : "FCP-9001") as OperationErrorCode,
            String(err.message ?? "egress failed"),
          ),
        );
      }
      return;
    }
    if (m.t !== "call") return;
    const id = Number(m.id);
    const method = String(m.method);
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    const params = (typeof m.params === "object" && m.params !== null ? m.params : {}) as Record<
      string,
      unknown
    >;
    if (messageSize(m) > session.maxBytes) {
      send({
        t: "result",
        id,
        ok: false,
        error: { code: "FCP-1041", message: `the call exceeds the ${session.maxBytes}-byte limit` },
        heap: heap(),
      });
      return;
    }
    if (handler === undefined) {
      send({
        t: "result",
        id,
        ok: false,
        error: { code: "FCP-1040", message: `no method ${method}` },
        heap: heap(),
      });
      return;
    }
    const startedAt = performance.now();
    handler(params, id).then(
      (value) => send({ t: "result", id, ok: true, value: value ?? null, heap: heap(startedAt) }),
      (err) => send({ t: "result", id, ok: false, error: wire(err), heap: heap(startedAt) }),
    );
  };
}
