/**
 * The project's one error class and its closed, append-only set of stable codes.
 *
 * Codes follow the ranges of spec §24.1: 1xxx protocol, 2xxx auth/identity,
 * 3xxx capability, 4xxx zone/provenance, 5xxx lifecycle/health, 6xxx resource,
 * 7xxx external service, 9xxx internal. A code is never renumbered or reused;
 * new codes are appended. The API maps a code to an HTTP status and the CLI to
 * an exit code (see {@link errorCategory}).
 *
 * @module
 */

/**
 * Every stable error code with its short dotted name. Append only.
 */
export const ERROR_CODES = {
  // 1xxx: protocol / encoding
  "FCP-1001": "cbor.malformed",
  "FCP-1002": "cbor.non_canonical",
  "FCP-1003": "cbor.duplicate_key",
  "FCP-1004": "cbor.indefinite_length",
  "FCP-1005": "cbor.tag_forbidden",
  "FCP-1006": "cbor.float_forbidden",
  "FCP-1007": "cbor.too_deep",
  "FCP-1008": "cbor.too_large",
  "FCP-1009": "cbor.trailing_bytes",
  "FCP-1010": "cbor.unsupported_value",
  "FCP-1011": "schema.mismatch",
  "FCP-1012": "schema.invalid",
  "FCP-1013": "object.shape_invalid",
  "FCP-1014": "object.id_mismatch",
  "FCP-1020": "frame.unsupported_version",
  "FCP-1021": "frame.bad_flags",
  "FCP-1022": "frame.malformed",
  "FCP-1023": "frame.too_large",
  "FCP-1024": "frame.mac_invalid",
  "FCP-1025": "symbol.aead_invalid",
  "FCP-1026": "frame.replay",
  "FCP-1030": "vectors.format_invalid",
  "FCP-1040": "input.invalid",
  "FCP-1041": "input.too_large",
  "FCP-1042": "input.method_not_allowed",
  // 2xxx: auth / identity
  "FCP-2001": "signature.invalid",
  "FCP-2002": "key.invalid",
  "FCP-2003": "token.expired",
  "FCP-2004": "token.not_yet_valid",
  "FCP-2005": "token.aud_mismatch",
  "FCP-2006": "token.sig_invalid",
  "FCP-2007": "token.malformed",
  "FCP-2008": "key.unknown_kid",
  "FCP-2009": "attestation.expired",
  "FCP-2010": "attestation.invalid",
  "FCP-2011": "token.holder_mismatch",
  "FCP-2012": "keystore.unavailable",
  "FCP-2013": "keystore.exists",
  "FCP-2014": "hpke.open_failed",
  "FCP-2015": "api.unauthorized",
  "FCP-2016": "api.host_forbidden",
  // 3xxx: capability
  "FCP-3001": "capability.denied",
  "FCP-3002": "capability.grant_not_covered",
  "FCP-3003": "capability.constraint_violation",
  "FCP-3004": "revocation.revoked",
  "FCP-3005": "revocation.stale_frontier",
  "FCP-3006": "approval.required",
  "FCP-3007": "revocation.chain_invalid",
  "FCP-3008": "egress.denied",
  "FCP-3009": "sandbox.denied",
  "FCP-3010": "credential.denied",
  // 4xxx: zone / provenance
  "FCP-4001": "zone.id_invalid",
  "FCP-4002": "zone.mismatch",
  "FCP-4003": "zone.policy_violation",
  "FCP-4004": "taint.violation",
  "FCP-4005": "zone.key_unavailable",
  "FCP-4006": "zone.manifest_invalid",
  "FCP-4007": "identifier.invalid",
  // 5xxx: lifecycle / health
  "FCP-5001": "node.already_running",
  "FCP-5002": "node.not_running",
  "FCP-5003": "audit.chain_broken",
  "FCP-5004": "connector.manifest_invalid",
  "FCP-5005": "connector.not_active",
  "FCP-5006": "connector.failed",
  "FCP-5007": "connector.limit_exceeded",
  "FCP-5008": "connector.not_installed",
  // 6xxx: resource
  "FCP-6001": "resource.not_found",
  "FCP-6002": "resource.quota_exceeded",
  "FCP-6003": "resource.timeout",
  "FCP-6004": "resource.already_exists",
  "FCP-6005": "resource.tombstoned",
  // 7xxx: external service
  "FCP-7003": "upstream.error",
  "FCP-7004": "upstream.rate_limited",
  "FCP-7005": "upstream.not_found",
  // 9xxx: internal
  "FCP-9001": "internal.error",
  "FCP-9002": "internal.io",
} as const;

/** A stable error code such as `"FCP-2003"`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The broad class of an error code, from its spec §24.1 range. */
export type ErrorCategory =
  | "protocol"
  | "auth"
  | "capability"
  | "zone"
  | "lifecycle"
  | "resource"
  | "external"
  | "internal";

/** Options accepted by {@link FcpError}. */
export interface FcpErrorOptions {
  /** The underlying error, kept for debugging; never shown to remote callers. */
  cause?: unknown;
  /**
   * Structured, non-secret facts a caller can act on (spec §24.2 `details`), e.g. the
   * `request_id` of a denied invoke for `fcp explain`. Shown in {@link FcpError.toJSON}.
   */
  details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The single error type thrown by fcp. `code` is stable; `message` names what was wrong.
 *
 * Messages never carry secret material: callers pass descriptions, never key bytes.
 *
 * @example Throwing and narrowing
 * ```ts
 * import { FcpError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new FcpError("FCP-2003", "token expired at 1700000000");
 * assert.equal(err.code, "FCP-2003");
 * assert.equal(err.codeName, "token.expired");
 * assert.equal(String(err), "FcpError: FCP-2003 token.expired: token expired at 1700000000");
 * ```
 */
export class FcpError extends Error {
  /** The stable code. */
  readonly code: ErrorCode;
  /** The detail message without the code prefix. */
  readonly detail: string;
  /** Structured, non-secret details (see {@link FcpErrorOptions.details}). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;

  /**
   * @param code A stable code from {@link ERROR_CODES}.
   * @param detail What was wrong, in words a user can act on.
   * @param options `cause` to chain the underlying error.
   */
  constructor(code: ErrorCode, detail: string, options?: FcpErrorOptions) {
    super(`${code} ${ERROR_CODES[code]}: ${detail}`, options);
    this.name = "FcpError";
    this.code = code;
    this.detail = detail;
    if (options?.details !== undefined) this.details = { ...options.details };
  }

  /** The dotted short name of the code, e.g. `token.expired`. */
  get codeName(): string {
    return ERROR_CODES[this.code];
  }

  /**
   * The `{code, name, message[, details]}` body used by the CLI's `--json` and the LocalAPI.
   *
   * @example
   * ```ts
   * import { FcpError } from "./errors.ts";
   * import assert from "node:assert/strict";
   * const e = new FcpError("FCP-4003", "denied", { details: { request_id: "r1" } });
   * assert.deepEqual(e.toJSON(), {
   *   code: "FCP-4003", name: "zone.policy_violation", message: "denied", details: { request_id: "r1" },
   * });
   * ```
   */
  toJSON(): {
    code: ErrorCode;
    name: string;
    message: string;
    details?: Readonly<Record<string, string | number | boolean>>;
  } {
    const body = { code: this.code, name: this.codeName, message: this.detail };
    return this.details === undefined ? body : { ...body, details: this.details };
  }
}

/**
 * The category of a code, from its numeric range (spec §24.1).
 *
 * @example
 * ```ts
 * import { errorCategory } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.equal(errorCategory("FCP-3004"), "capability");
 * ```
 */
export function errorCategory(code: ErrorCode): ErrorCategory {
  const n = Number(code.slice(4));
  if (n < 2000) return "protocol";
  if (n < 3000) return "auth";
  if (n < 4000) return "capability";
  if (n < 5000) return "zone";
  if (n < 6000) return "lifecycle";
  if (n < 7000) return "resource";
  if (n < 8000) return "external";
  return "internal";
}

/**
 * Narrow an unknown thrown value to an {@link FcpError}, optionally with a given code.
 *
 * @example
 * ```ts
 * import { FcpError, isFcpError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isFcpError(new FcpError("FCP-1001", "truncated"), "FCP-1001"));
 * assert.ok(!isFcpError(new Error("x")));
 * ```
 */
export function isFcpError(e: unknown, code?: ErrorCode): e is FcpError {
  return e instanceof FcpError && (code === undefined || e.code === code);
}
