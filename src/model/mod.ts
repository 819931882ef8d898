/**
 * The object model (rank 2): SchemaHash, ObjectId, ZoneId and ZoneIdHash, key ids, EpochId,
 * ObjectHeader with its CBOR form, `FCP2-SIGN-V1` signing bytes, HRW ranking and the owner
 * genesis. Everything here is pure and byte-exact to ../shared/interop.
 *
 * @module
 */
export * from "./schema.ts";
export * from "./zone_id.ts";
export * from "./object_id.ts";
export * from "./key_id.ts";
export * from "./identifier.ts";
export * from "./epoch.ts";
export * from "./cbor_shape.ts";
export * from "./object_header.ts";
export * from "./signing_bytes.ts";
export * from "./hrw.ts";
export * from "./genesis.ts";
