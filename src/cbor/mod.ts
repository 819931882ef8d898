/**
 * Canonical CBOR (RFC 8949 §4.2.1) encoder and strict decoder, with the SchemaHash-prefixed object form (spec §3.5).
 *
 * @module
 */
export {};
