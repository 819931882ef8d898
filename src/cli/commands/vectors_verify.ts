/**
 * `fcp vectors verify [DIR] [--area AREA]...`: the conformance runner on a vector folder.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FcpError } from "../../core/mod.ts";
import {
  type ConformanceReport,
  type LoadedVectorFile,
  loadVectorDir,
  runConformance,
  type VectorDir,
} from "../../conformance/mod.ts";
import { EXIT_CHECK_FAILED, EXIT_OK } from "../exit_codes.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** Where the interop set sits relative to the repository (and to the working directory). */
const DEFAULT_RELATIVE_DIR = "../shared/interop";

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** `../shared/interop` from the working directory, else from the main module's folder. */
async function defaultDir(): Promise<string> {
  const candidates = [resolve(Deno.cwd(), DEFAULT_RELATIVE_DIR)];
  if (Deno.mainModule.startsWith("file:")) {
    candidates.push(resolve(dirname(fileURLToPath(Deno.mainModule)), DEFAULT_RELATIVE_DIR));
  }
  for (const dir of candidates) if (await isDir(dir)) return dir;
  throw new FcpError(
    "FCP-6001",
    `no vector folder given and none at ${candidates.join(" or ")}`,
  );
}

function selectAreas(loaded: VectorDir, areas: readonly string[]): LoadedVectorFile[] {
  if (areas.length === 0) return loaded.files;
  const known = new Set(loaded.files.map((f) => f.area));
  for (const a of areas) {
    if (!known.has(a)) {
      throw new UsageError(
        `no area '${a}' in ${loaded.dir} (areas: ${[...known].join(", ")})`,
      );
    }
  }
  return loaded.files.filter((f) => areas.includes(f.area));
}

function printText(ctx: CommandContext, loaded: VectorDir, report: ConformanceReport): void {
  const width = Math.max(14, ...report.areas.map((a) => a.area.length + 2));
  for (const a of report.areas) {
    const status = a.implemented
      ? `${a.passed} passed, ${a.failed.length} failed`
      : `skipped (not implemented, ${a.skipped} vectors)`;
    ctx.out(`${a.area.padEnd(width)}${status}`);
    for (const f of a.failed) ctx.out(`  FAIL ${f.id}: ${f.error}`);
  }
  for (const i of loaded.informational) {
    const name = i.path.split(/[\\/]/).at(-1)!.replace(/\.json$/, "");
    ctx.out(`${name.padEnd(width)}informational (${i.format}, ${i.entries} entries)`);
  }
  const skipped = report.areas.filter((a) => !a.implemented).map((a) => a.area);
  if (skipped.length > 0) {
    ctx.out(
      `skipped: ${report.skipped} vectors in ${skipped.length} areas (${skipped.join(", ")})`,
    );
  }
  // The closing line is exactly `N passed, M failed`: skipped vectors are in neither count.
  ctx.out(`${report.passed} passed, ${report.failed} failed`);
}

/** The `vectors verify` command. */
export const command: CliCommand = {
  path: ["vectors", "verify"],
  summary: "Check this implementation against a folder of interop vectors",
  usage: "fcp vectors verify [DIR] [--area AREA]... [--json]",
  description: [
    "Runs every vector of every area that has a handler, in file order. Areas without a",
    "handler are reported as skipped (and summed on a 'skipped:' line), never counted as",
    "passed; a vector kind without a check fails. The last line reads 'N passed, M failed';",
    "the exit code is 1 when any vector failed.",
    `DIR defaults to ${DEFAULT_RELATIVE_DIR} beside the working directory, else beside the`,
    "program. 'vectors' (this repo's golden set) is another such folder.",
  ].join("\n"),
  args: [{ name: "DIR", description: "folder of *.json vector files", optional: true }],
  options: {
    area: {
      type: "string",
      multiple: true,
      valueName: "AREA",
      description: "run only this area (file stem)",
    },
  },
  async run(ctx) {
    const dir = ctx.positionals[0] ?? await defaultDir();
    const loaded = await loadVectorDir(dir);
    const report = await runConformance(selectAreas(loaded, ctx.strings("area")));
    if (ctx.json) {
      ctx.printJson({ dir: loaded.dir, ...report, informational: loaded.informational });
    } else {
      printText(ctx, loaded, report);
    }
    return report.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  },
};
