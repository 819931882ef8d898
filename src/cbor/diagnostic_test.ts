import assert from "node:assert/strict";
import { fromHex, isFcpError } from "../core/mod.ts";
import { decodeCbor } from "./decode.ts";
import { cborDiagnostic } from "./diagnostic.ts";
import { CborFloat, CborTag, type CborValue } from "./value.ts";

Deno.test("diagnostic notation of scalars (RFC 8949 §8)", () => {
  const cases: [CborValue, string][] = [
    [0, "0"],
    [-1, "-1"],
    [2n ** 64n - 1n, "18446744073709551615"],
    [-(2n ** 64n), "-18446744073709551616"],
    [1.5, "1.5"],
    [-0.25, "-0.25"],
    [new CborFloat(1), "1.0"],
    [new CborFloat(-0), "-0.0"],
    [new CborFloat(1e21), "1.0e+21"],
    [1e-7, "1.0e-7"],
    [1.5e300, "1.5e+300"],
    [true, "true"],
    [false, "false"],
    [null, "null"],
    ['a"b\n', `"a\\"b\\n"`],
    [new Uint8Array([0, 0xab]), "h'00ab'"],
    [new Uint8Array(0), "h''"],
  ];
  for (const [v, want] of cases) assert.equal(cborDiagnostic(v), want);
});

Deno.test("diagnostic notation of containers and tags", () => {
  assert.equal(cborDiagnostic([]), "[]");
  assert.equal(cborDiagnostic({}), "{}");
  assert.equal(cborDiagnostic([1, [2, "x"]]), `[1, [2, "x"]]`);
  assert.equal(cborDiagnostic({ bb: 1, a: 2, c: undefined }), `{"a": 2, "bb": 1}`);
  assert.equal(
    cborDiagnostic(new Map<CborValue, CborValue>([[1, "iss"], [-65537, h()]])),
    `{1: "iss", -65537: h'01'}`,
  );
  assert.equal(cborDiagnostic(new CborTag(18, [h()])), "18([h'01'])");
  // From decoded bytes: the COSE protected header {1: -8, 4: kid}.
  assert.equal(
    cborDiagnostic(decodeCbor(fromHex("a201270448" + "0102030405060708"))),
    "{1: -8, 4: h'0102030405060708'}",
  );
});

function h(): Uint8Array {
  return new Uint8Array([1]);
}

Deno.test("diagnostic refuses values outside the data model (FCP-1010) and deep values (FCP-1007)", () => {
  assert.throws(
    () => cborDiagnostic([undefined] as unknown as CborValue),
    (e) => isFcpError(e, "FCP-1010"),
  );
  assert.throws(
    () => cborDiagnostic(new Date() as unknown as CborValue),
    (e) => isFcpError(e, "FCP-1010"),
  );
  const cyclic: CborValue[] = [];
  cyclic.push(cyclic);
  assert.throws(() => cborDiagnostic(cyclic), (e) => isFcpError(e, "FCP-1007"));
});
