import assert from "node:assert/strict";
import { type ErrorCode, fromHex, isFcpError } from "../core/mod.ts";
import { decodeCbor, type DecodeOptions, isCanonicalCbor } from "./decode.ts";
import { encodeCbor } from "./encode.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

const dec = (h: string, o?: DecodeOptions) => decodeCbor(fromHex(h), o);

function rejects(h: string, code: ErrorCode, message?: RegExp, o?: DecodeOptions): void {
  assert.throws(
    () => dec(h, o),
    (e) => isFcpError(e, code) && (message === undefined || message.test(e.detail)),
    `${h} should fail with ${code}`,
  );
}

Deno.test("decodes every major type to the documented JS values", () => {
  assert.equal(dec("00"), 0);
  assert.equal(dec("17"), 23);
  assert.equal(dec("1818"), 24);
  assert.equal(dec("1b001fffffffffffff"), Number.MAX_SAFE_INTEGER);
  assert.equal(dec("1b0020000000000000"), 2n ** 53n);
  assert.equal(dec("1bffffffffffffffff"), 2n ** 64n - 1n);
  assert.equal(dec("20"), -1);
  assert.equal(dec("3b001ffffffffffffe"), -Number.MAX_SAFE_INTEGER);
  assert.equal(dec("3b001fffffffffffff"), -(2n ** 53n));
  assert.equal(dec("3bffffffffffffffff"), -(2n ** 64n));
  assert.equal(dec("f4"), false);
  assert.equal(dec("f5"), true);
  assert.equal(dec("f6"), null);
  assert.equal(dec("f93e00"), 1.5);
  assert.deepEqual(dec("f93c00"), new CborFloat(1));
  assert.deepEqual(dec("f90000"), new CborFloat(0));
  assert.equal(dec("fa3f800001"), 1.0000001192092896);
  assert.equal(dec("fb3fb999999999999a"), 0.1);
  assert.deepEqual(dec("43010203"), new Uint8Array([1, 2, 3]));
  assert.equal(dec("62c3bc"), "ü");
  assert.equal(dec("63efbbbf"), "\ufeff", "a leading BOM is kept, not stripped");
  assert.deepEqual(dec("8301820203" + "80"), [1, [2, 3], []]);
  assert.deepEqual(dec("a2616182f5f6616201"), { a: [true, null], b: 1 });
  assert.deepEqual(
    dec("a2" + "0163697373" + "3a0001000063636170"),
    new Map<CborValue, CborValue>([[1, "iss"], [-65537, "cap"]]),
  );
  assert.deepEqual(dec("d24100", { allowTags: [18] }), new CborTag(18, new Uint8Array([0])));
});

Deno.test("decoded byte strings are copies, and subarray inputs work", () => {
  const input = fromHex("ff420102");
  const v = decodeCbor(input.subarray(1)) as Uint8Array;
  assert.deepEqual(v, new Uint8Array([1, 2]));
  input[2] = 9;
  assert.deepEqual(v, new Uint8Array([1, 2]));
  assert.equal(v.buffer.byteLength, 2);
});

Deno.test("non-shortest integers and lengths are refused with FCP-1002 and the offset", () => {
  rejects("1800", "FCP-1002", /non-shortest integer at offset 0/);
  rejects("190018", "FCP-1002", /non-shortest integer at offset 0/);
  rejects("1a0000ffff", "FCP-1002");
  rejects("1b00000000ffffffff", "FCP-1002");
  rejects("3817", "FCP-1002", /non-shortest negative integer/);
  rejects("5801" + "00", "FCP-1002", /non-shortest byte string length/);
  rejects("780161", "FCP-1002", /non-shortest text string length/);
  rejects("990001" + "00", "FCP-1002", /non-shortest array length/);
  rejects("8218" + "0000", "FCP-1002", /non-shortest integer at offset 1/);
  rejects("b80100" + "00", "FCP-1002", /non-shortest map length/);
  rejects("d80100", "FCP-1002", /non-shortest tag number/, { allowTags: [1] });
});

Deno.test("non-shortest floats and -0.0 are refused with FCP-1002", () => {
  rejects("fa3fc00000", "FCP-1002", /non-shortest float at offset 0/); // 1.5 as f32
  rejects("fb3ff8000000000000", "FCP-1002", /non-shortest float/); // 1.5 as f64
  rejects("fb3ff0000020000000", "FCP-1002", /non-shortest float/); // exact f32 as f64
  rejects("fa00000000", "FCP-1002"); // 0.0 as f32
  rejects("f98000", "FCP-1002", /negative zero/);
  rejects("fa80000000", "FCP-1002");
  rejects("fb8000000000000000", "FCP-1002");
});

Deno.test("NaN and infinities are refused with FCP-1006 at any width", () => {
  for (
    const h of ["f97e00", "f97c00", "f9fc00", "fa7fc00000", "fa7f800000", "fb7ff8000000000000"]
  ) {
    rejects(h, "FCP-1006");
    rejects(h, "FCP-1006", undefined, { canonical: false });
  }
});

Deno.test("unsorted map keys are refused with FCP-1002, equal keys with FCP-1003", () => {
  rejects("a2616201616102", "FCP-1002", /not in canonical order at offset 4/);
  rejects("a2626161016162" + "02", "FCP-1002"); // "aa" before "b": length-first violated
  rejects("a2" + "3a00010000" + "00" + "0101", "FCP-1002"); // -65537 before 1
  rejects("a2616101616102", "FCP-1003", /duplicate map key at offset 4/);
  rejects("a2" + "0100" + "0101", "FCP-1003");
});

Deno.test("indefinite-length items are refused with FCP-1004", () => {
  for (const h of ["5f41ff", "7f6161ff", "9f01ff", "bf616101ff"]) {
    rejects(h, "FCP-1004", /indefinite-length item at offset 0/);
    rejects(h, "FCP-1004", undefined, { canonical: false });
  }
  rejects("81" + "9fff", "FCP-1004", /offset 1/);
});

Deno.test("tags are refused with FCP-1005 unless listed in allowTags", () => {
  rejects("c11a514b67b0", "FCP-1005", /tag 1 is not allowed at offset 0/);
  rejects("d24100", "FCP-1005");
  rejects("d24100", "FCP-1005", undefined, { allowTags: [1] });
  rejects("a16161c000", "FCP-1005", /offset 3/);
  rejects("dbffffffffffffffff00", "FCP-1005");
  assert.deepEqual(dec("c101", { allowTags: [1] }), new CborTag(1, 1));
});

Deno.test("unsupported simple values and reserved encodings are refused with FCP-1001", () => {
  rejects("f7", "FCP-1001", /undefined/);
  rejects("f0", "FCP-1001", /simple value/);
  rejects("f820", "FCP-1001", /simple value/);
  rejects("ff", "FCP-1001", /unexpected break/);
  for (const h of ["1c", "3d", "5e", "7c", "9d", "be", "dc", "fc", "1f", "3f", "df"]) {
    rejects(h, "FCP-1001");
  }
});

Deno.test("invalid UTF-8 in text is refused with FCP-1001", () => {
  for (const h of ["61ff", "62c328", "63eda080", "62c0af", "64f4908080", "61" + "80"]) {
    rejects(h, "FCP-1001", /invalid UTF-8/);
  }
  // The slow path (long strings) checks too.
  rejects("7840" + "61".repeat(63) + "ff", "FCP-1001", /invalid UTF-8 in text string at offset 0/);
  // Map keys as well.
  rejects("a161ff00", "FCP-1001", /offset 1/);
});

Deno.test("empty and truncated input is refused with FCP-1001", () => {
  rejects("", "FCP-1001", /empty input/);
  rejects("19", "FCP-1001", /truncated/);
  rejects("1901", "FCP-1001", /truncated/);
  rejects("820119", "FCP-1001", /truncated input: item at offset 2/);
  rejects("82190100", "FCP-1001", /truncated input: expected an item at offset 4/);
  rejects("f9", "FCP-1001");
  rejects("fb000000", "FCP-1001");
});

Deno.test("every proper prefix of a valid encoding is refused (FCP-1001 or FCP-1008)", () => {
  const value: CborValue = {
    refs: [new Uint8Array(32).fill(1)],
    schema: { namespace: "fcp.core", name: "OperationReceipt", version: "1.0.0" },
    "created_at": 1700000000,
    n: [-1, 2n ** 64n - 1n, 1.5, new CborFloat(1e300), "é", true, null],
    m: new Map<CborValue, CborValue>([[1, 2], [-65537, "x".repeat(30)]]),
  };
  const bytes = encodeCbor(value);
  assert.deepEqual(decodeCbor(bytes), value);
  const seen = new Set<string>();
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(
      () => decodeCbor(bytes.subarray(0, n)),
      (e) => {
        if (!isFcpError(e) || (e.code !== "FCP-1001" && e.code !== "FCP-1008")) return false;
        seen.add(e.code);
        return true;
      },
      `prefix of ${n} bytes`,
    );
  }
  // Both kinds occur: a head cut short (1001) and a declared length beyond the end (1008).
  assert.deepEqual([...seen].sort(), ["FCP-1001", "FCP-1008"]);
});

Deno.test("declared lengths beyond the input fail fast with FCP-1008 (no allocation)", () => {
  const t0 = performance.now();
  rejects("5bffffffffffffffff", "FCP-1008", /18446744073709551615 exceeds the 0 remaining bytes/);
  rejects("7bffffffffffffffff", "FCP-1008");
  rejects("9bffffffffffffffff", "FCP-1008");
  rejects("bbffffffffffffffff", "FCP-1008");
  rejects("5b0020000000000000", "FCP-1008");
  rejects("5affffffff", "FCP-1008");
  rejects("9a7fffffff" + "00", "FCP-1008");
  rejects("a2" + "0000", "FCP-1008"); // two entries need at least 4 bytes
  rejects("4201", "FCP-1008", /declared byte string length 2 exceeds the 1 remaining/);
  assert.ok(performance.now() - t0 < 1000);
});

Deno.test("input beyond maxBytes is refused with FCP-1008", () => {
  rejects("43010203", "FCP-1008", /exceeds the limit of 3/, { maxBytes: 3 });
  assert.deepEqual(dec("43010203", { maxBytes: 4 }), new Uint8Array([1, 2, 3]));
});

Deno.test("nesting: 128 levels decode, 129 and 10 000 fail with FCP-1007 quickly", () => {
  const nested = (n: number) => new Uint8Array(n + 1).fill(0x81, 0, n);
  assert.ok(Array.isArray(decodeCbor(nested(128))));
  assert.throws(() => decodeCbor(nested(129)), (e) => isFcpError(e, "FCP-1007"));
  const t0 = performance.now();
  assert.throws(
    () => decodeCbor(nested(10_000)),
    (e) => isFcpError(e, "FCP-1007") && /offset 128/.test(e.detail),
  );
  assert.ok(performance.now() - t0 < 500);
  // Maps and tags count as levels.
  const maps = fromHex("a16161".repeat(129) + "00");
  assert.throws(() => decodeCbor(maps), (e) => isFcpError(e, "FCP-1007"));
  assert.throws(
    () => dec("c1c101", { allowTags: [1], maxDepth: 1 }),
    (e) => isFcpError(e, "FCP-1007"),
  );
  assert.throws(() => dec("8100", { maxDepth: 0 }), (e) => isFcpError(e, "FCP-1007"));
  // A depth limit beyond the stack still ends in FCP-1007, never a RangeError.
  assert.throws(
    () => decodeCbor(nested(500_000), { maxDepth: 1_000_000 }),
    (e) => isFcpError(e, "FCP-1007"),
  );
});

Deno.test("bytes after the top-level item are refused with FCP-1009", () => {
  rejects("0000", "FCP-1009", /1 trailing bytes after the item at offset 1/);
  rejects("a0ff", "FCP-1009");
  rejects("8101" + "0203", "FCP-1009", /2 trailing/);
});

Deno.test("canonical: false accepts non-shortest forms and unsorted keys only", () => {
  const o = { canonical: false };
  assert.equal(dec("1800", o), 0);
  assert.equal(dec("190018", o), 24);
  assert.equal(dec("3b0000000000000000", o), -1);
  assert.deepEqual(dec("fb3ff0000000000000", o), new CborFloat(1));
  assert.equal(dec("fa3fc00000", o), 1.5);
  assert.ok(Object.is((dec("f98000", o) as CborFloat).value, -0));
  assert.deepEqual(dec("a2616201616102", o), { b: 1, a: 2 });
  assert.deepEqual(dec("5801ff", o), new Uint8Array([255]));
  // Duplicates are still refused, also when spelled differently.
  rejects("a2616101616102", "FCP-1003", undefined, o);
  rejects("a2" + "0100" + "180101", "FCP-1003", /offset 3/, o);
  rejects("a2" + "4101" + "00" + "580101" + "01", "FCP-1003", undefined, o);
  // Still malformed: truncation, break, indefinite lengths, invalid UTF-8, trailing bytes.
  rejects("19", "FCP-1001", undefined, o);
  rejects("61ff", "FCP-1001", undefined, o);
  rejects("0000", "FCP-1009", undefined, o);
  rejects("d24100", "FCP-1005", undefined, o);
});

Deno.test("decoded objects cannot pollute prototypes", () => {
  // {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}
  const bytes = encodeCbor(
    new Map<CborValue, CborValue>([
      ["__proto__", { polluted: true }],
      ["constructor", { prototype: { polluted: true } }],
    ]),
  );
  const v = decodeCbor(bytes) as Record<string, CborValue>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.ok(Object.hasOwn(v, "__proto__"));
  assert.deepEqual(Object.keys(v), ["__proto__", "constructor"]);
  assert.equal((v as { polluted?: unknown }).polluted, undefined);
  // The own "__proto__" property re-encodes to the same bytes.
  assert.deepEqual(encodeCbor(v), bytes);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("a map with any non-text key decodes to a Map in wire order", () => {
  const v = dec("a3" + "0100" + "6161" + "01" + "8100" + "02") as Map<CborValue, CborValue>;
  assert.ok(v instanceof Map);
  assert.deepEqual([...v.keys()], [1, "a", [0]]);
});

Deno.test("isCanonicalCbor", () => {
  assert.ok(isCanonicalCbor(fromHex("a2616182f5f6616201")));
  assert.ok(!isCanonicalCbor(fromHex("a2616201616102")));
  assert.ok(!isCanonicalCbor(fromHex("")));
  assert.ok(!isCanonicalCbor(fromHex("d24100")));
});

Deno.test("non-Uint8Array input is refused with FCP-1040", () => {
  assert.throws(() => decodeCbor("00" as unknown as Uint8Array), (e) => isFcpError(e, "FCP-1040"));
});
