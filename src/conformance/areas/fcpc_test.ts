import assert from "node:assert/strict";
import type { VectorFile } from "../types.ts";
import { handler } from "./fcpc.ts";

const url = new URL("../../../../shared/interop/fcpc.json", import.meta.url);
const file = JSON.parse(await Deno.readTextFile(url)) as VectorFile;

Deno.test("fcpc.json: all 2 vectors pass", async () => {
  assert.equal(file.area, "fcpc");
  assert.equal(file.vectors.length, 2);
  let passed = 0;
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
    passed++;
  }
  assert.equal(passed, 2);
});

Deno.test("fcpc checks fail when an expected tag, nonce or frame byte changes", async () => {
  const v = file.vectors[1]!;
  const flip = (field: string) => {
    const h = String(v.expected[field]);
    return { ...v, expected: { ...v.expected, [field]: (h[0] === "0" ? "1" : "0") + h.slice(1) } };
  };
  for (const field of ["nonce_hex", "aad_hex", "header_hex", "ciphertext_hex", "tag_hex"]) {
    await assert.rejects(
      async () => await handler.kinds.fcpc_frame!(flip(field)),
      new RegExp(field),
    );
  }
  // A frame whose last tag byte differs is refused both by comparison and by opening.
  const f = String(v.expected.frame_hex);
  const last = f.slice(-2) === "00" ? "01" : "00";
  const bad = { ...v, expected: { ...v.expected, frame_hex: f.slice(0, -2) + last } };
  await assert.rejects(async () => await handler.kinds.fcpc_frame!(bad), /frame_hex/);
});
