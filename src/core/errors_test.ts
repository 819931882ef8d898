import assert from "node:assert/strict";
import { ERROR_CODES, errorCategory, type ErrorCode, FcpError, isFcpError } from "./errors.ts";

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/**
 * Codes that have been published (CLI exit codes, API bodies, docs, tests). The set is
 * append-only: each of these must keep its number and its name for ever. New codes need not
 * be added here; removing or renaming one of these is the failure this list exists to catch.
 */
const PUBLISHED: Readonly<Record<string, string>> = {
  "FCP-1001": "cbor.malformed",
  "FCP-1002": "cbor.non_canonical",
  "FCP-1003": "cbor.duplicate_key",
  "FCP-1004": "cbor.indefinite_length",
  "FCP-1005": "cbor.tag_forbidden",
  "FCP-1006": "cbor.float_forbidden",
  "FCP-1007": "cbor.too_deep",
  "FCP-1008": "cbor.too_large",
  "FCP-1009": "cbor.trailing_bytes",
  "FCP-1010": "cbor.unsupported_value",
  "FCP-1011": "schema.mismatch",
  "FCP-1012": "schema.invalid",
  "FCP-1013": "object.shape_invalid",
  "FCP-1014": "object.id_mismatch",
  "FCP-1030": "vectors.format_invalid",
  "FCP-1040": "input.invalid",
  "FCP-1041": "input.too_large",
  "FCP-1042": "input.method_not_allowed",
  "FCP-2001": "signature.invalid",
  "FCP-2002": "key.invalid",
  "FCP-4001": "zone.id_invalid",
  "FCP-4007": "identifier.invalid",
  "FCP-6001": "resource.not_found",
  "FCP-9001": "internal.error",
  "FCP-9002": "internal.io",
};

/** Spec §24.1 ranges (there is no 8xxx range and nothing below 1000). */
const RANGES: ReadonlyArray<[number, number, string]> = [
  [1000, 1999, "protocol"],
  [2000, 2999, "auth"],
  [3000, 3999, "capability"],
  [4000, 4999, "zone"],
  [5000, 5999, "lifecycle"],
  [6000, 6999, "resource"],
  [7000, 7999, "external"],
  [9000, 9999, "internal"],
];

Deno.test("published codes keep their numbers and names (append-only)", () => {
  for (const [code, name] of Object.entries(PUBLISHED)) {
    assert.equal((ERROR_CODES as Record<string, string>)[code], name, code);
  }
});

Deno.test("every code is FCP-dddd inside a spec §24.1 range, and its category matches", () => {
  assert.ok(CODES.length >= Object.keys(PUBLISHED).length);
  for (const code of CODES) {
    assert.match(code, /^FCP-\d{4}$/);
    const n = Number(code.slice(4));
    const range = RANGES.find(([lo, hi]) => n >= lo && n <= hi);
    assert.ok(range, `${code} is outside every §24.1 range`);
    assert.equal(errorCategory(code), range[2], code);
  }
});

Deno.test("codes are grouped by range in the table (each appended to its own range)", () => {
  const ranks = CODES.map((c) =>
    RANGES.findIndex(([lo, hi]) => Number(c.slice(4)) >= lo && Number(c.slice(4)) <= hi)
  );
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
});

Deno.test("names are unique, dotted snake_case", () => {
  const names = Object.values(ERROR_CODES);
  assert.equal(new Set(names).size, names.length, "two codes share a name");
  for (const name of names) assert.match(name, /^[a-z0-9_]+(\.[a-z0-9_]+)+$/, name);
});

Deno.test("an FcpError carries code, detail, cause and the {code, name, message} body", () => {
  const cause = new RangeError("inner");
  const e = new FcpError("FCP-1008", "declared length 9 exceeds the 2 remaining bytes", { cause });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "FcpError");
  assert.equal(e.cause, cause);
  assert.equal(
    e.message,
    "FCP-1008 cbor.too_large: declared length 9 exceeds the 2 remaining bytes",
  );
  assert.deepEqual(e.toJSON(), {
    code: "FCP-1008",
    name: "cbor.too_large",
    message: "declared length 9 exceeds the 2 remaining bytes",
  });
  assert.equal(JSON.stringify(e), JSON.stringify(e.toJSON()));
  assert.equal(e.details, undefined);
});

Deno.test("details are copied, not shared with the caller", () => {
  const details = { "request_id": "r1" };
  const e = new FcpError("FCP-3001", "denied", { details });
  details.request_id = "changed";
  assert.deepEqual(e.details, { request_id: "r1" });
});

Deno.test("isFcpError narrows by class and, when given, by code", () => {
  const e = new FcpError("FCP-4001", "bad zone");
  assert.ok(isFcpError(e));
  assert.ok(isFcpError(e, "FCP-4001"));
  assert.ok(!isFcpError(e, "FCP-4002"));
  const lookalike = Object.assign(new Error("FCP-4001 zone.id_invalid: x"), { code: "FCP-4001" });
  assert.ok(!isFcpError(lookalike));
  assert.ok(!isFcpError("FCP-4001"));
  assert.ok(!isFcpError(undefined));
});
