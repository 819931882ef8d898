/**
 * node:crypto `KeyObject`s from raw 32-byte Ed25519/X25519 keys, via fixed DER prefixes
 * (RFC 8410), with small bounded caches. Private to the crypto layer.
 *
 * Building a `KeyObject` costs more than the operation itself (Ed25519 sign: ~54 µs with a
 * fresh private key vs ~18 µs with a cached one), so parsed keys are cached. Private keys are
 * cached under a BLAKE3 digest of the seed, never under the seed itself.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { BoundedLru, concatBytes, fromHex, toHex } from "../core/mod.ts";
import { blake3 } from "./blake3.ts";

/** PKCS#8 DER prefix for an Ed25519 private key (RFC 8410 §7): then the 32-byte seed. */
const ED25519_PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");
/** SPKI DER prefix for an Ed25519 public key (RFC 8410 §4): then the 32-byte key. */
const ED25519_SPKI_PREFIX = fromHex("302a300506032b6570032100");
/** PKCS#8 DER prefix for an X25519 private key (RFC 8410 §7). */
const X25519_PKCS8_PREFIX = fromHex("302e020100300506032b656e04220420");
/** SPKI DER prefix for an X25519 public key (RFC 8410 §4). */
const X25519_SPKI_PREFIX = fromHex("302a300506032b656e032100");

/** A parsed Ed25519 signing key and its raw public key. */
export interface Ed25519Signer {
  /** The private key object. */
  key: KeyObject;
  /** The raw 32-byte public key (do not mutate; copy before handing out). */
  publicKey: Uint8Array;
}

const signers = new BoundedLru<string, Ed25519Signer>(64);
const verifiers = new BoundedLru<string, KeyObject | null>(256);

/** Domain tag so the cache key of a seed is not a plain BLAKE3 of it. */
const SEED_TAG = new TextEncoder().encode("fcp.crypto.ed25519-seed-cache");

/** A Buffer view (no copy) of bytes, as node:crypto's key input types require. */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** The last 32 bytes of an SPKI export: the raw public key. */
function rawFromSpki(key: KeyObject): Uint8Array {
  const der = key.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** The (cached) signer for a 32-byte seed. Caller checks the length. */
export function ed25519Signer(seed: Uint8Array): Ed25519Signer {
  const id = toHex(blake3(concatBytes(SEED_TAG, seed), 16));
  let s = signers.get(id);
  if (s === undefined) {
    const der = concatBytes(ED25519_PKCS8_PREFIX, seed);
    const key = createPrivateKey({ key: asBuffer(der), format: "der", type: "pkcs8" });
    der.fill(0);
    s = { key, publicKey: rawFromSpki(createPublicKey(key)) };
    signers.set(id, s);
  }
  return s;
}

/**
 * The (cached) verification key for 32 raw bytes, or `null` when they do not decode to a
 * curve point. Caller checks the length.
 */
export function ed25519Verifier(publicKey: Uint8Array): KeyObject | null {
  const id = toHex(publicKey);
  let k = verifiers.get(id);
  if (k === undefined) {
    try {
      k = createPublicKey({
        key: asBuffer(concatBytes(ED25519_SPKI_PREFIX, publicKey)),
        format: "der",
        type: "spki",
      });
    } catch {
      k = null;
    }
    verifiers.set(id, k);
  }
  return k;
}

/** An X25519 private key object for 32 raw bytes (not cached). Caller checks the length. */
export function x25519PrivateKeyObject(secretKey: Uint8Array): KeyObject {
  const der = concatBytes(X25519_PKCS8_PREFIX, secretKey);
  try {
    return createPrivateKey({ key: asBuffer(der), format: "der", type: "pkcs8" });
  } finally {
    der.fill(0);
  }
}

/** An X25519 public key object for 32 raw bytes (not cached). Caller checks the length. */
export function x25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: asBuffer(concatBytes(X25519_SPKI_PREFIX, publicKey)),
    format: "der",
    type: "spki",
  });
}

/** The raw 32-byte public key of an X25519 or Ed25519 private key object. */
export function rawPublicKey(privateKey: KeyObject): Uint8Array {
  return rawFromSpki(createPublicKey(privateKey));
}
