/**
 * The entry point of the command line.
 *
 * @module
 */
import { createContext } from "./context.ts";
import { EXIT_OK, exitCodeForError } from "./exit_codes.ts";
import { resolveInvocation } from "./invocation.ts";
import { processIo } from "./io.ts";
import { COMMANDS } from "./registry.ts";
import { reportError } from "./report_error.ts";
import type { CliCommand, CliIo } from "./types.ts";

function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes("--json");
}

/**
 * Run fcp with the given arguments and return the exit code (see docs/cli.md). Never throws:
 * errors are printed (as JSON on stdout with `--json`) and mapped to an exit code.
 *
 * @param args The arguments after the program name.
 * @param io Where to write; the process's streams by default.
 *
 * @example
 * ```ts
 * import { runCli } from "./run_cli.ts";
 * import { memoryIo } from "./io.ts";
 * import assert from "node:assert/strict";
 * const io = memoryIo();
 * assert.equal(await runCli(["version", "--json"], io), 0);
 * assert.equal(typeof JSON.parse(io.out()).version, "string");
 * assert.equal(await runCli(["no-such-command"], memoryIo()), 2);
 * ```
 */
export function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  return runCommandLine(COMMANDS, args, io);
}

/**
 * {@link runCli} over a given command list (for tests of the framework itself).
 *
 * @example
 * ```ts
 * import { runCommandLine } from "./run_cli.ts";
 * import { memoryIo } from "./io.ts";
 * import assert from "node:assert/strict";
 * const boom = { path: ["boom"], summary: "fail", usage: "fcp boom", run: () => {
 *   throw new Error("bug");
 * } };
 * const io = memoryIo();
 * assert.equal(await runCommandLine([boom], ["boom"], io), 17);
 * assert.match(io.err(), /^error: FCP-9001 internal\.error: internal error/);
 * ```
 */
export async function runCommandLine(
  commands: readonly CliCommand[],
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  try {
    const inv = resolveInvocation(args, commands);
    if (inv.kind === "help") {
      io.stdout(inv.text);
      return EXIT_OK;
    }
    const code = await inv.command.run(createContext(inv.positionals, inv.options, io));
    return code ?? EXIT_OK;
  } catch (e) {
    reportError(e, io, wantsJson(args));
    return exitCodeForError(e);
  }
}
