import assert from "node:assert/strict";
import { decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { fromUtf8, isFcpError, toHex } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";
import { utf8 } from "../core/mod.ts";
import {
  attestationSigningBytes,
  decodeAttestation,
  encodeAttestation,
  type NodeKeyAttestation,
  signAttestation,
  verifyAttestation,
} from "./attestation.ts";
import { Ed25519Key, generateNodeKeys } from "./keys.ts";

const T0 = 1_700_000_000;
const owner = Ed25519Key.generate();
const node = generateNodeKeys();
const input = {
  nodeId: "node-a",
  signingPublicKey: node.signing.publicKey,
  encryptionPublicKey: node.encryption.publicKey,
  issuancePublicKey: node.issuance.publicKey,
  tags: ["tag:fcp-work", "tag:fcp-owner", "tag:fcp-work"],
  issuedAt: T0,
};
const att = signAttestation(input, owner);
const check = { ownerPublicKey: owner.publicKey, now: T0 + 60 };

/** Re-sign arbitrary fields with the owner key, bypassing signAttestation's input checks. */
function forge(fields: Omit<NodeKeyAttestation, "ownerKid" | "signature">): NodeKeyAttestation {
  return { ...fields, ownerKid: owner.kid, signature: owner.sign(attestationSigningBytes(fields)) };
}

Deno.test("attestation: signing bytes are FCP2-SIGN-V1 ‖ hash8(fcp.attestation.v1) ‖ C(payload)", () => {
  const b = attestationSigningBytes(att);
  assert.equal(fromUtf8(b.slice(0, 12)), "FCP2-SIGN-V1");
  assert.equal(toHex(b.slice(12, 20)), toHex(blake3(utf8("fcp.attestation.v1")).slice(0, 8)));
  const payload = decodeCbor(b.slice(20)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(payload).sort(), [
    "encryption_kid",
    "expires_at",
    "issuance_kid",
    "issued_at",
    "node_id",
    "schema",
    "signing_kid",
    "tags",
  ]);
  assert.equal(payload.schema, "fcp.attestation.v1");
  assert.equal(payload.signing_kid, toHex(node.signing.kid));
  assert.deepEqual(payload.tags, ["tag:fcp-owner", "tag:fcp-work"]);
  assert.equal(payload.expires_at, T0 + 86_400);
});

Deno.test("attestation: verifies, and survives encode/decode", () => {
  verifyAttestation(att, { ...check, expectedNodeId: "node-a", expectedTags: input.tags });
  const back = decodeAttestation(encodeAttestation(att));
  assert.deepEqual(back, att);
  verifyAttestation(back, check);
});

Deno.test("attestation: clock skew boundaries (300 s)", () => {
  verifyAttestation(att, { ...check, now: T0 - 300 });
  verifyAttestation(att, { ...check, now: T0 + 86_400 + 299 });
});

Deno.test("attestation refused: expired (FCP-2009)", () => {
  assert.throws(
    () => verifyAttestation(att, { ...check, now: T0 + 86_400 + 300 }),
    (e) => isFcpError(e, "FCP-2009"),
  );
});

Deno.test("attestation refused: issued in the future (FCP-2010)", () => {
  assert.throws(
    () => verifyAttestation(att, { ...check, now: T0 - 301 }),
    (e) => isFcpError(e, "FCP-2010"),
  );
});

Deno.test("attestation refused: validity longer than 24 h (FCP-2010)", () => {
  const long = forge({ ...att, tags: att.tags, expiresAt: T0 + 86_401 });
  assert.throws(() => verifyAttestation(long, check), (e) => isFcpError(e, "FCP-2010"));
  assert.throws(
    () => signAttestation({ ...input, validitySecs: 86_401 }, owner),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("attestation refused: expires_at not after issued_at (FCP-2010)", () => {
  const empty = forge({ ...att, expiresAt: T0 });
  assert.throws(() => verifyAttestation(empty, check), (e) => isFcpError(e, "FCP-2010"));
});

Deno.test("attestation refused: wrong signer (FCP-2010)", () => {
  const other = Ed25519Key.generate();
  assert.throws(
    () => verifyAttestation(att, { ...check, ownerPublicKey: other.publicKey }),
    (e) => isFcpError(e, "FCP-2010"),
  );
  // Signed by another key but claiming the owner's kid.
  const bySomeoneElse = { ...att, signature: other.sign(attestationSigningBytes(att)) };
  assert.throws(() => verifyAttestation(bySomeoneElse, check), (e) => isFcpError(e, "FCP-2010"));
});

Deno.test("attestation refused: a swapped public key no longer matches the signed kid (FCP-2010)", () => {
  const swapped = { ...att, issuancePublicKey: Ed25519Key.generate().publicKey };
  assert.throws(() => verifyAttestation(swapped, check), (e) => isFcpError(e, "FCP-2010"));
  // On the wire: the envelope's public key differs from the kid inside the signed payload.
  const env = decodeCbor(encodeAttestation(att)) as Record<string, unknown>;
  const tampered = encodeCbor({
    ...env,
    issuance_public_key: Ed25519Key.generate().publicKey,
  } as Record<string, Uint8Array>);
  assert.throws(() => decodeAttestation(tampered), (e) => isFcpError(e, "FCP-2010"));
});

Deno.test("attestation refused: tag set differs from the node's tags (FCP-2010)", () => {
  assert.throws(
    () => verifyAttestation(att, { ...check, expectedTags: ["tag:fcp-work"] }),
    (e) => isFcpError(e, "FCP-2010"),
  );
  assert.throws(
    () => verifyAttestation(att, { ...check, expectedTags: [...att.tags, "tag:fcp-public"] }),
    (e) => isFcpError(e, "FCP-2010"),
  );
});

Deno.test("attestation refused: another node id (FCP-2010)", () => {
  assert.throws(
    () => verifyAttestation(att, { ...check, expectedNodeId: "node-b" }),
    (e) => isFcpError(e, "FCP-2010"),
  );
});

Deno.test("attestation refused: tags unsorted, or not canonical identifiers (FCP-2010)", () => {
  const unsorted = { ...att, tags: ["tag:fcp-work", "tag:fcp-owner"] };
  assert.throws(() => verifyAttestation(unsorted, check), (e) => isFcpError(e, "FCP-2010"));
  assert.throws(
    () => signAttestation({ ...input, tags: ["Tag:Bad"] }, owner),
    (e) => isFcpError(e, "FCP-2010"),
  );
  assert.throws(
    () => signAttestation({ ...input, tags: ["t".repeat(65)] }, owner),
    (e) => isFcpError(e, "FCP-2010"),
  );
});

Deno.test("attestation refused: tampered field breaks the signature (FCP-2010)", () => {
  const tampered = { ...att, nodeId: "node-evil" };
  assert.throws(() => verifyAttestation(tampered, check), (e) => isFcpError(e, "FCP-2010"));
});
