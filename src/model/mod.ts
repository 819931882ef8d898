/**
 * The object model: SchemaHash, ObjectId, ZoneId, key ids, ObjectHeader, FCP2-SIGN-V1 signing bytes, HRW, genesis.
 *
 * @module
 */
export {};
