/**
 * The one error type connector operations throw, shaped like the spec's error response
 * (spec §24.2: code, message, retryable, retry_after_ms, details).
 *
 * Connectors cannot import `src/` (they run sandboxed), so this class mirrors `FcpError`:
 * its `code` is one of the project's stable codes (spec §24.1 ranges, listed in
 * `src/core/errors.ts`), and the host turns it into an `FcpError` with the same code.
 *
 * @module
 */

/** A stable code string such as `"FCP-7003"` (spec §24.1). */
export type StableCode = `FCP-${number}`;

/**
 * The stable codes the shipped connectors use, with their dotted names (a subset of
 * `ERROR_CODES` in `src/core/errors.ts`; a test keeps the two in step).
 */
export const OPERATION_ERROR_CODES = {
  "FCP-1040": "input.invalid",
  "FCP-1041": "input.too_large",
  "FCP-3003": "capability.constraint_violation",
  "FCP-3008": "egress.denied",
  "FCP-3009": "sandbox.denied",
  "FCP-3010": "credential.denied",
  "FCP-6001": "resource.not_found",
  "FCP-6002": "resource.quota_exceeded",
  "FCP-6003": "resource.timeout",
  "FCP-6004": "resource.already_exists",
  "FCP-7003": "upstream.error",
  "FCP-7004": "upstream.rate_limited",
  "FCP-7005": "upstream.not_found",
  "FCP-9001": "internal.error",
  "FCP-9002": "internal.io",
} as const;

/** One of {@link OPERATION_ERROR_CODES}. */
export type OperationErrorCode = keyof typeof OPERATION_ERROR_CODES;

/** Optional fields of an {@link OperationError}. */
export interface OperationErrorOptions {
  /** Whether the same call may succeed later (default: false). */
  retryable?: boolean;
  /** How long to wait before retrying, in milliseconds. Implies `retryable`. */
  retryAfterMs?: number;
  /** Structured, JSON-serializable detail (never secrets). */
  details?: Record<string, unknown>;
  /** The underlying error, for the host's log only. */
  cause?: unknown;
}

/** The serialized form of an {@link OperationError} (spec §24.2). */
export interface OperationErrorJSON {
  code: string;
  message: string;
  retryable: boolean;
  "retry_after_ms"?: number;
  details?: Record<string, unknown>;
}

const CODE_RE = /^FCP-\d{4}$/;

/**
 * An operation failure with a stable code. `message` is the bare detail (no code prefix).
 *
 * @example
 * ```ts
 * import { OperationError, isOperationError } from "./operation_error.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new OperationError("FCP-7004", "GitHub API rate limit exceeded", { retryAfterMs: 30_000 });
 * assert.ok(isOperationError(e, "FCP-7004"));
 * assert.equal(e.retryable, true);
 * assert.deepEqual(e.toJSON(), {
 *   code: "FCP-7004",
 *   message: "GitHub API rate limit exceeded",
 *   retryable: true,
 *   retry_after_ms: 30000,
 * });
 * ```
 */
export class OperationError extends Error {
  /** The stable code. */
  readonly code: StableCode;
  /** Whether retrying may succeed. */
  readonly retryable: boolean;
  /** Suggested wait before a retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Structured detail. */
  readonly details: Record<string, unknown> | undefined;

  /**
   * @param code A stable code, normally one of {@link OPERATION_ERROR_CODES}.
   * @param message What was wrong, in words a user (or agent) can act on.
   * @param options Retry hints, details, cause.
   */
  constructor(code: StableCode, message: string, options: OperationErrorOptions = {}) {
    if (!CODE_RE.test(code)) throw new TypeError(`not a stable code: ${code}`);
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OperationError";
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? options.retryAfterMs !== undefined;
    this.details = options.details;
  }

  /** The spec §24.2 error body. */
  toJSON(): OperationErrorJSON {
    const out: OperationErrorJSON = {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.retryAfterMs !== undefined) out.retry_after_ms = this.retryAfterMs;
    if (this.details !== undefined) out.details = this.details;
    return out;
  }

  /**
   * Rebuild an error from its JSON form (e.g. after crossing the worker boundary).
   * Returns `undefined` when `v` is not a well-formed error body.
   *
   * @example
   * ```ts
   * import { OperationError } from "./operation_error.ts";
   * import assert from "node:assert/strict";
   *
   * const e = OperationError.fromJSON({ code: "FCP-7005", message: "Not Found", retryable: false });
   * assert.equal(e?.code, "FCP-7005");
   * assert.equal(OperationError.fromJSON({ code: "nope", message: "x" }), undefined);
   * ```
   */
  static fromJSON(v: unknown): OperationError | undefined {
    if (typeof v !== "object" || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.code !== "string" || !CODE_RE.test(o.code)) return undefined;
    if (typeof o.message !== "string") return undefined;
    const opts: OperationErrorOptions = {};
    if (typeof o.retryable === "boolean") opts.retryable = o.retryable;
    if (typeof o.retry_after_ms === "number") opts.retryAfterMs = o.retry_after_ms;
    if (typeof o.details === "object" && o.details !== null && !Array.isArray(o.details)) {
      opts.details = o.details as Record<string, unknown>;
    }
    return new OperationError(o.code as StableCode, o.message, opts);
  }
}

/**
 * Narrow an unknown thrown value to an {@link OperationError}, optionally with a given code.
 *
 * @example
 * ```ts
 * import { OperationError, isOperationError } from "./operation_error.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isOperationError(new OperationError("FCP-1040", "bad"), "FCP-1040"));
 * assert.ok(!isOperationError(new Error("x")));
 * ```
 */
export function isOperationError(e: unknown, code?: StableCode): e is OperationError {
  return e instanceof OperationError && (code === undefined || e.code === code);
}
