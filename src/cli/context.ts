/**
 * The {@link CommandContext} handed to a command's `run`.
 *
 * @module
 */
import { fromUtf8 } from "../core/mod.ts";
import { resolveHome } from "./home.ts";
import type { CliIo, CommandContext, OptionValue } from "./types.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Build the context for one command run.
 *
 * @example
 * ```ts
 * import { createContext } from "./context.ts";
 * import { memoryIo } from "./io.ts";
 * import assert from "node:assert/strict";
 * const io = memoryIo("a0");
 * const ctx = createContext(["-"], { json: true, area: ["x", "y"], home: "/h" }, io);
 * assert.equal(ctx.json, true);
 * assert.equal(ctx.home, "/h");
 * assert.deepEqual(ctx.strings("area"), ["x", "y"]);
 * assert.equal(await ctx.readInput(ctx.positionals[0]), "a0");
 * ctx.printJson({ ok: true });
 * assert.equal(io.out(), '{"ok":true}\n');
 * ```
 */
export function createContext(
  positionals: readonly string[],
  options: Readonly<Record<string, OptionValue>>,
  io: CliIo,
): CommandContext {
  const string = (name: string): string | undefined => {
    const v = options[name];
    if (typeof v === "string") return v;
    if (Array.isArray(v)) {
      const last = v.at(-1);
      return typeof last === "string" ? last : undefined;
    }
    return undefined;
  };
  return {
    positionals,
    options,
    json: options.json === true,
    home: resolveHome(string("home")),
    io,
    out: (line) => io.stdout(line + "\n"),
    err: (line) => io.stderr(line + "\n"),
    printJson: (value) => io.stdout(JSON.stringify(value, jsonReplacer) + "\n"),
    string,
    strings: (name) => {
      const v = options[name];
      if (typeof v === "string") return [v];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    },
    flag: (name) => {
      const v = options[name];
      return v === true || (Array.isArray(v) && v.length > 0);
    },
    readInput: async (arg) => {
      if (arg !== undefined && arg !== "-") return arg;
      if (!io.readStdin) throw new UsageError("no input argument and no standard input");
      return fromUtf8(await io.readStdin()).trim();
    },
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
