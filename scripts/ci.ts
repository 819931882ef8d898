/**
 * `deno task ci` (and `bash .ci/run`): the whole test suite. Runs the format check, lint,
 * type check, unit + doc tests, and the conformance runner on the interop set
 * (`../shared/interop`) and on the golden `vectors/`, then prints a summary whose last line
 * is `N passed, M failed[, K skipped]`: tests and vectors counted one by one, and each of
 * fmt, lint and check counted as one. Exits 1 if anything failed.
 *
 * @module
 */

/** One step of the suite and how to read its counts. */
interface Step {
  name: string;
  args: string[];
  /** Counts from the step's stdout; absent when the step is a single pass/fail gate. */
  count?: (stdout: string) => Counts | undefined;
}

/** Passed/failed/skipped counts. */
export interface Counts {
  /** Passed. */
  passed: number;
  /** Failed. */
  failed: number;
  /** Skipped. */
  skipped: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Read `deno test`'s summary line (`ok | 12 passed (3 steps) | 0 failed | 1 ignored (…)`).
 *
 * @example
 * ```ts
 * import { denoTestCounts } from "./ci.ts";
 * import assert from "node:assert/strict";
 * const out = "x ... ok\n\nFAILED | 12 passed (3 steps) | 2 failed | 1 ignored (3s)\n";
 * assert.deepEqual(denoTestCounts(out), { passed: 12, failed: 2, skipped: 1 });
 * assert.equal(denoTestCounts("error: Type checking failed"), undefined);
 * ```
 */
export function denoTestCounts(output: string): Counts | undefined {
  const lines = output.replace(ANSI, "").split("\n").reverse();
  for (const line of lines) {
    const m = /^(?:ok|FAILED) \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed(.*)$/.exec(line);
    if (m) {
      const ignored = /\| (\d+) ignored/.exec(m[3]!);
      return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(ignored?.[1] ?? 0) };
    }
  }
  return undefined;
}

/**
 * Read the closing `N passed, M failed` line of `fcp vectors verify`, and the number of
 * skipped vectors from its `skipped: K vectors in …` line (absent when nothing was skipped).
 *
 * @example
 * ```ts
 * import { conformanceCounts } from "./ci.ts";
 * import assert from "node:assert/strict";
 * const out = "cbor  21 passed, 1 failed\nsession  skipped (not implemented, 54 vectors)\n" +
 *   "skipped: 54 vectors in 1 areas (session)\n21 passed, 1 failed\n";
 * assert.deepEqual(conformanceCounts(out), { passed: 21, failed: 1, skipped: 54 });
 * assert.deepEqual(conformanceCounts("cbor  3 passed, 0 failed\n3 passed, 0 failed\n"), {
 *   passed: 3, failed: 0, skipped: 0,
 * });
 * assert.equal(conformanceCounts("error: FCP-6001 resource.not_found: no folder\n"), undefined);
 * ```
 */
export function conformanceCounts(output: string): Counts | undefined {
  const lines = output.replace(ANSI, "").trimEnd().split("\n");
  const m = /^(\d+) passed, (\d+) failed$/.exec(lines.at(-1) ?? "");
  if (!m) return undefined;
  const skippedLine = lines.map((l) => /^skipped: (\d+) vectors\b/.exec(l)).find((x) => x);
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(skippedLine?.[1] ?? 0) };
}

const STEPS: readonly Step[] = [
  { name: "fmt", args: ["fmt", "--check"] },
  { name: "lint", args: ["lint"] },
  { name: "check", args: ["task", "check"] },
  { name: "test", args: ["task", "test"], count: denoTestCounts },
  { name: "interop", args: ["task", "conformance"], count: conformanceCounts },
  { name: "golden", args: ["task", "conformance", "vectors"], count: conformanceCounts },
];

async function pump(
  stream: ReadableStream<Uint8Array>,
  sink: { write(p: Uint8Array): Promise<number> },
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    let rest = chunk;
    while (rest.length > 0) rest = rest.subarray(await sink.write(rest));
  }
  return text + decoder.decode();
}

async function run(step: Step): Promise<{ code: number; stdout: string }> {
  console.log(`\n== ${step.name}: deno ${step.args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: step.args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const [stdout, , status] = await Promise.all([
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
    child.status,
  ]);
  return { code: status.code, stdout };
}

async function main(): Promise<number> {
  Deno.chdir(new URL("../", import.meta.url));
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const rows: string[] = [];
  for (const step of STEPS) {
    const { code, stdout } = await run(step);
    let counts = step.count?.(stdout);
    if (!counts) counts = { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
    // a non-zero exit with no failure counted (e.g. a crash after the summary) is a failure
    if (code !== 0 && counts.failed === 0) counts = { ...counts, failed: 1 };
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : "";
    const verdict = code === 0 ? "ok" : `FAILED (exit ${code})`;
    rows.push(
      `${step.name.padEnd(10)}${verdict.padEnd(18)}` +
        `${counts.passed} passed, ${counts.failed} failed${skipped}`,
    );
  }
  console.log("\n== summary");
  for (const row of rows) console.log(row);
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : "";
  console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);
  return total.failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
