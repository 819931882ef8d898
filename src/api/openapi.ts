/**
 * The LocalAPI's OpenAPI 3.1 document, written by hand next to the routes (`app.ts`). Each
 * route has one entry in {@link ROUTE_OPERATIONS}; the document served at
 * `GET /v1/openapi.json` lists exactly the routes the app registered (`app_test.ts` checks that
 * every registered route is documented).
 *
 * @module
 */
/** A route key: `METHOD /openapi/path`, e.g. `GET /v1/objects/{id}`. */
export type RouteKey =
  | "GET /v1/openapi.json"
  | "GET /v1/status"
  | "PUT /v1/objects"
  | "POST /v1/objects"
  | "GET /v1/objects/{id}"
  | "GET /v1/connectors"
  | "POST /v1/connectors/install"
  | "POST /v1/connectors/{id}/activate"
  | "POST /v1/connectors/{id}/deactivate"
  | "GET /v1/connectors/{id}/health"
  | "POST /v1/invoke"
  | "GET /v1/explain/{id}"
  | "GET /v1/audit/tail";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ "application/json": { schema } });
const errors = (...statuses: number[]): Record<string, Json> =>
  Object.fromEntries(
    [401, 403, ...statuses].map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]),
  );
const zoneParam: Json = {
  name: "zone",
  in: "query",
  required: true,
  description: "Zone id, e.g. z:work",
  schema: { type: "string", pattern: "^z:" },
};
const idParam = (description: string, pattern?: string): Json => ({
  name: "id",
  in: "path",
  required: true,
  description,
  schema: pattern === undefined ? { type: "string" } : { type: "string", pattern },
});

const putObject: Json = {
  summary: "Store an object",
  description: "Stores the raw request body as an object of the zone, through the store's " +
    "object pipeline (sealed under the zone key). Idempotent: the same bytes give the same id.",
  parameters: [zoneParam],
  requestBody: {
    required: true,
    content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
  },
  responses: {
    "200": { description: "Already stored", content: json(ref("PutObjectResult")) },
    "201": { description: "Stored", content: json(ref("PutObjectResult")) },
    ...errors(400, 413),
  },
};

/** The OpenAPI operation object of every route. */
export const ROUTE_OPERATIONS: Readonly<Record<RouteKey, Json>> = {
  "GET /v1/openapi.json": {
    summary: "This document",
    responses: { "200": { description: "OpenAPI 3.1 document", content: json({}) }, ...errors() },
  },
  "GET /v1/status": {
    summary: "Node status",
    responses: {
      "200": { description: "The node is running", content: json(ref("NodeStatus")) },
      ...errors(),
    },
  },
  "PUT /v1/objects": putObject,
  "POST /v1/objects": putObject,
  "GET /v1/objects/{id}": {
    summary: "Read an object",
    parameters: [idParam("ObjectId, 64 hex", "^(objectid:)?[0-9a-f]{64}$"), zoneParam],
    responses: {
      "200": {
        description: "The object's bytes",
        content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      },
      ...errors(400, 404),
    },
  },
  "GET /v1/connectors": {
    summary: "Installed connectors and their health",
    responses: {
      "200": {
        description: "Connectors",
        content: json({
          type: "object",
          required: ["connectors"],
          properties: { connectors: { type: "array", items: ref("ConnectorSummary") } },
        }),
      },
      ...errors(),
    },
  },
  "POST /v1/connectors/install": {
    summary: "Install a connector",
    description: "A connector shipped with fcp by id (`fcp.fs`), or a connector folder on this " +
      "machine by absolute path. The package (manifest + modules) becomes a pinned object.",
    requestBody: {
      required: true,
      content: json({
        type: "object",
        required: ["source"],
        properties: { source: { type: "string" } },
      }),
    },
    responses: {
      "200": { description: "Installed connector", content: json({ type: "object" }) },
      ...errors(400, 404),
    },
  },
  "POST /v1/connectors/{id}/activate": {
    summary: "Bind a connector to a zone and start its sandboxed worker",
    parameters: [idParam("Connector id")],
    requestBody: { required: true, content: json(ref("ActivateRequest")) },
    responses: {
      "200": { description: "The running instance", content: json({ type: "object" }) },
      ...errors(400, 404, 409, 503),
    },
  },
  "POST /v1/connectors/{id}/deactivate": {
    summary: "Stop a connector's instance in a zone",
    parameters: [idParam("Connector id")],
    requestBody: {
      required: true,
      content: json({
        type: "object",
        required: ["zone"],
        properties: { zone: { type: "string" } },
      }),
    },
    responses: {
      "200": { description: "The stopped instance", content: json({ type: "object" }) },
      ...errors(400, 404, 503),
    },
  },
  "GET /v1/connectors/{id}/health": {
    summary: "Health of a connector's instances",
    parameters: [idParam("Connector id")],
    responses: {
      "200": { description: "Health per instance", content: json({ type: "object" }) },
      ...errors(404),
    },
  },
  "POST /v1/invoke": {
    summary: "Invoke a connector operation through the pipeline",
    description: "Token verification, zone binding, policy, revocation freshness, taint and " +
      "approval checks, input validation, then the sandboxed call; a denial is an error " +
      "whose request id `GET /v1/explain/{id}` explains.",
    parameters: [{
      name: "Idempotency-Key",
      in: "header",
      required: false,
      schema: { type: "string", maxLength: 256 },
    }],
    requestBody: { required: true, content: json(ref("InvokeRequest")) },
    responses: {
      "200": { description: "Operation receipt", content: json({ type: "object" }) },
      ...errors(400, 404, 409, 413, 429, 502, 503, 504),
    },
  },
  "GET /v1/explain/{id}": {
    summary: "Why a request was allowed or denied",
    parameters: [idParam("Request id")],
    responses: {
      "200": { description: "Decision explanation", content: json({ type: "object" }) },
      ...errors(404),
    },
  },
  "GET /v1/audit/tail": {
    summary: "The last audit events of a zone",
    parameters: [zoneParam, {
      name: "n",
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 1000, default: 20 },
    }],
    responses: {
      "200": {
        description: "Events, oldest first",
        content: json({
          type: "object",
          required: ["zone", "events"],
          properties: { zone: { type: "string" }, events: { type: "array", items: {} } },
        }),
      },
      ...errors(400),
    },
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (protocol or input error)",
  401: "Missing or wrong bearer token (FCP-2015)",
  403: "Refused: non-loopback Host/Origin (FCP-2016), capability or zone denial",
  404: "Not found (FCP-6001)",
  409: "Conflict, e.g. an idempotency key reused for another input (FCP-6004)",
  413: "Body too large (FCP-1041)",
  429: "Quota exceeded (FCP-6002)",
  502: "External service failed",
  503: "Node not ready",
  504: "Timed out (FCP-6003)",
};

const SCHEMAS: Record<string, Json> = {
  Error: {
    type: "object",
    required: ["code", "name", "message"],
    properties: {
      code: { type: "string", pattern: "^FCP-[0-9]{4}$" },
      name: { type: "string" },
      message: { type: "string" },
      details: {
        type: "object",
        description: "non-secret facts, e.g. request_id, reason_code and stage of a denied invoke",
      },
    },
  },
  NodeStatus: {
    type: "object",
    required: [
      "state",
      "node_id",
      "version",
      "pid",
      "started_at",
      "uptime_secs",
      "listen",
      "zones",
      "store",
      "services",
    ],
    properties: {
      state: { const: "running" },
      node_id: { type: "string" },
      version: { type: "string" },
      pid: { type: "integer" },
      started_at: { type: "integer" },
      uptime_secs: { type: "integer" },
      listen: {
        type: "object",
        properties: { hostname: { type: "string" }, port: { type: "integer" } },
      },
      zones: { type: "array", items: { type: "string" } },
      store: {
        type: "object",
        properties: { kind: { type: "string" }, objects: { type: "integer" } },
      },
      services: { type: "array", items: { type: "string" } },
    },
  },
  PutObjectResult: {
    type: "object",
    required: ["object_id", "zone", "size", "created"],
    properties: {
      object_id: { type: "string", pattern: "^[0-9a-f]{64}$" },
      zone: { type: "string" },
      size: { type: "integer" },
      created: { type: "boolean" },
    },
  },
  ConnectorSummary: {
    type: "object",
    required: ["id", "version", "state", "health", "zones"],
    properties: {
      id: { type: "string" },
      version: { type: "string" },
      state: { type: "string" },
      health: { type: "string" },
      zones: { type: "array", items: { type: "string" } },
    },
  },
  InvokeRequest: {
    type: "object",
    required: ["connector", "operation", "zone", "input"],
    additionalProperties: false,
    properties: {
      connector: { type: "string" },
      operation: { type: "string" },
      zone: { type: "string" },
      input: {},
      token: { type: "string", description: "capability token, hex of its COSE_Sign1 bytes" },
      idempotency_key: { type: "string", maxLength: 256 },
      approvals: { type: "array", maxItems: 16, items: { type: "string" } },
      input_taint: { type: "array", maxItems: 16, items: { type: "string" } },
      input_origin_zone: { type: "string" },
    },
  },
  ActivateRequest: {
    type: "object",
    required: ["zone"],
    properties: {
      zone: { type: "string" },
      grant_read: { type: "array", items: { type: "string" } },
      grant_write: { type: "array", items: { type: "string" } },
      allow_hosts: { type: "array", items: { type: "string" } },
      config: { type: "object" },
    },
  },
};

/**
 * The OpenAPI path (`/v1/objects/{id}`) of a Hono route path (`/v1/objects/:id`).
 *
 * @example
 * ```ts
 * import { openApiPath } from "./openapi.ts";
 * import assert from "node:assert/strict";
 * assert.equal(openApiPath("/v1/objects/:id"), "/v1/objects/{id}");
 * ```
 */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

/**
 * The OpenAPI 3.1 document listing the given routes; `version` is fcp's version.
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * import assert from "node:assert/strict";
 * const doc = openApiDocument(["GET /v1/status", "GET /v1/objects/{id}"]);
 * assert.equal(doc.openapi, "3.1.0");
 * assert.deepEqual(Object.keys(doc.paths), ["/v1/status", "/v1/objects/{id}"]);
 * assert.ok("get" in doc.paths["/v1/status"]!);
 * ```
 */
export function openApiDocument(routes: readonly RouteKey[], version = "0.0.0"): {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  [key: string]: Json;
} {
  const paths: Record<string, Record<string, Json>> = {};
  for (const key of routes) {
    const [method, path] = key.split(" ") as [string, string];
    (paths[path] ??= {})[method.toLowerCase()] = ROUTE_OPERATIONS[key];
  }
  const responses: Record<string, Json> = {};
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) {
    responses[`E${status}`] = { description, content: json(ref("Error")) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "fcp LocalAPI",
      version,
      description: "The loopback HTTP API of an fcp node (docs/api.md). Every route needs " +
        "`Authorization: Bearer <FCP_HOME/api.token>`; errors are `{code, name, message}`.",
    },
    servers: [{ url: "http://127.0.0.1:7878" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: SCHEMAS,
      responses,
    },
  };
}
