/**
 * Conformance checks for `zone_id_hash.json` (WIRE.md §3).
 *
 * @module
 */
import { zoneIdHash } from "../../model/mod.ts";
import { expectHex, str } from "../check.ts";
import type { AreaHandler } from "../types.ts";

/** Handler for the `zone_id_hash` area. */
export const handler: AreaHandler = {
  area: "zone_id_hash",
  kinds: {
    zone_id_hash(v) {
      expectHex(v, "zone_id_hash_hex", zoneIdHash(str(v.inputs, "zone_id")));
    },
  },
};
