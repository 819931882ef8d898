/**
 * `fcp cbor encode [JSON|-]`: the canonical CBOR of a JSON value, as hex.
 *
 * @module
 */
import { encodeCbor, jsonToCbor } from "../../cbor/mod.ts";
import { toHex } from "../../core/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** The `cbor encode` command. */
export const command: CliCommand = {
  path: ["cbor", "encode"],
  summary: "Encode a JSON value as canonical CBOR hex",
  usage: "fcp cbor encode [JSON|-] [--json]",
  description: [
    "Maps JSON to CBOR with the JSON view of the cbor layer (the inverse of",
    "'fcp cbor decode --json') and prints the canonical encoding (RFC 8949 §4.2.1) as hex.",
    "Reads JSON from standard input when JSON is '-' or absent. Put '--' before a",
    "negative number: fcp cbor encode -- -1",
  ].join("\n"),
  args: [{ name: "JSON|-", description: "the value as JSON text", optional: true }],
  async run(ctx) {
    const text = await ctx.readInput(ctx.positionals[0]);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new UsageError("input is not valid JSON", { cause });
    }
    const hex = toHex(encodeCbor(jsonToCbor(json)));
    if (ctx.json) ctx.printJson({ cbor_hex: hex });
    else ctx.out(hex);
  },
};
