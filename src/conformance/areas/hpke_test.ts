import assert from "node:assert/strict";
import type { VectorFile } from "../types.ts";
import { handler } from "./hpke.ts";

const file = JSON.parse(
  await Deno.readTextFile(new URL("../../../../shared/interop/hpke.json", import.meta.url)),
) as VectorFile;

Deno.test("every hpke.json vector passes (5 vectors: constants, 3 AAD, 1 seal)", async () => {
  assert.equal(file.area, "hpke");
  let passed = 0;
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
    passed++;
  }
  assert.equal(passed, 5);
  assert.deepEqual(
    [...new Set(file.vectors.map((v) => v.kind))].sort(),
    Object.keys(handler.kinds).sort(),
  );
});

Deno.test("an hpke_seal check fails when any expected intermediate changes", async () => {
  const v = file.vectors.find((x) => x.kind === "hpke_seal")!;
  for (const field of Object.keys(v.expected)) {
    const h = String(v.expected[field]);
    const flipped = h.slice(0, -1) + (h.endsWith("0") ? "1" : "0");
    const bad = { ...v, expected: { ...v.expected, [field]: flipped } };
    await assert.rejects(async () => await handler.kinds.hpke_seal!(bad), new RegExp(field));
  }
});

Deno.test("an hpke_aad check fails when the AAD changes", async () => {
  const v = file.vectors.find((x) => x.kind === "hpke_aad")!;
  const bad = { ...v, inputs: { ...v.inputs, issued_at: 1700000001 } };
  await assert.rejects(async () => await handler.kinds.hpke_aad!(bad), /aad_hex/);
});
