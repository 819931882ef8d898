/**
 * Conformance checks for `signing_bytes.json` (WIRE.md §5a).
 *
 * @module
 */
import { fcp2SigningBytes, signSchemaHash8 } from "../../model/mod.ts";
import { expectHex, hex, str } from "../check.ts";
import type { AreaHandler } from "../types.ts";

/** Handler for the `signing_bytes` area. */
export const handler: AreaHandler = {
  area: "signing_bytes",
  kinds: {
    fcp2_sign_schema_hash8(v) {
      expectHex(v, "hash8_hex", signSchemaHash8(str(v.inputs, "schema_id")));
    },
    fcp2_sign_signing_bytes(v) {
      const bytes = fcp2SigningBytes(str(v.inputs, "schema_id"), hex(v.inputs, "cbor_hex"));
      expectHex(v, "signing_bytes_hex", bytes);
    },
  },
};
