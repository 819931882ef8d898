/**
 * Bearer-token authentication of the LocalAPI: every route needs
 * `Authorization: Bearer <token>` with the token of `FCP_HOME/api.token`. The comparison hashes
 * both sides with SHA-256 first and compares the digests in constant time, so neither the
 * length nor a matching prefix of the token leaks through timing.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { FcpError, utf8 } from "../core/mod.ts";
import { constantTimeEqual, sha256 } from "../crypto/mod.ts";
import { errorResponse } from "./error_response.ts";

/**
 * Whether a presented token equals the expected one (constant time in the token contents).
 *
 * @example
 * ```ts
 * import { tokenMatches } from "./auth.ts";
 * import assert from "node:assert/strict";
 * assert.ok(tokenMatches("ab".repeat(32), "ab".repeat(32)));
 * assert.ok(!tokenMatches("ab".repeat(32), "ab".repeat(31)));
 * ```
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return constantTimeEqual(sha256(utf8(presented)), sha256(utf8(expected)));
}

/**
 * The bearer token of an `Authorization` header value, or `undefined`.
 *
 * @example
 * ```ts
 * import { bearerToken } from "./auth.ts";
 * import assert from "node:assert/strict";
 * assert.equal(bearerToken("Bearer abc"), "abc");
 * assert.equal(bearerToken("bearer  abc "), "abc");
 * assert.equal(bearerToken("Basic abc"), undefined);
 * assert.equal(bearerToken(undefined), undefined);
 * ```
 */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}

/**
 * Middleware refusing a request without the right bearer token with 401
 * `FCP-2015 api.unauthorized` (and `WWW-Authenticate: Bearer`).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { requireBearer } from "./auth.ts";
 * import assert from "node:assert/strict";
 * const app = new Hono().use(requireBearer("t0k")).get("/x", (c) => c.text("ok"));
 * assert.equal((await app.request("/x")).status, 401);
 * assert.equal((await app.request("/x", { headers: { authorization: "Bearer t0k" } })).status, 200);
 * ```
 */
export function requireBearer(expected: string): MiddlewareHandler {
  return async (c, next) => {
    const presented = bearerToken(c.req.header("authorization"));
    if (presented === undefined || !tokenMatches(presented, expected)) {
      const why = presented === undefined
        ? "missing bearer token (Authorization: Bearer <FCP_HOME/api.token>)"
        : "wrong bearer token";
      return errorResponse(new FcpError("FCP-2015", why), { "www-authenticate": "Bearer" });
    }
    await next();
  };
}
