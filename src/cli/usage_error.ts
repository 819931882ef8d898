/**
 * The error for a command line the CLI cannot accept.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/**
 * A bad command line: unknown command or option, wrong argument count, an argument that does
 * not parse. Code `FCP-1040` (`input.invalid`); the CLI exits with 2 for it.
 *
 * @example
 * ```ts
 * import { UsageError } from "./usage_error.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const e = new UsageError("unknown command 'x'");
 * assert.ok(isFcpError(e, "FCP-1040"));
 * assert.equal(e.detail, "unknown command 'x'");
 * ```
 */
export class UsageError extends FcpError {
  /**
   * @param detail What was wrong with the command line.
   * @param options `cause` to chain the underlying error.
   */
  constructor(detail: string, options?: { cause?: unknown }) {
    super("FCP-1040", detail, options);
    this.name = "UsageError";
  }
}
