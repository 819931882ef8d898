import assert from "node:assert/strict";
import { ERROR_CODES, errorCategory, type ErrorCode } from "../core/mod.ts";
import { CATEGORY_HTTP_STATUS, httpStatusForCode } from "./http_status.ts";

Deno.test("every error code maps to a client or server error status", () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const status = httpStatusForCode(code);
    assert.ok(status >= 400 && status <= 599, code);
    const internal = errorCategory(code) === "internal" || errorCategory(code) === "external";
    assert.equal(status >= 500 && status !== 503 && status !== 504, internal, code);
  }
});

Deno.test("the documented mapping (docs/api.md)", () => {
  const table: [ErrorCode, number][] = [
    ["FCP-1001", 400],
    ["FCP-1040", 400],
    ["FCP-1041", 413],
    ["FCP-1042", 405],
    ["FCP-2003", 401],
    ["FCP-2015", 401],
    ["FCP-2016", 403],
    ["FCP-2012", 503],
    ["FCP-3001", 403],
    ["FCP-3006", 403],
    ["FCP-4002", 403],
    ["FCP-4001", 400],
    ["FCP-5001", 409],
    ["FCP-5002", 503],
    ["FCP-6001", 404],
    ["FCP-6002", 429],
    ["FCP-6003", 504],
    ["FCP-9001", 500],
    ["FCP-9002", 500],
  ];
  for (const [code, status] of table) assert.equal(httpStatusForCode(code), status, code);
  assert.equal(CATEGORY_HTTP_STATUS.external, 502);
});
