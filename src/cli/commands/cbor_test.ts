import assert from "node:assert/strict";
import { memoryIo } from "../io.ts";
import { runCli } from "../run_cli.ts";

async function fcp(
  args: string[],
  stdin = "",
): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(stdin);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

Deno.test("cbor encode prints canonical hex, or {cbor_hex} with --json", async () => {
  const plain = await fcp(["cbor", "encode", '{"b":1,"a":[true,null]}']);
  assert.equal(plain.code, 0, plain.err);
  assert.equal(plain.out, "a2616182f5f6616201\n");
  const json = await fcp(["cbor", "encode", '{"b":1,"a":[true,null]}', "--json"]);
  assert.equal(json.code, 0, json.err);
  assert.deepEqual(JSON.parse(json.out), { cbor_hex: "a2616182f5f6616201" });
  const stdin = await fcp(["cbor", "encode"], '{"$bytes":"0102"}');
  assert.equal(stdin.out, "420102\n");
});

Deno.test("cbor encode and decode --json agree on the JSON view of every value kind", async () => {
  const value = {
    big: { $bigint: "18446744073709551615" },
    bytes: { $bytes: "00ff" },
    f: { $float: 1 },
    half: 1.5,
    neg: -24,
    keys: { $map: [[1, "a"], [-1, "b"]] },
    t: "ü",
  };
  const enc = await fcp(["cbor", "encode", JSON.stringify(value)]);
  assert.equal(enc.code, 0, enc.err);
  const dec = await fcp(["cbor", "decode", enc.out.trim(), "--json"]);
  assert.equal(dec.code, 0, dec.err);
  assert.deepEqual(JSON.parse(dec.out), value);
  const diag = await fcp(["cbor", "decode", enc.out.trim()]);
  assert.match(diag.out, /18446744073709551615/);
  assert.match(diag.out, /h'00ff'/);
});

Deno.test("cbor decode --json reports each bad-input class as {code, name, message}, exit 10", async () => {
  const cases: Array<[string, string]> = [
    ["1800", "FCP-1002"], // non-canonical
    ["1901", "FCP-1001"], // truncated
    ["5bffffffffffffffff", "FCP-1008"], // oversized declared length
    ["81".repeat(200) + "00", "FCP-1007"], // too deep
    ["0000", "FCP-1009"], // trailing bytes
    ["a2616101616102", "FCP-1003"], // duplicate key
    ["9f01ff", "FCP-1004"], // indefinite length
    ["c101", "FCP-1005"], // tag
    ["f97e00", "FCP-1006"], // NaN
  ];
  for (const [hex, code] of cases) {
    const r = await fcp(["cbor", "decode", hex, "--json"]);
    assert.equal(r.code, 10, hex);
    const body = JSON.parse(r.out);
    assert.deepEqual(Object.keys(body), ["code", "name", "message"], hex);
    assert.equal(body.code, code, hex);
    assert.match(body.message, /offset \d+|exceeds|trailing/, hex);
  }
  const wrongPrefix = await fcp([
    "cbor",
    "decode",
    "ab".repeat(32) + "a0",
    "--prefix",
    "cd".repeat(32),
    "--json",
  ]);
  assert.equal(wrongPrefix.code, 10);
  assert.equal(JSON.parse(wrongPrefix.out).code, "FCP-1011");
});

Deno.test("cbor encode refuses what has no canonical CBOR form", async () => {
  const notJson = await fcp(["cbor", "encode", "{nope", "--json"]);
  assert.equal(notJson.code, 2);
  assert.equal(JSON.parse(notJson.out).code, "FCP-1040");
  const tooBig = await fcp(["cbor", "encode", '{"$bigint":"18446744073709551616"}']);
  assert.equal(tooBig.code, 10);
  assert.match(tooBig.err, /^error: FCP-10\d\d /);
  const deep = await fcp(["cbor", "encode", "[".repeat(200) + "]".repeat(200)]);
  assert.equal(deep.code, 10);
  assert.match(deep.err, /FCP-1007/);
});
