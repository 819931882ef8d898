import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { HTTP_SCHEMAS } from "./schemas.ts";
import { httpConnector } from "./operations.ts";

Deno.test("manifest.toml declares the id, version, operations and schemas of the code", async () => {
  const manifest = parse(await Deno.readTextFile(new URL("./manifest.toml", import.meta.url)));
  const ops = manifest.operations as { id: string; input_schema: string; output_schema: string }[];
  const meta = manifest.connector as { id: string; version: string };
  assert.deepEqual([meta.id, meta.version], [httpConnector.id, httpConnector.version]);
  assert.deepEqual(Object.keys(httpConnector.operations).sort(), Object.keys(HTTP_SCHEMAS).sort());
  assert.deepEqual(ops.map((o) => o.id).sort(), Object.keys(HTTP_SCHEMAS).sort());
  for (const op of ops) {
    const own = HTTP_SCHEMAS[op.id as keyof typeof HTTP_SCHEMAS];
    assert.deepEqual(JSON.parse(op.input_schema), own.input, `${op.id} input`);
    assert.deepEqual(JSON.parse(op.output_schema), own.output, `${op.id} output`);
  }
});
