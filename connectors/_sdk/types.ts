/**
 * The contract between a connector module and the host that runs it (spec §10.1, §10.3).
 *
 * A connector is a plain object: an id, a version, a table of operation handlers and an optional
 * health probe. Handlers receive the decoded JSON input and a {@link ConnectorContext}, the only
 * way they reach the outside world: HTTP goes through `ctx.fetch` (the host's egress guard,
 * spec §11.2.1), files only inside `ctx.fs` roots (the manifest's granted directories, enforced a
 * second time by the worker's Deno permissions).
 *
 * Connector modules import only this SDK and Deno/web APIs, never `src/`: they run inside a
 * permission-restricted worker.
 *
 * @module
 */

/**
 * Options of {@link ConnectorContext.fetch}: the standard `RequestInit` plus a credential id.
 *
 * `credential` names a secret held by the host (e.g. `"github"`). The egress guard resolves it
 * and injects the authentication header (spec §11.2.1 step 7); the connector never sees the
 * secret itself.
 */
export type ConnectorFetchInit = RequestInit & { credential?: string };

/** The directories a connector may touch, from its manifest's sandbox section (spec §11.2). */
export interface ConnectorFsRoots {
  /** Absolute directories readable by the connector. */
  readonly read: readonly string[];
  /** Absolute directories writable (and readable) by the connector. */
  readonly write: readonly string[];
}

/**
 * Everything an operation may use. Provided fresh by the host for every invocation.
 *
 * @example A minimal context, as a test would build one
 * ```ts
 * import type { ConnectorContext } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const ctx: ConnectorContext = {
 *   fetch: (url, init) => fetch(url, init),
 *   fs: { read: [], write: [] },
 *   signal: new AbortController().signal,
 *   log: () => {},
 * };
 * assert.equal(ctx.fs.read.length, 0);
 * ```
 */
export interface ConnectorContext {
  /**
   * HTTP through the host's egress guard (spec §11.2.1). The guard applies the manifest's
   * host/port allow list, refuses private and loopback addresses after DNS resolution and
   * injects the credential named by `init.credential`. A refusal by the guard rejects with an
   * {@link import("./operation_error.ts").OperationError} carrying the guard's code.
   */
  fetch(url: string, init?: ConnectorFetchInit): Promise<Response>;
  /** The granted directories. */
  readonly fs: ConnectorFsRoots;
  /** Aborted when the invocation's wall-clock limit passes or the caller cancels. */
  readonly signal: AbortSignal;
  /** A diagnostic line for the host's log. Never pass secrets or full payloads. */
  log(msg: string): void;
  /** Values applied by the `configure` standard method (spec §10.3), if any. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * One operation: takes the JSON input (already validated by the host against the operation's
 * input schema, and validated again by the handler) and returns a JSON-serializable output.
 * Failures throw {@link import("./operation_error.ts").OperationError}.
 */
export type OperationHandler = (input: unknown, ctx: ConnectorContext) => Promise<unknown>;

/** The answer of a connector's `health` probe (spec §10.3). */
export interface HealthReport {
  /** Ready to serve invocations. */
  readonly ok: boolean;
  /** A short human-readable explanation, e.g. what is missing. */
  readonly detail?: string;
}

/**
 * A connector module's default export.
 *
 * @example
 * ```ts
 * import type { ConnectorDefinition } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const echo: ConnectorDefinition = {
 *   id: "fcp.echo",
 *   version: "0.1.0",
 *   operations: { echo_say: (input) => Promise.resolve({ said: input }) },
 * };
 * const ctx = { fetch, fs: { read: [], write: [] }, signal: new AbortController().signal, log() {} };
 * assert.deepEqual(await echo.operations.echo_say!("hi", ctx), { said: "hi" });
 * ```
 */
export interface ConnectorDefinition {
  /** The connector id of the manifest, e.g. `"fcp.fs"`. */
  readonly id: string;
  /** The connector version of the manifest. */
  readonly version: string;
  /** Handlers by operation id (the manifest's `[provides.operations.<id>]`). */
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** Optional readiness probe; without one the host treats a loaded connector as ready. */
  health?(ctx: ConnectorContext): Promise<HealthReport>;
  /**
   * Optional preflight (spec §9.5 SimulateRequest): would `operation` succeed with `input`?
   * Must not cause side effects.
   */
  simulate?(
    operation: string,
    input: unknown,
    ctx: ConnectorContext,
  ): Promise<{ wouldSucceed: boolean; failureReason?: string }>;
  /** Optional event subscription (connectors without events leave it out). */
  subscribe?(topic: string): Promise<unknown>;
}
