import assert from "node:assert/strict";
import { FCP_RUNTIME_FLAGS, fcpTaskCommand } from "../scripts/flags.ts";
import { COMPILE_TARGETS, compileArgs } from "../scripts/compile.ts";

const denoJson = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
) as { tasks: Record<string, string> };

function runtimeFlags(words: readonly string[]): string[] {
  return words.filter((w) => /^--(allow|deny|unstable)-/.test(w) || w === "-A");
}

Deno.test("the fcp task runs main.ts with exactly FCP_RUNTIME_FLAGS", () => {
  const task = denoJson.tasks.fcp;
  assert.equal(task, fcpTaskCommand());
  assert.deepEqual(runtimeFlags(task!.split(/\s+/)), [...FCP_RUNTIME_FLAGS]);
});

Deno.test("every compiled binary carries exactly FCP_RUNTIME_FLAGS", () => {
  assert.equal(COMPILE_TARGETS.length, 5);
  for (const target of COMPILE_TARGETS) {
    const args = compileArgs(target, ["connectors/"]);
    assert.deepEqual(runtimeFlags(args), [...FCP_RUNTIME_FLAGS], target);
    assert.equal(args.at(-1), "main.ts");
  }
});

Deno.test("the conformance task goes through the fcp task (same flags)", () => {
  assert.match(denoJson.tasks.conformance!, /^deno task fcp vectors verify\b/);
});

Deno.test("the flag comparison would notice a drift", () => {
  const drifted = fcpTaskCommand().replace(" --allow-sys", "");
  assert.notDeepEqual(runtimeFlags(drifted.split(" ")), [...FCP_RUNTIME_FLAGS]);
});
