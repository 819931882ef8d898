/**
 * The connector host (rank 5): the per-zone audit chain, and (in progress) sandboxed connector
 * workers, the egress guard and the invoke pipeline.
 *
 * @module
 */
export * from "./audit_event.ts";
export * from "./audit_head.ts";
export * from "./audit_verify.ts";
export * from "./audit_log.ts";
