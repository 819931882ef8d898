import assert from "node:assert/strict";
import { handler } from "./operation.ts";
import type { Vector, VectorFile } from "../types.ts";
import { ConformanceMismatch } from "../types.ts";

const FILE = new URL("../../../../shared/interop/operation.json", import.meta.url);

async function load(): Promise<VectorFile> {
  return JSON.parse(await Deno.readTextFile(FILE)) as VectorFile;
}

Deno.test("operation: every given vector passes", async () => {
  const file = await load();
  assert.equal(file.area, "operation");
  let passed = 0;
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
    passed++;
  }
  assert.equal(passed, 3);
  const kinds = new Set(file.vectors.map((v) => v.kind));
  assert.deepEqual([...kinds].sort(), ["operation_intent", "operation_receipt"]);
});

Deno.test("operation: a changed input is detected as a mismatch", async () => {
  const file = await load();
  for (const v of file.vectors) {
    const changed: Vector = structuredClone(v);
    if (v.kind === "operation_intent") changed.inputs.planned_by = "other-node";
    else changed.inputs.executed_by = "other-node";
    assert.throws(
      () => handler.kinds[v.kind]!(changed),
      (e) => e instanceof ConformanceMismatch && e.field === "signable_bytes_hex",
    );
  }
});

Deno.test("operation: a wrong request_object_id derivation is detected", async () => {
  const file = await load();
  const v = structuredClone(file.vectors.find((x) => x.kind === "operation_intent")!);
  v.inputs.request_object_id_from_utf8 = "request-2";
  assert.throws(
    () => handler.kinds.operation_intent!(v),
    (e) => e instanceof ConformanceMismatch && e.field === "request_object_id_hex",
  );
});
