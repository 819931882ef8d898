import assert from "node:assert/strict";
import { readInput } from "./input.ts";
import { isOperationError } from "./operation_error.ts";

const refused = (e: unknown) => isOperationError(e, "FCP-1040");

Deno.test("readInput: objects only, no unknown keys", () => {
  for (const v of [1, "s", [], true, new Date()]) assert.throws(() => readInput(v, []), refused);
  assert.throws(
    () => readInput({ a: 1, b: 2 }, ["a"]),
    (e) => refused(e) && /input\.b/.test(String(e)),
  );
  assert.equal(readInput(null, ["a"]).has("a"), false);
  assert.equal(readInput(Object.create(null), []).has("x"), false);
});

Deno.test("InputReader: strings, ints, bools, enums, arrays and records are checked", () => {
  const r = readInput({
    s: "x",
    e: "",
    n: 5,
    f: 1.5,
    b: true,
    o: "b",
    a: ["p", "q"],
    rec: { k: "v" },
    nul: "a\0b",
  }, ["s", "e", "n", "f", "b", "o", "a", "rec", "nul", "missing"]);
  assert.equal(r.string("s"), "x");
  assert.throws(() => r.string("e"), refused);
  assert.equal(r.optString("e"), "");
  assert.throws(() => r.string("missing"), refused);
  assert.equal(r.optString("missing"), undefined);
  assert.throws(() => r.string("s", 0), refused);
  assert.throws(() => r.string("nul"), refused);
  assert.throws(() => r.string("n"), refused);
  assert.equal(r.int("n", { min: 1, max: 5 }), 5);
  assert.throws(() => r.int("n", { min: 6, max: 9 }), refused);
  assert.throws(() => r.int("f", { min: 0, max: 9 }), refused);
  assert.equal(r.int("missing", { min: 0, max: 9 }, 7), 7);
  assert.equal(r.bool("b", false), true);
  assert.throws(() => r.bool("n", false), refused);
  assert.equal(r.oneOf("o", ["a", "b"] as const, "a"), "b");
  assert.throws(() => r.oneOf("o", ["a"] as const, "a"), refused);
  assert.deepEqual(r.stringArray("a", 2), ["p", "q"]);
  assert.throws(() => r.stringArray("a", 1), refused);
  assert.throws(() => r.stringArray("s", 1), refused);
  assert.deepEqual(r.stringRecord("rec", 1), { k: "v" });
  assert.throws(() => r.stringRecord("a", 5), refused);
  assert.throws(() => readInput({ rec: { k: 1 } }, ["rec"]).stringRecord("rec", 5), refused);
});

Deno.test("stringRecord keeps a __proto__ key as data", () => {
  const r = readInput(JSON.parse('{"h":{"__proto__":"x"}}'), ["h"]);
  const rec = r.stringRecord("h", 4)!;
  assert.deepEqual(Object.entries(rec), [["__proto__", "x"]]);
});
