/**
 * Turning `Deno.args` into a command to run (or a help text to print), with `node:util`
 * `parseArgs`. Command words come first (global flags may sit anywhere); command options
 * follow the command words.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { GLOBAL_OPTIONS } from "./global_options.ts";
import { commandHelp, groupHelp, rootHelp } from "./help.ts";
import type { CliCommand, CliOptions, OptionValue } from "./types.ts";
import { UsageError } from "./usage_error.ts";

/** What to do for a command line. */
export type Invocation =
  | { kind: "help"; text: string }
  | {
    kind: "command";
    command: CliCommand;
    positionals: string[];
    options: Record<string, OptionValue>;
  };

type ParseOptions = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean }
>;

function parseOptions(options: CliOptions): ParseOptions {
  const out: ParseOptions = {};
  for (const [name, o] of Object.entries(options)) {
    out[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  return out;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((w, i) => path[i] === w);
}

function parseErrorDetail(e: unknown, command: CliCommand): string {
  const text = e instanceof Error ? e.message.split(/\.\s|\n/)[0]! : String(e);
  const detail = text.charAt(0).toLowerCase() + text.slice(1);
  return `${detail} (usage: ${command.usage})`;
}

/**
 * Resolve a command line against the registered commands.
 *
 * Throws {@link UsageError} (`FCP-1040`) for an unknown command, an unknown or malformed
 * option, or a wrong number of arguments.
 *
 * @example
 * ```ts
 * import { resolveInvocation } from "./invocation.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const commands = [{
 *   path: ["vectors", "verify"],
 *   summary: "run vectors",
 *   usage: "fcp vectors verify [DIR]",
 *   args: [{ name: "DIR", description: "folder", optional: true }],
 *   options: { area: { type: "string" as const, description: "one area" } },
 *   run: async () => {},
 * }];
 * const inv = resolveInvocation(["--json", "vectors", "verify", "--area", "cbor", "d"], commands);
 * assert.equal(inv.kind, "command");
 * if (inv.kind === "command") {
 *   assert.deepEqual(inv.positionals, ["d"]);
 *   assert.equal(inv.options.area, "cbor");
 *   assert.equal(inv.options.json, true);
 * }
 * assert.equal(resolveInvocation(["vectors", "--help"], commands).kind, "help");
 * assert.throws(() => resolveInvocation(["nope"], commands), (e) => isFcpError(e, "FCP-1040"));
 * assert.throws(
 *   () => resolveInvocation(["vectors", "verify", "--bogus"], commands),
 *   (e) => isFcpError(e, "FCP-1040"),
 * );
 * ```
 */
export function resolveInvocation(
  args: readonly string[],
  commands: readonly CliCommand[],
): Invocation {
  const lenient = parseArgs({
    args: [...args],
    options: parseOptions(GLOBAL_OPTIONS),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const path: string[] = [];
  const used = new Set<number>();
  let extra: string | undefined;
  for (const token of lenient.tokens) {
    if (token.kind === "option-terminator") break;
    if (token.kind !== "positional") continue;
    const next = [...path, token.value];
    if (!commands.some((c) => startsWith(c.path, next))) {
      extra = token.value;
      break;
    }
    path.push(token.value);
    used.add(token.index);
  }
  const help = lenient.values.help === true;
  const command = commands.find((c) => c.path.length === path.length && startsWith(c.path, path));
  if (!command) {
    if (extra !== undefined) {
      throw new UsageError(`unknown command '${[...path, extra].join(" ")}'`);
    }
    if (path.length === 0) {
      if (help) return { kind: "help", text: rootHelp(commands) };
      throw new UsageError("no command given");
    }
    const group = path[0]!;
    if (help) return { kind: "help", text: groupHelp(group, commands) };
    const subs = commands.filter((c) => startsWith(c.path, path)).map((c) => c.path.join(" "));
    throw new UsageError(`'fcp ${path.join(" ")}' needs a command: ${subs.join(", ")}`);
  }
  if (help) return { kind: "help", text: commandHelp(command) };

  let parsed;
  try {
    parsed = parseArgs({
      args: args.filter((_, i) => !used.has(i)),
      options: parseOptions({ ...GLOBAL_OPTIONS, ...command.options }),
      strict: true,
      allowPositionals: true,
    });
  } catch (cause) {
    throw new UsageError(parseErrorDetail(cause, command), { cause });
  }
  const specs = command.args ?? [];
  const required = specs.filter((a) => !a.optional).length;
  const n = parsed.positionals.length;
  if (n < required) {
    throw new UsageError(`missing argument ${specs[n]!.name} (usage: ${command.usage})`);
  }
  if (n > specs.length) {
    throw new UsageError(
      `unexpected argument '${parsed.positionals[specs.length]}' (usage: ${command.usage})`,
    );
  }
  return {
    kind: "command",
    command,
    positionals: parsed.positionals,
    options: { ...parsed.values },
  };
}
