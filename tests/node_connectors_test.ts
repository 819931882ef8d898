/**
 * The node and its connectors over time (issue 5 §1, §8, §9): an active instance comes back when
 * the node restarts, a stop terminates the workers, the demo (the README's main job) succeeds
 * step by step, and the benchmark commands print their JSON (shape only; the goals live in
 * docs/perf.md, never in tests).
 */
import assert from "node:assert/strict";
import { readApiToken, startNode } from "../src/api/mod.ts";
import { createStandardZones, initIdentity } from "../src/authority/mod.ts";
import { runCli } from "../src/cli/mod.ts";
import { memoryIo } from "../src/cli/io.ts";
import { runDemo } from "../src/cli/commands/demo.ts";
import {
  benchConnectorActivate,
  benchConnectorMemory,
  benchInvokeLocal,
} from "../src/cli/commands/bench_node.ts";
import { writeDefaultPolicies } from "../src/host/mod.ts";

Deno.test("node: an activated connector is running again after a restart; stop terminates it", async () => {
  const home = await Deno.makeTempDir({ prefix: "fcp-restart-" });
  const files = await Deno.makeTempDir();
  try {
    const now = Math.floor(Date.now() / 1000);
    const id = await initIdentity(home, { now, nodeId: "node-r" });
    const ring = await createStandardZones(id, id.keystore, now);
    await writeDefaultPolicies(id, ring, now);
    const api = async (port: number, method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await readApiToken(home)}`,
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return await res.json();
    };
    let node = await startNode({ home, version: "0.1.0", port: 0 });
    await api(node.port, "POST", "/v1/connectors/install", { source: "fcp.fs" });
    await api(node.port, "POST", "/v1/connectors/fcp.fs/activate", {
      zone: "z:work",
      grant_read: [files],
    });
    const report = await node.stop();
    assert.ok(report.steps.includes("connectors"), "the connector host stops with the node");
    assert.deepEqual(report.failures, []);
    node = await startNode({ home, version: "0.1.0", port: 0 });
    try {
      const list = await api(node.port, "GET", "/v1/connectors");
      const fs = list.connectors[0];
      assert.equal(fs.state, "active");
      assert.deepEqual(fs.zones, ["z:work"]);
      assert.equal(fs.instances[0].state, "ready");
    } finally {
      await node.stop();
    }
  } finally {
    await Deno.remove(home, { recursive: true });
    await Deno.remove(files, { recursive: true });
  }
});

Deno.test("demo: every step of the main job goes as expected", async () => {
  const { steps } = await runDemo();
  for (const s of steps) assert.ok(s.ok, `${s.step}: ${s.detail}`);
  const names = steps.map((s) => s.step);
  assert.deepEqual(names, [
    "start node",
    "install fcp.fs",
    "install fcp.http",
    "activate fcp.fs",
    "activate fcp.http",
    "policy",
    "mint tokens",
    "invoke fcp.fs fs_list",
    "invoke fcp.fs fs_read",
    "invoke fcp.http http_get (denied)",
    "invoke fcp.http to the cloud metadata address (refused)",
    "put and get an object",
    "verify the z:work audit chain",
  ]);
  // The denial is shown with why, which object decided it and what would change it.
  const denied = steps.find((s) => s.step.endsWith("(denied)"))!;
  assert.match(denied.detail, /^FCP-4003 policy\.connector_not_allowed at stage policy/);
  assert.match(
    denied.detail,
    /decided by zone_policy [0-9a-f]{16}; to change it: .*fcp policy allow/,
  );
  const explanation = (denied.data as { explanation: { decision: string; request_id: string } })
    .explanation;
  assert.equal(explanation.decision, "deny");
  assert.equal(explanation.request_id, (denied.data as { request_id: string }).request_id);
  assert.match(steps.at(-1)!.detail, /^intact, \d+ events/);
});

Deno.test("bench commands measure the real path and print goals and verdicts", async () => {
  for (const client of ["http1", "fetch"] as const) {
    const inv = await benchInvokeLocal(20, 5, client);
    assert.equal(inv.n, 20);
    assert.equal(inv.warmup, 5);
    assert.equal(inv.client, client);
    assert.match(inv.path as string, new RegExp(`^HTTP POST /v1/invoke \\(${client} client`));
    assert.ok((inv.p50_ms as number) > 0);
    assert.deepEqual(Object.keys(inv.met as object).sort(), ["p50", "p99"]);
  }
  const act = await benchConnectorActivate(2);
  assert.equal(act.n, 2);
  const mem = await benchConnectorMemory(2);
  assert.equal(mem.connectors, 2);
  assert.equal((mem.rss_growth_each_mib as number[]).length, 2);
});

Deno.test("fcp bench invoke-local refuses a count or warm-up that is not a whole number in range, and an unknown client", async () => {
  for (
    const args of [
      ["--count", "0"],
      ["--count", "1.5"],
      ["--warmup=-1"],
      ["--warmup", "x"],
      ["--warmup", "100001"],
      ["--client", "curl"],
      ["--client", ""],
    ]
  ) {
    const io = memoryIo();
    assert.equal(await runCli(["bench", "invoke-local", ...args, "--json"], io), 2, args.join(" "));
    const err = JSON.parse(io.out() || io.err());
    const want = { "--count": /count/, "--warmup": /warm-up/, "--client": /client/ };
    assert.match(err.message, want[args[0]!.split("=")[0] as keyof typeof want]);
  }
});
