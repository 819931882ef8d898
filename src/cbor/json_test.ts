import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { decodeCbor } from "./decode.ts";
import { encodeCbor } from "./encode.ts";
import { cborToJson, jsonToCbor } from "./json.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

/** JSON text round trip: value → JSON text → value must encode to the same bytes. */
function roundTrip(v: CborValue, allowTags = false): void {
  const text = JSON.stringify(cborToJson(v));
  const back = jsonToCbor(JSON.parse(text));
  assert.equal(toHex(encodeCbor(back, { allowTags })), toHex(encodeCbor(v, { allowTags })), text);
}

Deno.test("cborToJson maps every kind of value as documented", () => {
  assert.deepEqual(
    cborToJson({
      i: -3,
      f: 1.5,
      one: new CborFloat(1),
      half: new CborFloat(0.5),
      big: -(2n ** 64n),
      b: new Uint8Array([0, 255]),
      t: "x",
      a: [true, false, null],
      skip: undefined,
    }),
    {
      i: -3,
      f: 1.5,
      one: { $float: 1 },
      half: 0.5,
      big: { $bigint: "-18446744073709551616" },
      b: { $bytes: "00ff" },
      t: "x",
      a: [true, false, null],
    },
  );
  assert.deepEqual(cborToJson(new Map<CborValue, CborValue>([[1, "a"], ["k", 2]])), {
    $map: [[1, "a"], ["k", 2]],
  });
  assert.deepEqual(cborToJson(new Map<CborValue, CborValue>([["k", 2]])), { k: 2 });
  assert.deepEqual(cborToJson(new CborTag(18, 1)), { $tag: 18, value: 1 });
});

Deno.test("maps using a reserved key are written in the $map form (no ambiguity)", () => {
  assert.deepEqual(cborToJson({ $bytes: "00" }), { $map: [["$bytes", "00"]] });
  roundTrip({ $bytes: "00" });
  roundTrip(new Map<CborValue, CborValue>([["$tag", 1], ["value", 2]]));
});

Deno.test("JSON text round trips preserve the encoding", () => {
  const values: CborValue[] = [
    { a: 1, b: [1.5, new CborFloat(2), new Uint8Array([1, 2])], c: { d: null } },
    new Map<CborValue, CborValue>([[-65537, "x"], [1, 2n ** 64n - 1n], [new Uint8Array(2), [
      true,
    ]]]),
    [2n ** 53n, -(2n ** 53n) - 1n, new CborFloat(1e300), new CborFloat(0)],
    { ["__proto__"]: { x: 1 } },
  ];
  for (const v of values) roundTrip(v);
  roundTrip(new CborTag(18, [new Uint8Array(0), {}]), true);
  // Decoded values round trip too.
  const bytes = encodeCbor({ k: new Map<CborValue, CborValue>([[1, new CborFloat(3)]]) });
  roundTrip(decodeCbor(bytes));
});

Deno.test("jsonToCbor: integral numbers are ints, non-integral are floats", () => {
  assert.equal(toHex(encodeCbor(jsonToCbor(JSON.parse("[1, 1.5, -2, 1.0]")))), "8401f93e002101");
  assert.equal(jsonToCbor({ $bigint: "5" }), 5n);
  assert.deepEqual(jsonToCbor({ $float: 1 }), new CborFloat(1));
  assert.deepEqual(jsonToCbor({ $bytes: "ABcd" }), new Uint8Array([0xab, 0xcd]));
});

Deno.test("jsonToCbor does not pollute prototypes", () => {
  const v = jsonToCbor(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<
    string,
    CborValue
  >;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.ok(Object.hasOwn(v, "__proto__"));
  const j = cborToJson(v) as Record<string, unknown>;
  assert.ok(Object.hasOwn(j, "__proto__"));
  assert.equal(Object.getPrototypeOf(j), Object.prototype);
});

Deno.test("jsonToCbor refuses invalid input with FCP-1040", () => {
  const bad: unknown[] = [
    1e20,
    2 ** 53,
    { $bytes: "0" },
    { $bytes: 1 },
    { $bigint: "1.5" },
    { $bigint: "01" },
    { $bigint: (2n ** 64n).toString() },
    { $float: "1" },
    { $map: [[1]] },
    { $map: {} },
    { $tag: -1, value: 1 },
    { $tag: 1 },
    { $bytes: "00", x: 1 },
    undefined,
    () => 1,
    new Date(),
  ];
  for (const b of bad) {
    assert.throws(() => jsonToCbor(b), (e) => isFcpError(e, "FCP-1040"), String(JSON.stringify(b)));
  }
});

Deno.test("cborToJson refuses NaN/Inf (FCP-1006) and non-data values (FCP-1010)", () => {
  assert.throws(() => cborToJson(NaN), (e) => isFcpError(e, "FCP-1006"));
  assert.throws(() => cborToJson(new CborFloat(Infinity)), (e) => isFcpError(e, "FCP-1006"));
  assert.throws(
    () => cborToJson(new Set() as unknown as CborValue),
    (e) => isFcpError(e, "FCP-1010"),
  );
  assert.throws(
    () => cborToJson([undefined] as unknown as CborValue),
    (e) => isFcpError(e, "FCP-1010"),
  );
});

Deno.test("deep JSON is refused with FCP-1007 instead of overflowing the stack", () => {
  const deep = JSON.parse("[".repeat(5000) + "]".repeat(5000));
  assert.throws(() => jsonToCbor(deep), (e) => isFcpError(e, "FCP-1007"));
});
