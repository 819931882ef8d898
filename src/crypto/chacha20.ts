/**
 * The raw ChaCha20 keystream (RFC 8439 §2.4 with an all-zero nonce, block counter 0), as a
 * seeded ChaCha20 RNG emits it. Used for deterministic test randomness, e.g. the HPKE
 * ephemeral IKM of the interop vectors (WIRE.md §7). Not an encryption API.
 *
 * @module
 */
import { createCipheriv } from "node:crypto";
import { FcpError } from "../core/mod.ts";
import { plain } from "./_buffers.ts";

/** Upper bound on one keystream request (16 MiB). */
const MAX_KEYSTREAM = 1 << 24;

/**
 * The first `length` bytes of the ChaCha20 keystream for `key` (32 bytes, else `FCP-2002`),
 * nonce 0, counter 0. `length` outside 0..16 MiB throws `FCP-1040`.
 *
 * @example
 * ```ts
 * import { chacha20Keystream } from "./chacha20.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // RFC 8439 §A.1 test vector 1 (all-zero key, nonce and counter)
 * assert.equal(
 *   toHex(chacha20Keystream(new Uint8Array(32), 16)),
 *   "76b8e0ada0f13d90405d6ae55386bd28",
 * );
 * ```
 */
export function chacha20Keystream(key: Uint8Array, length: number): Uint8Array {
  if (key.length !== 32) {
    throw new FcpError("FCP-2002", `ChaCha20 key must be 32 bytes, got ${key.length}`);
  }
  if (!Number.isInteger(length) || length < 0 || length > MAX_KEYSTREAM) {
    throw new FcpError("FCP-1040", `keystream length must be 0..${MAX_KEYSTREAM}, got ${length}`);
  }
  // node:crypto's "chacha20" IV is the 16-byte state words 12..15: u32le counter ‖ 12-byte nonce.
  const c = createCipheriv("chacha20", key, new Uint8Array(16));
  return plain(c.update(new Uint8Array(length)));
}
