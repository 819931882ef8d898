import assert from "node:assert/strict";
import { encodeCbor } from "../cbor/mod.ts";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  authoritySign,
  authoritySigningBytes,
  authorityVerify,
  nodeSign,
  nodeVerify,
  signatureSetFromCbor,
  signatureSetToCbor,
} from "./node_signature.ts";
import { fcp2SigningBytes } from "../model/mod.ts";

const schema = { namespace: "fcp.core", name: "RevocationObject", version: "1.0.0" };

Deno.test("node_signature: FCP2-SIGN-V1 bytes use the schema id string", () => {
  const v = { a: 1, b: "x" };
  assert.deepEqual(
    authoritySigningBytes(schema, v),
    fcp2SigningBytes("fcp.core.RevocationObject/1.0.0", encodeCbor(v)),
  );
});

Deno.test("node_signature: wrong key, wrong schema and tampered payload fail", () => {
  const seed = new Uint8Array(32).fill(1);
  const pk = ed25519PublicKey(seed);
  const sig = authoritySign(schema, { a: 1 }, seed);
  assert.ok(authorityVerify(schema, { a: 1 }, pk, sig));
  assert.ok(!authorityVerify(schema, { a: 1 }, ed25519PublicKey(new Uint8Array(32).fill(2)), sig));
  assert.ok(!authorityVerify({ ...schema, name: "RevocationEvent" }, { a: 1 }, pk, sig));
  assert.ok(!authorityVerify(schema, { a: 2 }, pk, sig));
});

Deno.test("node_signature: node signature covers node id", () => {
  const seed = new Uint8Array(32).fill(3);
  const s = nodeSign(schema, { a: 1 }, "node-a", 5, seed);
  assert.ok(nodeVerify(schema, { a: 1 }, s, ed25519PublicKey(seed)));
  assert.ok(!nodeVerify(schema, { a: 1 }, { ...s, nodeId: "node-b" }, ed25519PublicKey(seed)));
});

Deno.test("node_signature: unsorted or duplicate SignatureSet is refused", () => {
  const sig = new Uint8Array(64);
  const unsorted = {
    signatures: [
      { node_id: "b", signature: sig, signed_at: 1 },
      { node_id: "a", signature: sig, signed_at: 1 },
    ],
  };
  assert.throws(() => signatureSetFromCbor(unsorted), (e) => isFcpError(e, "FCP-1013"));
  const dup = { signatures: [unsorted.signatures[1]!, unsorted.signatures[1]!] };
  assert.throws(() => signatureSetFromCbor(dup), (e) => isFcpError(e, "FCP-1013"));
  const sorted = signatureSetToCbor([
    { nodeId: "b", signature: sig, signedAt: 1 },
    { nodeId: "a", signature: sig, signedAt: 1 },
  ]) as { signatures: { node_id: string }[] };
  assert.deepEqual(sorted.signatures.map((s) => s.node_id), ["a", "b"]);
});
