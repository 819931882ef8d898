/**
 * The messages between the host and a connector's Worker (spec §10.3 standard methods). This
 * file is authoritative; the worker side (`connectors/_sdk/protocol.ts`, which cannot import
 * `src/`) mirrors it, and `tests/worker_protocol_test.ts` keeps the two in step.
 *
 * Host → worker: `call` (a standard method with an id), `cancel` (abort a call), `egress_result`
 * (the answer to a worker's HTTP request). Worker → host: `result` (of a call, with the
 * isolate's heap in use), `egress` (an HTTP request for the egress guard, during a call),
 * `log`. Every message is validated on receipt and refused when its encoded size exceeds the
 * connector's `sandbox.max_message_bytes` (`FCP-1041`).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** Protocol version (handshake). */
export const WORKER_PROTOCOL_VERSION = 1;

/** The standard methods a worker answers (spec §10.3, plus `simulate` and `subscribe`). */
export const WORKER_METHODS = [
  "handshake",
  "describe",
  "introspect",
  "capabilities",
  "configure",
  "health",
  "invoke",
  "simulate",
  "subscribe",
  "shutdown",
] as const;
/** One standard method. */
export type WorkerMethod = typeof WORKER_METHODS[number];

/** Smallest `max_message_bytes` a worker enforces (below it nothing useful fits). */
export const MIN_MESSAGE_BYTES = 1024;

/** An error as it crosses the boundary (spec §24.2 shape). */
export interface WireError {
  /** Stable code `FCP-xxxx`. */
  readonly code: string;
  /** What went wrong. */
  readonly message: string;
  /** Whether a retry may succeed. */
  readonly retryable?: boolean;
  /** Suggested wait. */
  readonly "retry_after_ms"?: number;
  /** Flat facts from the connector (untrusted: the host filters them, see `connectorDetails`). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An HTTP request of a connector (bodies as bytes). */
export interface WireEgressRequest {
  /** Method. */
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  /** Header pairs. */
  readonly headers: readonly (readonly [string, string])[];
  /** Body. */
  readonly body?: Uint8Array;
  /** Credential id for the guard to inject. */
  readonly credential?: string;
}

/** The guard's answer. */
export interface WireEgressResponse {
  /** Status. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** Requested URL. */
  readonly url: string;
  /** Header pairs. */
  readonly headers: readonly (readonly [string, string])[];
  /** Body. */
  readonly body: Uint8Array;
  /** Cut at the limit. */
  readonly truncated: boolean;
}

/** Host → worker. */
export type HostMessage =
  | {
    readonly t: "call";
    readonly id: number;
    readonly method: WorkerMethod;
    readonly params: unknown;
  }
  | { readonly t: "cancel"; readonly id: number }
  | {
    readonly t: "egress_result";
    readonly id: number;
    readonly ok: boolean;
    readonly res?: WireEgressResponse;
    readonly error?: WireError;
  };

/** Worker → host. */
export type WorkerMessage =
  | {
    readonly t: "result";
    readonly id: number;
    readonly ok: boolean;
    readonly value?: unknown;
    readonly error?: WireError;
    readonly heap: number;
  }
  | {
    readonly t: "egress";
    readonly id: number;
    readonly call: number;
    readonly req: WireEgressRequest;
  }
  | { readonly t: "log"; readonly line: string };

/**
 * The encoded size of a message, for the limit: its JSON length with byte arrays counted at
 * their length (they cross as binary).
 *
 * @example
 * ```ts
 * import { messageSize } from "./worker_protocol.ts";
 * import assert from "node:assert/strict";
 * assert.equal(messageSize({ a: "xy" }), 10);
 * assert.ok(messageSize({ b: new Uint8Array(5000) }) >= 5000);
 * ```
 */
export function messageSize(m: unknown): number {
  let bytes = 0;
  const text = JSON.stringify(m, (_k, v) => {
    if (v instanceof Uint8Array) {
      bytes += v.byteLength;
      return 0;
    }
    return v;
  }) ?? "";
  return text.length + bytes;
}

/**
 * Refuse a message over `limit` bytes (`FCP-1041`).
 *
 * @example
 * ```ts
 * import { checkMessageSize } from "./worker_protocol.ts";
 * import assert from "node:assert/strict";
 * checkMessageSize({ a: 1 }, 1024, "call");
 * assert.throws(() => checkMessageSize({ a: "x".repeat(2000) }, 1024, "call"), /FCP-1041/);
 * ```
 */
export function checkMessageSize(m: unknown, limit: number, what: string): void {
  const n = messageSize(m);
  if (n > limit) {
    throw new FcpError("FCP-1041", `${what} of ${n} bytes exceeds the ${limit}-byte message limit`);
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isWireError(v: unknown): v is WireError {
  return isObj(v) && typeof v.code === "string" && typeof v.message === "string";
}

function isPairs(v: unknown): v is [string, string][] {
  return Array.isArray(v) &&
    v.every((p) =>
      Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string"
    );
}

/**
 * Validate a message from a worker (`FCP-1022` for anything off). A worker is untrusted code:
 * nothing it sends is used before this check.
 *
 * @example
 * ```ts
 * import { parseWorkerMessage } from "./worker_protocol.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseWorkerMessage({ t: "log", line: "hi" }).t, "log");
 * assert.throws(() => parseWorkerMessage({ t: "result", id: "x" }), /FCP-1022/);
 * ```
 */
export function parseWorkerMessage(v: unknown): WorkerMessage {
  const bad = (why: string): never => {
    throw new FcpError("FCP-1022", `malformed message from the connector: ${why}`);
  };
  if (!isObj(v)) return bad("not an object");
  switch (v.t) {
    case "log":
      if (typeof v.line !== "string") bad("log line is not text");
      return { t: "log", line: (v.line as string).slice(0, 2000) };
    case "result": {
      if (!Number.isSafeInteger(v.id)) bad("result id");
      if (typeof v.ok !== "boolean") bad("result ok");
      if (!v.ok && !isWireError(v.error)) bad("result error");
      const heap = typeof v.heap === "number" && Number.isFinite(v.heap) ? v.heap : 0;
      return v.ok
        ? { t: "result", id: v.id as number, ok: true, value: v.value, heap }
        : { t: "result", id: v.id as number, ok: false, error: v.error as WireError, heap };
    }
    case "egress": {
      if (!Number.isSafeInteger(v.id) || !Number.isSafeInteger(v.call)) bad("egress ids");
      const r = v.req;
      if (!isObj(r) || typeof r.method !== "string" || typeof r.url !== "string") {
        return bad("egress request");
      }
      if (!isPairs(r.headers)) bad("egress headers");
      if (r.body !== undefined && !(r.body instanceof Uint8Array)) bad("egress body");
      if (r.credential !== undefined && typeof r.credential !== "string") bad("egress credential");
      return {
        t: "egress",
        id: v.id as number,
        call: v.call as number,
        req: {
          method: r.method,
          url: r.url,
          headers: r.headers as [string, string][],
          ...(r.body === undefined ? {} : { body: r.body as Uint8Array }),
          ...(r.credential === undefined ? {} : { credential: r.credential as string }),
        },
      };
    }
    default:
      return bad(`unknown type ${JSON.stringify(String(v.t)).slice(0, 40)}`);
  }
}
