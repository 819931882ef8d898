/**
 * The fcp command line (rank 7): argument parsing with `node:util` `parseArgs`, the command
 * registry, help, `--json` output and the mapping of error codes to exit codes
 * (docs/cli.md). `main.ts` only calls {@link runCli}.
 *
 * @example
 * ```ts
 * import { memoryIo, runCli } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const io = memoryIo();
 * assert.equal(await runCli(["--help"], io), 0);
 * assert.match(io.out(), /vectors verify/);
 * ```
 *
 * @module
 */
export { runCli } from "./run_cli.ts";
export { memoryIo, processIo } from "./io.ts";
export {
  CATEGORY_EXIT_CODES,
  EXIT_CHECK_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  exitCodeForError,
} from "./exit_codes.ts";
export { UsageError } from "./usage_error.ts";
export { COMMANDS } from "./registry.ts";
export { FCP_VERSION } from "./version.ts";
export type {
  CliArgument,
  CliCommand,
  CliIo,
  CliOption,
  CliOptions,
  CommandContext,
  OptionValue,
} from "./types.ts";
