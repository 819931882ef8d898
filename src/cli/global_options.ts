/**
 * Flags every fcp command accepts.
 *
 * @module
 */
import type { CliOptions } from "./types.ts";

/** `--json`, `--home DIR`, `--help`/`-h`. Command options may not reuse these names. */
export const GLOBAL_OPTIONS: CliOptions = {
  json: { type: "boolean", description: "print one JSON document on stdout (errors too)" },
  home: {
    type: "string",
    valueName: "DIR",
    description: "node home (default: $FCP_HOME, else ~/.fcp)",
  },
  help: { type: "boolean", short: "h", description: "show help and exit" },
};
