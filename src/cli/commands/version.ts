/**
 * `fcp version`: the fcp version and the Deno runtime it runs on.
 *
 * @module
 */
import type { CliCommand } from "../types.ts";
import { FCP_VERSION } from "../version.ts";

/** `fcp version [--json]`. */
export const command: CliCommand = {
  path: ["version"],
  summary: "Print the fcp version and its Deno runtime",
  usage: "fcp version [--json]",
  run(ctx) {
    const info = {
      version: FCP_VERSION,
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      target: Deno.build.target,
    };
    if (ctx.json) ctx.printJson(info);
    else ctx.out(`fcp ${info.version} (deno ${info.deno}, ${info.target})`);
    return Promise.resolve();
  },
};
