import assert from "node:assert/strict";
import { join } from "node:path";
import { toHex } from "../../core/mod.ts";
import { zoneIdHash } from "../../model/mod.ts";
import { memoryIo } from "../io.ts";
import { runCli } from "../run_cli.ts";

function vectorFile(area: string, vectors: unknown[]): string {
  return JSON.stringify({ format: "fcp2-interop-vectors/1", area, set: "test", vectors });
}

function zoneVector(id: string, zone: string, hashHex: string) {
  return {
    id,
    kind: "zone_id_hash",
    provenance: "test",
    inputs: { zone_id: zone },
    expected: { zone_id_hash_hex: hashHex },
  };
}

async function withDir(files: Record<string, string>, f: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a failing vector is reported as failed and exits 1", async () => {
  const good = toHex(zoneIdHash("z:work"));
  const bad = "00".repeat(32);
  await withDir({
    "zone_id_hash.json": vectorFile("zone_id_hash", [
      zoneVector("t.good", "z:work", good),
      zoneVector("t.bad", "z:work", bad),
    ]),
  }, async (dir) => {
    const io = memoryIo();
    assert.equal(await runCli(["vectors", "verify", dir], io), 1);
    const lines = io.out().trimEnd().split("\n");
    assert.match(lines[0]!, /^zone_id_hash\s+1 passed, 1 failed$/);
    assert.match(
      lines[1]!,
      /^ {2}FAIL t\.bad: zone_id_hash_hex: expected 0{64}, got [0-9a-f]{64}$/,
    );
    assert.equal(lines.at(-1), "1 passed, 1 failed");
    assert.doesNotMatch(io.out(), /skipped/);
  });
});

Deno.test("an area with no handler is skipped, not passed, and exits 0", async () => {
  await withDir({
    "no_such_area.json": vectorFile("no_such_area", [
      zoneVector("x.1", "z:work", "00"),
      zoneVector("x.2", "z:work", "00"),
    ]),
    "zone_id_hash.json": vectorFile("zone_id_hash", [
      zoneVector("t.good", "z:work", toHex(zoneIdHash("z:work"))),
    ]),
  }, async (dir) => {
    const io = memoryIo();
    assert.equal(await runCli(["vectors", "verify", dir], io), 0);
    const lines = io.out().trimEnd().split("\n");
    assert.deepEqual(lines, [
      "no_such_area  skipped (not implemented, 2 vectors)",
      "zone_id_hash  1 passed, 0 failed",
      "skipped: 2 vectors in 1 areas (no_such_area)",
      "1 passed, 0 failed",
    ]);
  });
});

Deno.test("--json prints the structured report", async () => {
  await withDir({
    "zone_id_hash.json": vectorFile("zone_id_hash", [zoneVector("t.bad", "z:work", "00")]),
    "unverified.json": JSON.stringify({ format: "fcp2-interop-unverified/1", unverified: [] }),
  }, async (dir) => {
    const io = memoryIo();
    assert.equal(await runCli(["vectors", "verify", dir, "--json"], io), 1);
    const report = JSON.parse(io.out());
    assert.equal(report.dir, dir);
    assert.deepEqual([report.passed, report.failed, report.skipped], [0, 1, 0]);
    assert.equal(report.areas[0].area, "zone_id_hash");
    assert.equal(report.areas[0].failed[0].id, "t.bad");
    assert.equal(report.informational[0].entries, 0);
  });
});

Deno.test("--area selects areas; an unknown area is a usage error", async () => {
  await withDir({
    "zone_id_hash.json": vectorFile("zone_id_hash", [zoneVector("t.bad", "z:work", "00")]),
    "other.json": vectorFile("other", [zoneVector("o.1", "z:work", "00")]),
  }, async (dir) => {
    const io = memoryIo();
    assert.equal(await runCli(["vectors", "verify", dir, "--area", "other"], io), 0);
    assert.doesNotMatch(io.out(), /zone_id_hash/);
    const err = memoryIo();
    assert.equal(await runCli(["vectors", "verify", dir, "--area", "nope"], err), 2);
    assert.match(err.err(), /FCP-1040 input\.invalid: no area 'nope'/);
  });
});

Deno.test("a malformed vector file exits 10 (FCP-1030); a missing folder 15 (FCP-6001)", async () => {
  await withDir({ "x.json": vectorFile("x", [{ id: "x.1" }]) }, async (dir) => {
    const io = memoryIo();
    assert.equal(await runCli(["vectors", "verify", dir, "--json"], io), 10);
    const body = JSON.parse(io.out());
    assert.equal(body.code, "FCP-1030");
    assert.match(body.message, /x\.json: vector x\.1: 'kind'/);
  });
  const io = memoryIo();
  assert.equal(await runCli(["vectors", "verify", "/no/such/fcp/vectors"], io), 15);
  assert.match(io.err(), /^error: FCP-6001 resource\.not_found: /);
});

Deno.test("without DIR the interop set beside the working directory is used", async () => {
  const io = memoryIo();
  const code = await runCli(["vectors", "verify"], io);
  assert.equal(code, 0, io.out() + io.err());
  assert.match(io.out(), /^zone_id_hash\s+\d+ passed, 0 failed$/m);
  assert.match(io.out(), /^unverified\s+informational/m);
  assert.match(io.out().trimEnd().split("\n").at(-1)!, /^\d+ passed, 0 failed$/);
});
