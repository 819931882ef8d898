/**
 * Building a ZoneKeyManifest (seal the zone key and the ObjectIdKey to every member, then sign
 * with the owner key) and unwrapping one with every check of WIRE.md §7.
 *
 * Unwrap checks, in order, each with its stable code:
 * 1. the manifest (and its header) is for the expected zone: else `FCP-4002`;
 * 2. the owner signature verifies (`FCP2-SIGN-V1`, canonical CBOR): else `FCP-2001`;
 * 3. `valid_until`, when present, is after `valid_from`, and no recipient appears twice in a
 *    list (duplicate, or split view when the two entries differ): else `FCP-4006`;
 * 4. this node is a recipient of both lists: else `FCP-4005`;
 * 5. both HPKE boxes open under the AAD (purpose, zone, W.issued_at, this node): else the
 *    opaque `FCP-2014`;
 * 6. each plaintext is exactly 32 bytes: else `FCP-4006`.
 *
 * @module
 */
import { equalBytes, FcpError } from "../core/mod.ts";
import { originProvenance, parseZoneId, type ZoneId } from "../model/mod.ts";
import { HPKE_PURPOSES, type HpkePurpose, openSealed, sealForRecipient } from "./hpke_box.ts";
import {
  type ManifestSigner,
  signZoneKeyManifest,
  verifyZoneKeyManifestSignature,
  type WrappedKey,
  ZONE_KEY_MANIFEST_SCHEMA,
  type ZoneKeyManifest,
  type ZoneRekeyPolicy,
} from "./zone_key_manifest.ts";
import { type ObjectIdKey, ZONE_KEY_BYTES, type ZoneKey } from "./zone_keys.ts";

/** A member node that receives the keys. */
export interface ManifestRecipient {
  /** The node id (bound into the HPKE AAD). */
  readonly nodeId: string;
  /** The node's X25519 encryption public key. */
  readonly encryptionPublicKey: Uint8Array;
}

/** Inputs of {@link buildZoneKeyManifest}. */
export interface BuildZoneKeyManifestParams {
  /** The zone key to distribute (its zone is the manifest's zone). */
  readonly zoneKey: ZoneKey;
  /** The zone's ObjectIdKey. */
  readonly objectIdKey: ObjectIdKey;
  /** Member nodes; at least one, no node twice. */
  readonly recipients: readonly ManifestRecipient[];
  /** Issue time of every wrapped key and the header's `created_at`, Unix seconds. */
  readonly issuedAt: number;
  /** Owner signer. */
  readonly signer: ManifestSigner;
  /** The key this one replaces (rotation). */
  readonly prevZoneKeyId?: Uint8Array;
  /** Optional rekey policy. */
  readonly rekeyPolicy?: ZoneRekeyPolicy;
}

/**
 * Seal `zoneKey` and `objectIdKey` to every recipient (purposes `FCP2-ZONE-KEY` and
 * `FCP2-OBJECTID-KEY`, AAD issued_at = `issuedAt`) and sign the manifest with the owner key.
 * Throws `FCP-1040` for no recipients or a recipient listed twice.
 *
 * @example
 * ```ts
 * import { buildZoneKeyManifest, unwrapZoneKeyManifest } from "./zone_key_manifest_seal.ts";
 * import { generateObjectIdKey, generateZoneKey } from "./zone_keys.ts";
 * import { ed25519PublicKey, ed25519Sign, randomBytes, x25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = randomBytes(32);
 * const nodeSk = randomBytes(32);
 * const zoneKey = generateZoneKey("z:work", 1700000000);
 * const manifest = await buildZoneKeyManifest({
 *   zoneKey,
 *   objectIdKey: generateObjectIdKey(),
 *   recipients: [{ nodeId: "node-a", encryptionPublicKey: x25519PublicKey(nodeSk) }],
 *   issuedAt: 1700000000,
 *   signer: { signerId: "owner", sign: (m) => ed25519Sign(owner, m) },
 * });
 * const got = await unwrapZoneKeyManifest(manifest, {
 *   zoneId: "z:work",
 *   nodeId: "node-a",
 *   encryptionSecretKey: nodeSk,
 *   ownerPublicKey: ed25519PublicKey(owner),
 * });
 * assert.deepEqual(got.zoneKey.key, zoneKey.key);
 * ```
 */
export async function buildZoneKeyManifest(
  p: BuildZoneKeyManifestParams,
): Promise<ZoneKeyManifest> {
  const zone = parseZoneId(p.zoneKey.zoneId);
  if (p.recipients.length === 0) {
    throw new FcpError("FCP-1040", "a zone key manifest needs at least one recipient");
  }
  const seen = new Set<string>();
  for (const r of p.recipients) {
    if (seen.has(r.nodeId)) {
      throw new FcpError("FCP-1040", `recipient ${JSON.stringify(r.nodeId)} listed twice`);
    }
    seen.add(r.nodeId);
  }
  if (p.zoneKey.key.length !== ZONE_KEY_BYTES || p.objectIdKey.key.length !== ZONE_KEY_BYTES) {
    throw new FcpError("FCP-1040", "zone key and ObjectIdKey must be 32 bytes");
  }
  const wrap = (key: Uint8Array, purpose: HpkePurpose) =>
    Promise.all(p.recipients.map(async (r): Promise<WrappedKey> => ({
      recipient: r.nodeId,
      issuedAt: p.issuedAt,
      sealed: await sealForRecipient(r.encryptionPublicKey, key, {
        purpose,
        zoneId: zone,
        issuedAt: p.issuedAt,
        recipientNodeId: r.nodeId,
      }),
    })));
  const [wrappedKeys, wrappedObjectIdKeys] = await Promise.all([
    wrap(p.zoneKey.key, HPKE_PURPOSES.ZONE_KEY),
    wrap(p.objectIdKey.key, HPKE_PURPOSES.OBJECTID_KEY),
  ]);
  return signZoneKeyManifest(
    {
      header: {
        schema: ZONE_KEY_MANIFEST_SCHEMA,
        zoneId: zone,
        createdAt: p.issuedAt,
        provenance: originProvenance(zone),
        refs: [],
        foreignRefs: [],
      },
      zoneId: zone,
      zoneKeyId: p.zoneKey.keyId,
      objectIdKeyId: p.objectIdKey.keyId,
      algorithm: p.zoneKey.algorithm,
      validFrom: p.zoneKey.validFrom,
      ...(p.zoneKey.validUntil === undefined ? {} : { validUntil: p.zoneKey.validUntil }),
      ...(p.prevZoneKeyId === undefined ? {} : { prevZoneKeyId: p.prevZoneKeyId }),
      wrappedKeys,
      wrappedObjectIdKeys,
      ...(p.rekeyPolicy === undefined ? {} : { rekeyPolicy: p.rekeyPolicy }),
    },
    p.signer,
    p.issuedAt,
  );
}

function sameWrapped(a: WrappedKey, b: WrappedKey): boolean {
  return a.issuedAt === b.issuedAt && equalBytes(a.sealed.enc, b.sealed.enc) &&
    equalBytes(a.sealed.ciphertext, b.sealed.ciphertext);
}

/**
 * Refuse a manifest whose `wrapped_keys` or `wrapped_object_id_keys` names a recipient twice:
 * `FCP-4006`, with "split view" in the message when the two entries differ (WIRE.md §7).
 *
 * @example
 * ```ts
 * import { checkManifestRecipients } from "./zone_key_manifest_seal.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const w = { recipient: "n", issuedAt: 1, sealed: { enc: new Uint8Array(32), ciphertext: new Uint8Array(48) } };
 * const m = { wrappedKeys: [w, { ...w, issuedAt: 2 }], wrappedObjectIdKeys: [] };
 * assert.throws(() => checkManifestRecipients(m), (e) => isFcpError(e, "FCP-4006") && /split view/.test(e.message));
 * ```
 */
export function checkManifestRecipients(
  m: Pick<ZoneKeyManifest, "wrappedKeys" | "wrappedObjectIdKeys">,
): void {
  for (
    const [name, list] of [
      ["wrapped_keys", m.wrappedKeys],
      ["wrapped_object_id_keys", m.wrappedObjectIdKeys],
    ] as const
  ) {
    const byRecipient = new Map<string, WrappedKey>();
    for (const w of list) {
      const prior = byRecipient.get(w.recipient);
      if (prior !== undefined) {
        const kind = sameWrapped(prior, w) ? "duplicate recipient" : "split view";
        throw new FcpError(
          "FCP-4006",
          `${kind}: ${name} lists ${JSON.stringify(w.recipient)} twice`,
        );
      }
      byRecipient.set(w.recipient, w);
    }
  }
}

/** Inputs of {@link unwrapZoneKeyManifest}: who we are and whom we trust. */
export interface UnwrapParams {
  /** The zone the caller expects this manifest to be for. */
  readonly zoneId: string;
  /** This node's id. */
  readonly nodeId: string;
  /** This node's X25519 encryption secret key. */
  readonly encryptionSecretKey: Uint8Array;
  /** The owner's Ed25519 public key (the only accepted manifest signer). */
  readonly ownerPublicKey: Uint8Array;
}

/** The keys recovered from a manifest. */
export interface UnwrappedZoneKeys {
  /** The zone key, with the manifest's id, algorithm and validity. */
  readonly zoneKey: ZoneKey;
  /** The zone's ObjectIdKey. */
  readonly objectIdKey: ObjectIdKey;
}

async function openFor(
  list: readonly WrappedKey[],
  purpose: HpkePurpose,
  zone: ZoneId,
  p: UnwrapParams,
): Promise<Uint8Array> {
  const w = list.find((x) => x.recipient === p.nodeId);
  if (w === undefined) {
    throw new FcpError(
      "FCP-4005",
      `this node is not a recipient of the ${purpose} keys of ${zone}`,
    );
  }
  const pt = await openSealed(p.encryptionSecretKey, w.sealed, {
    purpose,
    zoneId: zone,
    issuedAt: w.issuedAt,
    recipientNodeId: p.nodeId,
  });
  if (pt.length !== ZONE_KEY_BYTES) {
    pt.fill(0);
    throw new FcpError("FCP-4006", `sealed ${purpose} plaintext must be 32 bytes`);
  }
  return pt;
}

/**
 * Verify a manifest and unwrap this node's zone key and ObjectIdKey, with every check of
 * WIRE.md §7 (see the module doc for the order and codes).
 *
 * @example
 * ```ts
 * import { buildZoneKeyManifest, unwrapZoneKeyManifest } from "./zone_key_manifest_seal.ts";
 * import { generateObjectIdKey, generateZoneKey } from "./zone_keys.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import { ed25519PublicKey, ed25519Sign, randomBytes, x25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = randomBytes(32);
 * const sk = randomBytes(32);
 * const manifest = await buildZoneKeyManifest({
 *   zoneKey: generateZoneKey("z:work", 1),
 *   objectIdKey: generateObjectIdKey(),
 *   recipients: [{ nodeId: "node-a", encryptionPublicKey: x25519PublicKey(sk) }],
 *   issuedAt: 1,
 *   signer: { signerId: "owner", sign: (m) => ed25519Sign(owner, m) },
 * });
 * const params = { nodeId: "node-a", encryptionSecretKey: sk, ownerPublicKey: ed25519PublicKey(owner) };
 * await assert.rejects(
 *   unwrapZoneKeyManifest(manifest, { ...params, zoneId: "z:private" }),
 *   (e) => isFcpError(e, "FCP-4002"),
 * );
 * await assert.rejects(
 *   unwrapZoneKeyManifest(manifest, { ...params, zoneId: "z:work", nodeId: "node-b" }),
 *   (e) => isFcpError(e, "FCP-4005"),
 * );
 * ```
 */
export async function unwrapZoneKeyManifest(
  m: ZoneKeyManifest,
  p: UnwrapParams,
): Promise<UnwrappedZoneKeys> {
  const zone = parseZoneId(p.zoneId);
  if (m.zoneId !== zone || m.header.zoneId !== zone) {
    throw new FcpError("FCP-4002", `manifest is for zone ${m.zoneId}, expected ${zone}`);
  }
  verifyZoneKeyManifestSignature(m, p.ownerPublicKey);
  if (m.validUntil !== undefined && m.validUntil <= m.validFrom) {
    throw new FcpError("FCP-4006", "manifest valid_until is not after valid_from");
  }
  checkManifestRecipients(m);
  const zoneKeyBytes = await openFor(m.wrappedKeys, HPKE_PURPOSES.ZONE_KEY, zone, p);
  const objectIdKeyBytes = await openFor(
    m.wrappedObjectIdKeys,
    HPKE_PURPOSES.OBJECTID_KEY,
    zone,
    p,
  );
  const zoneKey: ZoneKey = {
    zoneId: zone,
    keyId: m.zoneKeyId,
    algorithm: m.algorithm,
    key: zoneKeyBytes,
    validFrom: m.validFrom,
    ...(m.validUntil === undefined ? {} : { validUntil: m.validUntil }),
  };
  return { zoneKey, objectIdKey: { keyId: m.objectIdKeyId, key: objectIdKeyBytes } };
}
