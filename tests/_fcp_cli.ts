/**
 * Runs `fcp` as its own process for the CLI tests: `deno run` of main.ts with the production
 * runtime flags (scripts/flags.ts), `NO_COLOR`, and `FCP_HOME` when a home is given.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { FCP_RUNTIME_FLAGS } from "../scripts/flags.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

/** What one `fcp` process did. */
export interface FcpRun {
  /** Exit code. */
  code: number;
  /** Standard output as text. */
  stdout: string;
  /** Standard output as bytes (for binary output such as `fcp get`). */
  stdoutBytes: Uint8Array;
  /** Standard error as text. */
  stderr: string;
}

/**
 * Run `fcp ARGS` in the project root with `home` as `FCP_HOME` (none when `undefined`) and
 * `stdin` (text or bytes) on its standard input, or no input at all.
 */
export async function runFcp(
  home: string | undefined,
  args: readonly string[],
  stdin?: string | Uint8Array,
): Promise<FcpRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...FCP_RUNTIME_FLAGS, "main.ts", ...args],
    cwd: root,
    env: home === undefined ? { NO_COLOR: "1" } : { NO_COLOR: "1", FCP_HOME: home },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin);
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stdoutBytes: out.stdout,
    stderr: dec.decode(out.stderr),
  };
}
