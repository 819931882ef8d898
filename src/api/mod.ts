/**
 * The Hono LocalAPI (rank 6) and the node runtime that serves it: bearer-token auth on every
 * route, loopback-only listening with a `Host` check, JSON errors mapped from error codes, an
 * OpenAPI 3.1 document, the single-instance node lock and the clean stop (docs/api.md).
 *
 * @example
 * ```ts
 * import { createApp, httpStatusForCode } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const status = { status: () => Promise.reject(new Error("unused")) };
 * const { app } = createApp({ status }, { token: "t" });
 * assert.equal((await app.request("http://127.0.0.1/v1/status")).status, 401);
 * assert.equal(httpStatusForCode("FCP-6001"), 404);
 * ```
 *
 * @module
 */
export * from "./http_status.ts";
export * from "./error_response.ts";
export * from "./api_token.ts";
export * from "./auth.ts";
export * from "./host_check.ts";
export * from "./deps.ts";
export * from "./openapi.ts";
export * from "./app.ts";
export * from "./serve.ts";
export * from "./node_lock.ts";
export * from "./object_service.ts";
export * from "./audit_service.ts";
export * from "./node_runtime.ts";
export * from "./node_client.ts";
export * from "./host_services.ts";
export * from "./offline_host.ts";
