/**
 * Readable descriptions of JSON Schema validation failures (issue 5 §3). A description names the
 * JSON pointer of the failing place and what the schema wanted there: the missing property,
 * the property not allowed, the expected type, the allowed values or the bound. It takes words
 * from the schema and property names from the input, never an input value, so a refusal cannot
 * echo a secret the caller put in a field.
 *
 * @module
 */
import type { OutputUnit } from "@cfworker/json-schema";

/** Longest property name or schema value quoted in a description. */
const MAX_QUOTED = 64;

/** Keywords whose schema value is a bound worth quoting. */
const BOUNDS = new Set([
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "multipleOf",
  "pattern",
  "format",
]);

/**
 * Describe the failures of one validation, most useful first, at most `max` of them.
 *
 * @example
 * ```ts
 * import { describeFailures } from "./_input_failure.ts";
 * import { type Schema, Validator } from "@cfworker/json-schema";
 * import assert from "node:assert/strict";
 * const schema: Schema = { type: "object", required: ["path"], properties: { path: { type: "string" } } };
 * const r = new Validator(schema, "2020-12", false).validate({});
 * assert.deepEqual(describeFailures(schema, {}, r.errors, 3), ['# is missing "path"']);
 * ```
 */
export function describeFailures(
  schema: unknown,
  input: unknown,
  errors: readonly OutputUnit[],
  max: number,
): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const d = describe(schema, input, e);
    if (d !== undefined && !out.includes(d)) out.push(d);
    if (out.length >= max) break;
  }
  return out;
}

function describe(schema: unknown, input: unknown, e: OutputUnit): string | undefined {
  const at = e.instanceLocation;
  const rule = resolve(schema, e.keywordLocation);
  switch (e.keyword) {
    // Wrappers: the failure inside them is reported on its own.
    case "properties":
    case "items":
    case "prefixItems":
    case "allOf":
    case "$ref":
    case "false":
      return undefined;
    case "required": {
      const here = resolve(input, at);
      const missing = Array.isArray(rule) && isObject(here)
        ? rule.filter((k) => typeof k === "string" && !Object.hasOwn(here, k))
        : [];
      return missing.length > 0
        ? `${at} is missing ${missing.map(quote).join(", ")}`
        : `${at} is missing a required property`;
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const extra = extraProperties(schema, input, e);
      return extra.length > 0
        ? `${at} does not allow ${extra.map(quote).join(", ")}`
        : `${at} has a property that is not allowed`;
    }
    case "type":
      return `${at} must be ${Array.isArray(rule) ? rule.join(" or ") : String(rule)}`;
    case "enum":
      return Array.isArray(rule)
        ? `${at} must be one of ${rule.slice(0, 8).map(quote).join(", ")}${
          rule.length > 8 ? ", …" : ""
        }`
        : `${at} is not an allowed value`;
    case "const":
      return `${at} must be ${quote(rule)}`;
    default:
      return BOUNDS.has(e.keyword)
        ? `${at} must satisfy ${e.keyword} ${quote(rule)}`
        : `${at} fails ${e.keyword}`;
  }
}

/** The input's own keys at the failing object that its schema object does not declare. */
function extraProperties(schema: unknown, input: unknown, e: OutputUnit): string[] {
  const here = resolve(input, e.instanceLocation);
  const owner = resolve(schema, parentPointer(e.keywordLocation));
  if (!isObject(here) || !isObject(owner)) return [];
  const declared = isObject(owner.properties) ? owner.properties : {};
  const patterns = isObject(owner.patternProperties) ? Object.keys(owner.patternProperties) : [];
  return Object.keys(here).filter((k) =>
    !Object.hasOwn(declared, k) && !patterns.some((p) => safeTest(p, k))
  ).slice(0, 4);
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return false;
  }
}

/** The value a `#/a/b` JSON pointer (RFC 6901 fragment form) names, or undefined. */
function resolve(root: unknown, pointer: string): unknown {
  const path = pointer.replace(/^#/, "");
  if (path === "") return root;
  let v: unknown = root;
  for (const raw of path.split("/").slice(1)) {
    const key = decodeSegment(raw);
    if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
    else if (isObject(v) && Object.hasOwn(v, key)) v = v[key];
    else return undefined;
  }
  return v;
}

function decodeSegment(raw: string): string {
  let s = raw;
  try {
    s = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded: use as is.
  }
  return s.replaceAll("~1", "/").replaceAll("~0", "~");
}

function parentPointer(pointer: string): string {
  const i = pointer.lastIndexOf("/");
  return i <= 0 ? "#" : pointer.slice(0, i);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function quote(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED - 1)}…` : s;
}
