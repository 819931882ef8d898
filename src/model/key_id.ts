/**
 * Key ids (spec §2.2 rule 5, WIRE.md §2): `kid = BLAKE3("fcp.kid.v2" ‖ public key)[0..8]`.
 *
 * @module
 */
import { FcpError, utf8 } from "../core/mod.ts";
import { blake3Parts } from "../crypto/mod.ts";

const KID_DOMAIN = utf8("fcp.kid.v2");

/**
 * The 8-byte key id of a 32-byte public key.
 *
 * @example
 * ```ts
 * import { keyId } from "./key_id.ts";
 * import assert from "node:assert/strict";
 * assert.equal(keyId(new Uint8Array(32)).length, 8);
 * ```
 */
export function keyId(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new FcpError("FCP-2002", "public key must be 32 bytes");
  return blake3Parts([KID_DOMAIN, publicKey]).slice(0, 8);
}
