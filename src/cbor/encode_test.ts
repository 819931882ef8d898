import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { encodeCbor } from "./encode.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

const hex = (v: CborValue, o?: Parameters<typeof encodeCbor>[1]) => toHex(encodeCbor(v, o));

Deno.test("integers use the shortest head at every boundary", () => {
  const cases: [number | bigint, string][] = [
    [0, "00"],
    [23, "17"],
    [24, "1818"],
    [255, "18ff"],
    [256, "190100"],
    [65535, "19ffff"],
    [65536, "1a00010000"],
    [4294967295, "1affffffff"],
    [4294967296, "1b0000000100000000"],
    [Number.MAX_SAFE_INTEGER, "1b001fffffffffffff"],
    [2n ** 53n, "1b0020000000000000"],
    [2n ** 64n - 1n, "1bffffffffffffffff"],
    [-1, "20"],
    [-24, "37"],
    [-25, "3818"],
    [-256, "38ff"],
    [-257, "390100"],
    [-65537, "3a00010000"],
    [-4294967297, "3b0000000100000000"],
    [-Number.MAX_SAFE_INTEGER, "3b001ffffffffffffe"],
    [-(2n ** 63n), "3b7fffffffffffffff"],
    [-(2n ** 64n), "3bffffffffffffffff"],
  ];
  for (const [v, want] of cases) assert.equal(hex(v), want, String(v));
  // A small bigint encodes exactly like the number.
  assert.equal(hex(5n), hex(5));
  assert.equal(hex(-5n), hex(-5));
});

Deno.test("-0 as a number is the integer 0; as a float it normalises to 0.0", () => {
  assert.equal(hex(-0), "00");
  assert.equal(hex(new CborFloat(-0)), "f90000");
});

Deno.test("floats take the shortest lossless width", () => {
  const cases: [CborValue, string][] = [
    [1.5, "f93e00"],
    [new CborFloat(1), "f93c00"],
    [new CborFloat(0), "f90000"],
    [-2.5, "f9c100"],
    [new CborFloat(65504), "f97bff"],
    [5.960464477539063e-8, "f90001"], // smallest f16 subnormal
    [new CborFloat(65536), "fa47800000"], // beyond f16 range
    [0.1, "fb3fb999999999999a"],
    [1.0000001192092896, "fa3f800001"], // exact f32, not f16
    [new CborFloat(1e300), "fb7e37e43c8800759c"],
    [1e-300, "fb01a56e1fc2f8f359"],
  ];
  for (const [v, want] of cases) assert.equal(hex(v), want, String(v));
});

Deno.test("NaN and infinities are refused with FCP-1006", () => {
  for (const v of [NaN, Infinity, -Infinity]) {
    assert.throws(() => encodeCbor(v), (e) => isFcpError(e, "FCP-1006"));
    assert.throws(() => encodeCbor(new CborFloat(v)), (e) => isFcpError(e, "FCP-1006"));
  }
});

Deno.test("values outside the data model are refused with FCP-1010", () => {
  const bad: unknown[] = [
    undefined,
    [1, undefined],
    () => 1,
    Symbol("s"),
    new Date(0),
    new Set([1]),
    new ArrayBuffer(1),
    new Uint16Array(1),
    new (class X {})(),
    2 ** 53, // unsafe integral number: must be a bigint
    -(2 ** 53),
    1e21,
    2n ** 64n,
    -(2n ** 64n) - 1n,
    "a\ud800",
    "\udc00b",
    { k: () => 1 },
    new Map([[1, undefined]]),
  ];
  for (const v of bad) {
    assert.throws(() => encodeCbor(v as CborValue), (e) => isFcpError(e, "FCP-1010"), String(v));
  }
  // eslint-style holes in arrays are undefined as well
  // deno-lint-ignore no-sparse-arrays
  assert.throws(() => encodeCbor([1, , 2] as CborValue), (e) => isFcpError(e, "FCP-1010"));
});

Deno.test("text: ASCII, non-ASCII, astral and long strings encode as UTF-8 with exact heads", () => {
  assert.equal(hex(""), "60");
  assert.equal(hex("a"), "6161");
  assert.equal(hex("ü"), "62c3bc");
  assert.equal(hex("\u{1F600}"), "64f09f9880");
  assert.equal(hex("\ufeff"), "63efbbbf");
  for (const n of [23, 24, 255, 256, 65535, 65536]) {
    const ascii = "x".repeat(n);
    const b = encodeCbor(ascii);
    const headLen = n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
    assert.equal(b.length, headLen + n, `ascii ${n}`);
    // Same UTF-8 length with a 2-byte character in front: slow path, exact same head size.
    const mixed = "é" + "x".repeat(n - 2);
    const m = encodeCbor(mixed);
    assert.equal(m.length, headLen + n, `mixed ${n}`);
    assert.deepEqual(m.subarray(headLen), new TextEncoder().encode(mixed));
  }
  // The slow path sizes the head for 3 bytes per code unit and moves the text when it is shorter.
  assert.equal(hex("é".repeat(10)), "74" + "c3a9".repeat(10));
  const cjk = "語".repeat(100);
  assert.equal(hex(cjk).slice(0, 6), "79012c");
});

Deno.test("byte strings, arrays, null and booleans", () => {
  assert.equal(hex(new Uint8Array([])), "40");
  assert.equal(hex(new Uint8Array([1, 2, 3])), "43010203");
  assert.equal(hex(new Uint8Array(24)), "5818" + "00".repeat(24));
  assert.equal(hex([1, [2, 3], []]), "8301820203" + "80");
  assert.equal(hex([true, false, null]), "83f5f4f6");
  // A subarray encodes only its own bytes.
  assert.equal(hex(new Uint8Array([9, 8, 7]).subarray(1)), "420807");
});

Deno.test("object keys: length first, then bytewise; undefined properties are omitted", () => {
  assert.equal(hex({ bb: 0, aaa: 1, a: 2 }), "a3616102626262006361616101");
  assert.equal(hex({ z: 0, a: 1, m: 2 }), "a3616101616d02617a00");
  assert.equal(hex({ a: 1, b: undefined }), "a1616101");
  assert.equal(hex({}), "a0");
  // Bytewise UTF-8 order: "zz" (7a 7a) before "é" (c3 a9), then longer keys.
  assert.equal(
    hex({ "é": 1, zz: 2, "\u{10000}": 3, "\uffff": 4 }),
    "a4" + "627a7a02" + "62c3a901" + "63efbfbf04" + "64f090808003",
  );
  // UTF-16 order would put U+10000 (d800 dc00) before U+FFFF; UTF-8 order does not.
  assert.equal(
    hex({ "\u{10000}": 1, "\uffffa": 2 }),
    "a2" + "64efbfbf6102" + "64f090808001",
  );
  // Integer-like keys follow the same rule (JS would put them first).
  assert.equal(hex({ b: 1, "10": 2 }), "a2616201" + "62313002");
  // Null-prototype objects are plain maps too.
  const o = Object.create(null) as Record<string, CborValue>;
  o.x = 1;
  assert.equal(hex(o), "a1617801");
});

Deno.test("Map keys sort by their encoded bytes, not by length (COSE claims)", () => {
  const m = new Map<CborValue, CborValue>([
    [-65537, "cap"],
    [4, 1],
    [1, "iss"],
    [3, "aud"],
    [-1, 0],
  ]);
  assert.equal(
    hex(m),
    "a5" + "0163697373" + "0363617564" + "0401" + "2000" + "3a0001000063636170",
  );
  // Mixed key types: ints (0x0.) < bstr (0x4.) < tstr (0x6.) < arrays (0x8.).
  const mixed = new Map<CborValue, CborValue>([[[1], 0], ["a", 1], [new Uint8Array([1]), 2], [
    7,
    3,
  ]]);
  assert.equal(hex(mixed), "a4" + "0703" + "410102" + "616101" + "810100");
});

Deno.test("two Map keys with the same encoding are refused with FCP-1003", () => {
  const cases: Map<CborValue, CborValue>[] = [
    new Map<CborValue, CborValue>([[1, 0], [1n, 1]]),
    new Map<CborValue, CborValue>([[new Uint8Array([1]), 0], [new Uint8Array([1]), 1]]),
    new Map<CborValue, CborValue>([[{ a: 1 }, 0], [{ a: 1 }, 1], [2, 2]]),
    new Map<CborValue, CborValue>([[[1], 0], [[1], 1]]),
  ];
  for (const m of cases) {
    assert.throws(() => encodeCbor(m), (e) => isFcpError(e, "FCP-1003"));
    assert.throws(
      () => encodeCbor(m, { preserveKeyOrder: true }),
      (e) => isFcpError(e, "FCP-1003"),
    );
  }
});

Deno.test("preserveKeyOrder keeps insertion order (non-canonical genesis form)", () => {
  assert.equal(hex({ b: 1, a: 2 }, { preserveKeyOrder: true }), "a2616201616102");
  assert.equal(
    hex(new Map<CborValue, CborValue>([[-65537, 0], [1, 1]]), { preserveKeyOrder: true }),
    "a23a00010000000101",
  );
  // Nested maps keep their order too.
  assert.equal(hex({ z: { b: 1, a: 2 } }, { preserveKeyOrder: true }), "a1617aa2616201616102");
});

Deno.test("tags are refused unless allowTags (FCP-1005)", () => {
  const t = new CborTag(18, [new Uint8Array(0)]);
  assert.throws(() => encodeCbor(t), (e) => isFcpError(e, "FCP-1005"));
  assert.throws(() => encodeCbor({ a: [t] }), (e) => isFcpError(e, "FCP-1005"));
  assert.equal(hex(t, { allowTags: true }), "d28140");
  assert.equal(hex(new CborTag(1000, 1), { allowTags: true }), "d903e801");
  assert.throws(
    () => encodeCbor(new CborTag(-1, 1), { allowTags: true }),
    (e) => isFcpError(e, "FCP-1010"),
  );
});

Deno.test("depth limit: 128 levels pass, 129 fail with FCP-1007; 10 000 levels fail fast", () => {
  const nest = (n: number): CborValue => {
    let v: CborValue = 0;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  assert.equal(encodeCbor(nest(128)).length, 129);
  assert.throws(() => encodeCbor(nest(129)), (e) => isFcpError(e, "FCP-1007"));
  assert.throws(() => encodeCbor(nest(10_000)), (e) => isFcpError(e, "FCP-1007"));
  assert.throws(() => encodeCbor(nest(3), { maxDepth: 2 }), (e) => isFcpError(e, "FCP-1007"));
  assert.equal(hex(7, { maxDepth: 0 }), "07");
  // Maps and tags count as levels as well.
  let m: CborValue = 0;
  for (let i = 0; i < 129; i++) m = { k: m };
  assert.throws(() => encodeCbor(m), (e) => isFcpError(e, "FCP-1007"));
  // A cycle ends at the depth limit instead of overflowing the stack.
  const cyclic: CborValue[] = [];
  cyclic.push(cyclic);
  assert.throws(() => encodeCbor(cyclic), (e) => isFcpError(e, "FCP-1007"));
  // A huge maxDepth hits the stack, which is still reported as FCP-1007.
  assert.throws(
    () => encodeCbor(nest(500_000), { maxDepth: 1_000_000 }),
    (e) => isFcpError(e, "FCP-1007"),
  );
});

Deno.test("size limit: output beyond maxBytes is refused with FCP-1008 before copying", () => {
  assert.equal(encodeCbor(new Uint8Array(10), { maxBytes: 11 }).length, 11);
  assert.throws(
    () => encodeCbor(new Uint8Array(10), { maxBytes: 10 }),
    (e) => isFcpError(e, "FCP-1008"),
  );
  assert.throws(
    () => encodeCbor("x".repeat(300), { maxBytes: 100 }),
    (e) => isFcpError(e, "FCP-1008"),
  );
  assert.throws(
    () => encodeCbor("é".repeat(300), { maxBytes: 500 }),
    (e) => isFcpError(e, "FCP-1008"),
  );
  assert.equal(encodeCbor("é".repeat(300), { maxBytes: 603 }).length, 603);
  assert.throws(() => encodeCbor([1, 2, 3], { maxBytes: 3 }), (e) => isFcpError(e, "FCP-1008"));
});

Deno.test("invalid limits are refused with FCP-1040", () => {
  assert.throws(() => encodeCbor(1, { maxDepth: -1 }), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => encodeCbor(1, { maxBytes: 1.5 }), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("the shared buffer survives reentrant encoding (a getter that encodes)", () => {
  const o = {
    a: 1,
    get b(): CborValue {
      return encodeCbor({ inner: "x".repeat(40) });
    },
  };
  const want = encodeCbor({ a: 1, b: encodeCbor({ inner: "x".repeat(40) }) });
  assert.deepEqual(encodeCbor(o as CborValue), want);
  // Results are independent copies.
  const x = encodeCbor([1]);
  encodeCbor([2]);
  assert.equal(toHex(x), "8101");
});

Deno.test("large outputs grow the buffer correctly", () => {
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
  const out = encodeCbor([big, "é".repeat(70_000), big.subarray(5, 10)]);
  assert.equal(toHex(out.subarray(0, 6)), "835a00300000");
  assert.deepEqual(out.subarray(6, 6 + big.length), big);
  assert.equal(toHex(encodeCbor(1)), "01");
});
