/**
 * NodeKeyAttestation (spec §2.2, WIRE.md §5a): the owner's `FCP2-SIGN-V1` signature binding a
 * node id to its signing, encryption and issuance key ids and its ACL tags.
 *
 * Signed bytes follow the reference exactly: `fcp2SigningBytes("fcp.attestation.v1",
 * C(payload))` with payload `{schema, node_id, signing_kid, encryption_kid, issuance_kid, tags,
 * issued_at, expires_at}` (kids as lowercase hex text, tags sorted and deduplicated). The node's
 * three public keys and the owner's kid travel beside the payload in the envelope; verification
 * recomputes every kid from its public key (spec §2.2 rule 5), so the public keys are bound
 * through the signed kids.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError, fromHex, toHex } from "../core/mod.ts";
import { ed25519Verify } from "../crypto/mod.ts";
import {
  fcp2SigningBytes,
  keyId,
  readArray,
  readBytes,
  readRecord,
  readText,
  readUint,
  validateCanonicalId,
} from "../model/mod.ts";
import type { Ed25519Key } from "./keys.ts";

/** The attestation schema string, also the `FCP2-SIGN-V1` schema id (WIRE.md §5a). */
export const ATTESTATION_SCHEMA = "fcp.attestation.v1";
/** Longest allowed validity window `expires_at − issued_at` (WIRE.md §5a: ≤ 24 h). */
export const MAX_ATTESTATION_VALIDITY_SECS = 86_400;
/** Clock skew tolerated on both ends of the validity window (WIRE.md §5a). */
export const ATTESTATION_CLOCK_SKEW_SECS = 300;

/** An owner-signed NodeKeyAttestation with the attested public keys. */
export interface NodeKeyAttestation {
  /** The attested node id. */
  readonly nodeId: string;
  /** Node signing public key (Ed25519). */
  readonly signingPublicKey: Uint8Array;
  /** Node encryption public key (X25519). */
  readonly encryptionPublicKey: Uint8Array;
  /** Node issuance public key (Ed25519). */
  readonly issuancePublicKey: Uint8Array;
  /** Authorized ACL tags, sorted and deduplicated. */
  readonly tags: readonly string[];
  /** Issue time, Unix seconds. */
  readonly issuedAt: number;
  /** Expiry, Unix seconds. */
  readonly expiresAt: number;
  /** kid of the owner key that signed. */
  readonly ownerKid: Uint8Array;
  /** Ed25519 signature by the owner over {@link attestationSigningBytes}. */
  readonly signature: Uint8Array;
}

/** What the owner attests: everything but the signature and owner kid. */
export type AttestationFields = Omit<NodeKeyAttestation, "ownerKid" | "signature">;

/** What {@link verifyAttestation} checks against. */
export interface AttestationCheck {
  /** The owner public key (trust anchor). */
  readonly ownerPublicKey: Uint8Array;
  /** Verification time, Unix seconds. */
  readonly now: number;
  /** If given, the attestation must name exactly this node. */
  readonly expectedNodeId?: string;
  /** If given, the attested tag set must equal this set (order and duplicates ignored). */
  readonly expectedTags?: readonly string[];
}

function invalid(detail: string, cause?: unknown): never {
  throw new FcpError("FCP-2010", detail, cause === undefined ? undefined : { cause });
}

/**
 * Tags sorted bytewise and deduplicated, each a canonical identifier of at most 64 bytes
 * (spec §2.2 rule 4). Throws `FCP-2010` for an invalid tag.
 *
 * @example
 * ```ts
 * import { normalizeTags } from "./attestation.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(normalizeTags(["tag:fcp-work", "tag:fcp-owner", "tag:fcp-work"]), [
 *   "tag:fcp-owner", "tag:fcp-work",
 * ]);
 * ```
 */
export function normalizeTags(tags: readonly string[]): string[] {
  for (const t of tags) {
    try {
      validateCanonicalId(t, "attestation tag");
    } catch (e) {
      invalid("attestation tag is not a canonical identifier", e);
    }
    if (t.length > 64) invalid("attestation tag longer than 64 bytes");
  }
  return [...new Set(tags)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The signed payload as a CBOR value, exactly the reference's fields (WIRE.md §5a).
 *
 * @example
 * ```ts
 * import { attestationPayload } from "./attestation.ts";
 * import assert from "node:assert/strict";
 * const pk = new Uint8Array(32);
 * const p = attestationPayload({
 *   nodeId: "node-a", signingPublicKey: pk, encryptionPublicKey: pk, issuancePublicKey: pk,
 *   tags: [], issuedAt: 1, expiresAt: 2,
 * }) as Record<string, unknown>;
 * assert.equal(p.schema, "fcp.attestation.v1");
 * assert.equal(typeof p.signing_kid, "string");
 * ```
 */
export function attestationPayload(a: AttestationFields): CborValue {
  return {
    schema: ATTESTATION_SCHEMA,
    node_id: a.nodeId,
    signing_kid: toHex(keyId(a.signingPublicKey)),
    encryption_kid: toHex(keyId(a.encryptionPublicKey)),
    issuance_kid: toHex(keyId(a.issuancePublicKey)),
    tags: normalizeTags(a.tags),
    issued_at: a.issuedAt,
    expires_at: a.expiresAt,
  };
}

/**
 * `"FCP2-SIGN-V1" ‖ BLAKE3("fcp.attestation.v1")[0..8] ‖ C(payload)`.
 *
 * @example
 * ```ts
 * import { attestationSigningBytes } from "./attestation.ts";
 * import { fromUtf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const pk = new Uint8Array(32);
 * const b = attestationSigningBytes({
 *   nodeId: "node-a", signingPublicKey: pk, encryptionPublicKey: pk, issuancePublicKey: pk,
 *   tags: [], issuedAt: 1, expiresAt: 2,
 * });
 * assert.equal(fromUtf8(b.slice(0, 12)), "FCP2-SIGN-V1");
 * ```
 */
export function attestationSigningBytes(a: AttestationFields): Uint8Array {
  return fcp2SigningBytes(ATTESTATION_SCHEMA, encodeCbor(attestationPayload(a)));
}

/** Input of {@link signAttestation}. */
export interface AttestationInput {
  /** Node id (canonical identifier). */
  readonly nodeId: string;
  /** Node signing public key. */
  readonly signingPublicKey: Uint8Array;
  /** Node encryption public key. */
  readonly encryptionPublicKey: Uint8Array;
  /** Node issuance public key. */
  readonly issuancePublicKey: Uint8Array;
  /** ACL tags (normalized on signing). */
  readonly tags: readonly string[];
  /** Issue time, Unix seconds. */
  readonly issuedAt: number;
  /** Validity in seconds, default and maximum 86 400. */
  readonly validitySecs?: number;
}

/**
 * The owner signs an attestation for a node. Refuses (`FCP-1040`) a validity outside
 * 1..86 400 s, a bad node id, and (`FCP-2010`) bad tags.
 *
 * @example
 * ```ts
 * import { signAttestation, verifyAttestation } from "./attestation.ts";
 * import { Ed25519Key, generateNodeKeys } from "./keys.ts";
 * const owner = Ed25519Key.generate();
 * const n = generateNodeKeys();
 * const att = signAttestation({
 *   nodeId: "node-a", signingPublicKey: n.signing.publicKey,
 *   encryptionPublicKey: n.encryption.publicKey, issuancePublicKey: n.issuance.publicKey,
 *   tags: ["tag:fcp-work"], issuedAt: 1_700_000_000,
 * }, owner);
 * verifyAttestation(att, { ownerPublicKey: owner.publicKey, now: 1_700_000_100 });
 * ```
 */
export function signAttestation(input: AttestationInput, owner: Ed25519Key): NodeKeyAttestation {
  const validity = input.validitySecs ?? MAX_ATTESTATION_VALIDITY_SECS;
  if (!Number.isSafeInteger(validity) || validity < 1 || validity > MAX_ATTESTATION_VALIDITY_SECS) {
    throw new FcpError("FCP-1040", "attestation validity must be 1..86400 seconds");
  }
  if (!Number.isSafeInteger(input.issuedAt) || input.issuedAt < 0) {
    throw new FcpError("FCP-1040", "attestation issued_at must be a non-negative integer");
  }
  validateCanonicalId(input.nodeId, "node id");
  const fields: AttestationFields = {
    nodeId: input.nodeId,
    signingPublicKey: input.signingPublicKey.slice(),
    encryptionPublicKey: input.encryptionPublicKey.slice(),
    issuancePublicKey: input.issuancePublicKey.slice(),
    tags: normalizeTags(input.tags),
    issuedAt: input.issuedAt,
    expiresAt: input.issuedAt + validity,
  };
  return { ...fields, ownerKid: owner.kid, signature: owner.sign(attestationSigningBytes(fields)) };
}

function sameTagSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((t, i) => t === y[i]);
}

/**
 * Verify an attestation (spec §2.2, WIRE.md §5a). Refusals:
 * `FCP-2010` wrong signer (owner kid or signature), tags not canonical/sorted, validity window
 * empty or longer than 24 h, issued more than 300 s in the future, node id or tag set other than
 * expected; `FCP-2009` expired (`now ≥ expires_at + 300`).
 *
 * @example
 * ```ts
 * import { signAttestation, verifyAttestation } from "./attestation.ts";
 * import { Ed25519Key, generateNodeKeys } from "./keys.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = Ed25519Key.generate();
 * const n = generateNodeKeys();
 * const att = signAttestation({
 *   nodeId: "node-a", signingPublicKey: n.signing.publicKey,
 *   encryptionPublicKey: n.encryption.publicKey, issuancePublicKey: n.issuance.publicKey,
 *   tags: [], issuedAt: 1000,
 * }, owner);
 * assert.throws(
 *   () => verifyAttestation(att, { ownerPublicKey: owner.publicKey, now: 1000 + 86_400 + 300 }),
 *   (e) => isFcpError(e, "FCP-2009"),
 * );
 * ```
 */
export function verifyAttestation(att: NodeKeyAttestation, check: AttestationCheck): void {
  if (check.ownerPublicKey.length !== 32) invalid("owner public key must be 32 bytes");
  if (!equalBytes(att.ownerKid, keyId(check.ownerPublicKey))) {
    invalid("attestation is signed by a different owner key");
  }
  const normalized = normalizeTags(att.tags);
  if (normalized.length !== att.tags.length || normalized.some((t, i) => t !== att.tags[i])) {
    invalid("attestation tags are not sorted and deduplicated");
  }
  for (
    const pk of [att.signingPublicKey, att.encryptionPublicKey, att.issuancePublicKey]
  ) {
    if (pk.length !== 32) invalid("attested public key must be 32 bytes");
  }
  let ok = false;
  try {
    ok = ed25519Verify(check.ownerPublicKey, attestationSigningBytes(att), att.signature);
  } catch (e) {
    invalid("attestation signature invalid", e);
  }
  if (!ok) invalid("attestation signature invalid");
  if (att.expiresAt <= att.issuedAt) invalid("attestation expires_at must be after issued_at");
  if (att.expiresAt - att.issuedAt > MAX_ATTESTATION_VALIDITY_SECS) {
    invalid("attestation validity exceeds 24 hours");
  }
  if (att.issuedAt > check.now + ATTESTATION_CLOCK_SKEW_SECS) {
    invalid("attestation issued in the future");
  }
  if (check.now >= att.expiresAt + ATTESTATION_CLOCK_SKEW_SECS) {
    throw new FcpError("FCP-2009", `attestation expired at ${att.expiresAt}`);
  }
  if (check.expectedNodeId !== undefined && att.nodeId !== check.expectedNodeId) {
    invalid("attestation names a different node");
  }
  if (check.expectedTags !== undefined && !sameTagSet(att.tags, check.expectedTags)) {
    invalid("attested tags differ from the node's tags");
  }
}

/**
 * The attestation envelope as canonical CBOR: `{payload: <signed payload map>,
 * signing_public_key, encryption_public_key, issuance_public_key: bstr32, owner_kid: bstr8,
 * signature: bstr64}`.
 *
 * @example
 * ```ts
 * import { decodeAttestation, encodeAttestation, signAttestation } from "./attestation.ts";
 * import { Ed25519Key, generateNodeKeys } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const n = generateNodeKeys();
 * const att = signAttestation({
 *   nodeId: "node-a", signingPublicKey: n.signing.publicKey,
 *   encryptionPublicKey: n.encryption.publicKey, issuancePublicKey: n.issuance.publicKey,
 *   tags: ["tag:fcp-work"], issuedAt: 5,
 * }, Ed25519Key.generate());
 * assert.deepEqual(decodeAttestation(encodeAttestation(att)), att);
 * ```
 */
export function encodeAttestation(att: NodeKeyAttestation): Uint8Array {
  return encodeCbor({
    payload: attestationPayload(att),
    signing_public_key: att.signingPublicKey,
    encryption_public_key: att.encryptionPublicKey,
    issuance_public_key: att.issuancePublicKey,
    owner_kid: att.ownerKid,
    signature: att.signature,
  });
}

/**
 * Decode an attestation envelope (strict canonical CBOR). Shape errors are `FCP-1013`
 * (or a CBOR code); a signed kid that does not match its public key is `FCP-2010`.
 * Decoding does not verify the signature: call {@link verifyAttestation}.
 *
 * @example
 * ```ts
 * import { decodeAttestation } from "./attestation.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeAttestation(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeAttestation(bytes: Uint8Array): NodeKeyAttestation {
  const m = readRecord(decodeCbor(bytes), "attestation", [
    "payload",
    "signing_public_key",
    "encryption_public_key",
    "issuance_public_key",
    "owner_kid",
    "signature",
  ]);
  const p = readRecord(m.payload, "attestation.payload", [
    "schema",
    "node_id",
    "signing_kid",
    "encryption_kid",
    "issuance_kid",
    "tags",
    "issued_at",
    "expires_at",
  ]);
  if (readText(p.schema, "attestation.payload.schema") !== ATTESTATION_SCHEMA) {
    invalid("attestation schema is not fcp.attestation.v1");
  }
  const att: NodeKeyAttestation = {
    nodeId: readText(p.node_id, "attestation.payload.node_id"),
    signingPublicKey: readBytes(m.signing_public_key, "attestation.signing_public_key", 32),
    encryptionPublicKey: readBytes(
      m.encryption_public_key,
      "attestation.encryption_public_key",
      32,
    ),
    issuancePublicKey: readBytes(m.issuance_public_key, "attestation.issuance_public_key", 32),
    tags: readArray(p.tags, "attestation.payload.tags", readText),
    issuedAt: readUint(p.issued_at, "attestation.payload.issued_at"),
    expiresAt: readUint(p.expires_at, "attestation.payload.expires_at"),
    ownerKid: readBytes(m.owner_kid, "attestation.owner_kid", 8),
    signature: readBytes(m.signature, "attestation.signature", 64),
  };
  const kids: [CborValue | undefined, Uint8Array, string][] = [
    [p.signing_kid, att.signingPublicKey, "signing"],
    [p.encryption_kid, att.encryptionPublicKey, "encryption"],
    [p.issuance_kid, att.issuancePublicKey, "issuance"],
  ];
  for (const [kidHex, pk, what] of kids) {
    const text = readText(kidHex, `attestation.payload.${what}_kid`);
    let kid: Uint8Array;
    try {
      kid = fromHex(text, 8, `${what}_kid`);
    } catch (e) {
      return invalid(`attested ${what}_kid is not 8 bytes of hex`, e);
    }
    if (!equalBytes(kid, keyId(pk)) || text !== toHex(kid)) {
      invalid(`attested ${what}_kid does not match its public key`);
    }
  }
  return att;
}
