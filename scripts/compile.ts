/**
 * `deno task compile [--target TRIPLE]...`: build standalone fcp binaries into `dist/`.
 *
 * Without `--target` it builds every target in {@link COMPILE_TARGETS}. Each binary carries
 * exactly {@link FCP_RUNTIME_FLAGS} (shared with the `fcp` task) and embeds
 * {@link COMPILE_INCLUDES}, the files a binary loads that no static import reaches.
 *
 * `deno compile` downloads the matching `denort` runtime from the Deno CDN on first use. On a
 * machine without that access, set `DENORT_BIN` to a local `denort` binary: `deno compile`
 * reads the variable itself and this script passes the environment through unchanged. A
 * `denort` binary fits one platform only, so with `DENORT_BIN` set and no `--target`, only the
 * host target is built.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { FCP_RUNTIME_FLAGS } from "./flags.ts";

/** Every platform fcp ships for (Rust target triples as `deno compile --target` takes them). */
export const COMPILE_TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/**
 * Folders (relative to the repo root) whose shipped files ({@link shippedFiles}) are embedded with
 * `--include`: the connectors, their worker entries and the SDK, which `deno compile` does not
 * find through static imports (the host reads them as data and starts workers from them).
 */
export const COMPILE_INCLUDES: readonly string[] = ["connectors/"];

/**
 * The files below `dir` a binary ships: everything but tests (`*_test.ts`), which would pull
 * test fixtures into the binary. Sorted, `/`-separated, relative like `dir`.
 *
 * @example
 * ```ts
 * import { shippedFiles } from "./compile.ts";
 * import assert from "node:assert/strict";
 * const files = await shippedFiles("connectors/");
 * assert.ok(files.includes("connectors/fs/worker.ts"));
 * assert.ok(files.includes("connectors/fs/manifest.toml"));
 * assert.ok(!files.some((f) => f.endsWith("_test.ts")));
 * ```
 */
export async function shippedFiles(dir: string): Promise<string[]> {
  const base = dir.endsWith("/") ? dir : `${dir}/`;
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}${e.name}`;
      if (e.isDirectory) await walk(`${p}/`);
      else if (e.isFile && !e.name.endsWith("_test.ts")) out.push(p);
    }
  };
  await walk(base);
  return out.sort();
}

/**
 * The output path of the binary for a target.
 *
 * @example
 * ```ts
 * import { binaryPath } from "./compile.ts";
 * import assert from "node:assert/strict";
 * assert.equal(binaryPath("x86_64-pc-windows-msvc"), "dist/fcp-x86_64-pc-windows-msvc.exe");
 * assert.equal(binaryPath("aarch64-apple-darwin"), "dist/fcp-aarch64-apple-darwin");
 * ```
 */
export function binaryPath(target: string): string {
  return `dist/fcp-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The `deno` arguments that compile fcp for one target.
 *
 * @example
 * ```ts
 * import { compileArgs } from "./compile.ts";
 * import { FCP_RUNTIME_FLAGS } from "./flags.ts";
 * import assert from "node:assert/strict";
 * const args = compileArgs("x86_64-unknown-linux-gnu", ["connectors/"]);
 * assert.deepEqual(args.slice(0, 3), ["compile", "--target", "x86_64-unknown-linux-gnu"]);
 * assert.ok(args.includes("--include"));
 * assert.deepEqual(args.slice(-1 - FCP_RUNTIME_FLAGS.length, -1), [...FCP_RUNTIME_FLAGS]);
 * assert.equal(args.at(-1), "main.ts");
 * ```
 */
export function compileArgs(target: string, includes: readonly string[]): string[] {
  return [
    "compile",
    "--target",
    target,
    "--output",
    binaryPath(target),
    ...includes.flatMap((path) => ["--include", path]),
    ...FCP_RUNTIME_FLAGS,
    "main.ts",
  ];
}

/**
 * Which targets to build: the requested ones, else all, except that a `DENORT_BIN` override
 * (one platform's runtime) limits the default to the host.
 *
 * @example
 * ```ts
 * import { COMPILE_TARGETS, selectTargets } from "./compile.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(selectTargets([], undefined, "x86_64-unknown-linux-gnu"), [...COMPILE_TARGETS]);
 * assert.deepEqual(selectTargets([], "/opt/denort", "x86_64-unknown-linux-gnu"), [
 *   "x86_64-unknown-linux-gnu",
 * ]);
 * assert.throws(() => selectTargets(["mips-unknown-linux-gnu"], undefined, "x"));
 * ```
 */
export function selectTargets(
  requested: readonly string[],
  denortBin: string | undefined,
  host: string,
): string[] {
  for (const t of requested) {
    if (!COMPILE_TARGETS.includes(t)) {
      throw new RangeError(`unknown target ${t}; one of: ${COMPILE_TARGETS.join(", ")}`);
    }
  }
  if (requested.length > 0) return [...requested];
  return denortBin ? [host] : [...COMPILE_TARGETS];
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { target: { type: "string", multiple: true } },
    strict: true,
  });
  const root = new URL("../", import.meta.url);
  Deno.chdir(root);
  const denortBin = Deno.env.get("DENORT_BIN");
  const targets = selectTargets(values.target ?? [], denortBin, Deno.build.target);
  if (denortBin) console.log(`using DENORT_BIN=${denortBin}`);
  const includes: string[] = [];
  for (const path of COMPILE_INCLUDES) {
    if (await exists(path)) includes.push(...await shippedFiles(path));
    else console.warn(`note: ${path} does not exist, not included`);
  }
  await Deno.mkdir("dist", { recursive: true });
  let failed = 0;
  for (const target of targets) {
    console.log(`compiling ${binaryPath(target)}`);
    // The environment (and so DENORT_BIN) is inherited by the child.
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(target, includes),
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (code !== 0) {
      console.error(`deno compile for ${target} failed (exit ${code})`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
