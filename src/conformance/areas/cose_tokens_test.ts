import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadVectorFile } from "../loader.ts";
import { ConformanceMismatch, type Vector } from "../types.ts";
import { handler } from "./cose_tokens.ts";

const path = fileURLToPath(new URL("../../../../shared/interop/cose_tokens.json", import.meta.url));

Deno.test("cose_tokens: every given vector passes byte for byte", async () => {
  const file = await loadVectorFile(path);
  assert.equal(file.vectors.length, 6);
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for ${v.kind}`);
    await check(v);
  }
});

Deno.test("cose_tokens: a changed expected token is reported as a mismatch", async () => {
  const file = await loadVectorFile(path);
  const v0 = file.vectors[0]!;
  const token = String(v0.expected.token_hex);
  const flipped = token.slice(0, -2) + (token.endsWith("00") ? "01" : "00");
  const bad: Vector = { ...v0, expected: { ...v0.expected, token_hex: flipped } };
  assert.throws(() => handler.kinds.cose_sign1_capability_token!(bad), ConformanceMismatch);
});

Deno.test("cose_tokens: a changed claim changes the payload", async () => {
  const file = await loadVectorFile(path);
  const v0 = file.vectors[0]!;
  const claims = (v0.inputs.claims as { label: number; value: unknown }[]).map((c) =>
    c.label === 1 ? { ...c, value: "node:other" } : c
  );
  const bad: Vector = { ...v0, inputs: { ...v0.inputs, claims } };
  assert.throws(() => handler.kinds.cose_sign1_capability_token!(bad), ConformanceMismatch);
});
