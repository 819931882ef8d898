/**
 * ZoneKeyManifest (spec §5.2.1, WIRE.md §7): the owner-signed object that distributes a zone
 * key and the zone's ObjectIdKey, each HPKE-sealed to every member node.
 *
 * CBOR fields (WIRE.md §7, exactly): `header, zone_id, zone_key_id bstr8, object_id_key_id bstr8,
 * algorithm, valid_from, valid_until?, prev_zone_key_id?, wrapped_keys [W],
 * wrapped_object_id_keys [W], rekey_policy?, signature NodeSignature, kem "hpke_x25519"`
 * (always emitted), `wrapped_keys_v4?` (never emitted, refused when present), with
 * `W = {recipient, issued_at, sealed: {enc, ciphertext}}`.
 *
 * Signature (our choice, docs/wire.md): the reference signs non-canonical bytes and never
 * checks them (WIRE.md §5 (d)). We sign `FCP2-SIGN-V1` signing bytes (WIRE.md §5a) with schema
 * string `fcp.zone.ZoneKeyManifest/1.0.0` over the canonical CBOR of the unsigned view (the
 * manifest with `signature` removed), and verify them on apply.
 *
 * @module
 */
import { type CborValue, decodePrefixed, encodeCbor, encodePrefixed } from "../cbor/mod.ts";
import { FcpError } from "../core/mod.ts";
import { ed25519Verify } from "../crypto/mod.ts";
import {
  fcp2SigningBytes,
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  parseZoneId,
  readArray,
  readBool,
  readBytes,
  readEnum,
  readOptional,
  readRecord,
  readText,
  readUint,
  schemaHash,
  type SchemaId,
  schemaIdString,
  type ZoneId,
} from "../model/mod.ts";
import { type SealedBox, sealedBoxFromCbor, sealedBoxToCbor } from "./hpke_box.ts";
import {
  type NodeSignature,
  nodeSignatureFromCbor,
  nodeSignatureToCbor,
} from "./node_signature.ts";
import { ZONE_KEY_ALGORITHMS, ZONE_KEY_ID_BYTES, type ZoneKeyAlgorithm } from "./zone_keys.ts";

/** Schema of ZoneKeyManifest objects. */
export const ZONE_KEY_MANIFEST_SCHEMA: SchemaId = {
  namespace: "fcp.zone",
  name: "ZoneKeyManifest",
  version: "1.0.0",
};

/** The `FCP2-SIGN-V1` schema string of the owner signature (hash8 `61076197fdd900bf`). */
export const ZONE_KEY_MANIFEST_SIGNING_ID = "fcp.zone.ZoneKeyManifest/1.0.0";

/** The manifest's `kem` field value, always emitted (WIRE.md §7). */
export const ZONE_KEY_KEM = "hpke_x25519";

/** One sealed key for one recipient: `W = {recipient, issued_at, sealed}` (WIRE.md §7). */
export interface WrappedKey {
  /** Recipient node id. */
  readonly recipient: string;
  /** Issue time, Unix seconds; bound into the HPKE AAD. */
  readonly issuedAt: number;
  /** The HPKE sealed box of the 32-byte key. */
  readonly sealed: SealedBox;
}

/** Rekey policy (spec §5.2.1 ZoneRekeyPolicy, field names per WIRE.md §7). */
export interface ZoneRekeyPolicy {
  /** Derive and delete epoch keys. */
  readonly epochRatchet: boolean;
  /** Overlap window in seconds. */
  readonly overlapWindowSecs?: number;
  /** Epochs retained for delayed peers. */
  readonly retainEpochs?: number;
  /** Rotate and rewrap when membership changes. */
  readonly rewrapOnMembershipChange: boolean;
  /** Rotate the ObjectIdKey when membership changes. */
  readonly rotateObjectIdKeyOnMembershipChange: boolean;
}

/** A ZoneKeyManifest without its signature (the unsigned view that is signed). */
export interface UnsignedZoneKeyManifest {
  /** Object header; its zone must equal `zoneId`, its schema {@link ZONE_KEY_MANIFEST_SCHEMA}. */
  readonly header: ObjectHeader;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** Id of the distributed zone key. */
  readonly zoneKeyId: Uint8Array;
  /** Id of the distributed ObjectIdKey. */
  readonly objectIdKeyId: Uint8Array;
  /** AEAD of the zone key. */
  readonly algorithm: ZoneKeyAlgorithm;
  /** Start of validity, Unix seconds. */
  readonly validFrom: number;
  /** End of validity, Unix seconds. */
  readonly validUntil?: number;
  /** The zone key this one replaces (rotation). */
  readonly prevZoneKeyId?: Uint8Array;
  /** The zone key sealed to each member (purpose `FCP2-ZONE-KEY`). */
  readonly wrappedKeys: readonly WrappedKey[];
  /** The ObjectIdKey sealed to each member (purpose `FCP2-OBJECTID-KEY`). */
  readonly wrappedObjectIdKeys: readonly WrappedKey[];
  /** Optional rekey policy. */
  readonly rekeyPolicy?: ZoneRekeyPolicy;
}

/** A signed ZoneKeyManifest. */
export interface ZoneKeyManifest extends UnsignedZoneKeyManifest {
  /** The owner signature. */
  readonly signature: NodeSignature;
}

/**
 * The owner key that signs manifests: a label for `signature.node_id` and an Ed25519 signing
 * function (an `Ed25519Key` from ./keys.ts fits: `{ signerId, sign: (m) => key.sign(m) }`).
 */
export interface ManifestSigner {
  /** Label written to `signature.node_id`. */
  readonly signerId: string;
  /** Ed25519-sign a message with the owner key. */
  sign(message: Uint8Array): Uint8Array;
}

function wrappedToCbor(w: WrappedKey): CborValue {
  return { recipient: w.recipient, issued_at: w.issuedAt, sealed: sealedBoxToCbor(w.sealed) };
}

function wrappedFromCbor(v: CborValue, what: string): WrappedKey {
  const m = readRecord(v, what, ["recipient", "issued_at", "sealed"]);
  const recipient = readText(m.recipient, `${what}.recipient`);
  if (recipient.length === 0) throw new FcpError("FCP-1013", `${what}.recipient is empty`);
  return {
    recipient,
    issuedAt: readUint(m.issued_at, `${what}.issued_at`),
    sealed: sealedBoxFromCbor(m.sealed, `${what}.sealed`),
  };
}

function rekeyToCbor(p: ZoneRekeyPolicy): CborValue {
  return {
    epoch_ratchet: p.epochRatchet,
    overlap_window_secs: p.overlapWindowSecs,
    retain_epochs: p.retainEpochs,
    rewrap_on_membership_change: p.rewrapOnMembershipChange,
    rotate_object_id_key_on_membership_change: p.rotateObjectIdKeyOnMembershipChange,
  };
}

function rekeyFromCbor(v: CborValue, what: string): ZoneRekeyPolicy {
  const m = readRecord(v, what, [
    "epoch_ratchet",
    "overlap_window_secs",
    "retain_epochs",
    "rewrap_on_membership_change",
    "rotate_object_id_key_on_membership_change",
  ]);
  const overlap = readOptional(m.overlap_window_secs, `${what}.overlap_window_secs`, readUint);
  const retain = readOptional(m.retain_epochs, `${what}.retain_epochs`, readUint);
  return {
    epochRatchet: readBool(m.epoch_ratchet, `${what}.epoch_ratchet`),
    rewrapOnMembershipChange: readBool(
      m.rewrap_on_membership_change,
      `${what}.rewrap_on_membership_change`,
    ),
    rotateObjectIdKeyOnMembershipChange: readBool(
      m.rotate_object_id_key_on_membership_change,
      `${what}.rotate_object_id_key_on_membership_change`,
    ),
    ...(overlap === undefined ? {} : { overlapWindowSecs: overlap }),
    ...(retain === undefined ? {} : { retainEpochs: retain }),
  };
}

function checkId(id: Uint8Array, what: string): Uint8Array {
  if (id.length !== ZONE_KEY_ID_BYTES) throw new FcpError("FCP-1013", `${what} must be 8 bytes`);
  return id;
}

/**
 * The CBOR value of the unsigned view: every manifest field except `signature` (WIRE.md §7
 * field names; `kem` included, `wrapped_keys_v4` omitted).
 *
 * @example
 * ```ts
 * import { unsignedManifestToCbor } from "./zone_key_manifest.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const v = unsignedManifestToCbor({
 *   header: {
 *     schema: { namespace: "fcp.zone", name: "ZoneKeyManifest", version: "1.0.0" },
 *     zoneId: "z:work",
 *     createdAt: 1,
 *     provenance: originProvenance("z:work"),
 *     refs: [],
 *     foreignRefs: [],
 *   },
 *   zoneId: "z:work",
 *   zoneKeyId: new Uint8Array(8),
 *   objectIdKeyId: new Uint8Array(8),
 *   algorithm: "cha_cha20_poly1305",
 *   validFrom: 1,
 *   wrappedKeys: [],
 *   wrappedObjectIdKeys: [],
 * }) as Record<string, unknown>;
 * assert.equal(v.kem, "hpke_x25519");
 * assert.equal(v.signature, undefined);
 * ```
 */
export function unsignedManifestToCbor(m: UnsignedZoneKeyManifest): CborValue {
  return {
    header: headerToCbor(m.header),
    zone_id: parseZoneId(m.zoneId),
    zone_key_id: checkId(m.zoneKeyId, "zone_key_id"),
    object_id_key_id: checkId(m.objectIdKeyId, "object_id_key_id"),
    algorithm: readEnum(m.algorithm, "algorithm", ZONE_KEY_ALGORITHMS),
    valid_from: m.validFrom,
    valid_until: m.validUntil,
    prev_zone_key_id: m.prevZoneKeyId === undefined
      ? undefined
      : checkId(m.prevZoneKeyId, "prev_zone_key_id"),
    wrapped_keys: m.wrappedKeys.map(wrappedToCbor),
    wrapped_object_id_keys: m.wrappedObjectIdKeys.map(wrappedToCbor),
    rekey_policy: m.rekeyPolicy === undefined ? undefined : rekeyToCbor(m.rekeyPolicy),
    kem: ZONE_KEY_KEM,
  };
}

/**
 * The CBOR value of a signed manifest (the unsigned view plus
 * `signature: {node_id, signature, signed_at}`).
 *
 * @example
 * ```ts
 * import { zoneKeyManifestToCbor } from "./zone_key_manifest.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const v = zoneKeyManifestToCbor({
 *   header: {
 *     schema: { namespace: "fcp.zone", name: "ZoneKeyManifest", version: "1.0.0" },
 *     zoneId: "z:work",
 *     createdAt: 1,
 *     provenance: originProvenance("z:work"),
 *     refs: [],
 *     foreignRefs: [],
 *   },
 *   zoneId: "z:work",
 *   zoneKeyId: new Uint8Array(8),
 *   objectIdKeyId: new Uint8Array(8),
 *   algorithm: "cha_cha20_poly1305",
 *   validFrom: 1,
 *   wrappedKeys: [],
 *   wrappedObjectIdKeys: [],
 *   signature: { nodeId: "owner", signature: new Uint8Array(64), signedAt: 1 },
 * }) as Record<string, Record<string, unknown>>;
 * assert.equal(v.signature?.node_id, "owner");
 * ```
 */
export function zoneKeyManifestToCbor(m: ZoneKeyManifest): CborValue {
  return {
    ...(unsignedManifestToCbor(m) as Record<string, CborValue>),
    signature: nodeSignatureToCbor(m.signature),
  };
}

const MANIFEST_FIELDS = [
  "header",
  "zone_id",
  "zone_key_id",
  "object_id_key_id",
  "algorithm",
  "valid_from",
  "valid_until",
  "prev_zone_key_id",
  "wrapped_keys",
  "wrapped_object_id_keys",
  "rekey_policy",
  "signature",
  "kem",
  "wrapped_keys_v4",
] as const;

/**
 * Read a manifest from its CBOR value. Throws `FCP-1013` on a bad shape, `FCP-1011` when the
 * header schema is not ZoneKeyManifest, `FCP-4006` for a `kem` other than `hpke_x25519` or a
 * non-empty `wrapped_keys_v4` (V4 hybrid wrapping is not supported).
 *
 * @example
 * ```ts
 * import { zoneKeyManifestFromCbor } from "./zone_key_manifest.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => zoneKeyManifestFromCbor({ zone_id: "z:work" }), (e) => isFcpError(e, "FCP-1013"));
 * ```
 */
export function zoneKeyManifestFromCbor(
  v: CborValue | undefined,
  what = "ZoneKeyManifest",
): ZoneKeyManifest {
  const m = readRecord(v, what, MANIFEST_FIELDS);
  const kem = readOptional(m.kem, `${what}.kem`, readText);
  if (kem !== undefined && kem !== ZONE_KEY_KEM) {
    throw new FcpError("FCP-4006", `unsupported manifest kem ${JSON.stringify(kem)}`);
  }
  if (m.wrapped_keys_v4 !== undefined) {
    throw new FcpError("FCP-4006", "wrapped_keys_v4 (hybrid KEM) is not supported");
  }
  const header = headerFromCbor(m.header, `${what}.header`);
  if (schemaIdString(header.schema) !== ZONE_KEY_MANIFEST_SIGNING_ID) {
    throw new FcpError("FCP-1011", "header schema is not fcp.zone.ZoneKeyManifest/1.0.0");
  }
  const validUntil = readOptional(m.valid_until, `${what}.valid_until`, readUint);
  const prev = readOptional(
    m.prev_zone_key_id,
    `${what}.prev_zone_key_id`,
    (x, w) => readBytes(x, w, 8),
  );
  const rekey = readOptional(m.rekey_policy, `${what}.rekey_policy`, rekeyFromCbor);
  return {
    header,
    zoneId: parseZoneId(readText(m.zone_id, `${what}.zone_id`)),
    zoneKeyId: readBytes(m.zone_key_id, `${what}.zone_key_id`, 8),
    objectIdKeyId: readBytes(m.object_id_key_id, `${what}.object_id_key_id`, 8),
    algorithm: readEnum(m.algorithm, `${what}.algorithm`, ZONE_KEY_ALGORITHMS),
    validFrom: readUint(m.valid_from, `${what}.valid_from`),
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(prev === undefined ? {} : { prevZoneKeyId: prev }),
    wrappedKeys: readArray(m.wrapped_keys, `${what}.wrapped_keys`, wrappedFromCbor),
    wrappedObjectIdKeys: readArray(
      m.wrapped_object_id_keys,
      `${what}.wrapped_object_id_keys`,
      wrappedFromCbor,
    ),
    ...(rekey === undefined ? {} : { rekeyPolicy: rekey }),
    signature: nodeSignatureFromCbor(m.signature, `${what}.signature`),
  };
}

/**
 * The serialized manifest: `SchemaHash(ZoneKeyManifest) ‖ canonical CBOR` (WIRE.md §1).
 *
 * @example
 * ```ts
 * import { decodeZoneKeyManifest, encodeZoneKeyManifest } from "./zone_key_manifest.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const m = {
 *   header: {
 *     schema: { namespace: "fcp.zone", name: "ZoneKeyManifest", version: "1.0.0" },
 *     zoneId: "z:work",
 *     createdAt: 1,
 *     provenance: originProvenance("z:work"),
 *     refs: [],
 *     foreignRefs: [],
 *   },
 *   zoneId: "z:work",
 *   zoneKeyId: new Uint8Array(8).fill(1),
 *   objectIdKeyId: new Uint8Array(8).fill(2),
 *   algorithm: "cha_cha20_poly1305",
 *   validFrom: 1,
 *   wrappedKeys: [],
 *   wrappedObjectIdKeys: [],
 *   signature: { nodeId: "owner", signature: new Uint8Array(64), signedAt: 1 },
 * } as const;
 * const bytes = encodeZoneKeyManifest(m);
 * assert.deepEqual(decodeZoneKeyManifest(bytes).zoneKeyId, m.zoneKeyId);
 * ```
 */
export function encodeZoneKeyManifest(m: ZoneKeyManifest): Uint8Array {
  return encodePrefixed(schemaHash(ZONE_KEY_MANIFEST_SCHEMA), zoneKeyManifestToCbor(m));
}

/**
 * Decode a serialized manifest (strict canonical CBOR behind the SchemaHash prefix).
 * Errors as {@link zoneKeyManifestFromCbor}, plus the CBOR layer's `FCP-10xx` codes.
 *
 * @example
 * ```ts
 * import { decodeZoneKeyManifest } from "./zone_key_manifest.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeZoneKeyManifest(new Uint8Array(40)), /FCP-10/);
 * ```
 */
export function decodeZoneKeyManifest(bytes: Uint8Array): ZoneKeyManifest {
  return zoneKeyManifestFromCbor(decodePrefixed(bytes, schemaHash(ZONE_KEY_MANIFEST_SCHEMA)));
}

/**
 * The bytes the owner signs: `"FCP2-SIGN-V1" ‖ BLAKE3("fcp.zone.ZoneKeyManifest/1.0.0")[0..8] ‖
 * canonical CBOR(unsigned view)` (WIRE.md §5a; our choice recorded in docs/wire.md).
 *
 * @example
 * ```ts
 * import { zoneKeyManifestSigningBytes } from "./zone_key_manifest.ts";
 * import { toHex } from "../core/mod.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const bytes = zoneKeyManifestSigningBytes({
 *   header: {
 *     schema: { namespace: "fcp.zone", name: "ZoneKeyManifest", version: "1.0.0" },
 *     zoneId: "z:work",
 *     createdAt: 1,
 *     provenance: originProvenance("z:work"),
 *     refs: [],
 *     foreignRefs: [],
 *   },
 *   zoneId: "z:work",
 *   zoneKeyId: new Uint8Array(8),
 *   objectIdKeyId: new Uint8Array(8),
 *   algorithm: "cha_cha20_poly1305",
 *   validFrom: 1,
 *   wrappedKeys: [],
 *   wrappedObjectIdKeys: [],
 * });
 * assert.equal(toHex(bytes.slice(12, 20)), "61076197fdd900bf");
 * ```
 */
export function zoneKeyManifestSigningBytes(m: UnsignedZoneKeyManifest): Uint8Array {
  return fcp2SigningBytes(ZONE_KEY_MANIFEST_SIGNING_ID, encodeCbor(unsignedManifestToCbor(m)));
}

/**
 * Sign the unsigned view with the owner key (Ed25519 over
 * {@link zoneKeyManifestSigningBytes}); any `signature` already on `m` is replaced.
 *
 * @example
 * ```ts
 * import { signZoneKeyManifest, verifyZoneKeyManifestSignature } from "./zone_key_manifest.ts";
 * import { ed25519PublicKey, ed25519Sign, randomBytes } from "../crypto/mod.ts";
 * import { originProvenance } from "../model/mod.ts";
 * const seed = randomBytes(32);
 * const signed = signZoneKeyManifest({
 *   header: {
 *     schema: { namespace: "fcp.zone", name: "ZoneKeyManifest", version: "1.0.0" },
 *     zoneId: "z:work",
 *     createdAt: 1,
 *     provenance: originProvenance("z:work"),
 *     refs: [],
 *     foreignRefs: [],
 *   },
 *   zoneId: "z:work",
 *   zoneKeyId: new Uint8Array(8),
 *   objectIdKeyId: new Uint8Array(8),
 *   algorithm: "cha_cha20_poly1305",
 *   validFrom: 1,
 *   wrappedKeys: [],
 *   wrappedObjectIdKeys: [],
 * }, { signerId: "owner", sign: (m) => ed25519Sign(seed, m) }, 5);
 * verifyZoneKeyManifestSignature(signed, ed25519PublicKey(seed));
 * ```
 */
export function signZoneKeyManifest(
  m: UnsignedZoneKeyManifest,
  signer: ManifestSigner,
  signedAt: number,
): ZoneKeyManifest {
  const unsigned = stripSignature(m);
  const sig = signer.sign(zoneKeyManifestSigningBytes(unsigned));
  return { ...unsigned, signature: { nodeId: signer.signerId, signature: sig, signedAt } };
}

/**
 * Verify the owner signature of a manifest against the trusted owner public key.
 * Throws `FCP-2001` when it does not verify (wrong signer, tampered field, tampered signature).
 *
 * @example
 * ```ts
 * import { signZoneKeyManifest, verifyZoneKeyManifestSignature } from "./zone_key_manifest.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import { ed25519PublicKey, ed25519Sign, randomBytes } from "../crypto/mod.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = randomBytes(32);
 * const signed = signZoneKeyManifest({
 *   header: {
 *     schema: { namespace: "fcp.zone", name: "ZoneKeyManifest", version: "1.0.0" },
 *     zoneId: "z:work",
 *     createdAt: 1,
 *     provenance: originProvenance("z:work"),
 *     refs: [],
 *     foreignRefs: [],
 *   },
 *   zoneId: "z:work",
 *   zoneKeyId: new Uint8Array(8),
 *   objectIdKeyId: new Uint8Array(8),
 *   algorithm: "cha_cha20_poly1305",
 *   validFrom: 1,
 *   wrappedKeys: [],
 *   wrappedObjectIdKeys: [],
 * }, { signerId: "owner", sign: (m) => ed25519Sign(seed, m) }, 5);
 * const otherOwner = ed25519PublicKey(randomBytes(32));
 * assert.throws(
 *   () => verifyZoneKeyManifestSignature(signed, otherOwner),
 *   (e) => isFcpError(e, "FCP-2001"),
 * );
 * ```
 */
export function verifyZoneKeyManifestSignature(
  m: ZoneKeyManifest,
  ownerPublicKey: Uint8Array,
): void {
  const msg = zoneKeyManifestSigningBytes(stripSignature(m));
  let ok = false;
  try {
    ok = ed25519Verify(ownerPublicKey, msg, m.signature.signature);
  } catch (cause) {
    throw new FcpError("FCP-2001", "zone key manifest signature is invalid", { cause });
  }
  if (!ok) throw new FcpError("FCP-2001", "zone key manifest signature is invalid");
}

function stripSignature(m: UnsignedZoneKeyManifest): UnsignedZoneKeyManifest {
  const copy: Record<string, unknown> = { ...m };
  delete copy.signature;
  return copy as unknown as UnsignedZoneKeyManifest;
}
