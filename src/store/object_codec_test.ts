import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { objectIdKeyed } from "../model/mod.ts";
import {
  BLOB_SCHEMA_HASH,
  checkObjectId,
  MANIFEST_SCHEMA_HASH,
  openObject,
  type SealedSymbol,
  type SealingKey,
  sealObject,
  topLevelObjectId,
} from "./object_codec.ts";

const KEY: SealingKey = {
  keyId: new Uint8Array(8).fill(1),
  key: new Uint8Array(32).fill(2),
  algorithm: "cha_cha20_poly1305",
};

function sealed(data: Uint8Array, key: SealingKey = KEY, repairBps = 2000) {
  return sealObject({
    objectId: new Uint8Array(32).fill(5),
    zoneId: "z:work",
    data,
    zoneKey: key,
    senderNodeId: "node-a",
    senderInstanceId: 0x0102030405060708n,
    frameSeq: 3n,
    epochId: 77n,
    repairBps,
  });
}

Deno.test("seal records the AEAD, key id, epoch and sender; every symbol has the frame seq", () => {
  const s = sealed(new Uint8Array(10_000).fill(9));
  assert.equal(s.seal.algorithm, "chacha20poly1305");
  assert.deepEqual(s.seal.zoneKeyId, KEY.keyId);
  assert.equal(s.seal.epochId, 77n);
  assert.equal(s.k, 10);
  assert.equal(s.r, 2);
  assert.ok(
    s.symbols.every((x) => x.frameSeq === 3n && x.data.length === 1024 && x.tag.length === 16),
  );
  // Sealed, not plain: no symbol equals the plaintext symbol.
  assert.ok(s.symbols.every((x) => !x.data.every((b) => b === 9)));
});

Deno.test("open: duplicates, garbage and stragglers are ignored; xchacha works too", () => {
  for (const algorithm of ["cha_cha20_poly1305", "x_cha_cha20_poly1305"] as const) {
    const key = { ...KEY, algorithm };
    const data = new Uint8Array(20_000).map((_, i) => i * 31);
    const s = sealed(data, key);
    const other = sealed(new Uint8Array(20_000).fill(1), { ...key, key: new Uint8Array(32) });
    const garbage: SealedSymbol = {
      esi: 0,
      frameSeq: 3n,
      data: new Uint8Array(1024),
      tag: new Uint8Array(16),
    };
    const wrongSize: SealedSymbol = { ...s.symbols[1]!, data: new Uint8Array(10) };
    const mixed = [
      garbage,
      wrongSize,
      ...other.symbols.slice(0, 5), // stragglers of another object
      ...s.symbols.slice(4, 8), // duplicated below
      ...s.symbols.slice(4).reverse(), // four source symbols lost, any order
    ];
    const out = openObject(s, key.key, mixed);
    assert.deepEqual(out.data, data);
    assert.equal(out.dropped, 7);
  }
});

Deno.test("open refuses a record whose K does not match its length (FCP-1013)", () => {
  const s = sealed(new Uint8Array(3000));
  assert.throws(
    () => openObject({ ...s, k: 4 }, KEY.key, s.symbols),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

Deno.test("open: too few authentic symbols is FCP-1025, too few symbols FCP-6001", () => {
  const s = sealed(new Uint8Array(8000).fill(3), KEY, 0);
  const tampered = s.symbols.map((x, i) => i === 0 ? { ...x, tag: x.tag.map((b) => b ^ 0xff) } : x);
  assert.throws(() => openObject(s, KEY.key, tampered), (e) => isFcpError(e, "FCP-1025"));
  assert.throws(
    () => openObject(s, KEY.key, s.symbols.slice(1)),
    (e) => isFcpError(e, "FCP-6001"),
  );
  // An empty object needs no symbols.
  const empty = sealed(new Uint8Array(0));
  assert.equal(empty.symbols.length, 0);
  assert.deepEqual(openObject(empty, KEY.key, []).data, new Uint8Array(0));
});

Deno.test("ids: the two schemas give different ids; checkObjectId refuses a mismatch", () => {
  const key = new Uint8Array(32).fill(4);
  const c = new Uint8Array([1, 2, 3]);
  const blob = topLevelObjectId(key, "z:work", BLOB_SCHEMA_HASH, c);
  assert.deepEqual(blob, objectIdKeyed(key, "z:work", BLOB_SCHEMA_HASH, c));
  assert.notDeepEqual(blob, topLevelObjectId(key, "z:work", MANIFEST_SCHEMA_HASH, c));
  assert.throws(
    () => checkObjectId(blob, topLevelObjectId(key, "z:work", BLOB_SCHEMA_HASH, c.slice(1))),
    (e) => isFcpError(e, "FCP-1014"),
  );
});
