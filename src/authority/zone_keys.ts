/**
 * Zone keys and ObjectIdKeys (spec §5.2.1 ZoneKey, WIRE.md §2 and §7).
 *
 * A zone key is a random 256-bit symmetric key named by an opaque random 8-byte
 * `zone_key_id`; it is never derived from owner secret material (spec §5.2.1). An ObjectIdKey
 * is a random 32-byte BLAKE3 key per zone (WIRE.md §2), named by an opaque random 8-byte
 * `object_id_key_id`, and stays the same across routine zone-key rotations.
 *
 * @module
 */
import { equalBytes, FcpError } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";
import { parseZoneId, type ZoneId } from "../model/mod.ts";

/** The wire strings of ZoneKeyAlgorithm (serde snake_case, WIRE.md D15). */
export const ZONE_KEY_ALGORITHMS = ["cha_cha20_poly1305", "x_cha_cha20_poly1305"] as const;

/** A zone key's AEAD: `"cha_cha20_poly1305"` (12-byte nonce) or `"x_cha_cha20_poly1305"` (24-byte). */
export type ZoneKeyAlgorithm = typeof ZONE_KEY_ALGORITHMS[number];

/** The default algorithm for new zone keys. */
export const DEFAULT_ZONE_KEY_ALGORITHM: ZoneKeyAlgorithm = "cha_cha20_poly1305";

/** Size of a zone key and of an ObjectIdKey. */
export const ZONE_KEY_BYTES = 32;

/** Size of a zone key id and of an ObjectIdKey id. */
export const ZONE_KEY_ID_BYTES = 8;

/** A zone's symmetric key (spec §5.2.1 `ZoneKey`). */
export interface ZoneKey {
  /** The zone. */
  readonly zoneId: ZoneId;
  /** Opaque random 8-byte id. */
  readonly keyId: Uint8Array;
  /** AEAD used with the key. */
  readonly algorithm: ZoneKeyAlgorithm;
  /** The 32 secret bytes. */
  readonly key: Uint8Array;
  /** Start of validity, Unix seconds (the manifest's `valid_from`). */
  readonly validFrom: number;
  /** End of validity, Unix seconds, if bounded. */
  readonly validUntil?: number;
}

/** A zone's ObjectIdKey (WIRE.md §2): the BLAKE3 key of keyed ObjectIds. */
export interface ObjectIdKey {
  /** Opaque random 8-byte id. */
  readonly keyId: Uint8Array;
  /** The 32 secret bytes. */
  readonly key: Uint8Array;
}

/**
 * A fresh random 8-byte key id that differs from every id in `avoid` (WIRE.md §7: ids are
 * opaque random bytes, not derived from the key).
 *
 * @example
 * ```ts
 * import { newKeyId } from "./zone_keys.ts";
 * import assert from "node:assert/strict";
 * const a = newKeyId();
 * assert.equal(a.length, 8);
 * assert.notDeepEqual(newKeyId([a]), a);
 * ```
 */
export function newKeyId(avoid: readonly Uint8Array[] = []): Uint8Array {
  for (;;) {
    const id = randomBytes(ZONE_KEY_ID_BYTES);
    if (!avoid.some((x) => equalBytes(x, id))) return id;
  }
}

/** Options for {@link generateZoneKey}. */
export interface GenerateZoneKeyOptions {
  /** AEAD of the key; default {@link DEFAULT_ZONE_KEY_ALGORITHM}. */
  readonly algorithm?: ZoneKeyAlgorithm;
  /** End of validity, Unix seconds. */
  readonly validUntil?: number;
  /** Key ids already in use for this zone; the new id differs from all of them. */
  readonly avoidIds?: readonly Uint8Array[];
}

/**
 * A new random zone key for `zoneId`, valid from `validFrom` (spec §5.2.1: randomly generated).
 * Throws `FCP-4001` for an invalid zone id, `FCP-1040` for a bad validity window.
 *
 * @example
 * ```ts
 * import { generateZoneKey } from "./zone_keys.ts";
 * import assert from "node:assert/strict";
 * const k = generateZoneKey("z:work", 1700000000);
 * assert.equal(k.key.length, 32);
 * assert.equal(k.keyId.length, 8);
 * assert.equal(k.algorithm, "cha_cha20_poly1305");
 * ```
 */
export function generateZoneKey(
  zoneId: string,
  validFrom: number,
  options: GenerateZoneKeyOptions = {},
): ZoneKey {
  const zone = parseZoneId(zoneId);
  checkTime(validFrom, "valid_from");
  const algorithm = options.algorithm ?? DEFAULT_ZONE_KEY_ALGORITHM;
  parseZoneKeyAlgorithm(algorithm);
  const base: ZoneKey = {
    zoneId: zone,
    keyId: newKeyId(options.avoidIds),
    algorithm,
    key: randomBytes(ZONE_KEY_BYTES),
    validFrom,
  };
  if (options.validUntil === undefined) return base;
  checkTime(options.validUntil, "valid_until");
  if (options.validUntil <= validFrom) {
    throw new FcpError("FCP-1040", "valid_until must be after valid_from");
  }
  return { ...base, validUntil: options.validUntil };
}

/**
 * A new random ObjectIdKey with a random 8-byte id.
 *
 * @example
 * ```ts
 * import { generateObjectIdKey } from "./zone_keys.ts";
 * import assert from "node:assert/strict";
 * const k = generateObjectIdKey();
 * assert.equal(k.key.length, 32);
 * assert.equal(k.keyId.length, 8);
 * ```
 */
export function generateObjectIdKey(): ObjectIdKey {
  return { keyId: newKeyId(), key: randomBytes(ZONE_KEY_BYTES) };
}

/**
 * Check a ZoneKeyAlgorithm wire string (WIRE.md D15); throws `FCP-1013` otherwise.
 *
 * @example
 * ```ts
 * import { parseZoneKeyAlgorithm } from "./zone_keys.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseZoneKeyAlgorithm("x_cha_cha20_poly1305"), "x_cha_cha20_poly1305");
 * assert.throws(() => parseZoneKeyAlgorithm("chacha20poly1305"), (e) => isFcpError(e, "FCP-1013"));
 * ```
 */
export function parseZoneKeyAlgorithm(s: string): ZoneKeyAlgorithm {
  if ((ZONE_KEY_ALGORITHMS as readonly string[]).includes(s)) return s as ZoneKeyAlgorithm;
  throw new FcpError(
    "FCP-1013",
    `zone key algorithm must be one of ${ZONE_KEY_ALGORITHMS.join(", ")}`,
  );
}

/**
 * The crypto layer's AEAD name for a zone key algorithm.
 *
 * @example
 * ```ts
 * import { zoneKeyAead } from "./zone_keys.ts";
 * import assert from "node:assert/strict";
 * assert.equal(zoneKeyAead("x_cha_cha20_poly1305"), "xchacha20poly1305");
 * ```
 */
export function zoneKeyAead(
  algorithm: ZoneKeyAlgorithm,
): "chacha20poly1305" | "xchacha20poly1305" {
  return algorithm === "x_cha_cha20_poly1305" ? "xchacha20poly1305" : "chacha20poly1305";
}

function checkTime(t: number, what: string): void {
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new FcpError("FCP-1040", `${what} must be a non-negative integer (Unix seconds)`);
  }
}
