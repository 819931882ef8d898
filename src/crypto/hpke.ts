/**
 * HPKE sealed boxes (RFC 9180; spec §3.6.1, WIRE.md §7): Base mode,
 * DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, ChaCha20-Poly1305 0x0003,
 * info "FCP2-HPKE", single-shot (sequence 0). The raw sealed box is `enc(32) ‖ ciphertext`.
 *
 * Backed by `@hpke/core` with its WebCrypto X25519 KEM and `@hpke/chacha20poly1305`
 * (docs/dependencies.md). `./hpke_key_schedule.ts` holds an independent RFC 9180 key
 * schedule used to expose and check every intermediate of the interop vectors.
 *
 * @module
 */
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { concatBytes, FcpError, utf8 } from "../core/mod.ts";

/** KEM id: DHKEM(X25519, HKDF-SHA256). */
export const HPKE_KEM_ID = 0x0020;
/** KDF id: HKDF-SHA256. */
export const HPKE_KDF_ID = 0x0001;
/** AEAD id: ChaCha20-Poly1305. */
export const HPKE_AEAD_ID = 0x0003;
/** The default HPKE info string (WIRE.md §7). */
export const HPKE_INFO = "FCP2-HPKE";
/** Length of `enc` (the ephemeral X25519 public key). */
export const HPKE_ENC_BYTES = 32;
/** Largest raw sealed box accepted (WIRE.md §7: ≤ 64 KiB). */
export const HPKE_MAX_SEALED_BYTES = 64 * 1024;

const INFO_BYTES = utf8(HPKE_INFO);

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Chacha20Poly1305(),
});

/** Options of {@link hpkeSeal}. */
export interface HpkeSealOptions {
  /** HPKE info; default "FCP2-HPKE". */
  info?: Uint8Array;
  /**
   * TEST ONLY: derive the ephemeral key pair with RFC 9180 `DeriveKeyPair(ephemeralIkm)`
   * instead of at random, to reproduce vectors. Never set it in production.
   */
  ephemeralIkm?: Uint8Array;
}

/** Options of {@link hpkeOpen}. */
export interface HpkeOpenOptions {
  /** HPKE info; default "FCP2-HPKE". */
  info?: Uint8Array;
}

/**
 * Seal `plaintext` to an X25519 public key (32 bytes). Returns `enc` (32 bytes) and the
 * ciphertext (plaintext + 16-byte tag). A recipient key of the wrong length or of small order
 * throws `FCP-2002`.
 *
 * @example
 * ```ts
 * import { hpkeOpen, hpkeSeal } from "./hpke.ts";
 * import { x25519PublicKey } from "./x25519.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const sk = new Uint8Array(32).fill(0x10);
 * const { enc, ciphertext } = await hpkeSeal(x25519PublicKey(sk), utf8("zone key"), utf8("aad"));
 * assert.equal(enc.length, 32);
 * assert.equal(ciphertext.length, 8 + 16);
 * assert.deepEqual(await hpkeOpen(sk, enc, ciphertext, utf8("aad")), utf8("zone key"));
 * ```
 */
export async function hpkeSeal(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  options: HpkeSealOptions = {},
): Promise<{ enc: Uint8Array; ciphertext: Uint8Array }> {
  if (recipientPublicKey.length !== 32) {
    throw new FcpError(
      "FCP-2002",
      `HPKE recipient public key must be 32 bytes, got ${recipientPublicKey.length}`,
    );
  }
  try {
    const pk = await suite.kem.deserializePublicKey(recipientPublicKey);
    const params = options.ephemeralIkm === undefined
      ? { recipientPublicKey: pk, info: options.info ?? INFO_BYTES }
      : { recipientPublicKey: pk, info: options.info ?? INFO_BYTES, ekm: options.ephemeralIkm };
    const r = await suite.seal(params, plaintext, aad);
    return { enc: new Uint8Array(r.enc), ciphertext: new Uint8Array(r.ct) };
  } catch (cause) {
    throw new FcpError("FCP-2002", "HPKE seal failed: recipient public key rejected", { cause });
  }
}

/**
 * Open an HPKE ciphertext with the recipient's X25519 secret key (32 bytes, else `FCP-2002`).
 * Any other failure (wrong key, `enc`, info, AAD or ciphertext) throws the opaque `FCP-2014`.
 *
 * @example
 * ```ts
 * import { hpkeOpen, hpkeSeal } from "./hpke.ts";
 * import { x25519PublicKey } from "./x25519.ts";
 * import { isFcpError, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const sk = new Uint8Array(32).fill(0x10);
 * const { enc, ciphertext } = await hpkeSeal(x25519PublicKey(sk), utf8("k"), utf8("aad"));
 * await assert.rejects(hpkeOpen(sk, enc, ciphertext, utf8("other aad")), (e) => isFcpError(e, "FCP-2014"));
 * ```
 */
export async function hpkeOpen(
  recipientSecretKey: Uint8Array,
  enc: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array,
  options: HpkeOpenOptions = {},
): Promise<Uint8Array> {
  if (recipientSecretKey.length !== 32) {
    throw new FcpError(
      "FCP-2002",
      `HPKE recipient secret key must be 32 bytes, got ${recipientSecretKey.length}`,
    );
  }
  if (enc.length !== HPKE_ENC_BYTES || ciphertext.length < 16) throw openFailed();
  try {
    const sk = await suite.kem.deserializePrivateKey(recipientSecretKey);
    const pt = await suite.open(
      { recipientKey: sk, enc, info: options.info ?? INFO_BYTES },
      ciphertext,
      aad,
    );
    return new Uint8Array(pt);
  } catch {
    throw openFailed();
  }
}

/**
 * RFC 9180 §7.1.3 `DeriveKeyPair(ikm)` for X25519: the deterministic key pair of `ikm`.
 *
 * @example
 * ```ts
 * import { hpkeDeriveKeyPair } from "./hpke.ts";
 * import { x25519PublicKey } from "./x25519.ts";
 * import assert from "node:assert/strict";
 * const kp = await hpkeDeriveKeyPair(new Uint8Array(32).fill(1));
 * assert.deepEqual(kp.publicKey, x25519PublicKey(kp.secretKey));
 * ```
 */
export async function hpkeDeriveKeyPair(
  ikm: Uint8Array,
): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array }> {
  const kp = await suite.kem.deriveKeyPair(ikm);
  return {
    secretKey: new Uint8Array(await suite.kem.serializePrivateKey(kp.privateKey)),
    publicKey: new Uint8Array(await suite.kem.serializePublicKey(kp.publicKey)),
  };
}

/**
 * The raw sealed box `enc(32) ‖ ciphertext` (WIRE.md §7, D7).
 *
 * @example
 * ```ts
 * import { hpkeSealedBoxRaw, parseHpkeSealedBoxRaw } from "./hpke.ts";
 * import assert from "node:assert/strict";
 * const raw = hpkeSealedBoxRaw({ enc: new Uint8Array(32), ciphertext: new Uint8Array(48) });
 * assert.equal(raw.length, 80);
 * assert.equal(parseHpkeSealedBoxRaw(raw).ciphertext.length, 48);
 * ```
 */
export function hpkeSealedBoxRaw(box: { enc: Uint8Array; ciphertext: Uint8Array }): Uint8Array {
  return concatBytes(box.enc, box.ciphertext);
}

/**
 * Split a raw sealed box into `enc` and ciphertext. Shorter than 32 + 16 bytes or longer than
 * 64 KiB throws `FCP-2014`.
 *
 * @example
 * ```ts
 * import { parseHpkeSealedBoxRaw } from "./hpke.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseHpkeSealedBoxRaw(new Uint8Array(47)), (e) => isFcpError(e, "FCP-2014"));
 * ```
 */
export function parseHpkeSealedBoxRaw(
  raw: Uint8Array,
): { enc: Uint8Array; ciphertext: Uint8Array } {
  if (raw.length < HPKE_ENC_BYTES + 16 || raw.length > HPKE_MAX_SEALED_BYTES) throw openFailed();
  return { enc: raw.slice(0, HPKE_ENC_BYTES), ciphertext: raw.slice(HPKE_ENC_BYTES) };
}

function openFailed(): FcpError {
  return new FcpError("FCP-2014", "HPKE open failed");
}
