/**
 * ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03), detached
 * and combined, on two backends with identical output: libsodium (WASM, ~1.4× faster per 1 KiB
 * symbol, loaded lazily in the background on first use; await {@link aeadReady} before a large
 * batch) and node:crypto until libsodium is ready or if it cannot load.
 *
 * XChaCha20-Poly1305 is HChaCha20(key, nonce[0..16]) as the key and `0⁴ ‖ nonce[16..24]` as the
 * nonce of ChaCha20-Poly1305 (draft §2.3); node:crypto has no XChaCha, so HChaCha20 comes from
 * `@noble/ciphers`. Why node:crypto and not libsodium-wrappers: docs/dependencies.md.
 *
 * Refusals: a key that is not 32 bytes throws `FCP-2002`; a nonce of the wrong length or an
 * unknown algorithm throws `FCP-1040`; every failure to open (wrong key, nonce, AAD,
 * ciphertext or tag, or a tag that is not 16 bytes) throws the opaque `FCP-1025`.
 *
 * @module
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { concatBytes, FcpError } from "../core/mod.ts";
import { plain } from "./_buffers.ts";
import { hchacha20 } from "./_hchacha20.ts";
import { loadSodium, sodiumIfReady } from "./_sodium.ts";

/** The AEADs FCP uses (spec §4.3.1 symbol AEAD, §4.2 FCPC, §3.6.1 HPKE). */
export type AeadAlgorithm = "chacha20poly1305" | "xchacha20poly1305";

/** Key length of both AEADs. */
export const AEAD_KEY_BYTES = 32;
/** Poly1305 tag length. */
export const AEAD_TAG_BYTES = 16;

/**
 * The nonce length of an algorithm: 12 for ChaCha20-Poly1305, 24 for XChaCha20-Poly1305.
 *
 * @example
 * ```ts
 * import { aeadNonceLength } from "./aead.ts";
 * import assert from "node:assert/strict";
 * assert.equal(aeadNonceLength("chacha20poly1305"), 12);
 * assert.equal(aeadNonceLength("xchacha20poly1305"), 24);
 * ```
 */
export function aeadNonceLength(alg: AeadAlgorithm): 12 | 24 {
  if (alg === "chacha20poly1305") return 12;
  if (alg === "xchacha20poly1305") return 24;
  throw new FcpError("FCP-1040", `unknown AEAD algorithm ${JSON.stringify(alg)}`);
}

/**
 * Wait until the faster libsodium backend is loaded (a no-op once it is). Callers about to
 * seal or open many symbols await this; everything works without it, only slower.
 *
 * @example
 * ```ts
 * import { aeadBackend, aeadReady } from "./aead.ts";
 * import assert from "node:assert/strict";
 * await aeadReady();
 * assert.equal(aeadBackend(), "libsodium");
 * ```
 */
export async function aeadReady(): Promise<void> {
  await loadSodium();
}

/**
 * Which backend the next AEAD call uses.
 *
 * @example
 * ```ts
 * import { aeadBackend } from "./aead.ts";
 * import assert from "node:assert/strict";
 * assert.ok(["libsodium", "node:crypto"].includes(aeadBackend()));
 * ```
 */
export function aeadBackend(): "libsodium" | "node:crypto" {
  return sodiumIfReady() === undefined ? "node:crypto" : "libsodium";
}

/** The RFC 8439 key and 12-byte nonce that `alg` with `key`/`nonce` amounts to. */
function checkKeyNonce(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array): void {
  const n = aeadNonceLength(alg);
  if (key.length !== AEAD_KEY_BYTES) {
    throw new FcpError("FCP-2002", `AEAD key must be ${AEAD_KEY_BYTES} bytes, got ${key.length}`);
  }
  if (nonce.length !== n) {
    throw new FcpError("FCP-1040", `${alg} nonce must be ${n} bytes, got ${nonce.length}`);
  }
}

// node:crypto has only the IETF construction: derive XChaCha's subkey and 12-byte nonce.
function ietfKeyNonce(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
): [Uint8Array, Uint8Array] {
  if (alg === "chacha20poly1305") return [key, nonce];
  const nonce12 = new Uint8Array(12);
  nonce12.set(nonce.subarray(16, 24), 4);
  return [hchacha20(key, nonce.subarray(0, 16)), nonce12];
}

/**
 * Encrypt and authenticate; returns the ciphertext (same length as the plaintext) and the
 * 16-byte tag separately.
 *
 * @example
 * ```ts
 * import { aeadOpenDetached, aeadSealDetached } from "./aead.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(0x42);
 * const nonce = new Uint8Array(12);
 * const { ciphertext, tag } = aeadSealDetached("chacha20poly1305", key, nonce, utf8("aad"), utf8("hi"));
 * assert.equal(ciphertext.length, 2);
 * assert.equal(tag.length, 16);
 * const pt = aeadOpenDetached("chacha20poly1305", key, nonce, utf8("aad"), ciphertext, tag);
 * assert.deepEqual(pt, utf8("hi"));
 * ```
 */
export function aeadSealDetached(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  checkKeyNonce(alg, key, nonce);
  const sodium = sodiumIfReady();
  if (sodium !== undefined) {
    const r = alg === "chacha20poly1305"
      ? sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(plaintext, aad, null, nonce, key)
      : sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
        plaintext,
        aad,
        null,
        nonce,
        key,
      );
    return { ciphertext: r.ciphertext, tag: r.mac };
  }
  const [k, n] = ietfKeyNonce(alg, key, nonce);
  const c = createCipheriv("chacha20-poly1305", k, n, { authTagLength: AEAD_TAG_BYTES });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  const rest = c.final();
  const ciphertext = rest.length === 0 ? plain(body) : concatBytes(body, rest);
  return { ciphertext, tag: plain(c.getAuthTag()) };
}

/**
 * Verify and decrypt a detached ciphertext and tag. Any failure throws `FCP-1025`
 * ("AEAD open failed"), without saying why.
 *
 * @example
 * ```ts
 * import { aeadOpenDetached, aeadSealDetached } from "./aead.ts";
 * import { isFcpError, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(0x42);
 * const nonce = new Uint8Array(24);
 * const s = aeadSealDetached("xchacha20poly1305", key, nonce, utf8("aad"), utf8("hi"));
 * assert.throws(
 *   () => aeadOpenDetached("xchacha20poly1305", key, nonce, utf8("AAD"), s.ciphertext, s.tag),
 *   (e) => isFcpError(e, "FCP-1025"),
 * );
 * ```
 */
export function aeadOpenDetached(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Uint8Array {
  checkKeyNonce(alg, key, nonce);
  if (tag.length !== AEAD_TAG_BYTES) throw openFailed();
  const sodium = sodiumIfReady();
  try {
    if (sodium !== undefined) {
      return alg === "chacha20poly1305"
        ? sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(
          null,
          ciphertext,
          tag,
          aad,
          nonce,
          key,
        )
        : sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
          null,
          ciphertext,
          tag,
          aad,
          nonce,
          key,
        );
    }
    const [k, n] = ietfKeyNonce(alg, key, nonce);
    const d = createDecipheriv("chacha20-poly1305", k, n, { authTagLength: AEAD_TAG_BYTES });
    d.setAAD(aad, { plaintextLength: ciphertext.length });
    d.setAuthTag(tag);
    const body = d.update(ciphertext);
    const rest = d.final(); // throws when the tag does not verify
    return rest.length === 0 ? plain(body) : concatBytes(body, rest);
  } catch {
    throw openFailed();
  }
}

/**
 * Encrypt and authenticate; returns `ciphertext ‖ tag` (plaintext length + 16).
 *
 * @example
 * ```ts
 * import { aeadOpen, aeadSeal } from "./aead.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(1);
 * const nonce = new Uint8Array(12);
 * const sealed = aeadSeal("chacha20poly1305", key, nonce, new Uint8Array(0), utf8("abc"));
 * assert.equal(sealed.length, 3 + 16);
 * assert.deepEqual(aeadOpen("chacha20poly1305", key, nonce, new Uint8Array(0), sealed), utf8("abc"));
 * ```
 */
export function aeadSeal(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const { ciphertext, tag } = aeadSealDetached(alg, key, nonce, aad, plaintext);
  return concatBytes(ciphertext, tag);
}

/**
 * Verify and decrypt `ciphertext ‖ tag`. Any failure, including input shorter than the tag,
 * throws `FCP-1025`.
 *
 * @example
 * ```ts
 * import { aeadOpen } from "./aead.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32);
 * assert.throws(
 *   () => aeadOpen("chacha20poly1305", key, new Uint8Array(12), new Uint8Array(0), new Uint8Array(15)),
 *   (e) => isFcpError(e, "FCP-1025"),
 * );
 * ```
 */
export function aeadOpen(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  if (sealed.length < AEAD_TAG_BYTES) {
    checkKeyNonce(alg, key, nonce); // report key/nonce misuse first, as the detached form does
    throw openFailed();
  }
  const cut = sealed.length - AEAD_TAG_BYTES;
  return aeadOpenDetached(alg, key, nonce, aad, sealed.subarray(0, cut), sealed.subarray(cut));
}

function openFailed(): FcpError {
  return new FcpError("FCP-1025", "AEAD open failed");
}
