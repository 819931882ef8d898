/**
 * An independent implementation of the RFC 9180 pieces FCP's HPKE profile uses (WIRE.md §7):
 * X25519 `DeriveKeyPair`, DHKEM `ExtractAndExpand`, and the Base-mode key schedule, on top of
 * this layer's X25519, HMAC-SHA256 and ChaCha20-Poly1305. {@link hpkeSealTrace} uses them to
 * expose every intermediate of a deterministic seal, for the interop vectors; tests check it
 * against `@hpke/core` (./hpke.ts) both ways. Production sealing uses ./hpke.ts.
 *
 * @module
 */
import { concatBytes, FcpError, utf8 } from "../core/mod.ts";
import { aeadSeal } from "./aead.ts";
import { hmacSha256 } from "./sha256.ts";
import { x25519PublicKey, x25519SharedSecret } from "./x25519.ts";
import { HPKE_AEAD_ID, HPKE_INFO, HPKE_KDF_ID, HPKE_KEM_ID } from "./hpke.ts";

const HPKE_V1 = utf8("HPKE-v1");

function i2osp2(n: number): Uint8Array {
  return new Uint8Array([n >>> 8, n & 0xff]);
}

/** `"KEM" ‖ I2OSP(kem_id, 2)` (RFC 9180 §4.1). */
export const KEM_SUITE_ID: Uint8Array = concatBytes(utf8("KEM"), i2osp2(HPKE_KEM_ID));
/** `"HPKE" ‖ I2OSP(kem_id, 2) ‖ I2OSP(kdf_id, 2) ‖ I2OSP(aead_id, 2)` (RFC 9180 §5.1). */
export const HPKE_SUITE_ID: Uint8Array = concatBytes(
  utf8("HPKE"),
  i2osp2(HPKE_KEM_ID),
  i2osp2(HPKE_KDF_ID),
  i2osp2(HPKE_AEAD_ID),
);

/** HKDF-Extract (RFC 5869 §2.2); an empty salt is HashLen zero bytes. */
function extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt.length === 0 ? new Uint8Array(32) : salt, ikm);
}

/** HKDF-Expand (RFC 5869 §2.3). */
function expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1; (i - 1) * 32 < length; i++) {
    t = hmacSha256(prk, concatBytes(t, info, new Uint8Array([i])));
    const o = (i - 1) * 32;
    out.set(t.subarray(0, Math.min(32, length - o)), o);
  }
  return out;
}

/** `LabeledExtract(salt, label, ikm)` (RFC 9180 §4). */
function labeledExtract(suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) {
  return extract(salt, concatBytes(HPKE_V1, suiteId, utf8(label), ikm));
}

/** `LabeledExpand(prk, label, info, L)` (RFC 9180 §4). */
function labeledExpand(
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
) {
  return expand(prk, concatBytes(i2osp2(length), HPKE_V1, suiteId, utf8(label), info), length);
}

/**
 * RFC 9180 §7.1.3 `DeriveKeyPair(ikm)` for X25519: the secret key (its public key is
 * `x25519PublicKey(sk)`).
 *
 * @example
 * ```ts
 * import { hpkeDeriveX25519SecretKey } from "./hpke_key_schedule.ts";
 * import { fromHex, toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // RFC 9180 A.2.1 (DHKEM(X25519), HKDF-SHA256, ChaCha20-Poly1305), ikmE -> skEm
 * const ikm = fromHex("909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b");
 * assert.equal(
 *   toHex(hpkeDeriveX25519SecretKey(ikm)),
 *   "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
 * );
 * ```
 */
export function hpkeDeriveX25519SecretKey(ikm: Uint8Array): Uint8Array {
  const prk = labeledExtract(KEM_SUITE_ID, new Uint8Array(0), "dkp_prk", ikm);
  return labeledExpand(KEM_SUITE_ID, prk, "sk", new Uint8Array(0), 32);
}

/**
 * DHKEM `ExtractAndExpand(dh, enc ‖ pkR)` (RFC 9180 §4.1): the KEM shared secret.
 *
 * @example
 * ```ts
 * import { hpkeKemSharedSecret } from "./hpke_key_schedule.ts";
 * import assert from "node:assert/strict";
 * const ss = hpkeKemSharedSecret(new Uint8Array(32), new Uint8Array(32), new Uint8Array(32));
 * assert.equal(ss.length, 32);
 * ```
 */
export function hpkeKemSharedSecret(
  dh: Uint8Array,
  enc: Uint8Array,
  recipientPublicKey: Uint8Array,
): Uint8Array {
  const prk = labeledExtract(KEM_SUITE_ID, new Uint8Array(0), "eae_prk", dh);
  return labeledExpand(
    KEM_SUITE_ID,
    prk,
    "shared_secret",
    concatBytes(enc, recipientPublicKey),
    32,
  );
}

/** The outputs of the RFC 9180 Base-mode key schedule for ChaCha20-Poly1305. */
export interface HpkeKeySchedule {
  /** AEAD key (32 bytes). */
  key: Uint8Array;
  /** Base nonce (12 bytes); sequence 0 uses it as is. */
  baseNonce: Uint8Array;
  /** Exporter secret (32 bytes). */
  exporterSecret: Uint8Array;
}

/**
 * RFC 9180 §5.1 `KeySchedule` in Base mode (no PSK) for this suite.
 *
 * @example
 * ```ts
 * import { hpkeBaseKeySchedule } from "./hpke_key_schedule.ts";
 * import { fromHex, toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * // RFC 9180 A.2.1
 * const ks = hpkeBaseKeySchedule(
 *   fromHex("0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7"),
 *   fromHex("4f6465206f6e2061204772656369616e2055726e"),
 * );
 * assert.equal(toHex(ks.key), "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91");
 * assert.equal(toHex(ks.baseNonce), "5c4d98150661b848853b547f");
 * ```
 */
export function hpkeBaseKeySchedule(sharedSecret: Uint8Array, info: Uint8Array): HpkeKeySchedule {
  const empty = new Uint8Array(0);
  const pskIdHash = labeledExtract(HPKE_SUITE_ID, empty, "psk_id_hash", empty);
  const infoHash = labeledExtract(HPKE_SUITE_ID, empty, "info_hash", info);
  const context = concatBytes(new Uint8Array([0]), pskIdHash, infoHash); // mode_base = 0
  const secret = labeledExtract(HPKE_SUITE_ID, sharedSecret, "secret", empty);
  return {
    key: labeledExpand(HPKE_SUITE_ID, secret, "key", context, 32),
    baseNonce: labeledExpand(HPKE_SUITE_ID, secret, "base_nonce", context, 12),
    exporterSecret: labeledExpand(HPKE_SUITE_ID, secret, "exp", context, 32),
  };
}

/** Every intermediate of a deterministic Base-mode single-shot seal. */
export interface HpkeSealTrace extends HpkeKeySchedule {
  /** Ephemeral X25519 secret key (DeriveKeyPair of the IKM). */
  ephemeralSecretKey: Uint8Array;
  /** `enc`: the ephemeral public key. */
  enc: Uint8Array;
  /** The KEM shared secret. */
  sharedSecret: Uint8Array;
  /** Ciphertext ‖ tag (sequence 0, so the nonce is `baseNonce`). */
  ciphertext: Uint8Array;
}

/**
 * A deterministic HPKE seal (ephemeral key = `DeriveKeyPair(ephemeralIkm)`) that returns every
 * intermediate; FOR TEST VECTORS ONLY. Same result as `hpkeSeal(..., { ephemeralIkm })`.
 * Invalid key lengths or a small-order recipient key throw `FCP-2002`.
 *
 * @example
 * ```ts
 * import { hpkeSealTrace } from "./hpke_key_schedule.ts";
 * import { hpkeOpen } from "./hpke.ts";
 * import { x25519PublicKey } from "./x25519.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const sk = new Uint8Array(32).fill(0x10);
 * const t = hpkeSealTrace(x25519PublicKey(sk), utf8("pt"), utf8("aad"), new Uint8Array(32));
 * assert.deepEqual(await hpkeOpen(sk, t.enc, t.ciphertext, utf8("aad")), utf8("pt"));
 * ```
 */
export function hpkeSealTrace(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  ephemeralIkm: Uint8Array,
  info: Uint8Array = utf8(HPKE_INFO),
): HpkeSealTrace {
  if (recipientPublicKey.length !== 32) {
    throw new FcpError("FCP-2002", "HPKE recipient public key must be 32 bytes");
  }
  const ephemeralSecretKey = hpkeDeriveX25519SecretKey(ephemeralIkm);
  const enc = x25519PublicKey(ephemeralSecretKey);
  const dh = x25519SharedSecret(ephemeralSecretKey, recipientPublicKey);
  const sharedSecret = hpkeKemSharedSecret(dh, enc, recipientPublicKey);
  const ks = hpkeBaseKeySchedule(sharedSecret, info);
  const ciphertext = aeadSeal("chacha20poly1305", ks.key, ks.baseNonce, aad, plaintext);
  return { ephemeralSecretKey, enc, sharedSecret, ...ks, ciphertext };
}
