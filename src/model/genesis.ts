/**
 * Owner bootstrap (WIRE.md, bootstrap vector): the owner signing key from a BIP-39 mnemonic,
 * the deterministic genesis record and its fingerprint.
 *
 * - entropy = BIP-39 decode of the mnemonic (checksum verified);
 * - owner seed = HKDF-SHA256(salt = "FCP2-OWNER-KEY-V1", ikm = entropy, info = "owner-signing-key", 32);
 * - fingerprint = "BLAKE3:" + base64url(BLAKE3(pk ‖ u32le schema_version ‖ i64le created_at secs ‖
 *   u32le nanos ‖ for zones sorted by id: id ‖ u8 integrity ‖ u8 confidentiality)[0..12]).
 *
 * @module
 */
import { mnemonicToEntropy } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { encodeCbor } from "../cbor/mod.ts";
import { ByteWriter, compareBytes, FcpError, toBase64Url, toHex, utf8 } from "../core/mod.ts";
import { blake3, ed25519PublicKey, hkdfSha256 } from "../crypto/mod.ts";
import { parseZoneId } from "./zone_id.ts";

/** A zone listed in the genesis record. */
export interface GenesisZone {
  /** Zone id. */
  readonly zoneId: string;
  /** Display name. */
  readonly name: string;
  /** Integrity level 0..255. */
  readonly integrityLevel: number;
  /** Confidentiality level 0..255. */
  readonly confidentialityLevel: number;
}

/** The genesis record of a mesh. */
export interface Genesis {
  /** Record schema version (1). */
  readonly schemaVersion: number;
  /** The owner's Ed25519 public key. */
  readonly ownerPublicKey: Uint8Array;
  /** Creation time, whole seconds since the Unix epoch. */
  readonly createdAtSeconds: number;
  /** Sub-second nanoseconds of the creation time. */
  readonly createdAtNanos: number;
  /** Initial zones, in declaration order. */
  readonly initialZones: readonly GenesisZone[];
}

/** The standard zones with their default levels. */
export const DEFAULT_GENESIS_ZONES: readonly GenesisZone[] = [
  { zoneId: "z:owner", name: "Owner Zone", integrityLevel: 255, confidentialityLevel: 255 },
  { zoneId: "z:private", name: "Private Zone", integrityLevel: 200, confidentialityLevel: 200 },
  { zoneId: "z:work", name: "Work Zone", integrityLevel: 150, confidentialityLevel: 150 },
  { zoneId: "z:community", name: "Community Zone", integrityLevel: 100, confidentialityLevel: 100 },
  { zoneId: "z:public", name: "Public Zone", integrityLevel: 50, confidentialityLevel: 0 },
];

/**
 * BIP-39 English mnemonic to entropy; a bad word or checksum throws `FCP-1040`.
 *
 * @example
 * ```ts
 * import { mnemonicEntropy } from "./genesis.ts";
 * import assert from "node:assert/strict";
 * const m = Array(23).fill("abandon").concat("art").join(" ");
 * assert.deepEqual(mnemonicEntropy(m), new Uint8Array(32));
 * ```
 */
export function mnemonicEntropy(mnemonic: string): Uint8Array {
  try {
    return mnemonicToEntropy(mnemonic.trim().split(/\s+/).join(" "), wordlist);
  } catch (cause) {
    throw new FcpError("FCP-1040", "invalid BIP-39 mnemonic (unknown word or bad checksum)", {
      cause,
    });
  }
}

/**
 * The owner's Ed25519 seed from mnemonic entropy.
 *
 * @example
 * ```ts
 * import { ownerSeedFromEntropy } from "./genesis.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(ownerSeedFromEntropy(new Uint8Array(32))).slice(0, 8), "d6bc5662");
 * ```
 */
export function ownerSeedFromEntropy(entropy: Uint8Array): Uint8Array {
  return hkdfSha256(entropy, utf8("FCP2-OWNER-KEY-V1"), utf8("owner-signing-key"), 32);
}

/**
 * The fingerprint preimage of a genesis record.
 *
 * @example
 * ```ts
 * import { DEFAULT_GENESIS_ZONES, genesisFingerprintPreimage } from "./genesis.ts";
 * import assert from "node:assert/strict";
 * const g = { schemaVersion: 1, ownerPublicKey: new Uint8Array(32), createdAtSeconds: 0,
 *   createdAtNanos: 0, initialZones: DEFAULT_GENESIS_ZONES };
 * assert.equal(genesisFingerprintPreimage(g).length, 32 + 16 + 41 + 10);
 * ```
 */
export function genesisFingerprintPreimage(g: Genesis): Uint8Array {
  if (g.ownerPublicKey.length !== 32) throw new FcpError("FCP-2002", "owner key must be 32 bytes");
  const w = new ByteWriter(256)
    .bytes(g.ownerPublicKey)
    .u32le(g.schemaVersion)
    .bytes(i64(g.createdAtSeconds))
    .u32le(g.createdAtNanos);
  const zones = [...g.initialZones].sort((a, b) => compareBytes(utf8(a.zoneId), utf8(b.zoneId)));
  for (const z of zones) {
    w.bytes(utf8(parseZoneId(z.zoneId))).u8(z.integrityLevel).u8(z.confidentialityLevel);
  }
  return w.finish();
}

function i64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt(n), true);
  return out;
}

/**
 * `"BLAKE3:" + base64url_nopad(BLAKE3(preimage)[0..12])`.
 *
 * @example
 * ```ts
 * import { DEFAULT_GENESIS_ZONES, genesisFingerprint } from "./genesis.ts";
 * import assert from "node:assert/strict";
 * const g = { schemaVersion: 1, ownerPublicKey: new Uint8Array(32), createdAtSeconds: 0,
 *   createdAtNanos: 0, initialZones: DEFAULT_GENESIS_ZONES };
 * assert.match(genesisFingerprint(g), /^BLAKE3:[A-Za-z0-9_-]{16}$/);
 * ```
 */
export function genesisFingerprint(g: Genesis): string {
  return "BLAKE3:" + toBase64Url(blake3(genesisFingerprintPreimage(g)).slice(0, 12));
}

/**
 * The genesis record's CBOR as the reference writes it: NOT canonical (struct-declaration
 * key order, the key as hex text, created_at as RFC 3339 text). It is informational; the
 * fingerprint, not these bytes, identifies the genesis.
 *
 * @example
 * ```ts
 * import { DEFAULT_GENESIS_ZONES, genesisCbor } from "./genesis.ts";
 * import assert from "node:assert/strict";
 * const g = { schemaVersion: 1, ownerPublicKey: new Uint8Array(32), createdAtSeconds: 0,
 *   createdAtNanos: 0, initialZones: DEFAULT_GENESIS_ZONES };
 * assert.equal(genesisCbor(g)[0], 0xa4);
 * ```
 */
export function genesisCbor(g: Genesis): Uint8Array {
  return encodeCbor({
    schema_version: g.schemaVersion,
    owner_public_key: toHex(g.ownerPublicKey),
    created_at: rfc3339(g.createdAtSeconds, g.createdAtNanos),
    initial_zones: g.initialZones.map((z) => ({
      zone_id: z.zoneId,
      name: z.name,
      integrity_level: z.integrityLevel,
      confidentiality_level: z.confidentialityLevel,
    })),
  }, { preserveKeyOrder: true });
}

/**
 * RFC 3339 UTC text with 0, 3, 6 or 9 fractional digits (as chrono's AutoSi prints it).
 *
 * @example
 * ```ts
 * import { rfc3339 } from "./genesis.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rfc3339(0, 0), "1970-01-01T00:00:00Z");
 * assert.equal(rfc3339(0, 5_000_000), "1970-01-01T00:00:00.005Z");
 * ```
 */
export function rfc3339(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = nanos % 1_000_000 === 0 ? 3 : nanos % 1000 === 0 ? 6 : 9;
  const frac = String(nanos).padStart(9, "0").slice(0, digits);
  return `${base}.${frac}Z`;
}

/**
 * Derive the owner public key and build a genesis record from a mnemonic.
 *
 * @example
 * ```ts
 * import { genesisFromMnemonic, genesisFingerprint } from "./genesis.ts";
 * import assert from "node:assert/strict";
 * const m = Array(23).fill("abandon").concat("art").join(" ");
 * const { genesis } = genesisFromMnemonic(m, 0, 0);
 * assert.equal(genesisFingerprint(genesis), "BLAKE3:_uvkeSrOI0n2QLRG");
 * ```
 */
export function genesisFromMnemonic(
  mnemonic: string,
  createdAtSeconds: number,
  createdAtNanos = 0,
  zones: readonly GenesisZone[] = DEFAULT_GENESIS_ZONES,
): { genesis: Genesis; ownerSeed: Uint8Array } {
  const ownerSeed = ownerSeedFromEntropy(mnemonicEntropy(mnemonic));
  return {
    ownerSeed,
    genesis: {
      schemaVersion: 1,
      ownerPublicKey: ed25519PublicKey(ownerSeed),
      createdAtSeconds,
      createdAtNanos,
      initialZones: zones,
    },
  };
}
