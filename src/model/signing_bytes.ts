/**
 * `FCP2-SIGN-V1` signing bytes (WIRE.md §5a; spec §3.5.1 is not what the reference does, D2):
 * `"FCP2-SIGN-V1" ‖ BLAKE3(schema_id string)[0..8] ‖ canonical CBOR of the unsigned payload`.
 *
 * @module
 */
import { BoundedLru, concatBytes, FcpError, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";

const SIGN_DOMAIN = utf8("FCP2-SIGN-V1");

/**
 * The 8-byte schema hash used by `FCP2-SIGN-V1`: `BLAKE3(schema_id)[0..8]`, where
 * `schema_id` is a string like `fcp.core.CapabilityObject/1.0.0` (see `schemaIdString`).
 * This is not the 32-byte SchemaHash.
 *
 * @example
 * ```ts
 * import { signSchemaHash8 } from "./signing_bytes.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(signSchemaHash8("fcp.core.CapabilityObject/1.0.0")), "28cb6f0e02d0c489");
 * ```
 */
export function signSchemaHash8(schemaId: string): Uint8Array {
  if (schemaId.length === 0) throw new FcpError("FCP-1012", "schema id string is empty");
  let h = SIGN_SCHEMA_HASHES.get(schemaId);
  if (h === undefined) {
    h = blake3(utf8(schemaId)).slice(0, 8);
    SIGN_SCHEMA_HASHES.set(schemaId, h);
  }
  return h.slice();
}

// Every signature of a kind hashes the same schema id string: computed once, copies handed out.
const SIGN_SCHEMA_HASHES = new BoundedLru<string, Uint8Array>(4096);

/**
 * `"FCP2-SIGN-V1" ‖ hash8(schema_id) ‖ cbor`.
 *
 * @example
 * ```ts
 * import { fcp2SigningBytes } from "./signing_bytes.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fcp2SigningBytes("fcp.core.CapabilityObject/1.0.0", new Uint8Array()).length, 20);
 * ```
 */
export function fcp2SigningBytes(schemaId: string, canonicalCbor: Uint8Array): Uint8Array {
  return concatBytes(SIGN_DOMAIN, signSchemaHash8(schemaId), canonicalCbor);
}
