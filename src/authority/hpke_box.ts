/**
 * HPKE sealed boxes for key distribution (spec §3.6.1, WIRE.md §7): RFC 9180 base mode,
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305, info `"FCP2-HPKE"`, and the
 * canonical-CBOR AAD that binds a box to its purpose, zone, issue time and recipient.
 *
 * The HPKE primitive itself lives in the crypto layer (`hpkeSeal` / `hpkeOpen`); this module
 * adds the FCP profile: AAD, purposes, the raw form `enc(32) ‖ ct` and the CBOR form
 * `{enc: hex, ciphertext: hex}` (WIRE.md D7), and the 64 KiB bound.
 *
 * @module
 */
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import { concatBytes, FcpError, fromHex, toHex, utf8 } from "../core/mod.ts";
import {
  chacha20Keystream,
  HPKE_ENC_BYTES,
  HPKE_INFO,
  HPKE_MAX_SEALED_BYTES,
  hpkeOpen,
  hpkeSeal,
} from "../crypto/mod.ts";
import { parseZoneId, readRecord, readText } from "../model/mod.ts";

/** The four HPKE purpose strings bound into the AAD (spec §3.6.1). */
export const HPKE_PURPOSES = {
  ZONE_KEY: "FCP2-ZONE-KEY",
  OBJECTID_KEY: "FCP2-OBJECTID-KEY",
  OWNER_SHARE: "FCP2-OWNER-SHARE",
  SECRET_SHARE: "FCP2-SECRET-SHARE",
} as const;

/** One of the {@link HPKE_PURPOSES} strings. */
export type HpkePurpose = typeof HPKE_PURPOSES[keyof typeof HPKE_PURPOSES];

const HPKE_TAG_BYTES = 16;

/** Largest raw sealed box (`enc ‖ ct`) accepted or produced: 64 KiB (WIRE.md §7). */
export const MAX_SEALED_BOX_BYTES = HPKE_MAX_SEALED_BYTES;

/** Largest plaintext that fits in a {@link MAX_SEALED_BOX_BYTES} box. */
export const MAX_SEALED_PLAINTEXT_BYTES = MAX_SEALED_BOX_BYTES - HPKE_ENC_BYTES - HPKE_TAG_BYTES;

/** What the AAD of a sealed box binds (spec §3.6.1 "Associated data"). */
export interface HpkeAadParams {
  /** Why the box exists; one of {@link HPKE_PURPOSES}. */
  readonly purpose: HpkePurpose;
  /** The zone, as its raw zone id string (not the ZoneIdHash). */
  readonly zoneId: string;
  /** Issue time, Unix seconds. */
  readonly issuedAt: number | bigint;
  /** The recipient's node id string. */
  readonly recipientNodeId: string;
}

/** An HPKE sealed box: the encapsulated key and the ciphertext (plaintext + 16-byte tag). */
export interface SealedBox {
  /** Encapsulated key, 32 bytes. */
  readonly enc: Uint8Array;
  /** AEAD ciphertext including the tag. */
  readonly ciphertext: Uint8Array;
}

const PURPOSE_SET: ReadonlySet<string> = new Set(Object.values(HPKE_PURPOSES));

/**
 * The AAD of a sealed box: canonical CBOR
 * `{purpose: bstr, zone_id: bstr(raw zone string), issued_at: uint, recipient_node_id: bstr}`
 * (WIRE.md §7; canonical key order is purpose, zone_id, issued_at, recipient_node_id).
 * Throws `FCP-1040` for an unknown purpose, bad issue time or empty node id, `FCP-4001` for a bad zone.
 *
 * @example
 * ```ts
 * import { hpkeAad } from "./hpke_box.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const aad = hpkeAad({
 *   purpose: "FCP2-ZONE-KEY",
 *   zoneId: "z:work",
 *   issuedAt: 1700000000,
 *   recipientNodeId: "node-123",
 * });
 * assert.equal(toHex(aad).slice(0, 20), "a467707572706f73654d");
 * ```
 */
export function hpkeAad(p: HpkeAadParams): Uint8Array {
  if (!PURPOSE_SET.has(p.purpose)) throw new FcpError("FCP-1040", "unknown HPKE purpose");
  const zone = parseZoneId(p.zoneId);
  if (p.recipientNodeId.length === 0) {
    throw new FcpError("FCP-1040", "HPKE recipient node id is empty");
  }
  const issued = p.issuedAt;
  const okNumber = typeof issued === "number" && Number.isSafeInteger(issued) && issued >= 0;
  const okBig = typeof issued === "bigint" && issued >= 0n && issued <= 0xffffffffffffffffn;
  if (!okNumber && !okBig) throw new FcpError("FCP-1040", "HPKE issued_at must be a u64");
  return encodeCbor({
    purpose: utf8(p.purpose),
    zone_id: utf8(zone),
    issued_at: issued,
    recipient_node_id: utf8(p.recipientNodeId),
  });
}

/** Options for {@link sealForRecipient}. */
export interface SealOptions {
  /**
   * Deterministic ephemeral IKM (32 bytes) fed to RFC 9180 DeriveKeyPair. Tests only:
   * production seals draw a fresh ephemeral key.
   */
  readonly ephemeralIkm?: Uint8Array;
}

/**
 * Seal `plaintext` to a recipient's X25519 public key with the FCP AAD (spec §3.6.1).
 * Throws `FCP-1040` when the plaintext exceeds {@link MAX_SEALED_PLAINTEXT_BYTES},
 * `FCP-2002` for a bad public key.
 *
 * @example
 * ```ts
 * import { openSealed, sealForRecipient } from "./hpke_box.ts";
 * import { randomBytes, x25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const sk = randomBytes(32);
 * const aad = {
 *   purpose: "FCP2-ZONE-KEY",
 *   zoneId: "z:work",
 *   issuedAt: 1,
 *   recipientNodeId: "node-a",
 * } as const;
 * const box = await sealForRecipient(x25519PublicKey(sk), new Uint8Array([1, 2, 3]), aad);
 * assert.equal(box.ciphertext.length, 3 + 16);
 * assert.deepEqual(await openSealed(sk, box, aad), new Uint8Array([1, 2, 3]));
 * ```
 */
export async function sealForRecipient(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  aad: HpkeAadParams,
  options: SealOptions = {},
): Promise<SealedBox> {
  if (recipientPublicKey.length !== 32) {
    throw new FcpError("FCP-2002", "recipient X25519 public key must be 32 bytes");
  }
  if (plaintext.length > MAX_SEALED_PLAINTEXT_BYTES) {
    throw new FcpError("FCP-1040", `sealed plaintext exceeds ${MAX_SEALED_PLAINTEXT_BYTES} bytes`);
  }
  const aadBytes = hpkeAad(aad);
  const opts = options.ephemeralIkm === undefined
    ? { info: utf8(HPKE_INFO) }
    : { info: utf8(HPKE_INFO), ephemeralIkm: options.ephemeralIkm };
  const sealed = await hpkeSeal(recipientPublicKey, plaintext, aadBytes, opts);
  return { enc: sealed.enc, ciphertext: sealed.ciphertext };
}

/**
 * Open a sealed box with the recipient's X25519 secret key and the AAD it must be bound to.
 * Any failure (wrong key, wrong AAD, tampered box) is the opaque `FCP-2014`;
 * a malformed box is `FCP-1013`.
 *
 * @example
 * ```ts
 * import { openSealed, sealForRecipient } from "./hpke_box.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import { randomBytes, x25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const sk = randomBytes(32);
 * const aad = {
 *   purpose: "FCP2-OBJECTID-KEY",
 *   zoneId: "z:work",
 *   issuedAt: 1,
 *   recipientNodeId: "node-a",
 * } as const;
 * const box = await sealForRecipient(x25519PublicKey(sk), new Uint8Array(32), aad);
 * await assert.rejects(
 *   openSealed(sk, box, { ...aad, zoneId: "z:private" }),
 *   (e) => isFcpError(e, "FCP-2014"),
 * );
 * ```
 */
export async function openSealed(
  recipientSecretKey: Uint8Array,
  box: SealedBox,
  aad: HpkeAadParams,
): Promise<Uint8Array> {
  checkBoxShape(box);
  const aadBytes = hpkeAad(aad);
  try {
    return await hpkeOpen(recipientSecretKey, box.enc, box.ciphertext, aadBytes, {
      info: utf8(HPKE_INFO),
    });
  } catch (cause) {
    // Opaque on purpose: no detail about which check failed.
    throw new FcpError("FCP-2014", "HPKE open failed", { cause });
  }
}

function checkBoxShape(box: SealedBox): void {
  if (box.enc.length !== HPKE_ENC_BYTES) {
    throw new FcpError("FCP-1013", "sealed box enc must be 32 bytes");
  }
  if (box.ciphertext.length < HPKE_TAG_BYTES) {
    throw new FcpError("FCP-1013", "sealed box ciphertext is shorter than its tag");
  }
  if (HPKE_ENC_BYTES + box.ciphertext.length > MAX_SEALED_BOX_BYTES) {
    throw new FcpError("FCP-1013", `sealed box exceeds ${MAX_SEALED_BOX_BYTES} bytes`);
  }
}

/**
 * The raw form of a sealed box: `enc(32) ‖ ciphertext` (WIRE.md §7; a sealed 32-byte key is 80 bytes).
 *
 * @example
 * ```ts
 * import { sealedBoxFromRaw, sealedBoxToRaw } from "./hpke_box.ts";
 * import assert from "node:assert/strict";
 * const box = { enc: new Uint8Array(32).fill(1), ciphertext: new Uint8Array(48).fill(2) };
 * const raw = sealedBoxToRaw(box);
 * assert.equal(raw.length, 80);
 * assert.deepEqual(sealedBoxFromRaw(raw), box);
 * ```
 */
export function sealedBoxToRaw(box: SealedBox): Uint8Array {
  checkBoxShape(box);
  return concatBytes(box.enc, box.ciphertext);
}

/**
 * Parse the raw form `enc(32) ‖ ciphertext`; throws `FCP-1013` if too short or above 64 KiB.
 *
 * @example
 * ```ts
 * import { sealedBoxFromRaw } from "./hpke_box.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => sealedBoxFromRaw(new Uint8Array(47)), (e) => isFcpError(e, "FCP-1013"));
 * ```
 */
export function sealedBoxFromRaw(raw: Uint8Array): SealedBox {
  if (raw.length < HPKE_ENC_BYTES + HPKE_TAG_BYTES) {
    throw new FcpError("FCP-1013", "raw sealed box is too short");
  }
  const box = { enc: raw.slice(0, HPKE_ENC_BYTES), ciphertext: raw.slice(HPKE_ENC_BYTES) };
  checkBoxShape(box);
  return box;
}

/**
 * The CBOR form of a sealed box: `{enc: hex text, ciphertext: hex text}` (WIRE.md D7).
 *
 * @example
 * ```ts
 * import { sealedBoxToCbor } from "./hpke_box.ts";
 * import assert from "node:assert/strict";
 * const box = { enc: new Uint8Array(32), ciphertext: new Uint8Array(16).fill(0xab) };
 * assert.deepEqual(sealedBoxToCbor(box), { enc: "00".repeat(32), ciphertext: "ab".repeat(16) });
 * ```
 */
export function sealedBoxToCbor(box: SealedBox): CborValue {
  checkBoxShape(box);
  return { enc: toHex(box.enc), ciphertext: toHex(box.ciphertext) };
}

/**
 * Read the CBOR form `{enc: hex, ciphertext: hex}`; throws `FCP-1013` on any other shape
 * (unknown fields, non-hex or upper-case hex, wrong sizes).
 *
 * @example
 * ```ts
 * import { sealedBoxFromCbor } from "./hpke_box.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const box = sealedBoxFromCbor({ enc: "00".repeat(32), ciphertext: "ab".repeat(16) });
 * assert.equal(box.ciphertext.length, 16);
 * assert.throws(() => sealedBoxFromCbor({ enc: "00" }), (e) => isFcpError(e, "FCP-1013"));
 * ```
 */
export function sealedBoxFromCbor(v: CborValue | undefined, what = "sealed"): SealedBox {
  const m = readRecord(v, what, ["enc", "ciphertext"]);
  const box = {
    enc: hexField(readText(m.enc, `${what}.enc`), `${what}.enc`),
    ciphertext: hexField(readText(m.ciphertext, `${what}.ciphertext`), `${what}.ciphertext`),
  };
  checkBoxShape(box);
  return box;
}

function hexField(text: string, what: string): Uint8Array {
  // Lowercase only, so one box has exactly one encoding (signatures cover it).
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) {
    throw new FcpError("FCP-1013", `${what} must be lowercase hex`);
  }
  return fromHex(text, undefined, what);
}

/**
 * The deterministic test-only ephemeral IKM of the reference vectors: the first 32 bytes of
 * the ChaCha20 keystream keyed by `rngSeed` (zero nonce, counter 0), WIRE.md §7.
 * Never use outside tests and vector checks.
 *
 * @example
 * ```ts
 * import { seededEphemeralIkm } from "./hpke_box.ts";
 * import assert from "node:assert/strict";
 * assert.equal(seededEphemeralIkm(new Uint8Array(32).fill(0xaa)).length, 32);
 * ```
 */
export function seededEphemeralIkm(rngSeed: Uint8Array): Uint8Array {
  if (rngSeed.length !== 32) throw new FcpError("FCP-1040", "rng seed must be 32 bytes");
  return chacha20Keystream(rngSeed, 32);
}
