import assert from "node:assert/strict";
import { decodeCbor } from "../cbor/mod.ts";
import { fromUtf8, isFcpError, toHex } from "../core/mod.ts";
import { objectIdKeyed, originProvenance, schemaHash } from "../model/mod.ts";
import {
  CAPABILITY_OBJECT_SCHEMA,
  capabilityCovers,
  capabilityObjectCbor,
  capabilityObjectId,
  capabilityObjectSigningBytes,
  decodeCapabilityObject,
  encodeCapabilityObject,
  signCapabilityObject,
  verifyCapabilityObjectSignature,
} from "./capability_object.ts";
import { Ed25519Key } from "./keys.ts";

const owner = Ed25519Key.generate();
const header = {
  schema: CAPABILITY_OBJECT_SCHEMA,
  zoneId: "z:work",
  createdAt: 1_700_000_000,
  provenance: originProvenance("z:work"),
  refs: [],
  foreignRefs: [],
};
const obj = signCapabilityObject({
  header,
  capabilityId: "cap:gh",
  operations: ["gh.read", "gh.list"],
  validFrom: 1_700_000_000,
  validUntil: 1_800_000_000,
  constraints: { resourceAllow: ["repo/*"] },
  nonce: new Uint8Array(16).fill(4),
}, owner);

Deno.test("capability object: FCP2-SIGN-V1 with hash8 28cb6f0e02d0c489 over the object without signature", () => {
  const b = capabilityObjectSigningBytes(obj);
  assert.equal(fromUtf8(b.slice(0, 12)), "FCP2-SIGN-V1");
  assert.equal(toHex(b.slice(12, 20)), "28cb6f0e02d0c489");
  const unsigned = decodeCbor(b.slice(20)) as Record<string, unknown>;
  assert.equal(unsigned.signature, undefined);
  assert.equal(unsigned.capability_id, "cap:gh");
  assert.deepEqual(unsigned.issuer_kid, owner.kid);
  assert.ok(verifyCapabilityObjectSignature(obj, owner.publicKey));
});

Deno.test("capability object: stored form is SchemaHash ‖ C(object) and round-trips", () => {
  const stored = encodeCapabilityObject(obj);
  assert.deepEqual(stored.slice(0, 32), schemaHash(CAPABILITY_OBJECT_SCHEMA));
  assert.deepEqual(stored.slice(32), capabilityObjectCbor(obj));
  assert.deepEqual(decodeCapabilityObject(stored), obj);
});

Deno.test("capability object: ObjectId is keyed BLAKE3 over its canonical bytes in its zone", () => {
  const key = new Uint8Array(32).fill(1);
  assert.deepEqual(
    capabilityObjectId(obj, key),
    objectIdKeyed(key, "z:work", schemaHash(CAPABILITY_OBJECT_SCHEMA), capabilityObjectCbor(obj)),
  );
  assert.notDeepEqual(capabilityObjectId(obj, key), capabilityObjectId(obj, new Uint8Array(32)));
  // The nonce tells apart otherwise identical grants (so each can be revoked alone).
  const twin = signCapabilityObject({ ...obj, nonce: new Uint8Array(16).fill(5) }, owner);
  assert.notDeepEqual(capabilityObjectId(twin, key), capabilityObjectId(obj, key));
});

Deno.test("capability object refused: tampered fields or another signer", () => {
  assert.ok(!verifyCapabilityObjectSignature({ ...obj, operations: [] }, owner.publicKey));
  assert.ok(!verifyCapabilityObjectSignature(obj, Ed25519Key.generate().publicKey));
});

Deno.test("capability object refused: wrong header schema (FCP-1011), bad ids (FCP-4007), empty validity (FCP-1040)", () => {
  const base = { header, capabilityId: "cap:gh", operations: [], validFrom: 5 };
  assert.throws(
    () =>
      signCapabilityObject({
        ...base,
        header: { ...header, schema: { namespace: "fcp.core", name: "Other", version: "1.0.0" } },
      }, owner),
    (e) => isFcpError(e, "FCP-1011"),
  );
  assert.throws(
    () => signCapabilityObject({ ...base, capabilityId: "Cap GH" }, owner),
    (e) => isFcpError(e, "FCP-4007"),
  );
  assert.throws(
    () => signCapabilityObject({ ...base, validUntil: 5 }, owner),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("capability object refused: stored bytes under another schema hash (FCP-1011)", () => {
  const stored = encodeCapabilityObject(obj);
  stored[0]! ^= 1;
  assert.throws(() => decodeCapabilityObject(stored), (e) => isFcpError(e, "FCP-1011"));
});

Deno.test("capabilityCovers: capability must match; empty operations cover everything", () => {
  assert.ok(capabilityCovers(obj, { capability: "cap:gh", operation: "gh.list" }));
  assert.ok(!capabilityCovers(obj, { capability: "cap:gh", operation: "gh.write" }));
  assert.ok(!capabilityCovers(obj, { capability: "cap:gh" }));
  assert.ok(!capabilityCovers(obj, { capability: "cap:x", operation: "gh.read" }));
  const all = { ...obj, operations: [] };
  assert.ok(capabilityCovers(all, { capability: "cap:gh" }));
});
