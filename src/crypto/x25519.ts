/**
 * X25519 (RFC 7748) over node:crypto (about 4x faster than @noble/curves; docs/dependencies.md).
 *
 * @module
 */
import { diffieHellman } from "node:crypto";
import { FcpError } from "../core/mod.ts";
import { plain } from "./_buffers.ts";
import { rawPublicKey, x25519PrivateKeyObject, x25519PublicKeyObject } from "./_key_objects.ts";

function check32(b: Uint8Array, what: string): void {
  if (b.length !== 32) {
    throw new FcpError("FCP-2002", `X25519 ${what} must be 32 bytes, got ${b.length}`);
  }
}

/**
 * The X25519 public key (`X25519(sk, 9)`) of a 32-byte secret key (`FCP-2002` otherwise).
 * The secret is clamped as RFC 7748 §5 prescribes.
 *
 * @example
 * ```ts
 * import { x25519PublicKey } from "./x25519.ts";
 * import { fromHex, toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // RFC 7748 §6.1 (Alice)
 * const sk = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
 * assert.equal(
 *   toHex(x25519PublicKey(sk)),
 *   "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
 * );
 * ```
 */
export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  check32(secretKey, "secret key");
  return rawPublicKey(x25519PrivateKeyObject(secretKey));
}

/**
 * The X25519 shared secret of our secret key and the peer's public key (both 32 bytes, else
 * `FCP-2002`). The peer key's top bit is ignored (RFC 7748 §5). An all-zero result, i.e. a
 * small-order peer key (RFC 7748 §6.1), throws `FCP-2002`.
 *
 * @example
 * ```ts
 * import { x25519PublicKey, x25519SharedSecret } from "./x25519.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const a = new Uint8Array(32).fill(1);
 * const b = new Uint8Array(32).fill(2);
 * assert.deepEqual(
 *   x25519SharedSecret(a, x25519PublicKey(b)),
 *   x25519SharedSecret(b, x25519PublicKey(a)),
 * );
 * assert.throws(() => x25519SharedSecret(a, new Uint8Array(32)), (e) => isFcpError(e, "FCP-2002"));
 * ```
 */
export function x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  check32(secretKey, "secret key");
  check32(publicKey, "public key");
  const peer = publicKey.slice();
  peer[31] = peer[31]! & 0x7f; // RFC 7748 §5: mask the most significant bit of u
  let out: Uint8Array;
  try {
    out = plain(diffieHellman({
      privateKey: x25519PrivateKeyObject(secretKey),
      publicKey: x25519PublicKeyObject(peer),
    }));
  } catch (cause) {
    // node:crypto refuses small-order peers itself ("failed during derivation").
    throw new FcpError("FCP-2002", "X25519 peer public key is invalid (small order)", { cause });
  }
  let acc = 0;
  for (const b of out) acc |= b;
  if (acc === 0) throw new FcpError("FCP-2002", "X25519 peer public key is invalid (small order)");
  return out;
}
