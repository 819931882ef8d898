/**
 * JSON error bodies of the LocalAPI: `{code, name, message}` with the HTTP status mapped from
 * the code (`http_status.ts`). Anything that is not an `FcpError` becomes `FCP-9001`
 * "internal error": no stack traces or internal messages reach a client.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { httpStatusForCode } from "./http_status.ts";

/**
 * The JSON response for a thrown value.
 *
 * @example
 * ```ts
 * import { errorResponse } from "./error_response.ts";
 * import { FcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const res = errorResponse(new FcpError("FCP-6001", "no such object"));
 * assert.equal(res.status, 404);
 * assert.deepEqual(await res.json(), {
 *   code: "FCP-6001",
 *   name: "resource.not_found",
 *   message: "no such object",
 * });
 * const internal = errorResponse(new TypeError("secret detail"));
 * assert.equal(internal.status, 500);
 * assert.doesNotMatch(await internal.text(), /secret detail/);
 * ```
 */
export function errorResponse(e: unknown, headers?: HeadersInit): Response {
  const err = e instanceof FcpError ? e : new FcpError("FCP-9001", "internal error");
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify(err.toJSON()), {
    status: httpStatusForCode(err.code),
    headers: h,
  });
}
