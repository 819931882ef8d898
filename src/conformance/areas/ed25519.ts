/**
 * Conformance checks for `ed25519.json` (WIRE.md §5): RFC 8032 signing and strict
 * (dalek `verify_strict`) verification.
 *
 * @module
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "../../crypto/mod.ts";
import { isFcpError } from "../../core/mod.ts";
import { expectEqual, expectHex, hex } from "../check.ts";
import { type AreaHandler, ConformanceMismatch } from "../types.ts";

/** Strict verify; a wrong-length key or signature counts as invalid. */
function verifies(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    return ed25519Verify(pk, msg, sig);
  } catch (e) {
    if (isFcpError(e, "FCP-2001") || isFcpError(e, "FCP-2002")) return false;
    throw e;
  }
}

/** Handler for the `ed25519` area. */
export const handler: AreaHandler = {
  area: "ed25519",
  kinds: {
    ed25519_sign(v) {
      const seed = hex(v.inputs, "secret_key_hex");
      const msg = hex(v.inputs, "message_hex");
      const pk = ed25519PublicKey(seed);
      const sig = ed25519Sign(seed, msg);
      expectHex(v, "public_key_hex", pk);
      expectHex(v, "signature_hex", sig);
      if (!verifies(pk, msg, sig)) {
        throw new ConformanceMismatch(
          "signature_hex",
          "a signature that verifies",
          "one that does not",
        );
      }
    },
    ed25519_verify(v) {
      const ok = verifies(
        hex(v.inputs, "public_key_hex"),
        hex(v.inputs, "message_hex"),
        hex(v.inputs, "signature_hex"),
      );
      expectEqual(v, "valid", ok);
    },
  },
};
