/**
 * Conformance checks for `object_id.json` (WIRE.md §2).
 *
 * @module
 */
import { objectIdKeyed, objectIdUnscoped, schemaHash } from "../../model/mod.ts";
import { expectHex, hex, str } from "../check.ts";
import type { AreaHandler } from "../types.ts";
import { schemaInput } from "./_model_inputs.ts";

/** Handler for the `object_id` area. */
export const handler: AreaHandler = {
  area: "object_id",
  kinds: {
    object_id_keyed(v) {
      const sh = schemaHash(schemaInput(v.inputs));
      expectHex(v, "schema_hash_hex", sh);
      const id = objectIdKeyed(
        hex(v.inputs, "key_hex"),
        str(v.inputs, "zone_id"),
        sh,
        hex(v.inputs, "content_hex"),
      );
      expectHex(v, "object_id_hex", id);
    },
    object_id_unscoped(v) {
      expectHex(v, "object_id_hex", objectIdUnscoped(hex(v.inputs, "content_hex")));
    },
  },
};
