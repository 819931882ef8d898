import assert from "node:assert/strict";
import {
  isOperationError,
  OPERATION_ERROR_CODES,
  OperationError,
  type StableCode,
} from "./operation_error.ts";
// Tests only: the connector code itself never imports src/.
import { ERROR_CODES } from "../../src/core/mod.ts";

Deno.test("every SDK code exists in src/core ERROR_CODES with the same name", () => {
  for (const [code, name] of Object.entries(OPERATION_ERROR_CODES)) {
    assert.equal((ERROR_CODES as Record<string, string>)[code], name, code);
  }
});

Deno.test("OperationError: retry fields, JSON round trip, cause kept out of JSON", () => {
  const cause = new Error("inner");
  const e = new OperationError("FCP-7003", "GitHub 502", {
    retryable: true,
    details: { status: 502 },
    cause,
  });
  assert.equal(e.cause, cause);
  assert.equal(e.name, "OperationError");
  assert.equal(e.retryAfterMs, undefined);
  const j = e.toJSON();
  assert.deepEqual(j, {
    code: "FCP-7003",
    message: "GitHub 502",
    retryable: true,
    details: { status: 502 },
  });
  const back = OperationError.fromJSON(JSON.parse(JSON.stringify(e)));
  assert.ok(back);
  assert.deepEqual(back.toJSON(), j);
  assert.equal(new OperationError("FCP-1040", "x").retryable, false);
  assert.equal(
    new OperationError("FCP-7004", "x", { retryAfterMs: 5, retryable: false }).retryable,
    false,
  );
});

Deno.test("OperationError refuses malformed codes; fromJSON refuses malformed bodies", () => {
  assert.throws(() => new OperationError("FCP-12" as StableCode, "x"), TypeError);
  assert.equal(OperationError.fromJSON(null), undefined);
  assert.equal(OperationError.fromJSON({ code: "FCP-1040" }), undefined);
  assert.equal(OperationError.fromJSON({ code: "FCP-10400", message: "x" }), undefined);
  const e = OperationError.fromJSON({ code: "FCP-3003", message: "m", details: [1] });
  assert.equal(e?.details, undefined);
  assert.ok(isOperationError(e, "FCP-3003"));
  assert.ok(!isOperationError(e, "FCP-3001"));
});
