import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isFcpError } from "../core/mod.ts";
import { loadVectorDir, loadVectorFile, parseVectorFile } from "./loader.ts";

const interop = fileURLToPath(new URL("../../../shared/interop/", import.meta.url));

const vector = { id: "a.1", kind: "k", provenance: "repo-literal", inputs: {}, expected: {} };
const file = { format: "fcp2-interop-vectors/1", area: "a", set: "given", vectors: [vector] };

function rejects(json: unknown, message: RegExp): void {
  assert.throws(
    () => parseVectorFile(json, "dir/a.json"),
    (e) => isFcpError(e, "FCP-1030") && message.test(e.message),
  );
}

Deno.test("parseVectorFile accepts every optional field in its documented type", () => {
  const full = {
    ...file,
    reference: { repo: "flywheel_connectors", commit: "9453a55f" },
    vectors: [{
      ...vector,
      description: "d",
      source: ["x.rs", "y.rs"],
      derived_fields: ["a_hex"],
      notes: "n",
    }, { ...vector, id: "a.2", source: "z.rs" }],
  };
  const loaded = parseVectorFile(full, "dir/a.json");
  assert.equal(loaded.vectors.length, 2);
  assert.equal(loaded.reference?.repo, "flywheel_connectors");
  assert.equal(loaded.path, "dir/a.json");
});

Deno.test("parseVectorFile refuses a malformed envelope with FCP-1030 naming the file", () => {
  rejects([], /dir\/a\.json: must hold a JSON object/);
  rejects({ ...file, format: "fcp2-interop-vectors/2" }, /dir\/a\.json: 'format'/);
  rejects({ ...file, format: "fcp2-interop-unverified/1" }, /'format'/);
  rejects({ ...file, area: "b" }, /'area' must be the file stem "a"/);
  rejects({ ...file, set: 3 }, /'set'/);
  rejects({ ...file, reference: { repo: "r" } }, /'reference'/);
  rejects({ ...file, vectors: {} }, /'vectors' must be a list/);
  rejects({ ...file, extra: true }, /unknown field 'extra'/);
});

Deno.test("parseVectorFile refuses a malformed vector with FCP-1030 naming the vector", () => {
  const bad = (patch: Record<string, unknown>) => ({ ...file, vectors: [{ ...vector, ...patch }] });
  rejects({ ...file, vectors: [42] }, /vectors\[0\]: must be an object/);
  rejects(bad({ id: "" }), /vectors\[0\]: 'id' must be a non-empty string/);
  rejects(bad({ id: 7 }), /vectors\[0\]: 'id'/);
  rejects(bad({ kind: null }), /vector a\.1: 'kind' must be a non-empty string/);
  rejects(bad({ provenance: 1 }), /vector a\.1: 'provenance'/);
  rejects(bad({ inputs: [] }), /vector a\.1: 'inputs' must be an object/);
  rejects(bad({ expected: null }), /vector a\.1: 'expected' must be an object/);
  rejects(bad({ description: 1 }), /vector a\.1: 'description' must be a string/);
  rejects(bad({ notes: ["x"] }), /vector a\.1: 'notes' must be a string/);
  rejects(bad({ source: [1] }), /vector a\.1: 'source'/);
  rejects(bad({ derived_fields: "a" }), /vector a\.1: 'derived_fields'/);
  rejects(bad({ expect: {} }), /vector a\.1: unknown field 'expect'/);
  rejects({ ...file, vectors: [vector, vector] }, /vector a\.1: duplicate id/);
});

Deno.test("loadVectorDir reads vector files in name order and lists informational files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const area of ["zz", "aa"]) {
      await Deno.writeTextFile(
        join(dir, `${area}.json`),
        JSON.stringify({ ...file, area, vectors: [{ ...vector, id: `${area}.1` }] }),
      );
    }
    await Deno.writeTextFile(join(dir, "notes.txt"), "not a vector file");
    await Deno.writeTextFile(
      join(dir, "unverified.json"),
      JSON.stringify({ format: "fcp2-interop-unverified/1", unverified: [{}, {}] }),
    );
    const loaded = await loadVectorDir(dir);
    assert.deepEqual(loaded.files.map((f) => f.area), ["aa", "zz"]);
    assert.deepEqual(loaded.informational.map((i) => i.entries), [2]);

    await Deno.writeTextFile(join(dir, "bad.json"), "{ not json");
    await assert.rejects(
      () => loadVectorDir(dir),
      (e) => isFcpError(e, "FCP-1030") && /bad\.json: not valid JSON/.test(e.message),
    );
    await Deno.writeTextFile(join(dir, "bad.json"), JSON.stringify({ format: "other/1" }));
    await assert.rejects(() => loadVectorDir(dir), (e) => isFcpError(e, "FCP-1030"));
    await Deno.writeTextFile(
      join(dir, "bad.json"),
      JSON.stringify({ format: "fcp2-interop-unverified/1", unverified: {} }),
    );
    await assert.rejects(
      () => loadVectorDir(dir),
      (e) => isFcpError(e, "FCP-1030") && /'unverified' must be a list/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing folder or file is FCP-6001", async () => {
  await assert.rejects(() => loadVectorDir("/no/such/fcp/dir"), (e) => isFcpError(e, "FCP-6001"));
  await assert.rejects(
    () => loadVectorFile("/no/such/fcp/a.json"),
    (e) => isFcpError(e, "FCP-6001"),
  );
});

Deno.test("the whole interop set loads", async () => {
  const loaded = await loadVectorDir(interop);
  const areas = loaded.files.map((f) => f.area);
  assert.ok(areas.includes("cbor") && areas.includes("session"), areas.join(","));
  assert.equal(loaded.informational.length, 1);
  assert.ok(loaded.files.every((f) => f.set === "given" && f.vectors.length > 0));
});
