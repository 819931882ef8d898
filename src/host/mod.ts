/**
 * The connector host: sandboxed workers, egress guard, invoke pipeline, audit chain.
 *
 * @module
 */
export {};
