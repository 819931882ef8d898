/**
 * The fcp program: hands the command line to the CLI layer and exits with its code.
 * Run `fcp --help` for the commands.
 *
 * @module
 */
import { runCli } from "./src/cli/mod.ts";

Deno.exit(await runCli(Deno.args));
