/**
 * Conformance checks for the project's golden `vectors/model.json`.
 *
 * @module
 */
import { encodeObjectHeader, schemaHash, zoneToTailscaleTag } from "../../model/mod.ts";
import { expectEqual, expectHex, str } from "../check.ts";
import type { AreaHandler } from "../types.ts";
import { headerInput, schemaInput } from "./_model_inputs.ts";
import { handler as zoneIdHash } from "./zone_id_hash.ts";

/** Handler for the `model` golden area. */
export const handler: AreaHandler = {
  area: "model",
  kinds: {
    ...zoneIdHash.kinds,
    zone_tailscale_tag(v) {
      expectEqual(v, "tag", zoneToTailscaleTag(str(v.inputs, "zone_id")));
    },
    schema_hash_only(v) {
      expectHex(v, "schema_hash_hex", schemaHash(schemaInput(v.inputs)));
    },
    object_header_cbor(v) {
      expectHex(v, "header_cbor_hex", encodeObjectHeader(headerInput(v.inputs)));
    },
  },
};
