import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { findLayeringViolations, importSpecifiers, type LayeringRule } from "./_layering.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

async function collect(dir: string, out: Record<string, string>): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) await collect(path, out);
    else if (e.isFile && e.name.endsWith(".ts")) {
      out[relative(root, path).replaceAll("\\", "/")] = await Deno.readTextFile(path);
    }
  }
}

function rules(files: Record<string, string>): LayeringRule[] {
  return findLayeringViolations(files).map((v) => v.rule);
}

Deno.test("the source tree keeps the layer rules of docs/architecture.md", async () => {
  const files: Record<string, string> = {
    "main.ts": await Deno.readTextFile(`${root}/main.ts`),
  };
  await collect(`${root}/src`, files);
  assert.ok(Object.keys(files).length > 10, "the walk found the source files");
  assert.deepEqual(findLayeringViolations(files), []);
});

Deno.test("importSpecifiers finds every import form and ignores comments", () => {
  const src = [
    `import { a } from "./a.ts";`,
    `import type {`,
    `  B,`,
    `} from '../b/mod.ts';`,
    `import "./side.ts";`,
    `export * from "./c.ts";`,
    `export { d } from "./d.ts";`,
    `/* import { no } from "./block.ts"; */`,
    `// import { no } from "./line.ts";`,
    `const url = "https://example.com/x"; // a string with slashes`,
    `const m = await import("./dyn.ts");`,
    `const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });`,
    `import { noble } from "@noble/hashes/blake3.js";`,
  ].join("\n");
  assert.deepEqual(importSpecifiers(src), [
    "./a.ts",
    "../b/mod.ts",
    "./side.ts",
    "./c.ts",
    "./d.ts",
    "./dyn.ts",
    "./worker.ts",
    "@noble/hashes/blake3.js",
  ]);
});

Deno.test("checker accepts downward imports through mod.ts and same-folder private files", () => {
  assert.deepEqual(
    rules({
      "main.ts": `import { runCli } from "./src/cli/mod.ts";`,
      "src/cli/run.ts": `import { x } from "../conformance/mod.ts";\nimport "./_local.ts";`,
      "src/model/zone.ts":
        `import { a } from "../cbor/mod.ts";\nimport { b } from "../core/mod.ts";`,
      "src/model/mod.ts": `export * from "./zone.ts";`,
      "src/crypto/hash.ts": `import { blake3 } from "@noble/hashes/blake3.js";`,
    }),
    [],
  );
});

Deno.test("checker reports an upward import and a peer import", () => {
  assert.deepEqual(rules({ "src/core/bytes.ts": `import { x } from "../cbor/mod.ts";` }), [
    "upward",
  ]);
  assert.deepEqual(rules({ "src/cbor/enc.ts": `import { x } from "../crypto/mod.ts";` }), [
    "upward",
  ]);
  assert.deepEqual(
    rules({ "src/conformance/x_test.ts": `const m = await import("../cli/mod.ts");` }),
    ["upward"],
  );
});

Deno.test("checker reports a deep import into another layer", () => {
  assert.deepEqual(rules({ "src/model/a.ts": `import { e } from "../cbor/encode.ts";` }), [
    "deep",
  ]);
  assert.deepEqual(
    rules({
      "src/host/run.ts": `new Worker(new URL("../mesh/worker.ts", import.meta.url));`,
    }),
    ["deep"],
  );
});

Deno.test("checker reports a private file imported from outside its folder", () => {
  assert.deepEqual(
    rules({ "src/cbor/x.ts": `import { d } from "./sub/_decoder.ts";` }),
    ["private"],
  );
  assert.deepEqual(
    rules({ "src/conformance/runner.ts": `import { m } from "./areas/_model_inputs.ts";` }),
    ["private"],
  );
  // another layer's private file is both deep and private; the private rule reports it
  assert.deepEqual(rules({ "src/model/x.ts": `import { d } from "../cbor/_decoder.ts";` }), [
    "private",
  ]);
});

Deno.test("checker reports main.ts importing anything but src/cli/mod.ts", () => {
  assert.deepEqual(
    rules({
      "main.ts": [
        `import { runCli } from "./src/cli/mod.ts";`,
        `import { x } from "./src/cli/run_cli.ts";`,
        `import { y } from "./src/core/mod.ts";`,
        `import z from "npm:left-pad";`,
      ].join("\n"),
    }),
    ["main", "main", "main"],
  );
});

Deno.test("checker reports imports out of src/ and unknown layers", () => {
  assert.deepEqual(rules({ "src/cli/x.ts": `import { f } from "../../scripts/flags.ts";` }), [
    "outside",
  ]);
  assert.deepEqual(rules({ "src/cli/x.ts": `import { g } from "../gadgets/mod.ts";` }), [
    "unknown-layer",
  ]);
  assert.deepEqual(rules({ "src/stray.ts": `import { g } from "./core/mod.ts";` }), [
    "unknown-layer",
  ]);
});

Deno.test("a shipped connector's worker loads no node: built-in and no npm package (each would load into every worker: node:v8 alone cost ~2 MiB of RSS per connector)", async () => {
  const entries: string[] = [];
  for await (const e of Deno.readDir(`${root}/connectors`)) {
    if (e.isDirectory && !e.name.startsWith("_")) {
      entries.push(`${root}/connectors/${e.name}/worker.ts`);
    }
  }
  assert.ok(entries.length >= 3, "the walk found the shipped connectors");
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: { specifier: string }[];
    };
    assert.ok(graph.modules.length > 3, `deno info walked ${entry}`);
    const foreign = graph.modules.map((m) => m.specifier).filter((s) => !s.startsWith("file:"));
    assert.deepEqual(foreign, [], relative(root, entry));
  }
});
