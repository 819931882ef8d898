/**
 * End-to-end: `fcp put`, `fcp get`, `fcp object stat|pin|unpin`, `fcp store stats|gc` and
 * `fcp bench` against a temp FCP_HOME created with `fcp init`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../src/cli/mod.ts";
import { memoryIo } from "../src/cli/io.ts";
import { runFcp as fcp } from "./_fcp_cli.ts";

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function initializedHome(): Promise<{ dir: string; home: string }> {
  const dir = await Deno.makeTempDir({ prefix: "fcp-objects-cli-" });
  const home = join(dir, "home");
  const r = await fcp(home, ["init", "--node-id", "node-cli", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, home };
}

Deno.test("fcp put/get round trip: 0 B, 1 B, 1 KiB, 256 KiB, 256 KiB + 1, 3 MiB", async () => {
  const { dir, home } = await initializedHome();
  try {
    const sizes = [0, 1, 1024, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024];
    for (const [i, n] of sizes.entries()) {
      const data = pattern(n, i + 1);
      const file = join(dir, `in-${n}.bin`);
      await Deno.writeFile(file, data);
      const put = await fcp(home, ["put", file, "--zone", "z:work", "--json"]);
      assert.equal(put.code, 0, put.stderr);
      const doc = JSON.parse(put.stdout);
      assert.match(doc.object_id, /^[0-9a-f]{64}$/);
      assert.equal(doc.zone, "z:work");
      assert.equal(doc.size, n);
      assert.equal(doc.chunks, n > 256 * 1024 ? Math.ceil(n / 65536) : 0);
      assert.equal(doc.repair_bps, 500);
      assert.equal(typeof doc.ms, "number");
      assert.ok(doc.symbols >= Math.ceil(n / 1024));
      const outFile = join(dir, `out-${n}.bin`);
      const get = await fcp(home, ["get", doc.object_id, "--zone", "z:work", "-o", outFile]);
      assert.equal(get.code, 0, get.stderr);
      assert.deepEqual(await Deno.readFile(outFile), data, `size ${n}`);
    }
    // Raw bytes on standard output when piped, and from standard input with '-'.
    const data = pattern(5000, 99);
    const put = await fcp(home, ["put", "-", "--zone", "z:private"], data);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.stderr, ""); // piped: no progress bar
    const id = put.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const get = await fcp(home, ["get", id, "--zone", "z:private"]);
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(get.stdoutBytes, data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fcp object stat/pin/unpin, store stats/gc, and the refusals with their exit codes", async () => {
  const { dir, home } = await initializedHome();
  try {
    const file = join(dir, "in.bin");
    await Deno.writeFile(file, pattern(300_000, 5));
    const put = await fcp(home, ["put", file, "--zone", "z:work", "--repair-bps", "1000"]);
    assert.equal(put.code, 0, put.stderr);
    const id = put.stdout.trim();

    const stat = await fcp(home, ["object", "stat", id, "--json"]);
    assert.equal(stat.code, 0, stat.stderr);
    const s = JSON.parse(stat.stdout);
    assert.equal(s.zone, "z:work");
    assert.equal(s.role, "object");
    assert.equal(s.schema, "fcp.raptorq.ChunkedObjectManifest/1.0.0");
    assert.equal(s.chunks, 5);
    assert.equal(s.pinned, true);
    assert.equal(s.seal.sender_node_id, "node-cli");
    assert.equal(s.seal.algorithm, "chacha20poly1305");

    const stats = JSON.parse((await fcp(home, ["store", "stats", "--json"])).stdout);
    assert.equal(stats.objects, 6);
    assert.equal(stats.pins, 1);
    assert.equal(stats.by_zone["z:work"].objects, 6);

    // Pinned: gc keeps everything.
    let gc = JSON.parse((await fcp(home, ["store", "gc", "--min-age", "0", "--json"])).stdout);
    assert.equal(gc.deleted, 0);
    const unpin = await fcp(home, ["object", "unpin", id, "--json"]);
    assert.deepEqual(JSON.parse(unpin.stdout), { object_id: id, pinned: false, changed: true });
    const pin = await fcp(home, ["object", "pin", id, "--json"]);
    assert.equal(JSON.parse(pin.stdout).changed, true);
    await fcp(home, ["object", "unpin", id]);
    gc = JSON.parse((await fcp(home, ["store", "gc", "--min-age", "0", "--json"])).stdout);
    assert.equal(gc.deleted, 6);
    const gone = await fcp(home, ["get", id, "--zone", "z:work", "--json", "-o", join(dir, "x")]);
    assert.equal(gone.code, 15);
    assert.equal(JSON.parse(gone.stdout).code, "FCP-6001");

    // Wrong zone: FCP-4002, exit 13; unknown id: FCP-6001, exit 15; bad id: usage, exit 2.
    const put2 = await fcp(home, ["put", file, "--zone", "z:work"]);
    const id2 = put2.stdout.trim();
    const wrong = await fcp(home, ["get", id2, "--zone", "z:private", "-o", join(dir, "y")]);
    assert.equal(wrong.code, 13);
    assert.match(wrong.stderr, /FCP-4002/);
    await assert.rejects(Deno.stat(join(dir, "y"))); // nothing written
    const unknown = await fcp(home, ["object", "stat", "ab".repeat(32), "--json"]);
    assert.equal(unknown.code, 15);
    assert.equal(JSON.parse(unknown.stdout).code, "FCP-6001");
    assert.equal((await fcp(home, ["object", "stat", "xyz"])).code, 2);
    assert.equal((await fcp(home, ["put", file])).code, 2); // --zone required
    assert.equal((await fcp(home, ["put", file, "--zone", "z:work", "--repair-bps", "x"])).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fcp put/get refuse an uninitialized home with FCP-2012 and a hint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-objects-cli-" });
  try {
    const r = await fcp(join(dir, "none"), ["put", "-", "--zone", "z:work"], new Uint8Array(3));
    assert.equal(r.code, 11);
    assert.match(r.stderr, /FCP-2012.*run 'fcp init'/);
    const j = await fcp(join(dir, "none"), ["store", "stats", "--json"]);
    assert.equal(j.code, 11);
    assert.equal(JSON.parse(j.stdout).code, "FCP-2012");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fcp get refuses to write binary to a terminal, and --json without -o", async () => {
  const id = "ab".repeat(32);
  const tty = { ...memoryIo(), isTerminal: true };
  assert.equal(await runCli(["get", id, "--zone", "z:work", "--home", "/nonexistent"], tty), 2);
  const io = memoryIo();
  assert.equal(await runCli(["get", id, "--zone", "z:work", "--json", "--home", "/x"], io), 2);
  assert.equal(JSON.parse(io.out()).code, "FCP-1040");
});

Deno.test("fcp bench raptorq and bench memory print their JSON", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-objects-cli-" });
  try {
    const r = await fcp(join(dir, "h"), [
      "bench",
      "raptorq",
      "--size",
      "300kb",
      "--loss",
      "10",
      "--iterations",
      "2",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.repair_bps, 1500);
    assert.equal(doc.codec_units, 5);
    assert.equal(doc.rebuild_ms.failures, 0);
    for (const v of [doc.rebuild_ms.p50, doc.put_ms.memory.p50, doc.put_ms.sqlite.p99]) {
      assert.ok(v > 0);
    }
    assert.equal(typeof doc.goals.rebuild_p50_le_25ms, "boolean");
    const m = await fcp(join(dir, "h"), ["bench", "memory", "--size", "1mb", "--json"]);
    assert.equal(m.code, 0, m.stderr);
    const mem = JSON.parse(m.stdout);
    assert.equal(mem.identical, true);
    assert.equal(mem.chunks, 16);
    assert.ok(mem.peak_rss_mib > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
