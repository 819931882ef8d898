import assert from "node:assert/strict";
import type { VectorFile } from "../types.ts";
import { handler } from "./ed25519.ts";

const url = new URL("../../../../shared/interop/ed25519.json", import.meta.url);
const file = JSON.parse(await Deno.readTextFile(url)) as VectorFile;

Deno.test("ed25519.json: all 4 vectors pass", async () => {
  assert.equal(file.area, "ed25519");
  assert.equal(file.vectors.length, 4);
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
  }
});

Deno.test("ed25519 checks fail when an expected value changes", async () => {
  const sign = file.vectors.find((v) => v.kind === "ed25519_sign")!;
  const sig = String(sign.expected.signature_hex);
  const badSig = { ...sign, expected: { ...sign.expected, signature_hex: "00" + sig.slice(2) } };
  await assert.rejects(async () => await handler.kinds.ed25519_sign!(badSig), /signature_hex/);
  const ver = file.vectors.find((v) => v.kind === "ed25519_verify")!;
  const flipped = { ...ver, expected: { valid: true } };
  await assert.rejects(async () => await handler.kinds.ed25519_verify!(flipped), /valid/);
});
