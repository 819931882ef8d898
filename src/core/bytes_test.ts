import assert from "node:assert/strict";
import { isFcpError } from "./errors.ts";
import { fromUtf8, utf8 } from "./bytes.ts";

Deno.test("fromUtf8() keeps a leading BOM so text round-trips exactly", () => {
  const s = "\uFEFFz:work";
  assert.equal(fromUtf8(utf8(s)), s);
});

Deno.test("fromUtf8() refuses invalid UTF-8 with FCP-1040", () => {
  assert.throws(() => fromUtf8(new Uint8Array([0xc3, 0x28])), (e) => isFcpError(e, "FCP-1040"));
});
