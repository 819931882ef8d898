/**
 * Core: the bottom layer. Errors with stable codes and byte helpers; no dependencies.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./bytes.ts";
