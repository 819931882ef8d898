/**
 * A small GitHub REST API client (API version 2022-11-28) over `ctx.fetch`.
 *
 * Authentication is never in this code: requests name the credential id `"github"` and the
 * host's egress guard injects `Authorization: Bearer <token>` (spec §11.2.1 step 7).
 * Responses are read with a size limit; `Link` pagination and the `x-ratelimit-*` headers are
 * parsed; error bodies (`{message, documentation_url, errors, status}`) become
 * {@link OperationError}s: 404/410 `FCP-7005`, a rate limit `FCP-7004` with `retryAfterMs`,
 * anything else `FCP-7003`.
 *
 * @module
 */
import {
  type ConnectorContext,
  decodeUtf8,
  isOperationError,
  OperationError,
  readLimited,
} from "../_sdk/mod.ts";

/** The public API root. */
export const GITHUB_API_BASE = "https://api.github.com";
/** The REST API version this client speaks (`X-GitHub-Api-Version`). */
export const GITHUB_API_VERSION = "2022-11-28";
/** The credential id the egress guard resolves to the GitHub token. */
export const GITHUB_CREDENTIAL_ID = "github";
/** Largest response body accepted. */
export const GITHUB_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Wait suggested for a secondary rate limit without `retry-after` (GitHub: at least a minute). */
export const GITHUB_DEFAULT_RETRY_MS = 60_000;

/**
 * Parse an RFC 8288 `Link` header into `rel → URL` (the first URL of each rel wins).
 *
 * @example
 * ```ts
 * import { parseLinkHeader } from "./client.ts";
 * import assert from "node:assert/strict";
 * const h = '<https://api.github.com/repositories/1/issues?labels=a,b&page=2>; rel="next", ' +
 *   '<https://api.github.com/repositories/1/issues?labels=a,b&page=5>; rel="last"';
 * assert.deepEqual(parseLinkHeader(h), {
 *   next: "https://api.github.com/repositories/1/issues?labels=a,b&page=2",
 *   last: "https://api.github.com/repositories/1/issues?labels=a,b&page=5",
 * });
 * assert.deepEqual(parseLinkHeader(null), {});
 * ```
 */
export function parseLinkHeader(value: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null) return out;
  const re = /<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g;
  for (const m of value.matchAll(re)) {
    const url = m[1] ?? "";
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? "");
    const rels = (rel?.[1] ?? rel?.[2] ?? "").split(/\s+/).filter((r) => r !== "");
    for (const r of rels) {
      const key = r.toLowerCase();
      if (!(key in out)) out[key] = url;
    }
  }
  return out;
}

/** GitHub's `x-ratelimit-*` headers. */
export interface RateLimit {
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  used: number;
  resource: string;
}

/**
 * Read the rate-limit headers; `null` when the response has none.
 *
 * @example
 * ```ts
 * import { parseRateLimit } from "./client.ts";
 * import assert from "node:assert/strict";
 * const h = new Headers({
 *   "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-reset": "1700000000",
 *   "x-ratelimit-used": "1", "x-ratelimit-resource": "core",
 * });
 * assert.deepEqual(parseRateLimit(h), {
 *   limit: 5000, remaining: 4999, reset: 1700000000, used: 1, resource: "core",
 * });
 * assert.equal(parseRateLimit(new Headers()), null);
 * ```
 */
export function parseRateLimit(h: Headers): RateLimit | null {
  const num = (k: string) => {
    const v = h.get(`x-ratelimit-${k}`);
    return v !== null && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
  };
  const limit = num("limit");
  const remaining = num("remaining");
  const reset = num("reset");
  if (limit === undefined || remaining === undefined || reset === undefined) return null;
  return {
    limit,
    remaining,
    reset,
    used: num("used") ?? limit - remaining,
    resource: h.get("x-ratelimit-resource") ?? "core",
  };
}

/** Milliseconds to wait before a retry, from `retry-after` or the rate-limit reset time. */
function retryAfterMs(h: Headers, rate: RateLimit | null, nowMs: number): number {
  const ra = h.get("retry-after")?.trim();
  if (ra !== undefined && /^\d+$/.test(ra)) return Number(ra) * 1000;
  if (ra !== undefined) {
    const at = Date.parse(ra); // HTTP-date form
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  if (rate !== null && rate.remaining === 0) return Math.max(0, rate.reset * 1000 - nowMs);
  return GITHUB_DEFAULT_RETRY_MS;
}

/** GitHub's error body. */
interface ErrorBody {
  message?: string;
  "documentation_url"?: string;
  errors?: unknown[];
}

function summarizeErrors(errors: unknown[]): string {
  const parts = errors.slice(0, 5).map((e) => {
    if (typeof e === "string") return e;
    if (typeof e !== "object" || e === null) return String(e);
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string") return o.message;
    return [o.resource, o.field].filter((x) => typeof x === "string").join(".") +
      (typeof o.code === "string" ? ` ${o.code}` : "");
  });
  return parts.filter((p) => p !== "").join("; ");
}

/**
 * Turn a non-2xx GitHub response into an {@link OperationError}.
 *
 * @example
 * ```ts
 * import { githubError } from "./client.ts";
 * import assert from "node:assert/strict";
 *
 * const nf = githubError(404, new Headers(), { message: "Not Found" }, 0);
 * assert.equal(nf.code, "FCP-7005");
 * const rl = githubError(
 *   403,
 *   new Headers({ "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "100" }),
 *   { message: "API rate limit exceeded for user ID 1." },
 *   40_000,
 * );
 * assert.equal(rl.code, "FCP-7004");
 * assert.equal(rl.retryAfterMs, 60_000);
 * ```
 */
export function githubError(
  status: number,
  headers: Headers,
  body: unknown,
  nowMs: number,
): OperationError {
  const b: ErrorBody = typeof body === "object" && body !== null ? body as ErrorBody : {};
  const message = typeof b.message === "string" ? b.message.slice(0, 500) : `HTTP ${status}`;
  const rate = parseRateLimit(headers);
  const details: Record<string, unknown> = { status, message };
  if (typeof b.documentation_url === "string") details.documentation_url = b.documentation_url;
  if (Array.isArray(b.errors)) details.errors = b.errors.slice(0, 20);
  if (rate !== null) details.rate_limit = rate;
  const requestId = headers.get("x-github-request-id");
  if (requestId !== null) details.request_id = requestId;
  const limited = status === 429 ||
    (status === 403 &&
      (rate?.remaining === 0 || headers.has("retry-after") || /rate limit/i.test(message)));
  if (limited) {
    const wait = retryAfterMs(headers, rate, nowMs);
    details.retry_after = Math.ceil(wait / 1000);
    return new OperationError("FCP-7004", `GitHub ${status}: ${message}`, {
      retryAfterMs: wait,
      details,
    });
  }
  if (status === 404 || status === 410) {
    return new OperationError("FCP-7005", `GitHub ${status}: ${message}`, { details });
  }
  const extra = Array.isArray(b.errors) && b.errors.length > 0
    ? ` (${summarizeErrors(b.errors)})`
    : "";
  const hint = status === 401 ? " (check the host's github credential)" : "";
  return new OperationError("FCP-7003", `GitHub ${status}: ${message}${extra}${hint}`, {
    retryable: status >= 500 || status === 408,
    details,
  });
}

/** One successful response. */
export interface GithubResponse {
  status: number;
  data: unknown;
  links: Record<string, string>;
  rateLimit: RateLimit | null;
}

/** Options of {@link GithubClient}. */
export interface GithubClientOptions {
  /** API root (default {@link GITHUB_API_BASE}); a simulator's URL in tests. */
  baseUrl?: string;
  /** Clock in milliseconds, for retry computations (default `Date.now`). */
  now?: () => number;
}

/** A page-walk result. */
export interface GithubPages {
  items: unknown[];
  pagesFetched: number;
  /** The `page` number of the `rel="next"` link after the last page fetched, if any. */
  nextPage: number | null;
  /** The `page` number of the `rel="last"` link, if any. */
  lastPage: number | null;
  rateLimit: RateLimit | null;
}

function pageOf(url: string | undefined): number | null {
  if (url === undefined) return null;
  try {
    const p = new URL(url).searchParams.get("page");
    return p !== null && /^\d+$/.test(p) ? Number(p) : null;
  } catch {
    return null;
  }
}

/**
 * GitHub REST calls through a connector context.
 *
 * @example
 * ```ts
 * import { GithubClient } from "./client.ts";
 * import { createTestContext } from "../_sdk/testing.ts";
 * import assert from "node:assert/strict";
 *
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) =>
 *   Response.json({ auth: req.headers.get("authorization"), accept: req.headers.get("accept") }));
 * const ctx = createTestContext({ credentials: { github: "t" } });
 * const gh = new GithubClient(ctx, { baseUrl: `http://127.0.0.1:${server.addr.port}` });
 * const res = await gh.request("GET", "/rate_limit");
 * assert.deepEqual(res.data, { auth: "Bearer t", accept: "application/vnd.github+json" });
 * await server.shutdown();
 * ```
 */
export class GithubClient {
  readonly #ctx: ConnectorContext;
  readonly #base: URL;
  readonly #now: () => number;

  /**
   * @param ctx The invocation's context.
   * @param opts Base URL and clock.
   */
  constructor(ctx: ConnectorContext, opts: GithubClientOptions = {}) {
    this.#ctx = ctx;
    const raw = opts.baseUrl ?? GITHUB_API_BASE;
    let base: URL;
    try {
      base = new URL(raw.endsWith("/") ? raw : `${raw}/`);
    } catch (e) {
      throw new OperationError("FCP-1040", "the GitHub base URL is not a valid URL", { cause: e });
    }
    if ((base.protocol !== "https:" && base.protocol !== "http:") || base.username !== "") {
      throw new OperationError("FCP-1040", "the GitHub base URL must be http(s) without user info");
    }
    base.search = "";
    base.hash = "";
    this.#base = base;
    this.#now = opts.now ?? Date.now;
  }

  /** The API root, with a trailing `/`. */
  get baseUrl(): string {
    return this.#base.href;
  }

  /**
   * Call `method path` (path relative to the API root, e.g. `/repos/o/r/issues`).
   * `query` values that are `undefined` are left out.
   */
  request(
    method: "GET" | "POST",
    path: string,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
  ): Promise<GithubResponse> {
    const url = new URL(path.replace(/^\//, ""), this.#base);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return this.requestUrl(method, url.href, opts.body);
  }

  /**
   * Call an absolute URL, which must lie under the API root (e.g. a `Link` from GitHub).
   */
  async requestUrl(method: "GET" | "POST", href: string, body?: unknown): Promise<GithubResponse> {
    const url = new URL(href);
    if (url.origin !== this.#base.origin || !url.pathname.startsWith(this.#base.pathname)) {
      throw new OperationError("FCP-7003", "GitHub returned a link outside the API root", {
        details: { origin: url.origin },
      });
    }
    const headers: Record<string, string> = {
      accept: "application/vnd.github+json",
      "x-github-api-version": GITHUB_API_VERSION,
      "user-agent": "fcp",
    };
    const init: RequestInit & { credential?: string } = {
      method,
      headers,
      credential: GITHUB_CREDENTIAL_ID,
      signal: this.#ctx.signal,
      redirect: "manual",
    };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res: Response;
    let bytes: Uint8Array;
    let truncated: boolean;
    try {
      res = await this.#ctx.fetch(url.href, init);
      ({ bytes, truncated } = await readLimited(res, GITHUB_MAX_RESPONSE_BYTES));
    } catch (e) {
      if (isOperationError(e)) throw e;
      if (this.#ctx.signal.aborted) {
        throw new OperationError("FCP-6003", `GitHub ${method} ${url.pathname}: aborted`, {
          retryable: true,
          cause: e,
        });
      }
      throw new OperationError("FCP-7003", `GitHub ${method} ${url.pathname}: request failed`, {
        retryable: true,
        cause: e,
      });
    }
    if (truncated) {
      throw new OperationError(
        "FCP-7003",
        `GitHub response above ${GITHUB_MAX_RESPONSE_BYTES} bytes`,
      );
    }
    const text = decodeUtf8(bytes) ?? "";
    let data: unknown = null;
    if (text !== "") {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (res.status < 200 || res.status > 299) {
      throw githubError(res.status, res.headers, data, this.#now());
    }
    if (text !== "" && data === null && text.trim() !== "null") {
      throw new OperationError("FCP-7003", `GitHub ${res.status}: response is not JSON`);
    }
    return {
      status: res.status,
      data,
      links: parseLinkHeader(res.headers.get("link")),
      rateLimit: parseRateLimit(res.headers),
    };
  }

  /**
   * GET a list endpoint and follow `rel="next"` links, at most `maxPages` pages.
   */
  async paginate(
    path: string,
    query: Record<string, string | number | undefined>,
    maxPages: number,
  ): Promise<GithubPages> {
    const items: unknown[] = [];
    let res = await this.request("GET", path, { query });
    let pages = 1;
    let last = pageOf(res.links.last);
    while (true) {
      if (!Array.isArray(res.data)) {
        throw new OperationError("FCP-7003", `GitHub ${path}: expected a JSON array`);
      }
      items.push(...res.data);
      const next = res.links.next;
      if (next === undefined || pages >= maxPages) break;
      res = await this.requestUrl("GET", next);
      pages++;
      last = pageOf(res.links.last) ?? last;
    }
    return {
      items,
      pagesFetched: pages,
      nextPage: pageOf(res.links.next),
      lastPage: last,
      rateLimit: res.rateLimit,
    };
  }
}
