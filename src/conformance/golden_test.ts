import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { goldenFileText, goldenVectorFiles } from "./golden.ts";
import { AREA_HANDLERS } from "./registry.ts";
import { loadVectorDir } from "./loader.ts";
import { runConformance } from "./runner.ts";
import type { Vector } from "./types.ts";

const dir = new URL("../../vectors/", import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));

function handlerFor(area: string) {
  const h = AREA_HANDLERS.find((x) => x.area === area);
  assert.ok(h, `no handler for golden area ${area}`);
  return h;
}

async function check(area: string, v: Vector): Promise<void> {
  const kind = handlerFor(area).kinds[v.kind];
  assert.ok(kind, `no check for kind ${v.kind}`);
  await kind(v);
}

function vectorOf(file: string, kind: string): Vector {
  const v = goldenVectorFiles()[file]!.vectors.find((x) => x.kind === kind);
  assert.ok(v, `${file} has a ${kind} vector`);
  return v;
}

Deno.test("committed golden vectors equal what the code produces (run `deno task vectors`)", async () => {
  for (const [name, file] of Object.entries(goldenVectorFiles())) {
    const committed = await Deno.readTextFile(new URL(name, dir));
    assert.equal(committed, goldenFileText(file), `vectors/${name} is stale`);
  }
});

Deno.test("every golden vector passes its handler, through the same runner as the interop set", async () => {
  const files = goldenVectorFiles();
  assert.deepEqual(Object.keys(files).sort(), ["cbor_strict.json", "model.json"]);
  const loaded = await loadVectorDir(fileURLToPath(dir));
  const report = await runConformance(loaded.files);
  assert.equal(report.failed, 0, JSON.stringify(report.areas.flatMap((a) => a.failed)));
  assert.equal(report.skipped, 0);
  const total = Object.values(files).reduce((n, f) => n + f.vectors.length, 0);
  assert.equal(report.passed, total);
  // every kind of every file is exercised
  const kinds = new Set(Object.values(files).flatMap((f) => f.vectors.map((v) => v.kind)));
  for (
    const k of [
      "zone_id_hash",
      "zone_tailscale_tag",
      "schema_hash_only",
      "object_header_cbor",
      "key_id",
      "epoch_id",
      "signed_header",
      "cbor_json_encode",
      "cbor_decode_reject",
    ]
  ) assert.ok(kinds.has(k), k);
});

Deno.test("golden vector ids are unique and carry provenance", () => {
  const ids = new Set<string>();
  for (const file of Object.values(goldenVectorFiles())) {
    for (const v of file.vectors) {
      assert.ok(!ids.has(v.id), `duplicate id ${v.id}`);
      ids.add(v.id);
      assert.ok(
        ["fcp-computed", "fcp-stated", "rfc8949-appendix-a"].includes(v.provenance),
        `${v.id}: provenance ${v.provenance}`,
      );
    }
  }
});

Deno.test("a golden check fails when an expected byte changes", async () => {
  const v = vectorOf("model.json", "object_header_cbor");
  const hex = String(v.expected.header_cbor_hex);
  const bad = { ...v, expected: { header_cbor_hex: hex.slice(0, -2) + "ff" } };
  await assert.rejects(async () => await check("model", bad), /header_cbor_hex/);
  const signed = vectorOf("model.json", "signed_header");
  const sig = String(signed.expected.signature_hex);
  await assert.rejects(
    async () =>
      await check("model", {
        ...signed,
        expected: { ...signed.expected, signature_hex: "00" + sig.slice(2) },
      }),
    /signature_hex/,
  );
});

Deno.test("a cbor_strict check fails on another code, an accepted input, or other bytes", async () => {
  const reject = vectorOf("cbor_strict.json", "cbor_decode_reject");
  await assert.rejects(
    async () => await check("cbor_strict", { ...reject, expected: { code: "FCP-1009" } }),
    /code: expected FCP-1009, got FCP-/,
  );
  await assert.rejects(
    async () => await check("cbor_strict", { ...reject, inputs: { cbor_hex: "00" } }),
    /got accepted/,
  );
  await assert.rejects(
    async () => await check("cbor_strict", { ...reject, expected: { code: "FCP-0000" } }),
    /unknown error code/,
  );
  const enc = vectorOf("cbor_strict.json", "cbor_json_encode");
  await assert.rejects(
    async () =>
      await check("cbor_strict", { ...enc, expected: { ...enc.expected, cbor_hex: "f93c00" } }),
    /cbor_hex/,
  );
});

async function gen(args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "scripts/gen_vectors.ts",
      ...args,
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const d = new TextDecoder();
  return { code: r.code, out: d.decode(r.stdout) + d.decode(r.stderr) };
}

Deno.test("`deno task vectors --check` fails on a stale file; without --check it rewrites it", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    for (const name of Object.keys(goldenVectorFiles())) {
      await Deno.copyFile(new URL(name, dir), `${tmp}/${name}`);
    }
    assert.equal((await gen(["--check", "--dir", tmp])).code, 0);
    // change one expected byte of the copy
    const path = `${tmp}/model.json`;
    const text = await Deno.readTextFile(path);
    const stale = text.replace(/"header_cbor_hex": "a(.)/, '"header_cbor_hex": "b$1');
    assert.notEqual(stale, text);
    await Deno.writeTextFile(path, stale);
    const failed = await gen(["--check", "--dir", tmp]);
    assert.equal(failed.code, 1);
    assert.match(failed.out, /model\.json differs/);
    assert.equal(await Deno.readTextFile(path), stale, "--check writes nothing");
    const fixed = await gen(["--dir", tmp]);
    assert.equal(fixed.code, 0, fixed.out);
    assert.equal(await Deno.readTextFile(path), text);
    // a missing file is written too
    await Deno.remove(`${tmp}/cbor_strict.json`);
    assert.equal((await gen(["--check", "--dir", tmp])).code, 1);
    assert.equal((await gen(["--dir", tmp])).code, 0);
    assert.equal((await gen(["--check", "--dir", tmp])).code, 0);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
