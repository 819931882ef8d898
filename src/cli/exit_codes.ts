/**
 * Exit codes of the fcp command line (the table is in docs/cli.md).
 *
 * @module
 */
import { type ErrorCategory, errorCategory, FcpError } from "../core/mod.ts";
import { UsageError } from "./usage_error.ts";

/** Success. */
export const EXIT_OK = 0;
/** A check ran and found failures (e.g. a conformance mismatch). */
export const EXIT_CHECK_FAILED = 1;
/** The command line was not understood. */
export const EXIT_USAGE = 2;

/** The exit code for each error category (spec §24.1 ranges). Stable. */
export const CATEGORY_EXIT_CODES: Readonly<Record<ErrorCategory, number>> = {
  protocol: 10,
  auth: 11,
  capability: 12,
  zone: 13,
  lifecycle: 14,
  resource: 15,
  external: 16,
  internal: 17,
};

/**
 * The exit code for a thrown value: 2 for a {@link UsageError}, the category's code for any
 * other `FcpError`, and 17 (internal) for anything else.
 *
 * @example
 * ```ts
 * import { exitCodeForError } from "./exit_codes.ts";
 * import { UsageError } from "./usage_error.ts";
 * import { FcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(exitCodeForError(new FcpError("FCP-1002", "not canonical")), 10);
 * assert.equal(exitCodeForError(new FcpError("FCP-2003", "expired")), 11);
 * assert.equal(exitCodeForError(new UsageError("unknown option")), 2);
 * assert.equal(exitCodeForError(new TypeError("bug")), 17);
 * ```
 */
export function exitCodeForError(e: unknown): number {
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof FcpError) return CATEGORY_EXIT_CODES[errorCategory(e.code)];
  return CATEGORY_EXIT_CODES.internal;
}
