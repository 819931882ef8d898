import assert from "node:assert/strict";
import { isFcpError } from "./errors.ts";
import { fromHex, fromUtf8, toHex, utf8 } from "./bytes.ts";

Deno.test("fromUtf8() keeps a leading BOM so text round-trips exactly", () => {
  const s = "\uFEFFz:work";
  assert.equal(fromUtf8(utf8(s)), s);
});

Deno.test("fromUtf8() refuses invalid UTF-8 with FCP-1040", () => {
  assert.throws(() => fromUtf8(new Uint8Array([0xc3, 0x28])), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("fromHex() reads every byte in either case and round-trips with toHex()", () => {
  const all = new Uint8Array(256).map((_, i) => i);
  assert.deepEqual(fromHex(toHex(all)), all);
  assert.deepEqual(fromHex(toHex(all).toUpperCase()), all);
  assert.deepEqual(fromHex(""), new Uint8Array(0));
  assert.deepEqual(fromHex("0aFf", 2), new Uint8Array([10, 255]));
});

Deno.test("fromHex() refuses every non-hex character, odd lengths and wrong sizes (FCP-1040)", () => {
  // The characters just outside each digit range, white space, signs, and non-ASCII digits.
  for (
    const bad of ["/0", ":0", "`0", "g0", "@0", "G0", " 0", "0 ", "+1", "-1", "0x", "\u0661\u0662"]
  ) {
    assert.throws(() => fromHex(bad), (e) => isFcpError(e, "FCP-1040"), bad);
  }
  assert.throws(() => fromHex("abc"), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => fromHex("abcd", 3), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => fromHex("zz", undefined, "token"), /token is not valid hex/);
});
