/**
 * `fcp cbor decode [HEX|-] [--prefix SCHEMA_HASH_HEX] [--lenient]`: show CBOR bytes as
 * diagnostic notation, or as their JSON view with `--json`.
 *
 * @module
 */
import { cborDiagnostic, cborToJson, decodeCbor, decodePrefixed } from "../../cbor/mod.ts";
import { fromHex, isFcpError } from "../../core/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** Parse a hex argument; bad hex is a usage error (`FCP-1040`, exit 2). */
export function hexArgument(text: string, what: string, length?: number): Uint8Array {
  try {
    return fromHex(text.replace(/\s+/g, ""), length, what);
  } catch (cause) {
    if (isFcpError(cause, "FCP-1040")) throw new UsageError(cause.detail, { cause });
    throw cause;
  }
}

/** The `cbor decode` command. */
export const command: CliCommand = {
  path: ["cbor", "decode"],
  summary: "Decode CBOR hex to diagnostic notation (or JSON with --json)",
  usage: "fcp cbor decode [HEX|-] [--prefix SCHEMA_HASH_HEX] [--lenient] [--json]",
  description: [
    "Decodes exactly one item with the strict canonical decoder (WIRE.md §1): non-canonical",
    "input fails with FCP-1002 (exit 10). With --prefix the input must start with that",
    "32-byte SchemaHash (spec §3.5). Reads hex from standard input when HEX is '-' or absent;",
    "whitespace in the hex is ignored.",
  ].join("\n"),
  args: [{ name: "HEX|-", description: "the CBOR bytes as hex", optional: true }],
  options: {
    prefix: {
      type: "string",
      valueName: "SCHEMA_HASH_HEX",
      description: "expect and strip this 32-byte schema hash prefix",
    },
    lenient: {
      type: "boolean",
      description: "accept non-canonical (but well-formed) encodings",
    },
  },
  async run(ctx) {
    const bytes = hexArgument(await ctx.readInput(ctx.positionals[0]), "CBOR input");
    const options = { canonical: !ctx.flag("lenient") };
    const prefix = ctx.string("prefix");
    const value = prefix === undefined
      ? decodeCbor(bytes, options)
      : decodePrefixed(bytes, hexArgument(prefix, "--prefix", 32), options);
    if (ctx.json) ctx.printJson(cborToJson(value));
    else ctx.out(cborDiagnostic(value));
  },
};
