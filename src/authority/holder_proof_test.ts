import assert from "node:assert/strict";
import { concatBytes, toHex, utf8 } from "../core/mod.ts";
import { holderProofBytes, signHolderProof, verifyHolderProof } from "./holder_proof.ts";
import { Ed25519Key } from "./keys.ts";

const jti = new Uint8Array(16).fill(7);
const input = { requestId: "req-1", operationId: "gh.issues.read", tokenJti: jti };

Deno.test("holder proof bytes: domain ‖ lp32(request) ‖ lp32(operation) ‖ lp32(jti) (WIRE.md §5b)", () => {
  const want = concatBytes(
    utf8("FCP2-HOLDER-PROOF-V1"),
    new Uint8Array([5, 0, 0, 0]),
    utf8("req-1"),
    new Uint8Array([14, 0, 0, 0]),
    utf8("gh.issues.read"),
    new Uint8Array([16, 0, 0, 0]),
    jti,
  );
  assert.equal(toHex(holderProofBytes(input)), toHex(want));
});

Deno.test("holder proof: verifies for the holder, not for another key or other inputs", () => {
  const holder = Ed25519Key.generate();
  const sig = signHolderProof(holder, input);
  assert.ok(verifyHolderProof(holder.publicKey, input, sig));
  assert.ok(!verifyHolderProof(Ed25519Key.generate().publicKey, input, sig));
  assert.ok(!verifyHolderProof(holder.publicKey, { ...input, requestId: "req-2" }, sig));
  assert.ok(!verifyHolderProof(holder.publicKey, { ...input, tokenJti: new Uint8Array(16) }, sig));
  assert.ok(!verifyHolderProof(holder.publicKey, input, sig.slice(1)));
});
