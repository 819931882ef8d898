import assert from "node:assert/strict";
import type { VectorFile } from "../types.ts";
import { handler } from "./symbol_aead.ts";

const url = new URL("../../../../shared/interop/symbol_aead.json", import.meta.url);
const file = JSON.parse(await Deno.readTextFile(url)) as VectorFile;

Deno.test("symbol_aead.json: all 2 vectors pass", async () => {
  assert.equal(file.area, "symbol_aead");
  assert.equal(file.vectors.length, 2);
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
  }
});

Deno.test("symbol_aead checks fail when an expected tag or AAD byte changes", async () => {
  const v = file.vectors[0]!;
  const x = v.expected.xchacha20poly1305 as Record<string, string>;
  const badTag = {
    ...v,
    expected: { ...v.expected, xchacha20poly1305: { ...x, tag_hex: "ff" + x.tag_hex!.slice(2) } },
  };
  await assert.rejects(async () => await handler.kinds.symbol_aead!(badTag), /xchacha20poly1305/);
  const aad = String(v.expected.aad_hex);
  const badAad = { ...v, expected: { ...v.expected, aad_hex: aad.slice(0, -2) + "06" } };
  await assert.rejects(async () => await handler.kinds.symbol_aead!(badAad), /aad_hex/);
});
