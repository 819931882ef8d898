import assert from "node:assert/strict";
import { isFcpError, toHex, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";
import {
  epochAt,
  formatObjectId,
  genesisFromMnemonic,
  keyId,
  mnemonicEntropy,
  objectIdKeyed,
  parseObjectId,
  schemaHash,
  schemaHashPreimage,
  signSchemaHash8,
  validateCanonicalId,
  validateSchemaId,
} from "./mod.ts";

Deno.test("schemaHash() uses the code formula, not the spec prose (WIRE.md D1)", () => {
  const h = schemaHash({ namespace: "fcp.test", name: "GoldenStruct", version: "1.0.0" });
  assert.equal(toHex(h), "824698784c7724fe18470ecdd2c2199abb4632c25998c9d143adab875e8ca5d7");
  assert.notEqual(toHex(h).slice(0, 8), "91cf785e");
});

Deno.test("validateSchemaId() refuses separators and bad versions", () => {
  for (
    const s of [
      { namespace: "fcp:core", name: "X", version: "1.0.0" },
      { namespace: "fcp.core", name: "X@1", version: "1.0.0" },
      { namespace: "", name: "X", version: "1.0.0" },
      { namespace: "fcp.core", name: "X", version: "1.0" },
      { namespace: "fcp.core", name: "X", version: "01.0.0" },
    ]
  ) {
    assert.throws(() => validateSchemaId(s), (e) => isFcpError(e, "FCP-1012"));
  }
});

Deno.test("objectIdKeyed() depends on key, zone, schema and content", () => {
  const k = new Uint8Array(32);
  const sh = new Uint8Array(32);
  const base = toHex(objectIdKeyed(k, "z:work", sh, utf8("x")));
  assert.notEqual(toHex(objectIdKeyed(k.with(0, 1), "z:work", sh, utf8("x"))), base);
  assert.notEqual(toHex(objectIdKeyed(k, "z:private", sh, utf8("x"))), base);
  assert.notEqual(toHex(objectIdKeyed(k, "z:work", sh.with(0, 1), utf8("x"))), base);
  assert.notEqual(toHex(objectIdKeyed(k, "z:work", sh, utf8("y"))), base);
  assert.throws(
    () => objectIdKeyed(new Uint8Array(31), "z:work", sh, utf8("x")),
    (e) => isFcpError(e, "FCP-2002"),
  );
});

Deno.test("ObjectId text form round-trips and refuses bad text", () => {
  const id = new Uint8Array(32).map((_, i) => i);
  assert.deepEqual(parseObjectId(formatObjectId(id, true)), id);
  assert.deepEqual(parseObjectId(formatObjectId(id)), id);
  for (const bad of ["", "objectid:", "00".repeat(31), "zz".repeat(32), "00".repeat(33)]) {
    assert.throws(() => parseObjectId(bad), (e) => isFcpError(e, "FCP-1040"));
  }
});

Deno.test("keyId() is 8 bytes and refuses wrong-length keys", () => {
  assert.equal(keyId(new Uint8Array(32)).length, 8);
  assert.throws(() => keyId(new Uint8Array(33)), (e) => isFcpError(e, "FCP-2002"));
});

Deno.test("validateCanonicalId() refuses non-canonical identifiers (spec §3.4.2)", () => {
  for (const bad of ["", "Upper", "-lead", ".lead", "a b", "ρaypal", "a".repeat(129), "a/b"]) {
    assert.throws(() => validateCanonicalId(bad), (e) => isFcpError(e, "FCP-4007"));
  }
  assert.equal(validateCanonicalId("a".repeat(128)).length, 128);
});

Deno.test("epochAt() floors by granularity and refuses bad input", () => {
  assert.equal(epochAt(599), 1n);
  assert.equal(epochAt(600), 2n);
  assert.equal(epochAt(10, 1), 10n);
  assert.throws(() => epochAt(-1), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => epochAt(1, 0), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("mnemonicEntropy() refuses a bad checksum and unknown words", () => {
  const good = Array(23).fill("abandon").concat("art").join(" ");
  assert.equal(mnemonicEntropy(good).length, 32);
  const badChecksum = Array(24).fill("abandon").join(" ");
  assert.throws(() => mnemonicEntropy(badChecksum), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => mnemonicEntropy("notaword ".repeat(24)), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("genesisFromMnemonic() reproduces the bootstrap vector's owner key", () => {
  const m = Array(23).fill("abandon").concat("art").join(" ");
  const { genesis } = genesisFromMnemonic(m, 0, 0);
  assert.equal(
    toHex(genesis.ownerPublicKey),
    "c84e18a4c83c5f577a33b60720d92edbfb14684370877a7d94501e6ea0bd94aa",
  );
});

Deno.test("schemaHash: remembered per schema id, handed out as copies", () => {
  const id = { namespace: "fcp.test", name: "Memo", version: "1.0.0" };
  const a = schemaHash(id);
  a.fill(0);
  const b = schemaHash({ ...id });
  assert.notDeepEqual(b, a);
  assert.deepEqual(b, blake3(schemaHashPreimage(id)));
  assert.notDeepEqual(schemaHash({ ...id, version: "1.0.1" }), b);
  assert.throws(() => schemaHash({ ...id, name: "" }), /FCP-/);
});

Deno.test("signSchemaHash8: remembered per schema id string, handed out as copies", () => {
  const a = signSchemaHash8("fcp.test.Memo/1.0.0");
  const expected = blake3(utf8("fcp.test.Memo/1.0.0")).slice(0, 8);
  assert.deepEqual(a, expected);
  a.fill(0);
  assert.deepEqual(signSchemaHash8("fcp.test.Memo/1.0.0"), expected);
  assert.throws(() => signSchemaHash8(""), /FCP-1012/);
});
