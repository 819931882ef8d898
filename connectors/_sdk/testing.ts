/**
 * A {@link ConnectorContext} for tests of connector logic: real `fetch` restricted to loopback
 * (tests never reach the internet), credential injection by id as the host's egress guard does
 * it (spec §11.2.1 step 7), and a record of what the connector did.
 *
 * @module
 */
import { OperationError } from "./operation_error.ts";
import type { ConnectorContext } from "./types.ts";

/** Options of {@link createTestContext}. */
export interface TestContextOptions {
  /** Readable roots. */
  read?: string[];
  /** Writable roots. */
  write?: string[];
  /** Credential id → bearer token the fake guard injects as `Authorization: Bearer`. */
  credentials?: Record<string, string>;
  /** Configuration values (`ctx.config`). */
  config?: Record<string, unknown>;
  /** Abort signal of the invocation (default: never aborted). */
  signal?: AbortSignal;
  /** Hostnames `fetch` may reach (default: `127.0.0.1`, `localhost`, `[::1]`). */
  allowHosts?: string[];
}

/** One request made through the test context's `fetch`. */
export interface RecordedRequest {
  method: string;
  url: string;
  credential: string | undefined;
  /** Request headers as the connector set them (before credential injection). */
  headers: Record<string, string>;
}

/** A test context plus what the connector did with it. */
export interface TestContext extends ConnectorContext {
  /** Lines passed to `log`. */
  readonly logs: string[];
  /** Requests passed to `fetch`, in order. */
  readonly requests: RecordedRequest[];
}

/**
 * Build a context for a connector test.
 *
 * @example
 * ```ts
 * import { createTestContext } from "./testing.ts";
 * import { isOperationError } from "./operation_error.ts";
 * import assert from "node:assert/strict";
 *
 * const ctx = createTestContext({ read: ["/tmp"] });
 * ctx.log("hello");
 * assert.deepEqual(ctx.logs, ["hello"]);
 * await assert.rejects(ctx.fetch("https://example.com/"), (e) => isOperationError(e, "FCP-3003"));
 * ```
 */
export function createTestContext(opts: TestContextOptions = {}): TestContext {
  const logs: string[] = [];
  const requests: RecordedRequest[] = [];
  const allow = opts.allowHosts ?? ["127.0.0.1", "localhost", "[::1]"];
  const ctx: TestContext = {
    logs,
    requests,
    fs: { read: opts.read ?? [], write: opts.write ?? [] },
    signal: opts.signal ?? new AbortController().signal,
    log: (msg) => void logs.push(msg),
    fetch(url, init = {}) {
      const { credential, ...rest } = init;
      const u = new URL(url);
      const headers = new Headers(rest.headers);
      requests.push({
        method: (rest.method ?? "GET").toUpperCase(),
        url: u.href,
        credential,
        headers: Object.fromEntries(headers),
      });
      if (!allow.includes(u.hostname)) {
        return Promise.reject(
          new OperationError("FCP-3003", `egress to ${u.hostname} is not allowed`),
        );
      }
      if (credential !== undefined) {
        const token = opts.credentials?.[credential];
        if (token === undefined) {
          return Promise.reject(
            new OperationError("FCP-3003", `unknown credential id ${credential}`),
          );
        }
        headers.set("authorization", `Bearer ${token}`);
      }
      return fetch(u, { ...rest, headers });
    },
  };
  if (opts.config !== undefined) return { ...ctx, config: opts.config };
  return ctx;
}
