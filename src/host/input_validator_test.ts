import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { validateInput } from "./input_validator.ts";
import type { OperationSpec } from "./manifest_types.ts";

const schema = {
  type: "object",
  required: ["path", "content"],
  additionalProperties: false,
  properties: {
    path: { type: "string", minLength: 1, maxLength: 8 },
    content: { type: "string" },
    mode: { enum: ["overwrite", "append"] },
    count: { type: ["integer", "null"], minimum: 1 },
    tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" } },
    "odd/key~": { const: true },
  },
};

function op(): OperationSpec {
  return { id: "demo_write", inputSchema: schema } as unknown as OperationSpec;
}

function refusal(input: unknown): string {
  try {
    validateInput(op(), input);
  } catch (e) {
    assert.ok(isFcpError(e, "FCP-1040"), String(e));
    return (e as Error).message;
  }
  throw new Error("the input was accepted");
}

Deno.test("a schema refusal names the missing property, not only its keyword", () => {
  const m = refusal({ path: "a" });
  assert.match(m, /demo_write input schema: # is missing "content"/);
  assert.match(refusal({}), /# is missing "path", "content"/);
});

Deno.test("a schema refusal names the property that is not allowed", () => {
  const m = refusal({ path: "a", content: "x", colour: 1 });
  assert.match(m, /# does not allow "colour"/);
  assert.doesNotMatch(m, /false/);
});

Deno.test("a schema refusal says the expected type, values or bound", () => {
  assert.match(refusal({ path: 7, content: "x" }), /#\/path must be string/);
  assert.match(
    refusal({ path: "a", content: "x", count: "2" }),
    /#\/count must be integer or null/,
  );
  assert.match(refusal({ path: "a", content: "x", count: 0 }), /#\/count must satisfy minimum 1/);
  assert.match(
    refusal({ path: "a", content: "x", mode: "zz" }),
    /#\/mode must be one of "overwrite", "append"/,
  );
  assert.match(refusal({ path: "", content: "x" }), /#\/path must satisfy minLength 1/);
  assert.match(
    refusal({ path: "a", content: "x", tags: ["ok", "NO"] }),
    /#\/tags\/1 must satisfy pattern "\^\[a-z\]\+\$"/,
  );
  assert.match(
    refusal({ path: "a", content: "x", "odd/key~": false }),
    /#\/odd~1key~0 must be true/,
  );
  assert.match(refusal(5), /# must be object/);
});

Deno.test("a schema refusal names at most three failures and never echoes an input value", () => {
  const secret = "ghp_SECRETVALUE1234567890";
  const m = refusal({ path: secret, content: 1, mode: secret, count: secret });
  assert.equal(m.split("; ").length, 3, m);
  assert.ok(!m.includes(secret), m);
  assert.ok(!m.includes("SECRET"), m);
});

Deno.test("an input that matches is accepted", () => {
  validateInput(op(), { path: "a", content: "x", mode: "append", count: null, tags: ["ab"] });
});
