/**
 * The connector host (rank 5): connector manifests and packages, the registry, sandboxed
 * connector workers, the egress guard, the invoke pipeline with its receipts, and the per-zone
 * audit chain (docs/architecture.md lists the files).
 *
 * @module
 */
export * from "./approval_ledger.ts";
export * from "./audit_event.ts";
export * from "./audit_head.ts";
export * from "./audit_verify.ts";
export * from "./audit_log.ts";
export * from "./audit_references.ts";
export * from "./manifest_types.ts";
export * from "./manifest.ts";
export * from "./manifest_interface_hash.ts";
export * from "./manifest_fix.ts";
export * from "./manifest_sandbox.ts";
export * from "./manifest_zones.ts";
export * from "./manifest_version.ts";
export * from "./connector_package.ts";
export * from "./builtin_connectors.ts";
export * from "./connector_registry.ts";
export * from "./host_db.ts";
export * from "./policy_store.ts";
export * from "./capability_store.ts";
export * from "./revocation_view.ts";
export * from "./token_gate.ts";
export * from "./token_mint.ts";
export * from "./invoke_request.ts";
export * from "./execution_lease.ts";
export * from "./request_log.ts";
export * from "./idempotency_store.ts";
export * from "./token_usage.ts";
export * from "./input_validator.ts";
export * from "./invoke_pipeline.ts";
export * from "./connector_host.ts";
export * from "./node_config.ts";
export * from "./node_host.ts";
export * from "./worker_protocol.ts";
export * from "./connector_worker.ts";
export * from "./egress_address.ts";
export * from "./egress_guard.ts";
export * from "./credential_store.ts";
