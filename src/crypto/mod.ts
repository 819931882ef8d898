/**
 * Cryptographic primitives: BLAKE3, SHA-256, HMAC, HKDF, Ed25519 (strict), X25519, AEADs, HPKE.
 *
 * @module
 */
export {};
