/**
 * `fcp connector activate` while no node runs records the instance for the node to start. A
 * re-activation without grant flags keeps the earlier grants, exactly as through the LocalAPI
 * of a running node (it used to clear them offline).
 */
import assert from "node:assert/strict";
import { runFcp as fcp } from "./_fcp_cli.ts";

Deno.test("fcp connector activate offline: no grant flags keep the earlier grants, a flag replaces them", async () => {
  const home = await Deno.makeTempDir({ prefix: "fcp-connector-cli-" });
  const notes = await Deno.makeTempDir({ prefix: "fcp-notes-" });
  const other = await Deno.makeTempDir({ prefix: "fcp-other-" });
  try {
    const run = async (args: string[]) => {
      const r = await fcp(home, [...args, "--json"]);
      assert.equal(r.code, 0, `fcp ${args.join(" ")}: ${r.stdout}${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    await run(["init"]);
    await run(["connector", "install", "fcp.fs"]);
    const activate = (...flags: string[]) =>
      run(["connector", "activate", "fcp.fs", "--zone", "z:work", ...flags]);
    const first = await activate("--grant-read", notes);
    assert.equal(first.node_running, false);
    const real = await Deno.realPath(notes);
    assert.deepEqual(first.grants.read, [real]);
    const again = await activate();
    assert.deepEqual(again.grants.read, [real], "grants kept");
    const replaced = await activate("--grant-read", other);
    assert.deepEqual(replaced.grants.read, [await Deno.realPath(other)]);
  } finally {
    for (const d of [home, notes, other]) await Deno.remove(d, { recursive: true });
  }
});
