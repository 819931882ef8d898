import assert from "node:assert/strict";
import { goldenFileText, goldenVectorFiles } from "./golden.ts";
import { handler } from "./areas/model.ts";

const dir = new URL("../../vectors/", import.meta.url);

Deno.test("committed golden vectors equal what the code produces (run `deno task vectors`)", async () => {
  for (const [name, file] of Object.entries(goldenVectorFiles())) {
    const committed = await Deno.readTextFile(new URL(name, dir));
    assert.equal(committed, goldenFileText(file), `vectors/${name} is stale`);
  }
});

Deno.test("every golden model vector passes its handler", async () => {
  const file = goldenVectorFiles()["model.json"]!;
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
  }
});

Deno.test("a golden check fails when an expected byte changes", async () => {
  const v = goldenVectorFiles()["model.json"]!.vectors.find((x) =>
    x.kind === "object_header_cbor"
  )!;
  const hex = String(v.expected.header_cbor_hex);
  const bad = { ...v, expected: { header_cbor_hex: hex.slice(0, -2) + "ff" } };
  await assert.rejects(async () => await handler.kinds.object_header_cbor!(bad), /header_cbor_hex/);
});
