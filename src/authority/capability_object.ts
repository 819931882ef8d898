/**
 * CapabilityObject (spec §7.3): a stored, signed grant of a capability in a zone. Capability
 * tokens name the objects that back their grants in `grant_object_ids` (−65545); unlike the
 * reference, fcp resolves and checks them (see `verifyToken`).
 *
 * CBOR (text keys, canonical): `{header, capability_id: tstr, operations: [tstr],
 * issuer_kid: bstr8, valid_from: uint, valid_until?: uint, constraints?: map, signature: bstr64}`;
 * `operations: []` grants every operation of the capability. Signature: Ed25519 by the issuer
 * over `fcp2SigningBytes("fcp.core.CapabilityObject/1.0.0", C(object without signature))`
 * (WIRE.md §5a, hash8 `28cb6f0e02d0c489`). Stored form: `SchemaHash ‖ C(object)`. ObjectId:
 * `objectIdKeyed(zone ObjectIdKey, zone, SchemaHash, C(object))` (WIRE.md §2).
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
  type ObjectId,
  objectIdKeyed,
  readArray,
  readBytes,
  readOptional,
  readRecord,
  readText,
  readUint,
  schemaHash,
  type SchemaId,
  schemaIdString,
  validateCanonicalId,
} from "../model/mod.ts";
import type { Ed25519Key } from "./keys.ts";
import {
  type CapabilityGrant,
  decodeConstraints,
  encodeConstraints,
  type TokenConstraints,
} from "./token.ts";

/** The CapabilityObject schema. */
export const CAPABILITY_OBJECT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "CapabilityObject",
  version: "1.0.0",
};

/** A signed CapabilityObject. */
export interface CapabilityObject {
  /** Object header; `schema` is {@link CAPABILITY_OBJECT_SCHEMA}, `zoneId` the granting zone. */
  readonly header: ObjectHeader;
  /** The capability granted. */
  readonly capabilityId: string;
  /** Operations granted; empty = every operation of the capability. */
  readonly operations: readonly string[];
  /** kid of the issuer key that signed. */
  readonly issuerKid: Uint8Array;
  /** Start of validity, Unix seconds. */
  readonly validFrom: number;
  /** End of validity, Unix seconds (absent: until revoked). */
  readonly validUntil?: number;
  /** Constraints on use. */
  readonly constraints?: TokenConstraints;
  /** Random bytes that make otherwise identical grants distinct, so each can be revoked alone. */
  readonly nonce?: Uint8Array;
  /** Issuer's Ed25519 signature. */
  readonly signature: Uint8Array;
}

/** The fields an issuer signs. */
export type CapabilityObjectInput = Omit<CapabilityObject, "issuerKid" | "signature">;

function unsignedCbor(
  o: Omit<CapabilityObject, "signature">,
): Record<string, CborValue | undefined> {
  return {
    header: headerToCbor(o.header),
    capability_id: o.capabilityId,
    operations: [...o.operations],
    issuer_kid: o.issuerKid,
    valid_from: o.validFrom,
    valid_until: o.validUntil,
    constraints: o.constraints === undefined ? undefined : encodeConstraints(o.constraints),
    nonce: o.nonce,
  };
}

function checkFields(o: CapabilityObjectInput): void {
  if (schemaIdString(o.header.schema) !== schemaIdString(CAPABILITY_OBJECT_SCHEMA)) {
    throw new FcpError("FCP-1011", "header schema must be fcp.core.CapabilityObject/1.0.0");
  }
  validateCanonicalId(o.capabilityId, "capability id");
  for (const op of o.operations) validateCanonicalId(op, "operation id");
  if (o.validUntil !== undefined && o.validUntil <= o.validFrom) {
    throw new FcpError("FCP-1040", "valid_until must be after valid_from");
  }
}

/**
 * The bytes the issuer signs: `FCP2-SIGN-V1` over the object without `signature`.
 *
 * @example
 * ```ts
 * import { capabilityObjectSigningBytes, CAPABILITY_OBJECT_SCHEMA } from "./capability_object.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const b = capabilityObjectSigningBytes({
 *   header: { schema: CAPABILITY_OBJECT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: originProvenance("z:work"), refs: [], foreignRefs: [] },
 *   capabilityId: "cap:x", operations: [], issuerKid: new Uint8Array(8), validFrom: 1,
 * });
 * assert.equal(toHex(b.slice(12, 20)), "28cb6f0e02d0c489");
 * ```
 */
export function capabilityObjectSigningBytes(o: Omit<CapabilityObject, "signature">): Uint8Array {
  return fcp2SigningBytes(
    schemaIdString(CAPABILITY_OBJECT_SCHEMA),
    encodeCbor(unsignedCbor(o)),
  );
}

/**
 * Sign a CapabilityObject with `issuer` (the owner key, or an issuer policy authorizes).
 * Refuses a wrong header schema (`FCP-1011`) or bad ids (`FCP-4007`).
 *
 * @example
 * ```ts
 * import { CAPABILITY_OBJECT_SCHEMA, signCapabilityObject, verifyCapabilityObjectSignature } from "./capability_object.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = Ed25519Key.generate();
 * const obj = signCapabilityObject({
 *   header: { schema: CAPABILITY_OBJECT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: originProvenance("z:work"), refs: [], foreignRefs: [] },
 *   capabilityId: "cap:x", operations: ["x.read"], validFrom: 1,
 * }, owner);
 * assert.ok(verifyCapabilityObjectSignature(obj, owner.publicKey));
 * ```
 */
export function signCapabilityObject(
  input: CapabilityObjectInput,
  issuer: Ed25519Key,
): CapabilityObject {
  checkFields(input);
  const unsigned = { ...input, issuerKid: issuer.kid };
  return { ...unsigned, signature: issuer.sign(capabilityObjectSigningBytes(unsigned)) };
}

/**
 * Whether `o.signature` is a valid (strict) Ed25519 signature by `issuerPublicKey`.
 *
 * @example
 * ```ts
 * import { verifyCapabilityObjectSignature } from "./capability_object.ts";
 * import type { CapabilityObject } from "./capability_object.ts";
 * import assert from "node:assert/strict";
 * const fake = { signature: new Uint8Array(64) } as unknown as CapabilityObject;
 * assert.equal(verifyCapabilityObjectSignature(fake, new Uint8Array(32)), false);
 * ```
 */
export function verifyCapabilityObjectSignature(
  o: CapabilityObject,
  issuerPublicKey: Uint8Array,
): boolean {
  try {
    return ed25519Verify(issuerPublicKey, capabilityObjectSigningBytes(o), o.signature);
  } catch {
    return false;
  }
}

/**
 * The canonical CBOR bytes of the whole object (no SchemaHash prefix).
 *
 * @example
 * ```ts
 * import { capabilityObjectCbor, CAPABILITY_OBJECT_SCHEMA, signCapabilityObject } from "./capability_object.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const obj = signCapabilityObject({
 *   header: { schema: CAPABILITY_OBJECT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: originProvenance("z:work"), refs: [], foreignRefs: [] },
 *   capabilityId: "cap:x", operations: [], validFrom: 1,
 * }, Ed25519Key.generate());
 * assert.equal(capabilityObjectCbor(obj)[0]! >> 5, 5); // a CBOR map
 * ```
 */
export function capabilityObjectCbor(o: CapabilityObject): Uint8Array {
  return encodeCbor({ ...unsignedCbor(o), signature: o.signature });
}

/**
 * The stored form: `SchemaHash(CapabilityObject) ‖ C(object)`.
 *
 * @example
 * ```ts
 * import { decodeCapabilityObject, encodeCapabilityObject, CAPABILITY_OBJECT_SCHEMA, signCapabilityObject } from "./capability_object.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const obj = signCapabilityObject({
 *   header: { schema: CAPABILITY_OBJECT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: originProvenance("z:work"), refs: [], foreignRefs: [] },
 *   capabilityId: "cap:x", operations: ["x.read"], validFrom: 1, validUntil: 9,
 *   constraints: { maxCalls: 3 },
 * }, Ed25519Key.generate());
 * assert.deepEqual(decodeCapabilityObject(encodeCapabilityObject(obj)), obj);
 * ```
 */
export function encodeCapabilityObject(o: CapabilityObject): Uint8Array {
  return encodePrefixed(schemaHash(CAPABILITY_OBJECT_SCHEMA), {
    ...unsignedCbor(o),
    signature: o.signature,
  });
}

/**
 * Read a CapabilityObject from its CBOR value (shape errors `FCP-1013`). Does not verify the
 * signature.
 *
 * @example
 * ```ts
 * import { capabilityObjectFromCbor } from "./capability_object.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => capabilityObjectFromCbor({}), /FCP-1013/);
 * ```
 */
export function capabilityObjectFromCbor(v: CborValue): CapabilityObject {
  const m = readRecord(v, "capability_object", [
    "header",
    "capability_id",
    "operations",
    "issuer_kid",
    "valid_from",
    "valid_until",
    "constraints",
    "nonce",
    "signature",
  ]);
  const validUntil = readOptional(m.valid_until, "valid_until", readUint);
  const constraints = m.constraints === undefined ? undefined : decodeConstraints(m.constraints);
  const nonce = readOptional(m.nonce, "nonce", (x, w) => readBytes(x, w));
  const o: CapabilityObject = {
    header: headerFromCbor(m.header),
    capabilityId: readText(m.capability_id, "capability_id"),
    operations: readArray(m.operations, "operations", readText),
    issuerKid: readBytes(m.issuer_kid, "issuer_kid", 8),
    validFrom: readUint(m.valid_from, "valid_from"),
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(constraints === undefined ? {} : { constraints }),
    ...(nonce === undefined ? {} : { nonce }),
    signature: readBytes(m.signature, "signature", 64),
  };
  checkFields(o);
  return o;
}

/**
 * Decode the stored form (`SchemaHash ‖ canonical CBOR`), strictly.
 *
 * @example
 * ```ts
 * import { decodeCapabilityObject } from "./capability_object.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeCapabilityObject(new Uint8Array(33)));
 * ```
 */
export function decodeCapabilityObject(bytes: Uint8Array): CapabilityObject {
  return capabilityObjectFromCbor(decodePrefixed(bytes, schemaHash(CAPABILITY_OBJECT_SCHEMA)));
}

/**
 * The zone-scoped ObjectId of a CapabilityObject:
 * `objectIdKeyed(objectIdKey, header.zone_id, SchemaHash, C(object))`.
 *
 * @example
 * ```ts
 * import { capabilityObjectId, CAPABILITY_OBJECT_SCHEMA, signCapabilityObject } from "./capability_object.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const obj = signCapabilityObject({
 *   header: { schema: CAPABILITY_OBJECT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: originProvenance("z:work"), refs: [], foreignRefs: [] },
 *   capabilityId: "cap:x", operations: [], validFrom: 1,
 * }, Ed25519Key.generate());
 * assert.equal(capabilityObjectId(obj, new Uint8Array(32)).length, 32);
 * ```
 */
export function capabilityObjectId(o: CapabilityObject, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    o.header.zoneId,
    schemaHash(CAPABILITY_OBJECT_SCHEMA),
    capabilityObjectCbor(o),
  );
}

/**
 * Whether the object covers a grant: same capability, and the object grants every operation
 * (empty list) or the grant's specific operation. An op-less grant (every operation) is covered
 * only by an object that grants every operation.
 *
 * @example
 * ```ts
 * import { capabilityCovers } from "./capability_object.ts";
 * import type { CapabilityObject } from "./capability_object.ts";
 * import assert from "node:assert/strict";
 * const o = { capabilityId: "cap:x", operations: ["x.read"] } as unknown as CapabilityObject;
 * assert.ok(capabilityCovers(o, { capability: "cap:x", operation: "x.read" }));
 * assert.ok(!capabilityCovers(o, { capability: "cap:x" }));
 * ```
 */
export function capabilityCovers(o: CapabilityObject, g: CapabilityGrant): boolean {
  if (o.capabilityId !== g.capability) return false;
  if (o.operations.length === 0) return true;
  return g.operation !== undefined && o.operations.includes(g.operation);
}
