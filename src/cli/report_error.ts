/**
 * How a failed command is shown: one `error:` line on stderr, or the error's JSON body on
 * stdout with `--json`. Stack traces only with `FCP_DEBUG=1`.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import type { CliIo } from "./types.ts";
import { UsageError } from "./usage_error.ts";

/** Whether `FCP_DEBUG=1` is set (stack traces on errors). */
export function debugEnabled(): boolean {
  try {
    return Deno.env.get("FCP_DEBUG") === "1";
  } catch {
    return false;
  }
}

function traces(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && depth < 8; depth++) {
    parts.push(cur instanceof Error ? (cur.stack ?? String(cur)) : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
    if (cur !== undefined) parts.push("caused by:");
  }
  return parts.join("\n") + "\n";
}

/**
 * Print a thrown value. An `FcpError` shows as `error: FCP-xxxx name: detail` (or its
 * `{code, name, message}` JSON on stdout); anything else is an internal error (`FCP-9001`)
 * whose details appear only with `debug`.
 *
 * @example
 * ```ts
 * import { reportError } from "./report_error.ts";
 * import { memoryIo } from "./io.ts";
 * import { FcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const io = memoryIo();
 * reportError(new FcpError("FCP-1002", "not canonical"), io, false, false);
 * assert.equal(io.err(), "error: FCP-1002 cbor.non_canonical: not canonical\n");
 * const j = memoryIo();
 * reportError(new RangeError("secret detail"), j, true, false);
 * assert.deepEqual(JSON.parse(j.out()), {
 *   code: "FCP-9001",
 *   name: "internal.error",
 *   message: "internal error",
 * });
 * assert.doesNotMatch(j.out() + j.err(), /secret detail/);
 * ```
 */
export function reportError(e: unknown, io: CliIo, json: boolean, debug = debugEnabled()): void {
  const shown = e instanceof FcpError ? e : new FcpError("FCP-9001", "internal error");
  if (json) {
    io.stdout(JSON.stringify(shown.toJSON()) + "\n");
  } else {
    const hint = e instanceof UsageError
      ? "\nRun 'fcp --help' for the commands, 'fcp <command> --help' for one's usage."
      : e instanceof FcpError || debug
      ? ""
      : " (set FCP_DEBUG=1 for details)";
    io.stderr(`error: ${shown.message}${hint}\n`);
  }
  if (debug) io.stderr(traces(e));
}
