import assert from "node:assert/strict";
import { FCP_VERSION } from "../src/cli/mod.ts";

Deno.test("FCP_VERSION equals deno.json's version", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(FCP_VERSION, denoJson.version);
});
