import assert from "node:assert/strict";
import fc from "fast-check";
import { isFcpError, toHex } from "../core/mod.ts";
import { decodeCbor, isCanonicalCbor } from "./decode.ts";
import { cborDiagnostic } from "./diagnostic.ts";
import { encodeCbor } from "./encode.ts";
import { cborToJson, jsonToCbor } from "./json.ts";
import { CborFloat, type CborValue } from "./value.ts";

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

const scalar: fc.Arbitrary<CborValue> = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
  finite.filter((x) => !Number.isInteger(x)),
  finite.filter((x) => Number.isInteger(x)).map((x) => new CborFloat(x)),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => new CborFloat(x)),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }),
);

/** Map keys: scalars or small arrays, deduplicated by their canonical encoding. */
function uniqueMap(entries: [CborValue, CborValue][]): Map<CborValue, CborValue> {
  const seen = new Set<string>();
  const m = new Map<CborValue, CborValue>();
  for (const [k, v] of entries) {
    const id = toHex(encodeCbor(k));
    if (seen.has(id)) continue;
    seen.add(id);
    m.set(k, v);
  }
  return m;
}

const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), tie("value"), { maxKeys: 5 }),
    fc.array(fc.tuple(fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), tie("value")), {
      maxLength: 5,
    }).map(uniqueMap),
  ),
}));

Deno.test("property: encode → decode → encode is byte-identical and canonical", () => {
  fc.assert(
    fc.property(value, (v) => {
      const bytes = encodeCbor(v);
      assert.ok(isCanonicalCbor(bytes));
      const back = decodeCbor(bytes);
      assert.deepEqual(encodeCbor(back), bytes);
      // The non-canonical reader agrees on canonical input.
      assert.deepEqual(encodeCbor(decodeCbor(bytes, { canonical: false })), bytes);
      // The JSON view and the diagnostic printer accept every value.
      assert.deepEqual(encodeCbor(jsonToCbor(JSON.parse(JSON.stringify(cborToJson(back))))), bytes);
      assert.equal(typeof cborDiagnostic(back), "string");
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: scalars decode to the value that was encoded", () => {
  fc.assert(
    fc.property(scalar, (v) => {
      const back = decodeCbor(encodeCbor(v));
      if (typeof v === "bigint" && v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n) {
        assert.equal(back, Number(v)); // safe integers come back as numbers
      } else if (v instanceof CborFloat && !Number.isInteger(v.value)) {
        assert.equal(back, v.value);
      } else if (v instanceof CborFloat && Object.is(v.value, -0)) {
        assert.deepEqual(back, new CborFloat(0));
      } else {
        assert.deepEqual(back, v);
      }
    }),
    { numRuns: 300 },
  );
});

function onlyFcpErrors(bytes: Uint8Array): void {
  for (const canonical of [true, false]) {
    try {
      decodeCbor(bytes, { canonical, allowTags: canonical ? [] : [0, 1, 18] });
    } catch (e) {
      if (!isFcpError(e)) throw e;
    }
  }
}

Deno.test("property: decoding random bytes throws nothing but FcpError", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => onlyFcpErrors(b)), {
    numRuns: 2000,
  });
});

Deno.test("property: decoding mutated valid encodings throws nothing but FcpError", () => {
  fc.assert(
    fc.property(value, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, byte) => {
      const bytes = encodeCbor(v).slice();
      bytes[at % bytes.length] = byte;
      onlyFcpErrors(bytes);
      // A mutation that still decodes canonically must re-encode to itself.
      if (isCanonicalCbor(bytes)) assert.deepEqual(encodeCbor(decodeCbor(bytes)), bytes);
    }),
    { numRuns: 300 },
  );
});
