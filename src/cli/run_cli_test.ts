import assert from "node:assert/strict";
import { FcpError } from "../core/mod.ts";
import { memoryIo } from "./io.ts";
import { COMMANDS } from "./registry.ts";
import { runCli, runCommandLine } from "./run_cli.ts";
import { GLOBAL_OPTIONS } from "./global_options.ts";
import type { CliCommand } from "./types.ts";

function throwing(error: unknown): CliCommand {
  return {
    path: ["fail"],
    summary: "throws",
    usage: "fcp fail",
    run: () => Promise.reject(error),
  };
}

const echo: CliCommand = {
  path: ["tool", "echo"],
  summary: "prints its input",
  usage: "fcp tool echo [TEXT|-] [--upper] [--tag T]...",
  args: [{ name: "TEXT|-", description: "text", optional: true }],
  options: {
    upper: { type: "boolean", description: "upper-case it" },
    tag: { type: "string", multiple: true, description: "a tag" },
  },
  async run(ctx) {
    const text = await ctx.readInput(ctx.positionals[0]);
    const shown = ctx.flag("upper") ? text.toUpperCase() : text;
    if (ctx.json) ctx.printJson({ text: shown, tags: ctx.strings("tag"), home: ctx.home });
    else ctx.out(shown);
    return 0;
  },
};

Deno.test("fcp --help lists every command, grouped, and exits 0", async () => {
  const io = memoryIo();
  assert.equal(await runCli(["--help"], io), 0);
  for (const c of COMMANDS) assert.ok(io.out().includes(c.path.join(" ")), c.path.join(" "));
  assert.match(io.out(), /^cbor commands:$/m);
  assert.match(io.out(), /^vectors commands:$/m);
  assert.equal(io.err(), "");
});

Deno.test("fcp <command> --help and -h show that command's usage", async () => {
  for (const args of [["vectors", "verify", "--help"], ["-h", "vectors", "verify"]]) {
    const io = memoryIo();
    assert.equal(await runCli(args, io), 0);
    assert.match(io.out(), /^Usage: fcp vectors verify \[DIR\]/);
    assert.match(io.out(), /--area AREA/);
  }
  const group = memoryIo();
  assert.equal(await runCli(["cbor", "--help"], group), 0);
  assert.match(group.out(), /cbor decode/);
});

Deno.test("usage errors exit 2 with a message (JSON with --json)", async () => {
  const cases: [string[], RegExp][] = [
    [[], /no command given/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["cbor", "frobnicate"], /unknown command 'cbor frobnicate'/],
    [["cbor"], /'fcp cbor' needs a command: cbor decode, cbor encode/],
    [["version", "--bogus"], /unknown option '--bogus'/],
    [["version", "extra"], /unexpected argument 'extra'/],
    [["vectors", "verify", "--area"], /option '--area/],
  ];
  for (const [args, message] of cases) {
    const io = memoryIo();
    assert.equal(await runCli(args, io), 2, args.join(" "));
    assert.match(io.err(), /^error: FCP-1040 input\.invalid: /);
    assert.match(io.err(), message);
    assert.equal(io.out(), "");
    const json = memoryIo();
    assert.equal(await runCli([...args, "--json"], json), 2);
    const body = JSON.parse(json.out());
    assert.equal(body.code, "FCP-1040");
    assert.equal(body.name, "input.invalid");
    assert.match(body.message, message);
  }
});

Deno.test("an FcpError maps to its category's exit code", async () => {
  const expected: [ConstructorParameters<typeof FcpError>[0], number][] = [
    ["FCP-1002", 10],
    ["FCP-2003", 11],
    ["FCP-3001", 12],
    ["FCP-4002", 13],
    ["FCP-5001", 14],
    ["FCP-6001", 15],
    ["FCP-9002", 17],
  ];
  for (const [code, exit] of expected) {
    const io = memoryIo();
    const status = await runCommandLine([throwing(new FcpError(code, "detail"))], ["fail"], io);
    assert.equal(status, exit, code);
    assert.match(io.err(), new RegExp(`^error: ${code} [a-z_.]+: detail\n$`));
    const json = memoryIo();
    await runCommandLine([throwing(new FcpError(code, "detail"))], ["fail", "--json"], json);
    assert.deepEqual(Object.keys(JSON.parse(json.out())), ["code", "name", "message"]);
  }
});

Deno.test("a non-FcpError is an internal error (17) without a stack trace", async () => {
  const io = memoryIo();
  const status = await runCommandLine([throwing(new TypeError("x is undefined"))], ["fail"], io);
  assert.equal(status, 17);
  assert.match(io.err(), /^error: FCP-9001 internal\.error: internal error/);
  assert.doesNotMatch(io.err(), /x is undefined|at /);
});

Deno.test("options, repeated options, stdin input and --home reach the command", async () => {
  const io = memoryIo("from stdin");
  const args = ["--home", "/tmp/h", "tool", "echo", "-", "--upper", "--tag", "a", "--tag", "b"];
  assert.equal(await runCommandLine([echo], [...args, "--json"], io), 0);
  assert.deepEqual(JSON.parse(io.out()), { text: "FROM STDIN", tags: ["a", "b"], home: "/tmp/h" });
  const plain = memoryIo();
  assert.equal(await runCommandLine([echo], ["tool", "echo", "hi"], plain), 0);
  assert.equal(plain.out(), "hi\n");
});

Deno.test("no command option shadows a global flag, and command paths are unique", () => {
  const paths = COMMANDS.map((c) => c.path.join(" "));
  assert.equal(new Set(paths).size, paths.length);
  for (const c of COMMANDS) {
    for (const name of Object.keys(c.options ?? {})) {
      assert.ok(!(name in GLOBAL_OPTIONS), `${c.path.join(" ")} --${name}`);
    }
    const args = c.args ?? [];
    const firstOptional = args.findIndex((a) => a.optional);
    if (firstOptional >= 0) assert.ok(args.slice(firstOptional).every((a) => a.optional));
  }
});
