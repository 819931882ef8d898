/**
 * End-to-end tests of the fcp program: each spawns `deno run <the fcp task's flags> main.ts`.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type FcpRun, runFcp } from "./_fcp_cli.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

function fcp(args: string[], stdin?: string): Promise<FcpRun> {
  return runFcp(undefined, args, stdin);
}

Deno.test("fcp --help lists the commands and exits 0", async () => {
  const r = await fcp(["--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: fcp /m);
  assert.match(r.stdout, /vectors verify/);
  assert.match(r.stdout, /cbor decode/);
});

Deno.test("fcp version prints the deno.json version", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  const r = await fcp(["version"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^fcp ${version.replaceAll(".", "\\.")} \\(deno `));
  const j = await fcp(["version", "--json"]);
  assert.equal(JSON.parse(j.stdout).version, version);
});

Deno.test("an unknown command exits 2 with a message on stderr", async () => {
  const r = await fcp(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: FCP-1040 input\.invalid: unknown command 'frobnicate'$/m);
});

Deno.test("fcp vectors verify on the default interop set exits 0", async () => {
  const r = await fcp(["vectors", "verify"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^zone_id_hash +\d+ passed, 0 failed$/m);
  assert.match(r.stdout.trimEnd().split("\n").at(-1)!, /^\d+ passed, 0 failed$/);
});

Deno.test("cbor encode then decode round-trips a JSON value", async () => {
  const value = { b: "x", a: [1, -2, true, null, { n: 70000 }] };
  const enc = await fcp(["cbor", "encode", JSON.stringify(value)]);
  assert.equal(enc.code, 0, enc.stderr);
  const hex = enc.stdout.trim();
  assert.match(hex, /^[0-9a-f]+$/);
  const fromStdin = await fcp(["cbor", "encode", "-"], JSON.stringify(value));
  assert.equal(fromStdin.stdout.trim(), hex);
  const dec = await fcp(["cbor", "decode", hex, "--json"]);
  assert.equal(dec.code, 0, dec.stderr);
  assert.deepEqual(JSON.parse(dec.stdout), value);
  const diag = await fcp(["cbor", "decode", hex]);
  assert.equal(diag.code, 0, diag.stderr);
  assert.match(diag.stdout, /"b"/);
  assert.match(diag.stdout, /70000/);
});

Deno.test("bad CBOR hex gives a JSON error body with --json", async () => {
  const notHex = await fcp(["cbor", "decode", "zz", "--json"]);
  assert.equal(notHex.code, 2);
  const body = JSON.parse(notHex.stdout);
  assert.deepEqual(Object.keys(body), ["code", "name", "message"]);
  assert.equal(body.code, "FCP-1040");
  const malformed = await fcp(["cbor", "decode", "1c", "--json"]); // reserved info 28
  assert.equal(malformed.code, 10);
  assert.equal(JSON.parse(malformed.stdout).code, "FCP-1001");
});

Deno.test("non-canonical CBOR exits 10 (FCP-1002); --lenient accepts it", async () => {
  const r = await fcp(["cbor", "decode", "1800"]);
  assert.equal(r.code, 10);
  assert.match(r.stderr, /^error: FCP-1002 cbor\.non_canonical: /m);
  const lenient = await fcp(["cbor", "decode", "1800", "--lenient"]);
  assert.equal(lenient.code, 0, lenient.stderr);
  assert.equal(lenient.stdout.trim(), "0");
});

Deno.test("cbor decode --prefix checks the schema hash prefix", async () => {
  const prefix = "ab".repeat(32);
  const ok = await fcp(["cbor", "decode", prefix + "a0", "--prefix", prefix, "--json"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), {});
  const wrong = await fcp(["cbor", "decode", prefix + "a0", "--prefix", "cd".repeat(32)]);
  assert.equal(wrong.code, 10);
  assert.match(wrong.stderr, /FCP-1011/);
  const short = await fcp(["cbor", "decode", "a0", "--prefix", "ab"]);
  assert.equal(short.code, 2);
});
