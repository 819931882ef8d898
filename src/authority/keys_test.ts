import assert from "node:assert/strict";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import { keyId } from "../model/mod.ts";
import { Ed25519Key, generateNodeKeys, X25519Key } from "./keys.ts";

Deno.test("Ed25519Key: kid is keyId(public key) and the seed round-trips", () => {
  const seed = new Uint8Array(32).fill(0x42);
  const k = new Ed25519Key(seed);
  assert.deepEqual(k.kid, keyId(k.publicKey));
  assert.deepEqual(k.exportSeed(), seed);
  seed[0] = 0; // the key copied its seed
  assert.equal(k.exportSeed()[0], 0x42);
});

Deno.test("Ed25519Key: the RFC 8032 test 1 public key", () => {
  const k = new Ed25519Key(
    fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
  );
  assert.equal(
    toHex(k.publicKey),
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
  );
});

Deno.test("keys never show their secret in JSON or inspection", () => {
  const seed = new Uint8Array(32).fill(0xab);
  const e = new Ed25519Key(seed);
  const x = new X25519Key(seed);
  const secretHex = toHex(seed);
  for (const k of [e, x]) {
    assert.ok(!JSON.stringify(k).includes(secretHex));
    assert.ok(!Deno.inspect(k).includes(secretHex));
    assert.ok(!Deno.inspect({ nested: k }, { depth: 5 }).includes("abab"));
    assert.ok(JSON.stringify(k).includes(toHex(k.kid)));
  }
});

Deno.test("keys refuse secrets that are not 32 bytes (FCP-2002)", () => {
  assert.throws(() => new Ed25519Key(new Uint8Array(31)), (e) => isFcpError(e, "FCP-2002"));
  assert.throws(() => new X25519Key(new Uint8Array(33)), (e) => isFcpError(e, "FCP-2002"));
});

Deno.test("generateNodeKeys: three distinct keys", () => {
  const k = generateNodeKeys();
  const kids = new Set([k.signing, k.encryption, k.issuance].map((x) => toHex(x.kid)));
  assert.equal(kids.size, 3);
});
