/**
 * Cryptographic primitives: BLAKE3, SHA-256, HMAC, HKDF, Ed25519 (strict), X25519, AEADs,
 * the per-symbol AEAD of FCPS records, and HPKE sealed boxes. Imports only `core`.
 *
 * Library choices and their measured reasons: docs/dependencies.md.
 *
 * @module
 */
export { blake3, type Blake3Hasher, blake3Keyed, blake3Parts, createBlake3 } from "./blake3.ts";
export { hkdfSha256, hmacSha256, sha256 } from "./sha256.ts";
export { randomBytes } from "./random.ts";
export { constantTimeEqual } from "./constant_time.ts";
export { ed25519PublicKey, ed25519Sign, ed25519Verify } from "./ed25519.ts";
export { x25519PublicKey, x25519SharedSecret } from "./x25519.ts";
export {
  AEAD_KEY_BYTES,
  AEAD_TAG_BYTES,
  type AeadAlgorithm,
  aeadBackend,
  aeadNonceLength,
  aeadOpen,
  aeadOpenDetached,
  aeadReady,
  aeadSeal,
  aeadSealDetached,
} from "./aead.ts";
export { chacha20Keystream } from "./chacha20.ts";
export {
  openSymbol,
  sealSymbol,
  SENDER_KEY_LABEL,
  SenderKeyCache,
  senderKeyInfo,
  senderSubkey,
  SYMBOL_AAD_BYTES,
  symbolAad,
  type SymbolAadParams,
  type SymbolAeadParams,
  SymbolCipher,
  type SymbolCipherParams,
  symbolNonce,
  type SymbolNonceParams,
} from "./symbol_aead.ts";
export {
  HPKE_AEAD_ID,
  HPKE_ENC_BYTES,
  HPKE_INFO,
  HPKE_KDF_ID,
  HPKE_KEM_ID,
  HPKE_MAX_SEALED_BYTES,
  hpkeDeriveKeyPair,
  hpkeOpen,
  type HpkeOpenOptions,
  hpkeSeal,
  hpkeSealedBoxRaw,
  type HpkeSealOptions,
  parseHpkeSealedBoxRaw,
} from "./hpke.ts";
export {
  hpkeBaseKeySchedule,
  hpkeDeriveX25519SecretKey,
  hpkeKemSharedSecret,
  type HpkeKeySchedule,
  type HpkeSealTrace,
  hpkeSealTrace,
} from "./hpke_key_schedule.ts";
