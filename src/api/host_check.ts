/**
 * DNS-rebinding defence: the LocalAPI answers only requests addressed to a loopback name. A web
 * page that rebinds its own name to 127.0.0.1 still sends its own name in `Host`, and a browser
 * request from a page carries that page's `Origin`; both are refused with 403
 * `FCP-2016 api.host_forbidden`.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { FcpError } from "../core/mod.ts";
import { errorResponse } from "./error_response.ts";

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Whether a `Host` header value names a loopback host (`127.0.0.1`, `localhost` or `[::1]`,
 * with an optional port).
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from "./host_check.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isLoopbackHost("127.0.0.1:7878"));
 * assert.ok(isLoopbackHost("localhost"));
 * assert.ok(isLoopbackHost("[::1]:80"));
 * assert.ok(!isLoopbackHost("evil.example:7878"));
 * assert.ok(!isLoopbackHost("127.0.0.1.evil.example"));
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  return m !== null && LOOPBACK_NAMES.has(m[1]!);
}

/**
 * Whether an `Origin` header value is a loopback origin (`http://127.0.0.1:PORT`, ...).
 *
 * @example
 * ```ts
 * import { isLoopbackOrigin } from "./host_check.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isLoopbackOrigin("http://localhost:7878"));
 * assert.ok(!isLoopbackOrigin("https://evil.example"));
 * assert.ok(!isLoopbackOrigin("null"));
 * ```
 */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.host);
  } catch {
    return false;
  }
}

/**
 * Middleware refusing a non-loopback `Host` (or, without a `Host` header, request URL host) and a
 * non-loopback `Origin`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { requireLoopbackHost } from "./host_check.ts";
 * import assert from "node:assert/strict";
 * const app = new Hono().use(requireLoopbackHost()).get("/x", (c) => c.text("ok"));
 * assert.equal((await app.request("http://localhost/x")).status, 200);
 * assert.equal((await app.request("http://localhost/x", { headers: { host: "a.test" } })).status, 403);
 * ```
 */
export function requireLoopbackHost(): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (!isLoopbackHost(host)) {
      return errorResponse(
        new FcpError("FCP-2016", "the LocalAPI answers only loopback host names"),
      );
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      return errorResponse(
        new FcpError("FCP-2016", "cross-origin requests to the LocalAPI are refused"),
      );
    }
    await next();
  };
}
