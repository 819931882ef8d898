/**
 * Holder proofs (WIRE.md §5b): the presenting node signs, with its node signing key,
 * `"FCP2-HOLDER-PROOF-V1" ‖ lp32(request_id) ‖ lp32(operation_id) ‖ lp32(token_jti)`, proving it
 * holds the token bound to it by the `holder_node` claim (−65546).
 *
 * @module
 */
import { concatBytes, lp32, utf8 } from "../core/mod.ts";
import { ed25519Verify } from "../crypto/mod.ts";
import type { Ed25519Key } from "./keys.ts";

const HOLDER_PROOF_DOMAIN = utf8("FCP2-HOLDER-PROOF-V1");

/** What a holder proof covers. */
export interface HolderProofInput {
  /** The request id (text or bytes; text is UTF-8). */
  readonly requestId: string | Uint8Array;
  /** The operation id being invoked (text or bytes). */
  readonly operationId: string | Uint8Array;
  /** The token's jti (`cti`, claim 7). */
  readonly tokenJti: Uint8Array;
}

/**
 * The signed bytes of a holder proof.
 *
 * @example
 * ```ts
 * import { holderProofBytes } from "./holder_proof.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const b = holderProofBytes({ requestId: "r", operationId: "o", tokenJti: new Uint8Array([9]) });
 * assert.equal(toHex(b.slice(20)), "0100000072" + "010000006f" + "0100000009");
 * ```
 */
export function holderProofBytes(p: HolderProofInput): Uint8Array {
  return concatBytes(HOLDER_PROOF_DOMAIN, lp32(p.requestId), lp32(p.operationId), lp32(p.tokenJti));
}

/**
 * Sign a holder proof with the holder node's signing key.
 *
 * @example
 * ```ts
 * import { signHolderProof, verifyHolderProof } from "./holder_proof.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const node = Ed25519Key.generate();
 * const p = { requestId: "req-1", operationId: "op.read", tokenJti: new Uint8Array(16) };
 * assert.ok(verifyHolderProof(node.publicKey, p, signHolderProof(node, p)));
 * ```
 */
export function signHolderProof(holderSigningKey: Ed25519Key, p: HolderProofInput): Uint8Array {
  return holderSigningKey.sign(holderProofBytes(p));
}

/**
 * Check a holder proof signature (strict Ed25519); false on any failure, including a malformed
 * key or signature.
 *
 * @example
 * ```ts
 * import { verifyHolderProof } from "./holder_proof.ts";
 * import assert from "node:assert/strict";
 * const p = { requestId: "r", operationId: "o", tokenJti: new Uint8Array(16) };
 * assert.equal(verifyHolderProof(new Uint8Array(32), p, new Uint8Array(3)), false);
 * ```
 */
export function verifyHolderProof(
  holderPublicKey: Uint8Array,
  p: HolderProofInput,
  signature: Uint8Array,
): boolean {
  try {
    return ed25519Verify(holderPublicKey, holderProofBytes(p), signature);
  } catch {
    return false;
  }
}
