/**
 * Ed25519 (RFC 8032) over node:crypto, with strict verification.
 *
 * Signing is deterministic RFC 8032 Ed25519 from a 32-byte seed. Verification matches
 * ed25519-dalek `verify_strict` (WIRE.md §5; the Rust reference uses it): besides the
 * cofactorless equation that node:crypto checks, it rejects a non-canonical `S` (`S ≥ L`),
 * non-canonical encodings of `A` or `R` (`y ≥ p`), and small-order `A` or `R`. ZIP-215's
 * permissive rules are not accepted. Parsed keys are cached (docs/dependencies.md).
 *
 * @module
 */
import { sign, verify } from "node:crypto";
import { FcpError } from "../core/mod.ts";
import { plain } from "./_buffers.ts";
import {
  isCanonicalPointEncoding,
  isCanonicalScalar,
  isSmallOrderEncoding,
} from "./_ed25519_strict.ts";
import { ed25519Signer, ed25519Verifier } from "./_key_objects.ts";

function checkSeed(seed: Uint8Array): void {
  if (seed.length !== 32) {
    throw new FcpError("FCP-2002", `Ed25519 seed must be 32 bytes, got ${seed.length}`);
  }
}

/**
 * The 32-byte Ed25519 public key of a 32-byte seed (`FCP-2002` otherwise).
 *
 * @example
 * ```ts
 * import { ed25519PublicKey } from "./ed25519.ts";
 * import { fromHex, toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // RFC 8032 §7.1 test 1
 * const seed = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
 * assert.equal(
 *   toHex(ed25519PublicKey(seed)),
 *   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
 * );
 * ```
 */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed25519Signer(seed).publicKey.slice();
}

/**
 * Deterministic RFC 8032 Ed25519 signature (64 bytes) of `message` by the key with this
 * 32-byte seed (`FCP-2002` otherwise).
 *
 * @example
 * ```ts
 * import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "./ed25519.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(7);
 * const sig = ed25519Sign(seed, utf8("hello"));
 * assert.equal(sig.length, 64);
 * assert.deepEqual(sig, ed25519Sign(seed, utf8("hello")));
 * assert.ok(ed25519Verify(ed25519PublicKey(seed), utf8("hello"), sig));
 * ```
 */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  checkSeed(seed);
  return plain(sign(null, message, ed25519Signer(seed).key));
}

/**
 * Strict Ed25519 verification (RFC 8032 plus dalek `verify_strict` rules; not ZIP-215).
 * Returns whether the signature is valid. A public key that is not 32 bytes throws `FCP-2002`;
 * a signature that is not 64 bytes throws `FCP-2001`. Everything else (bad point, small-order
 * or non-canonical `A`/`R`, `S ≥ L`, wrong message) returns `false`.
 *
 * @example
 * ```ts
 * import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "./ed25519.ts";
 * import { isFcpError, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(7);
 * const pk = ed25519PublicKey(seed);
 * const sig = ed25519Sign(seed, utf8("hello"));
 * assert.ok(ed25519Verify(pk, utf8("hello"), sig));
 * assert.ok(!ed25519Verify(pk, utf8("hellO"), sig));
 * // the identity point as public key is small-order: rejected
 * const identity = new Uint8Array(32);
 * identity[0] = 1;
 * assert.ok(!ed25519Verify(identity, utf8("hello"), sig));
 * assert.throws(() => ed25519Verify(pk, utf8("hello"), sig.subarray(1)), (e) => isFcpError(e, "FCP-2001"));
 * ```
 */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32) {
    throw new FcpError("FCP-2002", `Ed25519 public key must be 32 bytes, got ${publicKey.length}`);
  }
  if (signature.length !== 64) {
    throw new FcpError("FCP-2001", `Ed25519 signature must be 64 bytes, got ${signature.length}`);
  }
  const r = signature.subarray(0, 32);
  if (!isCanonicalScalar(signature.subarray(32, 64))) return false;
  if (!isCanonicalPointEncoding(publicKey) || isSmallOrderEncoding(publicKey)) return false;
  if (!isCanonicalPointEncoding(r) || isSmallOrderEncoding(r)) return false;
  const key = ed25519Verifier(publicKey);
  if (key === null) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
