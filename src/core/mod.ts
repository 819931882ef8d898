/**
 * Core: the bottom layer. Errors with stable codes, byte helpers and a bounded LRU map; no dependencies.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./bytes.ts";
export * from "./bounded_lru.ts";
