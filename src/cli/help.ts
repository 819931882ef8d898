/**
 * Help texts: the command list (`fcp --help`), a group's list (`fcp cbor`) and one command's
 * usage (`fcp <command> --help`).
 *
 * @module
 */
import { GLOBAL_OPTIONS } from "./global_options.ts";
import type { CliCommand, CliOptions } from "./types.ts";

function table(rows: readonly (readonly [string, string])[], minWidth = 0): string[] {
  const width = Math.max(minWidth, ...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`.trimEnd());
}

function optionRows(options: CliOptions): [string, string][] {
  return Object.entries(options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : "    ";
    const value = o.type === "string" ? ` ${o.valueName ?? "VALUE"}` : "";
    const repeat = o.multiple ? " (repeatable)" : "";
    return [`${short}--${name}${value}`, o.description + repeat];
  });
}

function commandName(c: CliCommand): string {
  return c.path.join(" ");
}

function commandRows(commands: readonly CliCommand[]): [string, string][] {
  return commands.map((c) => [commandName(c), c.summary]);
}

/**
 * `fcp --help`: commands grouped by their first word, then the global flags.
 *
 * @example
 * ```ts
 * import { rootHelp } from "./help.ts";
 * import assert from "node:assert/strict";
 * const text = rootHelp([
 *   { path: ["version"], summary: "print it", usage: "fcp version", run: async () => {} },
 *   { path: ["cbor", "decode"], summary: "decode", usage: "fcp cbor decode", run: async () => {} },
 * ]);
 * assert.match(text, /cbor commands:\n  cbor decode/);
 * assert.match(text, /--json/);
 * ```
 */
export function rootHelp(commands: readonly CliCommand[]): string {
  const single = commands.filter((c) => c.path.length === 1);
  const groups = [...new Set(commands.filter((c) => c.path.length > 1).map((c) => c.path[0]!))];
  const width = Math.max(...commands.map((c) => commandName(c).length));
  const lines = [
    "fcp: a Flywheel Connector Protocol V2 node and its tools",
    "",
    "Usage: fcp [--json] [--home DIR] <command> [ARGS...]",
    "",
  ];
  if (single.length > 0) lines.push("Commands:", ...table(commandRows(single), width), "");
  for (const g of groups) {
    const members = commands.filter((c) => c.path[0] === g);
    lines.push(`${g} commands:`, ...table(commandRows(members), width), "");
  }
  lines.push("Global flags:", ...table(optionRows(GLOBAL_OPTIONS)), "");
  lines.push("Run 'fcp <command> --help' for a command's usage. Exit codes: docs/cli.md.");
  return lines.join("\n") + "\n";
}

/**
 * `fcp <group>`: the commands under one first word.
 *
 * @example
 * ```ts
 * import { groupHelp } from "./help.ts";
 * import assert from "node:assert/strict";
 * const text = groupHelp("cbor", [
 *   { path: ["cbor", "decode"], summary: "decode", usage: "fcp cbor decode", run: async () => {} },
 * ]);
 * assert.match(text, /Usage: fcp cbor <command>/);
 * ```
 */
export function groupHelp(group: string, commands: readonly CliCommand[]): string {
  const members = commands.filter((c) => c.path[0] === group);
  return [
    `Usage: fcp ${group} <command> [ARGS...]`,
    "",
    `${group} commands:`,
    ...table(commandRows(members)),
    "",
    `Run 'fcp ${group} <command> --help' for a command's usage.`,
  ].join("\n") + "\n";
}

/**
 * `fcp <command> --help`: synopsis, description, arguments, options and global flags.
 *
 * @example
 * ```ts
 * import { commandHelp } from "./help.ts";
 * import assert from "node:assert/strict";
 * const text = commandHelp({
 *   path: ["vectors", "verify"],
 *   summary: "run vectors",
 *   usage: "fcp vectors verify [DIR]",
 *   args: [{ name: "DIR", description: "vector folder", optional: true }],
 *   options: { area: { type: "string", valueName: "AREA", description: "only this area" } },
 *   run: async () => {},
 * });
 * assert.match(text, /^Usage: fcp vectors verify \[DIR\]/);
 * assert.match(text, /--area AREA/);
 * ```
 */
export function commandHelp(command: CliCommand): string {
  const lines = [`Usage: ${command.usage}`, "", command.summary];
  if (command.description) lines.push("", command.description);
  if (command.args && command.args.length > 0) {
    lines.push("", "Arguments:", ...table(command.args.map((a) => [a.name, a.description])));
  }
  if (command.options && Object.keys(command.options).length > 0) {
    lines.push("", "Options:", ...table(optionRows(command.options)));
  }
  lines.push("", "Global flags:", ...table(optionRows(GLOBAL_OPTIONS)));
  return lines.join("\n") + "\n";
}
