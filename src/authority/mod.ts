/**
 * Authority: keys and attestations, capability tokens, zone keys, revocation, policy, receipts.
 *
 * @module
 */
export * from "./keys.ts";
export * from "./keystore.ts";
export * from "./keys_identity.ts";
export * from "./attestation.ts";
export * from "./cose.ts";
export * from "./token.ts";
export * from "./token_verify.ts";
export * from "./holder_proof.ts";
export * from "./capability_object.ts";
export * from "./issuer_policy.ts";
export * from "./hpke_box.ts";
export * from "./zone_keys.ts";
export * from "./zone_key_manifest.ts";
export * from "./zone_key_manifest_seal.ts";
export * from "./zone_keyring.ts";
export * from "./node_signature.ts";
export * from "./freshness.ts";
export * from "./revocation.ts";
export * from "./revocation_registry.ts";
export * from "./revocation_log.ts";
export * from "./policy_glob.ts";
export * from "./policy.ts";
export * from "./taint.ts";
export * from "./approval.ts";
export * from "./sanitizer.ts";
export * from "./provenance.ts";
export * from "./decision_receipt.ts";
export * from "./operation.ts";
