/**
 * Operation schemas in a manifest: a TOML table or a JSON string holding a JSON Schema object.
 * The value is converted to plain JSON (TOML dates are refused), checked for the structure of
 * the common JSON Schema keywords, and compiled with `@cfworker/json-schema` (draft 2020-12) so
 * that a schema the invoke pipeline cannot use is caught at lint time.
 *
 * @module
 */
import { Validator } from "@cfworker/json-schema";
import { isTable } from "./_manifest_reader.ts";
import type { ManifestJsonValue, OperationJsonSchema } from "./manifest_types.ts";

const JSON_TYPES = ["null", "boolean", "object", "array", "number", "integer", "string"];
const SCHEMA_MAP_KEYS = ["properties", "patternProperties", "$defs", "definitions"];
const SCHEMA_KEYS = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
  "additionalItems",
];
const SCHEMA_LIST_KEYS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const COUNT_KEYS = [
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
];

/** Convert a parsed TOML value to JSON; what cannot be carried is pushed to `bad`. */
export function tomlToJson(v: unknown, where: string, bad: string[]): ManifestJsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (Number.isFinite(v)) return v;
    bad.push(`${where} holds a non-finite number`);
    return null;
  }
  if (Array.isArray(v)) return v.map((x, i) => tomlToJson(x, `${where}[${i}]`, bad));
  if (isTable(v)) {
    const out: { [k: string]: ManifestJsonValue } = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: tomlToJson(x, `${where}.${k}`, bad),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  bad.push(
    `${where} holds a ${v instanceof Date ? "TOML date" : typeof v}, which JSON cannot carry`,
  );
  return null;
}

const isObj = (v: ManifestJsonValue | undefined): v is { [k: string]: ManifestJsonValue } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function structure(s: ManifestJsonValue, where: string, out: string[], depth: number): void {
  if (depth > 64) {
    out.push(`${where} nests deeper than 64 levels`);
    return;
  }
  if (typeof s === "boolean") return;
  if (!isObj(s)) {
    out.push(`${where} must be a schema object or boolean`);
    return;
  }
  const t = s.type;
  if (t !== undefined) {
    const ts = Array.isArray(t) ? t : [t];
    if (ts.length === 0 || ts.some((x) => typeof x !== "string" || !JSON_TYPES.includes(x))) {
      out.push(`${where}.type must be one of ${JSON_TYPES.join(", ")} (or a list of them)`);
    }
  }
  if (s.required !== undefined) {
    if (!Array.isArray(s.required) || s.required.some((x) => typeof x !== "string")) {
      out.push(`${where}.required must be an array of property names`);
    }
  }
  if (s.enum !== undefined && !Array.isArray(s.enum)) out.push(`${where}.enum must be an array`);
  for (const k of COUNT_KEYS) {
    const n = s[k];
    if (n !== undefined && !(typeof n === "number" && Number.isInteger(n) && n >= 0)) {
      out.push(`${where}.${k} must be a non-negative integer`);
    }
  }
  for (const k of SCHEMA_MAP_KEYS) {
    const m = s[k];
    if (m === undefined) continue;
    if (!isObj(m)) out.push(`${where}.${k} must be a table of schemas`);
    else {for (const [name, sub] of Object.entries(m)) {
        structure(sub, `${where}.${k}.${name}`, out, depth + 1);
      }}
  }
  for (const k of SCHEMA_KEYS) {
    if (s[k] !== undefined) structure(s[k]!, `${where}.${k}`, out, depth + 1);
  }
  for (const k of SCHEMA_LIST_KEYS) {
    const l = s[k];
    if (l === undefined) continue;
    if (!Array.isArray(l) || l.length === 0) out.push(`${where}.${k} must be a non-empty array`);
    else l.forEach((sub, i) => structure(sub, `${where}.${k}[${i}]`, out, depth + 1));
  }
}

/**
 * Read an operation schema from its TOML value. Returns the schema, or the list of what is
 * wrong with it. `mustBeObject`: the top level must declare `type = "object"` (inputs are JSON
 * objects).
 */
export function readOperationSchema(
  v: unknown,
  where: string,
  mustBeObject: boolean,
): { schema: OperationJsonSchema } | { problems: string[] } {
  let json: ManifestJsonValue;
  if (typeof v === "string") {
    try {
      json = JSON.parse(v) as ManifestJsonValue;
    } catch (e) {
      return { problems: [`${where} is not valid JSON: ${(e as Error).message}`] };
    }
  } else if (isTable(v)) {
    const bad: string[] = [];
    json = tomlToJson(v, where, bad);
    if (bad.length > 0) return { problems: bad };
  } else {
    return { problems: [`${where} must be a table or a JSON string holding a schema object`] };
  }
  if (!isObj(json)) return { problems: [`${where} must be a JSON Schema object`] };
  const problems: string[] = [];
  structure(json, where, problems, 0);
  if (mustBeObject && json.type !== "object") {
    problems.push(`${where} must declare type = "object" (operation inputs are JSON objects)`);
  }
  if (problems.length === 0) {
    try {
      new Validator(json as Record<string, unknown>, "2020-12").validate({});
    } catch (e) {
      problems.push(`${where} does not compile: ${(e as Error).message}`);
    }
  }
  return problems.length > 0 ? { problems } : { schema: json };
}
