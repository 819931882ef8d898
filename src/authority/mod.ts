/**
 * Authority: keys and attestations, capability tokens, zone keys, revocation, policy, receipts.
 *
 * @module
 */
export {};
