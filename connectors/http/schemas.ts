/**
 * JSON Schemas (draft 2020-12) of the `fcp.http` operations' inputs and outputs, for the
 * manifest's `input_schema` / `output_schema` (spec §11.1). `operations.ts` enforces the same
 * rules again.
 *
 * @module
 */

/** A JSON Schema object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Default response body limit. */
export const HTTP_DEFAULT_MAX_BYTES = 1024 * 1024;
/** Largest response body limit a caller may ask for. */
export const HTTP_MAX_BYTES = 16 * 1024 * 1024;
/** Largest request body (after base64 decoding). */
export const HTTP_MAX_REQUEST_BYTES = 1024 * 1024;
/** Default per-call timeout. */
export const HTTP_DEFAULT_TIMEOUT_MS = 30_000;
/** Largest per-call timeout (the host's wall-clock limit may be shorter). */
export const HTTP_MAX_TIMEOUT_MS = 120_000;
/** Most redirects followed. */
export const HTTP_MAX_REDIRECTS = 5;

const common: Record<string, JsonSchema> = {
  url: {
    type: "string",
    minLength: 1,
    maxLength: 8192,
    format: "uri",
    description: "http or https URL without user info; the host must be in the connector's " +
      "network allow list (enforced by the egress guard)",
  },
  headers: {
    type: "object",
    maxProperties: 64,
    additionalProperties: { type: "string", maxLength: 8192 },
    propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
    description: "request headers; Host, Authorization, Proxy-*, Cookie and hop-by-hop or " +
      "framing headers are refused (use `credential` for authentication)",
  },
  credential: {
    type: "string",
    pattern: "^[A-Za-z0-9_.:-]{1,128}$",
    description: "id of a host-held credential; the egress guard injects it, dropped on a " +
      "redirect to another origin",
  },
  "max_bytes": {
    type: "integer",
    minimum: 1,
    maximum: HTTP_MAX_BYTES,
    default: HTTP_DEFAULT_MAX_BYTES,
  },
  "timeout_ms": {
    type: "integer",
    minimum: 1,
    maximum: HTTP_MAX_TIMEOUT_MS,
    default: HTTP_DEFAULT_TIMEOUT_MS,
  },
  "follow_redirects": { type: "boolean", default: true },
  "response_encoding": {
    enum: ["auto", "text", "base64"],
    default: "auto",
    description: "auto: text for textual content types that are valid UTF-8, else base64",
  },
};

const output: JsonSchema = {
  type: "object",
  required: [
    "status",
    "status_text",
    "url",
    "redirected",
    "headers",
    "body",
    "body_encoding",
    "bytes",
    "truncated",
  ],
  additionalProperties: false,
  properties: {
    status: { type: "integer" },
    status_text: { type: "string" },
    url: { type: "string", description: "final URL after redirects" },
    redirected: { type: "boolean" },
    headers: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "a safe subset of the response headers (never Set-Cookie)",
    },
    body: { type: "string" },
    body_encoding: { enum: ["text", "base64"] },
    bytes: { type: "integer", minimum: 0, description: "body bytes returned" },
    truncated: { type: "boolean", description: "the body was longer than max_bytes" },
  },
};

/**
 * Input and output schema of every `fcp.http` operation, by operation id.
 *
 * @example
 * ```ts
 * import { HTTP_SCHEMAS } from "./schemas.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Object.keys(HTTP_SCHEMAS), ["http_get", "http_post"]);
 * assert.deepEqual(HTTP_SCHEMAS.http_post.input.required, ["url"]);
 * ```
 */
export const HTTP_SCHEMAS = {
  http_get: {
    input: {
      type: "object",
      required: ["url"],
      additionalProperties: false,
      properties: { ...common },
    },
    output,
  },
  http_post: {
    input: {
      type: "object",
      required: ["url"],
      additionalProperties: false,
      properties: {
        ...common,
        body: {
          type: "string",
          description: `at most ${HTTP_MAX_REQUEST_BYTES} bytes once decoded`,
        },
        body_encoding: { enum: ["utf8", "base64"], default: "utf8" },
        content_type: { type: "string", maxLength: 256 },
      },
    },
    output,
  },
} as const satisfies Record<string, { input: JsonSchema; output: JsonSchema }>;
