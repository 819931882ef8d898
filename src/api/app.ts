/**
 * The LocalAPI application (Hono): loopback `Host` check, bearer token on every route, body
 * size limit, JSON errors `{code, name, message}` with statuses from `http_status.ts`, no CORS
 * (no `Access-Control-*` headers are ever sent), and the routes of docs/api.md. Routes backed by
 * an optional service in {@link ApiDeps} exist only when that service is given.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { FcpError } from "../core/mod.ts";
import { parseObjectId, parseZoneId, type ZoneId } from "../model/mod.ts";
import { requireBearer } from "./auth.ts";
import type { ApiDeps, InvokeRequest, JsonValue } from "./deps.ts";
import { errorResponse } from "./error_response.ts";
import { requireLoopbackHost } from "./host_check.ts";
import { openApiDocument, type RouteKey } from "./openapi.ts";

/** Default largest accepted request body: 16 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Largest `n` of `GET /v1/audit/tail`. */
export const MAX_AUDIT_TAIL = 1000;

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The bearer token every request must present. */
  readonly token: string;
  /** Largest request body in bytes (default {@link DEFAULT_MAX_BODY_BYTES}); larger is 413. */
  readonly maxBodyBytes?: number;
  /** fcp's version, shown in the OpenAPI document. */
  readonly version?: string;
}

/** The app plus the routes it registered. */
export interface LocalApi {
  /** The Hono app; serve `app.fetch`. */
  readonly app: Hono;
  /** The registered routes, in registration order. */
  readonly routes: readonly RouteKey[];
}

function requiredZone(value: string | undefined): ZoneId {
  if (value === undefined || value === "") {
    throw new FcpError("FCP-1040", "the zone query parameter is required (e.g. ?zone=z:work)");
  }
  return parseZoneId(value);
}

function optionalText(v: unknown, what: string, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length === 0 || v.length > max) {
    throw new FcpError("FCP-1040", `${what} must be a non-empty string of at most ${max} chars`);
  }
  return v;
}

const INVOKE_FIELDS = new Set([
  "connector",
  "operation",
  "zone",
  "input",
  "token",
  "idempotency_key",
  "approvals",
  "input_taint",
  "input_origin_zone",
]);

function optionalTextList(
  v: unknown,
  what: string,
  maxItems: number,
  max: number,
): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > maxItems) {
    throw new FcpError("FCP-1040", `${what} must be a list of at most ${maxItems} strings`);
  }
  return v.map((x) => optionalText(x, `${what}[]`, max)!);
}

/**
 * Check the shape of a `POST /v1/invoke` body (`FCP-1040` for anything off; `FCP-4001` for a bad
 * zone). The `Idempotency-Key` header is used when the body has no `idempotency_key`.
 *
 * @example
 * ```ts
 * import { parseInvokeRequest } from "./app.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const r = parseInvokeRequest(
 *   { connector: "fcp.fs", operation: "list", zone: "z:work", input: { path: "." } },
 *   "k1",
 * );
 * assert.equal(r.idempotencyKey, "k1");
 * assert.throws(() => parseInvokeRequest({ connector: "fcp.fs" }), (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function parseInvokeRequest(body: unknown, idempotencyHeader?: string): InvokeRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new FcpError("FCP-1040", "the invoke body must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!INVOKE_FIELDS.has(k)) throw new FcpError("FCP-1040", `unknown invoke field ${k}`);
  }
  const connector = optionalText(b.connector, "connector", 128);
  const operation = optionalText(b.operation, "operation", 128);
  const zone = optionalText(b.zone, "zone", 256);
  if (connector === undefined || operation === undefined || zone === undefined) {
    throw new FcpError("FCP-1040", "connector, operation and zone are required");
  }
  if (!("input" in b)) throw new FcpError("FCP-1040", "input is required (null for none)");
  const token = optionalText(b.token, "token", 64 * 1024);
  const key = optionalText(b.idempotency_key, "idempotency_key", 256) ??
    optionalText(idempotencyHeader, "Idempotency-Key", 256);
  const approvals = optionalTextList(b.approvals, "approvals", 16, 64 * 1024);
  const taint = optionalTextList(b.input_taint, "input_taint", 16, 64);
  const origin = optionalText(b.input_origin_zone, "input_origin_zone", 256);
  return {
    connector,
    operation,
    zone: parseZoneId(zone),
    input: b.input as JsonValue,
    ...(token === undefined ? {} : { token }),
    ...(key === undefined ? {} : { idempotencyKey: key }),
    ...(approvals === undefined ? {} : { approvals }),
    ...(taint === undefined ? {} : { inputTaint: taint }),
    ...(origin === undefined ? {} : { inputOriginZone: parseZoneId(origin) }),
  };
}

async function jsonObject(c: Context, what: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (cause) {
    if (cause instanceof HTTPException || cause instanceof FcpError) throw cause;
    throw new FcpError("FCP-1040", `the ${what} body is not valid JSON`, { cause });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new FcpError("FCP-1040", `the ${what} body must be a JSON object`);
  }
  return body as Record<string, unknown>;
}

function connectorId(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (!/^[a-z0-9][a-z0-9._:-]{0,127}$/.test(id)) {
    throw new FcpError("FCP-4007", "the connector id in the path is not a canonical id");
  }
  return id;
}

/** The methods `routes` serve at `path` (`{id}` matches one path segment). */
function methodsForPath(routes: readonly RouteKey[], path: string): string[] {
  const out = new Set<string>();
  for (const key of routes) {
    const [method, template] = key.split(" ") as [string, string];
    const re = new RegExp(
      "^" + template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("[^/]+") +
        "$",
    );
    if (re.test(path)) {
      out.add(method);
      if (method === "GET") out.add("HEAD");
    }
  }
  return [...out];
}

function auditCount(value: string | undefined): number {
  if (value === undefined) return 20;
  const n = /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_AUDIT_TAIL)) {
    throw new FcpError("FCP-1040", `n must be an integer from 1 to ${MAX_AUDIT_TAIL}`);
  }
  return n;
}

/**
 * Build the LocalAPI over the given services.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import assert from "node:assert/strict";
 * const status = {
 *   status: () => Promise.resolve({
 *     state: "running" as const, node_id: "n1", version: "0.1.0", pid: 1, started_at: 0,
 *     uptime_secs: 0, listen: { hostname: "127.0.0.1", port: 7878 }, zones: [],
 *     store: { kind: "none" }, services: [],
 *   }),
 * };
 * const { app, routes } = createApp({ status }, { token: "secret" });
 * assert.ok(!routes.includes("POST /v1/invoke")); // no invoke service, no route
 * const auth = { authorization: "Bearer secret" };
 * const res = await app.request("http://127.0.0.1/v1/status", { headers: auth });
 * assert.equal(res.status, 200);
 * assert.equal((await res.json()).node_id, "n1");
 * assert.equal((await app.request("http://127.0.0.1/v1/status")).status, 401);
 * assert.equal((await app.request("http://127.0.0.1/v1/invoke", { method: "POST", headers: auth })).status, 404);
 * ```
 */
export function createApp(deps: ApiDeps, opts: AppOptions): LocalApi {
  const app = new Hono();
  const routes: RouteKey[] = [];
  const maxSize = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.onError((e) => {
    if (e instanceof HTTPException && !(e.cause instanceof FcpError)) {
      const code = e.status === 413 ? "FCP-1041" : e.status >= 500 ? "FCP-9001" : "FCP-1040";
      return errorResponse(new FcpError(code, e.status >= 500 ? "internal error" : e.message));
    }
    return errorResponse(e instanceof HTTPException ? e.cause : e);
  });
  app.notFound((c) => {
    // A path that exists under other methods is 405 with Allow (RFC 9110 §15.5.6), not 404.
    const allow = methodsForPath(routes, new URL(c.req.url).pathname);
    if (allow.length > 0 && !allow.includes(c.req.method)) {
      return errorResponse(
        new FcpError("FCP-1042", `${c.req.method} is not served here; use ${allow.join(", ")}`),
        { allow: allow.join(", ") },
      );
    }
    return errorResponse(new FcpError("FCP-6001", "no such route"));
  });

  app.use(requireLoopbackHost());
  app.use(requireBearer(opts.token));
  app.use(bodyLimit({
    maxSize,
    onError: () =>
      errorResponse(new FcpError("FCP-1041", `request body is larger than ${maxSize} bytes`)),
  }));

  app.get("/v1/openapi.json", (c) => c.json(openApiDocument(routes, opts.version)));
  routes.push("GET /v1/openapi.json");

  app.get("/v1/status", async (c) => c.json(await deps.status.status()));
  routes.push("GET /v1/status");

  const objects = deps.objects;
  if (objects) {
    const put = async (c: Context) => {
      const zone = requiredZone(c.req.query("zone"));
      const body = new Uint8Array(await c.req.arrayBuffer());
      const result = await objects.put(zone, body);
      return Response.json(result, { status: result.created ? 201 : 200 });
    };
    app.put("/v1/objects", (c) => put(c));
    app.post("/v1/objects", (c) => put(c));
    app.get("/v1/objects/:id", async (c) => {
      const zone = requiredZone(c.req.query("zone"));
      const id = parseObjectId(c.req.param("id"));
      const bytes = await objects.get(zone, id);
      if (bytes === undefined) {
        throw new FcpError("FCP-6001", `no object ${c.req.param("id")} in ${zone}`);
      }
      return new Response(new Uint8Array(bytes), {
        headers: { "content-type": "application/octet-stream" },
      });
    });
    routes.push("PUT /v1/objects", "POST /v1/objects", "GET /v1/objects/{id}");
  }

  const connectors = deps.connectors;
  if (connectors) {
    app.get("/v1/connectors", async (c) => c.json({ connectors: await connectors.list() }));
    routes.push("GET /v1/connectors");
    const install = connectors.install?.bind(connectors);
    if (install) {
      app.post("/v1/connectors/install", async (c) => {
        const b = await jsonObject(c, "install");
        const source = optionalText(b.source, "source", 4096);
        if (source === undefined) throw new FcpError("FCP-1040", "source is required");
        return c.json(await install(source));
      });
      routes.push("POST /v1/connectors/install");
    }
    const activate = connectors.activate?.bind(connectors);
    if (activate) {
      app.post("/v1/connectors/:id/activate", async (c) => {
        const b = await jsonObject(c, "activate");
        const read = optionalTextList(b.grant_read, "grant_read", 64, 4096);
        const write = optionalTextList(b.grant_write, "grant_write", 64, 4096);
        const hosts = optionalTextList(b.allow_hosts, "allow_hosts", 64, 300);
        const config = b.config;
        if (
          config !== undefined &&
          (typeof config !== "object" || config === null || Array.isArray(config))
        ) {
          throw new FcpError("FCP-1040", "config must be a JSON object");
        }
        return c.json(
          await activate(connectorId(c), {
            zone: requiredZone(optionalText(b.zone, "zone", 256)),
            ...(read === undefined ? {} : { grantRead: read }),
            ...(write === undefined ? {} : { grantWrite: write }),
            ...(hosts === undefined ? {} : { allowHosts: hosts }),
            ...(config === undefined ? {} : { config: config as { [key: string]: JsonValue } }),
          }),
        );
      });
      routes.push("POST /v1/connectors/{id}/activate");
    }
    const deactivate = connectors.deactivate?.bind(connectors);
    if (deactivate) {
      app.post("/v1/connectors/:id/deactivate", async (c) => {
        const b = await jsonObject(c, "deactivate");
        return c.json(
          await deactivate(connectorId(c), requiredZone(optionalText(b.zone, "zone", 256))),
        );
      });
      routes.push("POST /v1/connectors/{id}/deactivate");
    }
    const health = connectors.health?.bind(connectors);
    if (health) {
      app.get(
        "/v1/connectors/:id/health",
        async (c) => c.json({ connector: connectorId(c), instances: await health(connectorId(c)) }),
      );
      routes.push("GET /v1/connectors/{id}/health");
    }
  }

  const invoke = deps.invoke;
  if (invoke) {
    app.post("/v1/invoke", async (c) => {
      const body = await jsonObject(c, "invoke");
      const request = parseInvokeRequest(body, c.req.header("idempotency-key"));
      return c.json(await invoke.invoke(request));
    });
    routes.push("POST /v1/invoke");
  }

  const explain = deps.explain;
  if (explain) {
    app.get("/v1/explain/:id", async (c) => {
      const id = c.req.param("id");
      if (id.length === 0 || id.length > 256) throw new FcpError("FCP-1040", "bad request id");
      const found = await explain.explain(id);
      if (found === undefined) throw new FcpError("FCP-6001", `no decision for request ${id}`);
      return c.json(found);
    });
    routes.push("GET /v1/explain/{id}");
  }

  const audit = deps.audit;
  if (audit) {
    app.get("/v1/audit/tail", async (c) => {
      const zone = requiredZone(c.req.query("zone"));
      const n = auditCount(c.req.query("n"));
      return c.json({ zone, events: await audit.tail(zone, n) });
    });
    routes.push("GET /v1/audit/tail");
  }

  return { app, routes };
}
