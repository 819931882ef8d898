/**
 * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2), the subkey derivation of XChaCha20.
 * Private to the crypto layer. Uses the permutation exported by `@noble/ciphers`, which takes
 * host-order 32-bit word views of the byte strings.
 *
 * @module
 */
import { hchacha } from "@noble/ciphers/chacha.js";

/** "expand 32-byte k" as host-order words. */
const SIGMA = new Uint32Array(new TextEncoder().encode("expand 32-byte k").buffer);
// Scratch words reused across calls (the call is synchronous); wiped after each use.
const K = new Uint32Array(8);
const K8 = new Uint8Array(K.buffer);
const N = new Uint32Array(4);
const N8 = new Uint8Array(N.buffer);

/** HChaCha20(key 32 B, nonce 16 B) → 32-byte subkey. Caller checks the lengths. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  K8.set(key);
  N8.set(nonce16);
  const out = new Uint32Array(8);
  hchacha(SIGMA, K, N, out);
  K.fill(0);
  return new Uint8Array(out.buffer);
}
