/**
 * The HTTP status of every LocalAPI error, derived from the error code (spec §24.1 ranges) with
 * a few per-code overrides. The table is documented in docs/api.md.
 *
 * @module
 */
import { type ErrorCategory, errorCategory, type ErrorCode } from "../core/mod.ts";

/** The HTTP status of each error category (spec §24.1 ranges). */
export const CATEGORY_HTTP_STATUS: Readonly<Record<ErrorCategory, number>> = {
  protocol: 400,
  auth: 401,
  capability: 403,
  zone: 403,
  lifecycle: 503,
  resource: 400,
  external: 502,
  internal: 500,
};

/** Codes whose status differs from their category's. */
export const CODE_HTTP_STATUS: Readonly<Partial<Record<ErrorCode, number>>> = {
  "FCP-1041": 413, // input.too_large
  "FCP-1042": 405, // input.method_not_allowed
  "FCP-2012": 503, // keystore.unavailable: the node cannot act, not the caller's fault
  "FCP-2013": 409, // keystore.exists
  "FCP-2016": 403, // api.host_forbidden
  "FCP-4001": 400, // zone.id_invalid: malformed input
  "FCP-4007": 400, // identifier.invalid: malformed input
  "FCP-5001": 409, // node.already_running
  "FCP-5005": 409, // connector.not_active: the request is fine, the node's state is not
  "FCP-5008": 404, // connector.not_installed
  "FCP-6001": 404, // resource.not_found
  "FCP-6002": 429, // resource.quota_exceeded
  "FCP-6003": 504, // resource.timeout
  "FCP-6004": 409, // resource.already_exists (e.g. an idempotency key reused)
};

/**
 * The HTTP status for an error code: the per-code override, else the category's status.
 *
 * @example
 * ```ts
 * import { httpStatusForCode } from "./http_status.ts";
 * import assert from "node:assert/strict";
 * assert.equal(httpStatusForCode("FCP-2015"), 401);
 * assert.equal(httpStatusForCode("FCP-3001"), 403);
 * assert.equal(httpStatusForCode("FCP-6001"), 404);
 * assert.equal(httpStatusForCode("FCP-1002"), 400);
 * assert.equal(httpStatusForCode("FCP-9001"), 500);
 * ```
 */
export function httpStatusForCode(code: ErrorCode): number {
  return CODE_HTTP_STATUS[code] ?? CATEGORY_HTTP_STATUS[errorCategory(code)];
}
