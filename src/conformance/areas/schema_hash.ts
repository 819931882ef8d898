/**
 * Conformance checks for `schema_hash.json` (WIRE.md D1).
 *
 * @module
 */
import { schemaHash, schemaHashPreimage } from "../../model/mod.ts";
import { expectHex } from "../check.ts";
import type { AreaHandler } from "../types.ts";
import { schemaInput } from "./_model_inputs.ts";

/** Handler for the `schema_hash` area. */
export const handler: AreaHandler = {
  area: "schema_hash",
  kinds: {
    schema_hash(v) {
      const s = schemaInput(v.inputs);
      expectHex(v, "preimage_hex", schemaHashPreimage(s));
      expectHex(v, "schema_hash_hex", schemaHash(s));
    },
  },
};
