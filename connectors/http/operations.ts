/**
 * `fcp.http`: GET and POST to the hosts of the connector's allow list (issue 5 §6).
 *
 * The egress guard behind `ctx.fetch` enforces the allow list and refuses private and loopback
 * addresses after DNS (spec §11.2.1); this module adds what the guard cannot know about:
 * - only `http:`/`https:` URLs without user info;
 * - no caller-set Host, Authorization, Proxy-*, Cookie, hop-by-hop or framing headers
 *   (authentication goes through a credential id the guard resolves, §11.2.1 step 7);
 * - request and response body limits, a per-call timeout joined with `ctx.signal`;
 * - redirects followed by hand (each hop goes through the guard again), at most
 *   {@link HTTP_MAX_REDIRECTS}, and the credential is dropped when the origin changes;
 * - only a safe subset of the response headers is returned (never Set-Cookie).
 *
 * Schemas: `./schemas.ts`.
 *
 * @module
 */
import {
  type ConnectorContext,
  type ConnectorDefinition,
  decodeUtf8,
  fromBase64,
  type InputReader,
  isOperationError,
  OperationError,
  readInput,
  readLimited,
  toBase64,
} from "../_sdk/mod.ts";
import {
  HTTP_DEFAULT_MAX_BYTES,
  HTTP_DEFAULT_TIMEOUT_MS,
  HTTP_MAX_BYTES,
  HTTP_MAX_REDIRECTS,
  HTTP_MAX_REQUEST_BYTES,
  HTTP_MAX_TIMEOUT_MS,
} from "./schemas.ts";

export { HTTP_MAX_REDIRECTS };

/** The connector id. */
export const HTTP_CONNECTOR_ID = "fcp.http";

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CREDENTIAL_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Request headers a caller may not set (case-insensitive). */
const FORBIDDEN_REQUEST_HEADERS = new Set([
  "host",
  "authorization",
  "cookie",
  "connection",
  "content-length",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "keep-alive",
  "expect",
]);

/** Response headers returned to the caller; anything else is dropped. */
const RESPONSE_HEADERS = new Set([
  "age",
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-length",
  "content-range",
  "content-type",
  "date",
  "etag",
  "expires",
  "last-modified",
  "link",
  "location",
  "retry-after",
  "vary",
  "www-authenticate",
  "x-request-id",
]);
const RESPONSE_HEADER_PREFIXES = ["x-ratelimit-", "ratelimit"];

function bad(field: string, what: string): OperationError {
  return new OperationError("FCP-1040", `input.${field}: ${what}`, { details: { field } });
}

/** Parse and check a request URL (scheme, no user info); the fragment is dropped. */
function checkUrl(raw: string, field = "url"): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad(field, "is not a valid absolute URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw bad(field, "must use http or https");
  }
  if (u.username !== "" || u.password !== "") {
    throw bad(field, "must not carry user info; use a credential id");
  }
  u.hash = "";
  return u;
}

function checkHeaders(given: Record<string, string> | undefined): Headers {
  const h = new Headers();
  for (const [name, value] of Object.entries(given ?? {})) {
    const lower = name.toLowerCase();
    if (!TOKEN_RE.test(name)) throw bad(`headers.${name}`, "is not a valid header name");
    if (FORBIDDEN_REQUEST_HEADERS.has(lower) || lower.startsWith("proxy-")) {
      throw new OperationError(
        "FCP-3003",
        `header ${name} may not be set by the caller` +
          (lower === "authorization" ? "; pass a credential id instead" : ""),
        { details: { field: `headers.${name}` } },
      );
    }
    if (/[\r\n\0]/.test(value)) throw bad(`headers.${name}`, "must not contain CR, LF or NUL");
    h.set(name, value);
  }
  return h;
}

function pickHeaders(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of h) {
    if (RESPONSE_HEADERS.has(name) || RESPONSE_HEADER_PREFIXES.some((p) => name.startsWith(p))) {
      out[name] = value;
    }
  }
  return out;
}

const TEXT_TYPE_RE =
  /^(text\/[^;]+|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|x-ndjson|[^;]*\+json|[^;]*\+xml))\s*(;|$)/i;

interface HttpCall {
  method: "GET" | "POST";
  url: URL;
  headers: Headers;
  body: Uint8Array<ArrayBuffer> | undefined;
  credential: string | undefined;
  maxBytes: number;
  timeoutMs: number;
  followRedirects: boolean;
  responseEncoding: "auto" | "text" | "base64";
}

function readCommon(r: InputReader, method: "GET" | "POST"): HttpCall {
  const url = checkUrl(r.string("url", 8192));
  const headers = checkHeaders(r.stringRecord("headers", 64));
  const credential = r.optString("credential", 128);
  if (credential !== undefined && !CREDENTIAL_RE.test(credential)) {
    throw bad("credential", "must be a credential id ([A-Za-z0-9_.:-], at most 128)");
  }
  return {
    method,
    url,
    headers,
    body: undefined,
    credential,
    maxBytes: r.int("max_bytes", { min: 1, max: HTTP_MAX_BYTES }, HTTP_DEFAULT_MAX_BYTES),
    timeoutMs: r.int("timeout_ms", { min: 1, max: HTTP_MAX_TIMEOUT_MS }, HTTP_DEFAULT_TIMEOUT_MS),
    followRedirects: r.bool("follow_redirects", true),
    responseEncoding: r.oneOf("response_encoding", ["auto", "text", "base64"] as const, "auto"),
  };
}

const COMMON_FIELDS = [
  "url",
  "headers",
  "credential",
  "max_bytes",
  "timeout_ms",
  "follow_redirects",
  "response_encoding",
];

async function send(req: HttpCall, ctx: ConnectorContext) {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(req.timeoutMs)]);
  const origin = req.url.origin;
  let { url, method, body, credential } = req;
  const headers = new Headers(req.headers);
  let redirects = 0;
  try {
    while (true) {
      const init: RequestInit & { credential?: string } = {
        method,
        headers,
        redirect: "manual",
        signal,
      };
      if (body !== undefined) init.body = body;
      if (credential !== undefined) init.credential = credential;
      const res = await ctx.fetch(url.href, init);
      const location = res.headers.get("location");
      if (req.followRedirects && [301, 302, 303, 307, 308].includes(res.status) && location) {
        await res.body?.cancel().catch(() => {});
        if (++redirects > HTTP_MAX_REDIRECTS) {
          throw new OperationError("FCP-7003", `more than ${HTTP_MAX_REDIRECTS} redirects`, {
            details: { url: url.href },
          });
        }
        let next: URL;
        try {
          next = checkUrl(new URL(location, url).href, "redirect");
        } catch (e) {
          throw new OperationError("FCP-7003", `redirect to an unusable location`, { cause: e });
        }
        if (next.origin !== origin) credential = undefined;
        if (
          res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
          headers.delete("content-type");
        }
        url = next;
        continue;
      }
      const { bytes, truncated } = await readLimited(res, req.maxBytes);
      const type = res.headers.get("content-type") ?? "";
      let text: string | undefined;
      if (req.responseEncoding === "text") {
        text = new TextDecoder().decode(bytes);
      } else if (req.responseEncoding === "auto" && (type === "" || TEXT_TYPE_RE.test(type))) {
        text = decodeUtf8(bytes, truncated);
      }
      return {
        status: res.status,
        status_text: res.statusText,
        url: url.href,
        redirected: redirects > 0,
        headers: pickHeaders(res.headers),
        body: text ?? toBase64(bytes),
        body_encoding: text === undefined ? "base64" : "text",
        bytes: bytes.length,
        truncated,
      };
    }
  } catch (e) {
    if (isOperationError(e)) throw e;
    if (signal.aborted) {
      const why = ctx.signal.aborted
        ? "the invocation was cancelled"
        : `timed out after ${req.timeoutMs} ms`;
      throw new OperationError("FCP-6003", `${req.method} ${url.origin}: ${why}`, {
        retryable: true,
        cause: e,
      });
    }
    throw new OperationError("FCP-7003", `${req.method} ${url.origin}: request failed`, {
      retryable: true,
      cause: e,
    });
  }
}

/** `http_get`. */
function httpGet(input: unknown, ctx: ConnectorContext) {
  const r = readInput(input, COMMON_FIELDS);
  return send(readCommon(r, "GET"), ctx);
}

/** `http_post`: like GET, with a body (UTF-8 text or base64 bytes). */
function httpPost(input: unknown, ctx: ConnectorContext) {
  const r = readInput(input, [...COMMON_FIELDS, "body", "body_encoding", "content_type"]);
  const req = readCommon(r, "POST");
  const raw = r.optString("body", 4 * HTTP_MAX_REQUEST_BYTES) ?? "";
  const enc = r.oneOf("body_encoding", ["utf8", "base64"] as const, "utf8");
  const body = enc === "base64" ? fromBase64(raw) : new TextEncoder().encode(raw);
  if (body === undefined) throw bad("body", "is not valid base64");
  if (body.length > HTTP_MAX_REQUEST_BYTES) {
    throw new OperationError(
      "FCP-1041",
      `request body is ${body.length} bytes, above ${HTTP_MAX_REQUEST_BYTES}`,
    );
  }
  const contentType = r.optString("content_type", 256);
  if (contentType !== undefined) {
    if (/[\r\n\0]/.test(contentType)) throw bad("content_type", "must not contain CR, LF or NUL");
    req.headers.set("content-type", contentType);
  }
  req.body = body;
  return send(req, ctx);
}

/**
 * The `fcp.http` connector.
 *
 * @example
 * ```ts
 * import { httpConnector } from "./operations.ts";
 * import { createTestContext } from "../_sdk/testing.ts";
 * import assert from "node:assert/strict";
 *
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
 *   new Response("pong", { headers: { "content-type": "text/plain", "set-cookie": "a=b" } }));
 * const out = await httpConnector.operations.http_get!(
 *   { url: `http://127.0.0.1:${server.addr.port}/ping` },
 *   createTestContext(),
 * ) as { status: number; body: string; headers: Record<string, string> };
 * assert.equal(out.status, 200);
 * assert.equal(out.body, "pong");
 * assert.equal(out.headers["set-cookie"], undefined);
 * await server.shutdown();
 * ```
 */
export const httpConnector: ConnectorDefinition = {
  id: HTTP_CONNECTOR_ID,
  version: "0.1.0",
  operations: { http_get: httpGet, http_post: httpPost },
};

export default httpConnector;
