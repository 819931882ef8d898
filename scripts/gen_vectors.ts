/**
 * `deno task vectors`: rewrite the project's golden vectors in `vectors/` from
 * `src/conformance/golden.ts`. With `--check`, only compare and exit 1 on a difference.
 * `--dir DIR` works on another folder (the tests use a temporary copy).
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { goldenFileText, goldenVectorFiles } from "../src/conformance/golden.ts";

/** What a run found: files that differ from the code's output, and files written. */
export interface VectorsRun {
  /** File names whose committed text differs (or that are missing). */
  differ: string[];
  /** File names rewritten (none with `check`). */
  written: string[];
}

/**
 * Compare (and unless `check`, rewrite) every golden file in `dir`.
 *
 * @example
 * ```ts
 * import { syncGoldenVectors } from "./gen_vectors.ts";
 * import assert from "node:assert/strict";
 * const run = await syncGoldenVectors(new URL("../vectors/", import.meta.url), true);
 * assert.deepEqual(run.differ, []);
 * ```
 */
export async function syncGoldenVectors(dir: URL, check: boolean): Promise<VectorsRun> {
  const run: VectorsRun = { differ: [], written: [] };
  for (const [name, file] of Object.entries(goldenVectorFiles())) {
    const url = new URL(name, dir);
    const text = goldenFileText(file);
    let old: string | undefined;
    try {
      old = await Deno.readTextFile(url);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (old === text) continue;
    run.differ.push(name);
    if (!check) {
      await Deno.writeTextFile(url, text);
      run.written.push(name);
    }
  }
  return run;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { check: { type: "boolean" }, dir: { type: "string" } },
    strict: true,
  });
  const base = values.dir === undefined
    ? new URL("../vectors/", import.meta.url)
    : new URL(`${pathToFileURL(resolve(values.dir)).href}/`);
  const check = values.check ?? false;
  const run = await syncGoldenVectors(base, check);
  for (const name of run.differ) {
    if (check) console.error(`vectors/${name} differs from what the code produces`);
    else console.log(`wrote vectors/${name}`);
  }
  if (run.differ.length === 0) console.log("vectors/ is up to date");
  return check && run.differ.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
