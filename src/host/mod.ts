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
export * from "./manifest_types.ts";
export * from "./manifest.ts";
export * from "./manifest_interface_hash.ts";
export * from "./manifest_fix.ts";
export * from "./manifest_sandbox.ts";
export * from "./manifest_zones.ts";
export * from "./manifest_version.ts";
