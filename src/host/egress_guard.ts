/**
 * The host-side egress guard (spec §11.2.1 Network Guard, §7.3 NetworkConstraints evaluation
 * order, §7.3.1 credential injection): connectors' HTTP requests, vetted and performed by the
 * host. The rules, what is enforced where and the residual risks are in `docs/egress.md`.
 *
 * Order of checks in {@link EgressGuard.fetch} (every refusal is `FCP-3008`, or `FCP-3010`
 * for credentials, and is reported as an `egress.denied` event before it is thrown):
 *
 * 1. The operation's limits are present (`connect_timeout_ms`, `total_timeout_ms`,
 *    `max_response_bytes`; fail closed, §7.3 "Timeouts").
 * 2. The URL is `http:`/`https:` without userinfo; the host is canonicalized by `new URL`
 *    (lowercase, IDNA to A-labels, IPv4 shorthands expanded) and one trailing dot is dropped;
 *    default ports 80/443.
 * 3. IP literals are refused when `deny_ip_literals`; `localhost` / `*.localhost` when
 *    `deny_localhost` (§7.3 step 1).
 * 4. `host:port` must equal a `host_allow` entry (exact match, no wildcards: the manifest
 *    refuses them) — before any DNS (§7.3 steps 3–4).
 * 5. `spki_pins` cannot be verified by Deno's `fetch` (it exposes no peer certificate), so an
 *    operation with pins is refused rather than run unpinned; `require_sni` refuses https to
 *    an IP literal (no SNI); SNI for names is always the canonical host.
 * 6. Method and headers: `CONNECT`/`TRACE`/`TRACK` refused, a connector-supplied `Host`
 *    refused, hop-by-hop headers (and `accept-encoding`, owned by the guard) dropped.
 * 7. Credential (§7.3.1): in `credential_allow`, in the token's `credential_allow` when given,
 *    bound to this `host:port` by the store, its header not supplied by the connector —
 *    else `FCP-3010`.
 * 8. DNS through the resolver, at most `dns_max_ips` answers; every answer must pass the
 *    address policy (§7.3 step 6): `metadata`, `unspecified`, `multicast`, `broadcast`,
 *    `documentation`, `reserved` always refused; `loopback` by `deny_localhost`; `private`,
 *    `unique_local`, `link_local` by `deny_private_ranges`; `cgnat` by `deny_tailnet_ranges`;
 *    the operator's `allowCidrs` lift the three flag-controlled rules (never the
 *    always-refused classes); `cidr_deny` applies even inside `allowCidrs`.
 * 9. `egress.allowed`, then `secret.access` when a credential is injected, are reported
 *    (awaited: an event sink failure aborts the request before anything is sent).
 * 10. The request goes through the guard's SOCKS5 tunnel (`_egress_tunnel.ts`) to a vetted
 *    address only (§7.3 step 8; no second DNS lookup, so no rebinding; `NO_PROXY` cannot
 *    route around the tunnel), TLS end to end with the host name's SNI and certificate
 *    checks, `redirect: "manual"` (§7.3 "Redirect
 *    handling": the connector follows a redirect by calling the guard again, so each hop is
 *    re-validated from step 1; a request of the same invoke to a `Location` this guard
 *    returned is that chain's next hop, and a hop beyond `max_redirects` is refused).
 * 11. Timeouts: `connect_timeout_ms` bounds DNS and the TCP connect together,
 *    `total_timeout_ms` the whole call (`FCP-6003`). The body is read as a stream and cut at `max_response_bytes`:
 *    the response then has `truncated: true` and exactly `max_response_bytes` bytes, and the
 *    rest is not read.
 *
 * A response that echoes an injected credential has it replaced by `[redacted]` (headers and
 * body) before the connector sees it.
 *
 * The body is decoded: the guard lets `fetch` negotiate `gzip, br` and decode them, and drops
 * the then-stale `content-encoding` / `content-length` response headers. The cap counts
 * decoded bytes, so a compression bomb stops at the cap.
 *
 * @module
 */
import { BoundedLru, concatBytes, type ErrorCode, FcpError, isFcpError } from "../core/mod.ts";
import {
  type AddressClass,
  type Cidr,
  cidrContains,
  classifyAddress,
  connectAddress,
  isIpAddress,
  parseCidr,
} from "./egress_address.ts";
import { canonicalHostPort, type CredentialStore } from "./credential_store.ts";
import { EgressTunnel, type TunnelTicket } from "./_egress_tunnel.ts";
import type { OperationNetworkConstraints } from "./manifest_types.ts";

/** A connector's HTTP request (spec §11.2.1 `EgressHttpRequest`). */
export interface EgressHttpRequest {
  /** HTTP method (token; `CONNECT`, `TRACE`, `TRACK` refused). */
  readonly method: string;
  /** Absolute `http:` or `https:` URL. */
  readonly url: string;
  /** Request headers; `Host` and the credential's header may not appear. */
  readonly headers: readonly (readonly [string, string])[];
  /** Request body (not with GET/HEAD). */
  readonly body?: Uint8Array;
  /** Credential id to inject (§7.3.1). */
  readonly credential?: string;
}

/** The upstream response. */
export interface EgressHttpResponse {
  /** HTTP status (3xx are returned, never followed). */
  readonly status: number;
  /** Reason phrase (empty over HTTP/2). */
  readonly statusText: string;
  /** The canonical URL that was requested. */
  readonly url: string;
  /** Response headers (hop-by-hop and stale encoding headers removed). */
  readonly headers: readonly [string, string][];
  /** The body, at most `max_response_bytes`. */
  readonly body: Uint8Array;
  /** True when the body was cut at `max_response_bytes`. */
  readonly truncated: boolean;
}

/** Who is asking, under which constraints. */
export interface EgressContext {
  /** The connector instance. */
  readonly connectorId: string;
  /** The zone it runs in. */
  readonly zone: string;
  /** The operation being invoked. */
  readonly operation: string;
  /** The invoke request id (for audit correlation). */
  readonly requestId: string;
  /** The operation's network constraints (spec §7.3). */
  readonly constraints: OperationNetworkConstraints;
  /** Credentials the caller's token allows (token constraint `credential_allow`); undefined = no token restriction. */
  readonly tokenCredentialAllow?: readonly string[];
  /** Aborts the request (e.g. the invoke's wall clock). An `FcpError` reason is rethrown as is. */
  readonly signal?: AbortSignal;
}

/** What the guard reports for audit (spec §7.3.1 step 5 "log an audit event"). */
export interface EgressEvent {
  /** `egress.denied` for a refusal, `egress.allowed` before sending, `secret.access` per injection. */
  readonly type: "egress.denied" | "egress.allowed" | "secret.access";
  /** The connector instance. */
  readonly connectorId: string;
  /** Zone. */
  readonly zone: string;
  /** Operation. */
  readonly operation: string;
  /** Invoke request id. */
  readonly requestId: string;
  /** Canonical target host ("" when the URL did not parse). */
  readonly host: string;
  /** Target port (0 when the URL did not parse). */
  readonly port: number;
  /** Why it was refused (the error detail). */
  readonly reason?: string;
  /** Credential id — never the secret. */
  readonly credential?: string;
  /** The refusal's error code (`egress.denied` only). */
  readonly code?: ErrorCode;
  /** Vetted addresses the request may connect to (`egress.allowed` only). */
  readonly addresses?: readonly string[];
  /** The request method. */
  readonly method?: string;
}

/** Construction options. */
export interface EgressGuardOptions {
  /** DNS (A + AAAA). Default: `Deno.resolveDns` for both types. */
  readonly resolver?: (hostname: string, signal?: AbortSignal) => Promise<string[]>;
  /** Where injected credentials come from. Without it every credential request is `FCP-3010`. */
  readonly credentials?: CredentialStore;
  /** Operator override (node config): addresses inside these pass the loopback/private/tailnet rules. */
  readonly allowCidrs?: readonly string[];
  /** Extra trusted root certificates, PEM. */
  readonly caCerts?: readonly string[];
  /** Audit sink; awaited. */
  readonly onEvent?: (e: EgressEvent) => void | Promise<void>;
}

/** Classes refused whatever the flags and `allowCidrs` say. */
const ALWAYS_DENIED: ReadonlySet<AddressClass> = new Set<AddressClass>([
  "metadata",
  "unspecified",
  "multicast",
  "broadcast",
  "documentation",
  "reserved",
]);

/** Request headers the guard drops (RFC 9110 §7.6.1 hop-by-hop, plus guard-owned ones). */
const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "accept-encoding",
]);

const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

async function defaultResolver(hostname: string, signal?: AbortSignal): Promise<string[]> {
  const opts = signal === undefined ? {} : { signal };
  const [a, aaaa] = await Promise.allSettled([
    Deno.resolveDns(hostname, "A", opts),
    Deno.resolveDns(hostname, "AAAA", opts),
  ]);
  const out = [
    ...(a.status === "fulfilled" ? a.value : []),
    ...(aaaa.status === "fulfilled" ? aaaa.value : []),
  ];
  if (out.length === 0 && a.status === "rejected") throw a.reason;
  return out;
}

function positive(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0;
}

const NO_PROXY_VARS = ["NO_PROXY", "no_proxy"] as const;

/**
 * An HTTP client whose every connection goes through `proxy` (the guard's tunnel). Deno reads
 * `NO_PROXY` / `no_proxy` when a client is created, and a host they name would bypass even an
 * explicit proxy: `fetch` would then resolve the name itself and dial whatever that answers,
 * which undoes the vetting and the pinning. So they are hidden from the process environment
 * for the (synchronous) creation and put back right after. Without the permission to do that
 * the guard fails closed.
 */
function tunnelClient(opts: Deno.CreateHttpClientOptions): Deno.HttpClient {
  const saved: [string, string][] = [];
  try {
    for (const name of NO_PROXY_VARS) {
      const v = Deno.env.get(name);
      if (v !== undefined) {
        saved.push([name, v]);
        Deno.env.delete(name);
      }
    }
  } catch (e) {
    for (const [n, v] of saved) Deno.env.set(n, v);
    throw new FcpError(
      "FCP-9001",
      "the egress guard needs env access to NO_PROXY and no_proxy (--allow-env)",
      { cause: e },
    );
  }
  try {
    return Deno.createHttpClient(opts);
  } finally {
    for (const [n, v] of saved) Deno.env.set(n, v);
  }
}

/**
 * Redirects returned per invoke request: the absolute URL each `Location` points at and the
 * hop it would be. A later request of the same invoke to that URL is that hop. Bounded: the
 * least recently used requests are forgotten first (a forgotten chain starts again at hop 0, so the bound
 * only matters for calls that outlive thousands of others).
 */
class RedirectLedger {
  static readonly MAX_PER_REQUEST = 64;
  readonly #byRequest = new BoundedLru<string, Map<string, number>>(1024);

  /** The hop a request to `href` is within `requestId` (0: not a redirect target). */
  hopOf(requestId: string, href: string): number {
    return this.#byRequest.get(requestId)?.get(href) ?? 0;
  }

  /** Note that a response to `from` in `requestId` redirected to `location` (hop `hop`). */
  returned(requestId: string, from: URL, location: string, hop: number): void {
    let href: string;
    try {
      href = new URL(location, from).href;
    } catch {
      return; // not a URL: nothing can follow it
    }
    let m = this.#byRequest.get(requestId);
    if (m === undefined) {
      m = new Map();
      this.#byRequest.set(requestId, m);
    }
    if (m.size >= RedirectLedger.MAX_PER_REQUEST && !m.has(href)) return;
    m.set(href, Math.max(hop, m.get(href) ?? 0));
  }
}

const REDACTED = "[redacted]";
const REDACTED_BYTES = new TextEncoder().encode(REDACTED);

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function replaceBytes(hay: Uint8Array, needle: Uint8Array): Uint8Array {
  let at = indexOfBytes(hay, needle, 0);
  if (at === -1) return hay;
  const parts: Uint8Array[] = [];
  let from = 0;
  while (at !== -1) {
    parts.push(hay.subarray(from, at), REDACTED_BYTES);
    from = at + needle.length;
    at = indexOfBytes(hay, needle, from);
  }
  parts.push(hay.subarray(from));
  return concatBytes(...parts);
}

/**
 * The response with every occurrence of the injected header value, and of the secret in it
 * (the part after an auth scheme), replaced by `[redacted]` in header values and the body.
 * A secret cut by the `max_response_bytes` boundary can leave a prefix (residual, docs).
 */
function scrubSecret(res: EgressHttpResponse, headerValue: string): EgressHttpResponse {
  const space = headerValue.indexOf(" ");
  const secrets = [headerValue, space > 0 ? headerValue.slice(space + 1) : ""]
    .filter((x) => x.length >= 4);
  let body = res.body;
  let headers = res.headers;
  for (const secret of secrets) {
    body = replaceBytes(body, new TextEncoder().encode(secret));
    headers = headers.map(([n, v]) => [n, v.replaceAll(secret, REDACTED)] as [string, string]);
  }
  return { ...res, headers, body };
}

/** Per-call deadline bookkeeping: the total budget and the caller's signal. */
class Deadline {
  readonly controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.controller.abort(this.#caller?.reason);
  totalFired = false;

  constructor(readonly totalMs: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.totalFired = true;
      this.controller.abort(new Error("total timeout"));
    }, totalMs);
    if (caller !== undefined) {
      if (caller.aborted) this.controller.abort(caller.reason);
      else caller.addEventListener("abort", this.#onCallerAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error for an aborted call, or undefined when it was not aborted. */
  abortError(what: string): FcpError | undefined {
    if (!this.signal.aborted) return undefined;
    if (this.totalFired) {
      return new FcpError("FCP-6003", `${what}: total_timeout_ms ${this.totalMs} ms exceeded`);
    }
    const reason = this.#caller?.reason;
    if (isFcpError(reason)) return reason;
    return new FcpError("FCP-6003", `${what}: aborted by the caller`);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }
}

/** Race `p` against `ms` and the deadline; `onTimeout` builds the timeout error. */
async function bounded<T>(
  p: Promise<T>,
  ms: number,
  deadline: Deadline,
  onTimeout: () => FcpError,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadline.abortError("request") ?? onTimeout());
    if (deadline.signal.aborted) return onAbort();
    timer = setTimeout(() => reject(onTimeout()), ms);
    deadline.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([p, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) deadline.signal.removeEventListener("abort", onAbort);
    p.catch(() => {});
    stop.catch(() => {});
  }
}

/** What the parse steps produce. */
interface Target {
  readonly url: URL;
  readonly host: string;
  readonly port: number;
  readonly literal: boolean;
}

/**
 * The egress guard. One per node (or per test); {@link EgressGuard.close} releases its
 * tunnel listener.
 *
 * @example Refusals happen before any network activity
 * ```ts
 * import { EgressGuard } from "./egress_guard.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const guard = new EgressGuard({ resolver: () => Promise.resolve(["127.0.0.1"]) });
 * const ctx = {
 *   connectorId: "fcp.demo", zone: "z:work", operation: "demo.get", requestId: "r1",
 *   constraints: {
 *     hostAllow: ["api.example.com:443"], cidrDeny: [], denyLocalhost: true,
 *     denyPrivateRanges: true, denyTailnetRanges: true, denyIpLiterals: true,
 *     requireSni: true, spkiPins: [], credentialAllow: [], dnsMaxIps: 16,
 *     maxRedirects: 5, connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxResponseBytes: 1024,
 *   },
 * };
 * await assert.rejects(
 *   guard.fetch({ method: "GET", url: "https://evil.example/", headers: [] }, ctx),
 *   (e) => isFcpError(e, "FCP-3008"),
 * );
 * // allow-listed, but the name resolves to loopback: refused (no rebinding into the host)
 * await assert.rejects(
 *   guard.fetch({ method: "GET", url: "https://api.example.com/", headers: [] }, ctx),
 *   (e) => isFcpError(e, "FCP-3008") && /loopback/.test(e.message),
 * );
 * await guard.close();
 * ```
 */
export class EgressGuard {
  readonly #resolver: (hostname: string, signal?: AbortSignal) => Promise<string[]>;
  readonly #credentials: CredentialStore | undefined;
  readonly #allowCidrs: readonly Cidr[];
  readonly #caCerts: string[];
  readonly #onEvent: ((e: EgressEvent) => void | Promise<void>) | undefined;
  #tunnel: EgressTunnel | undefined;
  #closed = false;
  readonly #redirects = new RedirectLedger();

  /**
   * @param opts Resolver, credential store, operator `allowCidrs` (`FCP-1040` on a bad
   *   block), extra CA roots and the audit sink.
   */
  constructor(opts: EgressGuardOptions = {}) {
    this.#resolver = opts.resolver ?? defaultResolver;
    this.#credentials = opts.credentials;
    this.#allowCidrs = (opts.allowCidrs ?? []).map(parseCidr);
    this.#caCerts = [...(opts.caCerts ?? [])];
    this.#onEvent = opts.onEvent;
  }

  /**
   * Vet and perform one request (module doc for the rules). Throws `FCP-3008` (refused),
   * `FCP-3010` (credential refused), `FCP-1040` (malformed request), `FCP-6003` (timeout or
   * caller abort), `FCP-7003` (DNS or upstream failure). Messages name the host and rule,
   * never a secret.
   *
   * @example
   * ```ts
   * import { EgressGuard } from "./egress_guard.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   *
   * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (r) =>
   *   new Response(`host=${r.headers.get("host")}`));
   * const port = server.addr.port;
   * const guard = new EgressGuard({
   *   resolver: () => Promise.resolve(["127.0.0.1"]),
   *   allowCidrs: ["127.0.0.1/32"],
   * });
   * const res = await guard.fetch({ method: "GET", url: `http://api.test:${port}/`, headers: [] }, {
   *   connectorId: "fcp.demo", zone: "z:work", operation: "demo.get", requestId: "r1",
   *   constraints: {
   *     hostAllow: [`api.test:${port}`], cidrDeny: [], denyLocalhost: true,
   *     denyPrivateRanges: true, denyTailnetRanges: true, denyIpLiterals: true,
   *     requireSni: true, spkiPins: [], credentialAllow: [], dnsMaxIps: 16,
   *     maxRedirects: 5, connectTimeoutMs: 1000, totalTimeoutMs: 5000, maxResponseBytes: 1024,
   *   },
   * });
   * assert.equal(new TextDecoder().decode(res.body), `host=api.test:${port}`);
   * await guard.close();
   * await server.shutdown();
   * ```
   */
  async fetch(req: EgressHttpRequest, ctx: EgressContext): Promise<EgressHttpResponse> {
    let where = { host: "", port: 0 };
    try {
      return await this.#run(req, ctx, (t) => {
        where = { host: t.host, port: t.port };
      });
    } catch (e) {
      if (isFcpError(e) && (e.code === "FCP-3008" || e.code === "FCP-3010")) {
        await this.#emitQuiet({
          type: "egress.denied",
          ...this.#who(ctx),
          ...where,
          reason: e.detail,
          code: e.code,
          method: String(req.method).slice(0, 32),
          ...(req.credential === undefined ? {} : { credential: req.credential }),
        });
      }
      throw e;
    }
  }

  #who(ctx: EgressContext) {
    return {
      connectorId: ctx.connectorId,
      zone: ctx.zone,
      operation: ctx.operation,
      requestId: ctx.requestId,
    };
  }

  async #emit(e: EgressEvent): Promise<void> {
    if (this.#onEvent === undefined) return;
    try {
      await this.#onEvent(e);
    } catch (err) {
      if (isFcpError(err)) throw err;
      throw new FcpError("FCP-9002", `egress audit sink failed on ${e.type}`, { cause: err });
    }
  }

  async #emitQuiet(e: EgressEvent): Promise<void> {
    try {
      await this.#onEvent?.(e);
    } catch { /* the refusal stands either way */ }
  }

  async #run(
    req: EgressHttpRequest,
    ctx: EgressContext,
    located: (t: Target) => void,
  ): Promise<EgressHttpResponse> {
    if (this.#closed) throw new FcpError("FCP-9001", "egress guard is closed");
    const c = ctx.constraints;
    const op = ctx.operation;
    // 1. Limits present (§7.3 "Absence of configured timeouts MUST be treated as a
    //    configuration error (fail closed)").
    for (
      const [name, v] of [
        ["connect_timeout_ms", c.connectTimeoutMs],
        ["total_timeout_ms", c.totalTimeoutMs],
        ["max_response_bytes", c.maxResponseBytes],
        ["dns_max_ips", c.dnsMaxIps],
      ] as const
    ) {
      if (!positive(v)) {
        throw new FcpError(
          "FCP-3008",
          `operation ${op} has no valid ${name}; egress fails closed (§7.3)`,
        );
      }
    }
    // 2–4. URL, canonical host, literals, allow list — all before DNS.
    const target = parseTarget(req.url);
    located(target);
    const hostPort = `${target.host}:${target.port}`;
    checkHost(target, c, op);
    // A hop of a redirect chain this guard returned within the same call (§7.3 "Redirect
    // handling": at most max_redirects hops).
    const hop = this.#redirects.hopOf(ctx.requestId, target.url.href);
    if (hop > c.maxRedirects) {
      throw new FcpError(
        "FCP-3008",
        `redirect hop ${hop} to ${hostPort} exceeds max_redirects ${c.maxRedirects} of ${op}`,
      );
    }
    // 5. TLS constraints we can or cannot honour.
    if (c.spkiPins.length > 0) {
      throw new FcpError(
        "FCP-3008",
        `operation ${op} has spki_pins, which this host cannot verify (fetch exposes no peer certificate); refusing instead of connecting unpinned`,
      );
    }
    if (target.url.protocol === "https:" && target.literal && c.requireSni) {
      throw new FcpError(
        "FCP-3008",
        `https to the IP literal ${target.host} has no SNI, and operation ${op} has require_sni`,
      );
    }
    // 6. Method and headers.
    const method = checkMethod(req);
    const headers = checkHeaders(req.headers);
    // 7. Credential (§7.3.1).
    let credentialHeader: [string, string] | undefined;
    if (req.credential !== undefined) {
      credentialHeader = await this.#credentialHeader(req.credential, hostPort, ctx, headers);
    }
    // 8. DNS and the address policy.
    const deadline = new Deadline(c.totalTimeoutMs, ctx.signal);
    try {
      const dnsStart = performance.now();
      const addresses = await this.#vettedAddresses(target, c, deadline);
      // One connect budget for the lookup and the TCP connect together (§7.3).
      const connectLeftMs = Math.max(
        1,
        Math.floor(c.connectTimeoutMs - (performance.now() - dnsStart)),
      );
      // 9. Audit before anything is sent.
      await this.#emit({
        type: "egress.allowed",
        ...this.#who(ctx),
        host: target.host,
        port: target.port,
        addresses,
        method,
        ...(req.credential === undefined ? {} : { credential: req.credential }),
      });
      if (credentialHeader !== undefined) {
        await this.#emit({
          type: "secret.access",
          ...this.#who(ctx),
          host: target.host,
          port: target.port,
          credential: req.credential!,
          method,
        });
        headers.push(credentialHeader);
      }
      // 10–11. Send through the pinning tunnel.
      let res = await this.#send(
        target,
        method,
        headers,
        req.body,
        addresses,
        { ...c, connectTimeoutMs: connectLeftMs },
        deadline,
      );
      // An upstream that echoes the injected credential (in a header or the body) must not
      // hand it to the connector, which is never to see the raw secret (§7.3.1).
      if (credentialHeader !== undefined) res = scrubSecret(res, credentialHeader[1]);
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.find(([n]) => n === "location")?.[1];
        if (location !== undefined) {
          this.#redirects.returned(ctx.requestId, target.url, location, hop + 1);
        }
      }
      return res;
    } finally {
      deadline.dispose();
    }
  }

  async #credentialHeader(
    id: string,
    hostPort: string,
    ctx: EgressContext,
    headers: readonly [string, string][],
  ): Promise<[string, string]> {
    const op = ctx.operation;
    if (!ctx.constraints.credentialAllow.includes(id)) {
      throw new FcpError("FCP-3010", `credential ${id} is not in credential_allow of ${op}`);
    }
    if (ctx.tokenCredentialAllow !== undefined && !ctx.tokenCredentialAllow.includes(id)) {
      throw new FcpError(
        "FCP-3010",
        `credential ${id} is not in the capability token's credential_allow`,
      );
    }
    if (this.#credentials === undefined) {
      throw new FcpError("FCP-3010", `no credential store on this node for ${id}`);
    }
    const header = await this.#credentials.headerFor(id, hostPort);
    if (headers.some(([n]) => n === header[0])) {
      throw new FcpError(
        "FCP-3010",
        `header ${
          header[0]
        } is injected by the host for credential ${id}; the connector may not set it`,
      );
    }
    return header;
  }

  async #vettedAddresses(
    target: Target,
    c: OperationNetworkConstraints,
    deadline: Deadline,
  ): Promise<string[]> {
    let answers: string[];
    if (target.literal) {
      answers = [target.host];
    } else {
      // An aborted call (caller or deadline) asks nothing more of DNS.
      const gone = deadline.abortError(`resolving ${target.host}`);
      if (gone !== undefined) throw gone;
      let raw: unknown;
      try {
        raw = await bounded(
          this.#resolver(target.host, deadline.signal),
          c.connectTimeoutMs,
          deadline,
          () =>
            new FcpError(
              "FCP-6003",
              `resolving ${target.host} timed out after connect_timeout_ms ${c.connectTimeoutMs} ms`,
            ),
        );
      } catch (e) {
        if (isFcpError(e)) throw e;
        throw new FcpError("FCP-7003", `could not resolve ${target.host}`, { cause: e });
      }
      if (!Array.isArray(raw) || !raw.every((a) => typeof a === "string")) {
        throw new FcpError("FCP-9001", `resolver returned a non-list for ${target.host}`);
      }
      answers = [...new Set(raw as string[])];
    }
    if (answers.length === 0) {
      throw new FcpError("FCP-7003", `${target.host} has no A/AAAA records`);
    }
    if (answers.length > c.dnsMaxIps) {
      throw new FcpError(
        "FCP-3008",
        `${target.host} resolved to ${answers.length} addresses, more than dns_max_ips ${c.dnsMaxIps}`,
      );
    }
    const cidrDeny = c.cidrDeny.map((text) => {
      try {
        return parseCidr(text);
      } catch {
        throw new FcpError(
          "FCP-3008",
          `cidr_deny entry "${text}" is not a CIDR block; failing closed`,
        );
      }
    });
    const vetted: string[] = [];
    for (const a of answers) {
      const why = this.#addressRefusal(a, c, cidrDeny);
      if (why !== undefined) {
        const subject = target.literal ? `address ${a}` : `${target.host} resolved to ${a}`;
        throw new FcpError("FCP-3008", `${subject}, ${why}`);
      }
      vetted.push(connectAddress(a));
    }
    return [...new Set(vetted)];
  }

  /** Why an address is refused (§7.3 step 6), or undefined when it may be dialled. */
  #addressRefusal(
    address: string,
    c: OperationNetworkConstraints,
    cidrDeny: readonly Cidr[],
  ): string | undefined {
    let cls: AddressClass;
    try {
      cls = classifyAddress(address);
    } catch {
      return "which is not an IP address";
    }
    if (ALWAYS_DENIED.has(cls)) return `a ${cls} address, which is always refused`;
    for (const [i, d] of cidrDeny.entries()) {
      if (cidrContains(d, address)) return `inside cidr_deny ${c.cidrDeny[i]}`;
    }
    const flag = cls === "loopback"
      ? (c.denyLocalhost ? "deny_localhost" : undefined)
      : cls === "private" || cls === "unique_local" || cls === "link_local"
      ? (c.denyPrivateRanges ? "deny_private_ranges" : undefined)
      : cls === "cgnat"
      ? (c.denyTailnetRanges ? "deny_tailnet_ranges" : undefined)
      : undefined;
    if (flag === undefined) return undefined;
    if (this.#allowCidrs.some((a) => cidrContains(a, address))) return undefined;
    return `a ${cls} address, refused by ${flag}`;
  }

  #tunnelFor(): EgressTunnel {
    this.#tunnel ??= EgressTunnel.start();
    return this.#tunnel;
  }

  async #send(
    target: Target,
    method: string,
    headers: [string, string][],
    body: Uint8Array | undefined,
    addresses: readonly string[],
    c: OperationNetworkConstraints,
    deadline: Deadline,
  ): Promise<EgressHttpResponse> {
    const what = `${method} ${target.host}:${target.port}`;
    const tunnel = this.#tunnelFor();
    const ticket = tunnel.issue({
      host: target.host,
      port: target.port,
      addresses,
      connectTimeoutMs: c.connectTimeoutMs,
      signal: deadline.signal,
    });
    const client = tunnelClient({
      proxy: {
        url: `socks5h://127.0.0.1:${tunnel.port}`,
        basicAuth: { username: ticket.username, password: ticket.password },
      },
      ...(this.#caCerts.length === 0 ? {} : { caCerts: this.#caCerts }),
      poolMaxIdlePerHost: 0,
    });
    const failed = (e: unknown): FcpError => classifyFailure(e, what, ticket, deadline);
    try {
      let res: Response;
      try {
        res = await fetch(target.url.href, {
          method,
          headers,
          ...(body === undefined ? {} : { body: new Uint8Array(body) }),
          client,
          redirect: "manual",
          signal: deadline.signal,
        });
      } catch (e) {
        throw failed(e);
      }
      const { bytes, truncated } = await readCapped(res, c.maxResponseBytes).catch((e) => {
        throw failed(e);
      });
      return {
        status: res.status,
        statusText: res.statusText,
        url: target.url.href,
        headers: responseHeaders(res.headers),
        body: bytes,
        truncated,
      };
    } finally {
      ticket.revoke();
      client.close();
    }
  }

  /**
   * Stop the tunnel and close its connections. Safe to call twice; `fetch` afterwards is
   * `FCP-9001`.
   *
   * @example
   * ```ts
   * import { EgressGuard } from "./egress_guard.ts";
   * const guard = new EgressGuard();
   * await guard.close();
   * await guard.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    const t = this.#tunnel;
    this.#tunnel = undefined;
    await t?.close();
  }
}

function classifyFailure(
  e: unknown,
  what: string,
  ticket: TunnelTicket,
  deadline: Deadline,
): FcpError {
  if (isFcpError(e)) return e;
  const outcome = ticket.outcome();
  if (outcome.kind === "timeout") return new FcpError("FCP-6003", outcome.reason, { cause: e });
  const aborted = deadline.abortError(what);
  if (aborted !== undefined) return aborted;
  if (outcome.kind === "unreachable") return new FcpError("FCP-7003", outcome.reason, { cause: e });
  if (outcome.kind === "refused") {
    return new FcpError("FCP-3008", `${what}: ${outcome.reason}`, { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new FcpError("FCP-7003", `${what} failed: ${msg.split("\n")[0]!.slice(0, 300)}`, {
    cause: e,
  });
}

/** Steps 2: parse and canonicalize (spec §7.3 step 2, §11.2.1 step 2). */
function parseTarget(text: string): Target {
  let url: URL;
  try {
    url = new URL(String(text));
  } catch {
    throw new FcpError("FCP-1040", "egress URL is not an absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FcpError("FCP-3008", `scheme ${url.protocol} refused; only http and https`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new FcpError("FCP-3008", "URLs with userinfo are refused; use a credential");
  }
  let host = url.hostname;
  if (host.endsWith(".") && !host.startsWith("[")) host = host.slice(0, -1);
  if (host === "") throw new FcpError("FCP-1040", "egress URL has no host");
  url.hostname = host;
  url.hash = "";
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return { url, host, port, literal: isIpAddress(host) };
}

/** Steps 3–4: literals, localhost, host_allow (before DNS). */
function checkHost(t: Target, c: OperationNetworkConstraints, op: string): void {
  if (t.literal && c.denyIpLiterals) {
    throw new FcpError("FCP-3008", `IP literal host ${t.host} refused (deny_ip_literals)`);
  }
  if (c.denyLocalhost && (t.host === "localhost" || t.host.endsWith(".localhost"))) {
    throw new FcpError("FCP-3008", `host ${t.host} refused (deny_localhost)`);
  }
  const allowed = c.hostAllow.map((h) => canonicalHostPort(h)).filter((h) => h !== undefined);
  const hostPort = `${t.host}:${t.port}`;
  if (allowed.includes(hostPort)) return;
  const ports = allowed.filter((h) => h.slice(0, h.lastIndexOf(":")) === t.host);
  if (ports.length > 0) {
    throw new FcpError(
      "FCP-3008",
      `port ${t.port} is not allowed for ${t.host} in host_allow of ${op} (allowed: ${
        ports.join(", ")
      })`,
    );
  }
  throw new FcpError("FCP-3008", `host ${hostPort} is not in host_allow of ${op}`);
}

function checkMethod(req: EgressHttpRequest): string {
  const method = typeof req.method === "string" ? req.method : "";
  if (!TOKEN.test(method) || method.length > 32) {
    throw new FcpError("FCP-1040", "egress method is not an HTTP token");
  }
  const upper = method.toUpperCase();
  if (upper === "CONNECT" || upper === "TRACE" || upper === "TRACK") {
    throw new FcpError("FCP-3008", `method ${upper} refused`);
  }
  if ((upper === "GET" || upper === "HEAD") && req.body !== undefined && req.body.length > 0) {
    throw new FcpError("FCP-1040", `${upper} requests carry no body`);
  }
  return ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"].includes(upper)
    ? upper
    : method;
}

/** Step 6: validate, refuse `Host`, drop hop-by-hop (RFC 9110 §7.6.1) headers. */
function checkHeaders(input: readonly (readonly [string, string])[]): [string, string][] {
  if (!Array.isArray(input)) throw new FcpError("FCP-1040", "egress headers must be a list");
  const pairs: [string, string][] = [];
  for (const h of input) {
    const [name, value] = Array.isArray(h) ? h : [];
    if (typeof name !== "string" || !TOKEN.test(name) || name.length > 256) {
      throw new FcpError("FCP-1040", "egress request has a malformed header name");
    }
    if (typeof value !== "string" || BAD_VALUE.test(value) || value.length > 65_536) {
      throw new FcpError("FCP-1040", `egress header ${name} has a malformed value`);
    }
    pairs.push([name.toLowerCase(), value]);
  }
  if (pairs.some(([n]) => n === "host")) {
    throw new FcpError("FCP-3008", "the Host header is set by the host from the URL; remove it");
  }
  const connectionListed = new Set(
    pairs.filter(([n]) => n === "connection").flatMap(([, v]) =>
      v.split(",").map((t) => t.trim().toLowerCase())
    ),
  );
  return pairs.filter(([n]) => !DROPPED_REQUEST_HEADERS.has(n) && !connectionListed.has(n));
}

function responseHeaders(h: Headers): [string, string][] {
  const enc = h.get("content-encoding")?.trim().toLowerCase();
  const decoded = enc === "gzip" || enc === "br";
  return [...h].filter(([n]) =>
    !DROPPED_RESPONSE_HEADERS.has(n) &&
    !(decoded && (n === "content-encoding" || n === "content-length"))
  );
}

/** Read at most `max` bytes of the body; stop reading (cancel) past it. */
async function readCapped(
  res: Response,
  max: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (res.body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      if (size + value.length > max) {
        chunks.push(value.subarray(0, max - size));
        size = max;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.length;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let off = 0;
  for (const ch of chunks) {
    bytes.set(ch, off);
    off += ch.length;
  }
  return { bytes, truncated };
}
