/**
 * NodeSignature, SignatureSet and the `FCP2-SIGN-V1` sign/verify helpers used by the
 * authority objects of this folder (WIRE.md §5, §5a).
 *
 * - `NodeSignature` CBOR = `{node_id: tstr, signature: bstr(64), signed_at: uint}`.
 * - `SignatureSet` CBOR = `{signatures: [NodeSignature…]}`, sorted by node_id bytes, no duplicates.
 *
 * @module
 */
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import { compareBytes, FcpError, utf8 } from "../core/mod.ts";
import { ed25519Sign, ed25519Verify } from "../crypto/mod.ts";
import {
  fcp2SigningBytes,
  readArray,
  readBytes,
  readRecord,
  readText,
  readUint,
  type SchemaId,
  schemaIdString,
} from "../model/mod.ts";

/** A signature by one node (WIRE.md §5). */
export interface NodeSignature {
  /** The signing node's id (text). */
  readonly nodeId: string;
  /** The 64-byte Ed25519 signature. */
  readonly signature: Uint8Array;
  /** When it was signed, Unix seconds. */
  readonly signedAt: number;
}

/**
 * The CBOR value of a NodeSignature.
 *
 * @example
 * ```ts
 * import { nodeSignatureToCbor } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const v = nodeSignatureToCbor({ nodeId: "n1", signature: new Uint8Array(64), signedAt: 5 });
 * assert.deepEqual(Object.keys(v as object).sort(), ["node_id", "signature", "signed_at"]);
 * ```
 */
export function nodeSignatureToCbor(s: NodeSignature): CborValue {
  if (s.signature.length !== 64) throw new FcpError("FCP-1013", "signature must be 64 bytes");
  return { node_id: s.nodeId, signature: s.signature, signed_at: s.signedAt };
}

/**
 * Read a NodeSignature from its CBOR value (`FCP-1013` on a wrong shape).
 *
 * @example
 * ```ts
 * import { nodeSignatureFromCbor, nodeSignatureToCbor } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const s = { nodeId: "n1", signature: new Uint8Array(64), signedAt: 5 };
 * assert.deepEqual(nodeSignatureFromCbor(nodeSignatureToCbor(s)), s);
 * assert.throws(() => nodeSignatureFromCbor({ node_id: "n1" }), /FCP-1013/);
 * ```
 */
export function nodeSignatureFromCbor(v: CborValue | undefined, what = "signature"): NodeSignature {
  const m = readRecord(v, what, ["node_id", "signature", "signed_at"]);
  return {
    nodeId: readText(m.node_id, `${what}.node_id`),
    signature: readBytes(m.signature, `${what}.signature`, 64),
    signedAt: readUint(m.signed_at, `${what}.signed_at`),
  };
}

/**
 * Sort signatures by node_id bytes and refuse duplicates (`FCP-1013`), as a SignatureSet
 * requires (WIRE.md §5).
 *
 * @example
 * ```ts
 * import { sortSignatureSet } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const sig = new Uint8Array(64);
 * const set = sortSignatureSet([
 *   { nodeId: "b", signature: sig, signedAt: 1 },
 *   { nodeId: "a", signature: sig, signedAt: 1 },
 * ]);
 * assert.deepEqual(set.map((s) => s.nodeId), ["a", "b"]);
 * assert.throws(() => sortSignatureSet([set[0]!, set[0]!]), /FCP-1013/);
 * ```
 */
export function sortSignatureSet(sigs: readonly NodeSignature[]): NodeSignature[] {
  const sorted = [...sigs].sort((a, b) => compareBytes(utf8(a.nodeId), utf8(b.nodeId)));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.nodeId === sorted[i - 1]!.nodeId) {
      throw new FcpError("FCP-1013", `duplicate signer ${sorted[i]!.nodeId} in SignatureSet`);
    }
  }
  return sorted;
}

/**
 * The CBOR value of a SignatureSet: `{signatures: [...]}`, sorted by node id.
 *
 * @example
 * ```ts
 * import { signatureSetToCbor } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(signatureSetToCbor([]), { signatures: [] });
 * ```
 */
export function signatureSetToCbor(sigs: readonly NodeSignature[]): CborValue {
  return { signatures: sortSignatureSet(sigs).map(nodeSignatureToCbor) };
}

/**
 * Read a SignatureSet; it must already be sorted by node id without duplicates (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { signatureSetFromCbor, signatureSetToCbor } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const s = [{ nodeId: "a", signature: new Uint8Array(64), signedAt: 1 }];
 * assert.deepEqual(signatureSetFromCbor(signatureSetToCbor(s)), s);
 * ```
 */
export function signatureSetFromCbor(
  v: CborValue | undefined,
  what = "signatures",
): NodeSignature[] {
  const m = readRecord(v, what, ["signatures"]);
  const sigs = readArray(m.signatures, `${what}.signatures`, nodeSignatureFromCbor);
  const sorted = sortSignatureSet(sigs);
  if (sorted.some((s, i) => s !== sigs[i])) {
    throw new FcpError("FCP-1013", `${what} must be sorted by node_id`);
  }
  return sigs;
}

/**
 * `FCP2-SIGN-V1` signing bytes of an unsigned CBOR view: `"FCP2-SIGN-V1" ‖
 * BLAKE3(schema_id string)[0..8] ‖ C(unsigned)` (WIRE.md §5a), with the schema id string
 * `namespace.name/version`.
 *
 * @example
 * ```ts
 * import { authoritySigningBytes } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const b = authoritySigningBytes({ namespace: "fcp.core", name: "X", version: "1.0.0" }, {});
 * assert.equal(b.length, 12 + 8 + 1);
 * ```
 */
export function authoritySigningBytes(schema: SchemaId, unsigned: CborValue): Uint8Array {
  return fcp2SigningBytes(schemaIdString(schema), encodeCbor(unsigned));
}

/**
 * An Ed25519 signing key: a 32-byte seed, or an object that signs (such as the keystore's
 * `Ed25519Key`, which never hands out its seed).
 */
export type AuthoritySigner = Uint8Array | { sign(message: Uint8Array): Uint8Array };

/**
 * Sign raw bytes with an {@link AuthoritySigner}.
 *
 * @example
 * ```ts
 * import { signWith } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(7);
 * assert.deepEqual(signWith(seed, new Uint8Array([1])), signWith({ sign: (m) => signWith(seed, m) }, new Uint8Array([1])));
 * ```
 */
export function signWith(signer: AuthoritySigner, message: Uint8Array): Uint8Array {
  return signer instanceof Uint8Array ? ed25519Sign(signer, message) : signer.sign(message);
}

/**
 * Sign an unsigned CBOR view with `FCP2-SIGN-V1` and an Ed25519 key.
 *
 * @example
 * ```ts
 * import { authoritySign, authorityVerify } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * const seed = new Uint8Array(32).fill(7);
 * const schema = { namespace: "fcp.core", name: "X", version: "1.0.0" };
 * const sig = authoritySign(schema, { a: 1 }, seed);
 * assert.ok(authorityVerify(schema, { a: 1 }, ed25519PublicKey(seed), sig));
 * assert.ok(!authorityVerify(schema, { a: 2 }, ed25519PublicKey(seed), sig));
 * ```
 */
export function authoritySign(
  schema: SchemaId,
  unsigned: CborValue,
  signer: AuthoritySigner,
): Uint8Array {
  return signWith(signer, authoritySigningBytes(schema, unsigned));
}

/**
 * Verify an `FCP2-SIGN-V1` signature (strict Ed25519). Returns false on any mismatch,
 * including a malformed key or signature.
 *
 * @example
 * ```ts
 * import { authorityVerify } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const schema = { namespace: "fcp.core", name: "X", version: "1.0.0" };
 * assert.equal(authorityVerify(schema, {}, new Uint8Array(32), new Uint8Array(63)), false);
 * ```
 */
export function authorityVerify(
  schema: SchemaId,
  unsigned: CborValue,
  publicKey: Uint8Array,
  signature: Uint8Array,
): boolean {
  const message = authoritySigningBytes(schema, unsigned);
  try {
    return ed25519Verify(publicKey, message, signature);
  } catch {
    return false;
  }
}

/**
 * Throw the opaque `FCP-2001` when `ok` is false.
 *
 * @example
 * ```ts
 * import { requireValidSignature } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => requireValidSignature(false, "RevocationObject"), /FCP-2001/);
 * ```
 */
export function requireValidSignature(ok: boolean, what: string): void {
  if (!ok) throw new FcpError("FCP-2001", `${what} signature is invalid`);
}

function nodeSignedView(
  unsigned: Record<string, CborValue>,
  nodeId: string,
  signedAt: number,
): CborValue {
  return { ...unsigned, signature: { node_id: nodeId, signed_at: signedAt } };
}

/**
 * Sign an object whose `signature` field is a NodeSignature, with `FCP2-SIGN-V1`. The signed
 * view is the object's map with `signature` replaced by `{node_id, signed_at}` (the
 * NodeSignature without its signature bytes), so signer and time are covered too.
 *
 * @example
 * ```ts
 * import { nodeSign, nodeVerify } from "./node_signature.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(4);
 * const schema = { namespace: "fcp.core", name: "X", version: "1.0.0" };
 * const sig = nodeSign(schema, { a: 1 }, "node-a", 10, seed);
 * assert.ok(nodeVerify(schema, { a: 1 }, sig, ed25519PublicKey(seed)));
 * assert.ok(!nodeVerify(schema, { a: 1 }, { ...sig, signedAt: 11 }, ed25519PublicKey(seed)));
 * ```
 */
export function nodeSign(
  schema: SchemaId,
  unsigned: Record<string, CborValue>,
  nodeId: string,
  signedAt: number,
  signer: AuthoritySigner,
): NodeSignature {
  const signature = authoritySign(schema, nodeSignedView(unsigned, nodeId, signedAt), signer);
  return { nodeId, signature, signedAt };
}

/**
 * Verify a NodeSignature made by {@link nodeSign}; false on any mismatch.
 *
 * @example
 * ```ts
 * import { nodeVerify } from "./node_signature.ts";
 * import assert from "node:assert/strict";
 * const schema = { namespace: "fcp.core", name: "X", version: "1.0.0" };
 * const sig = { nodeId: "n", signature: new Uint8Array(64), signedAt: 1 };
 * assert.equal(nodeVerify(schema, {}, sig, new Uint8Array(32)), false);
 * ```
 */
export function nodeVerify(
  schema: SchemaId,
  unsigned: Record<string, CborValue>,
  sig: NodeSignature,
  publicKey: Uint8Array,
): boolean {
  return authorityVerify(
    schema,
    nodeSignedView(unsigned, sig.nodeId, sig.signedAt),
    publicKey,
    sig.signature,
  );
}
