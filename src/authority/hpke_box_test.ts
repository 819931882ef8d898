import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { randomBytes, x25519PublicKey } from "../crypto/mod.ts";
import {
  hpkeAad,
  type HpkeAadParams,
  MAX_SEALED_BOX_BYTES,
  MAX_SEALED_PLAINTEXT_BYTES,
  openSealed,
  sealedBoxFromCbor,
  sealedBoxFromRaw,
  sealedBoxToCbor,
  sealedBoxToRaw,
  sealForRecipient,
  seededEphemeralIkm,
} from "./hpke_box.ts";

const AAD: HpkeAadParams = {
  purpose: "FCP2-ZONE-KEY",
  zoneId: "z:work",
  issuedAt: 1_700_000_000,
  recipientNodeId: "node:laptop.mesh.ts.net",
};

Deno.test("hpkeAad matches the hpke.json vector bytes (key order purpose, zone_id, issued_at, recipient)", () => {
  assert.equal(
    toHex(hpkeAad(AAD)),
    "a467707572706f73654d464350322d5a4f4e452d4b4559677a6f6e655f6964467a3a776f726b6969737375" +
      "65645f61741a6553f10071726563697069656e745f6e6f64655f6964576e6f64653a6c6170746f702e6d6573682e74732e6e6574",
  );
  assert.deepEqual(hpkeAad({ ...AAD, issuedAt: 1_700_000_000n }), hpkeAad(AAD));
});

Deno.test("hpkeAad refuses unknown purpose, bad zone, empty node, negative time", () => {
  assert.throws(
    () => hpkeAad({ ...AAD, purpose: "FCP2-OTHER" as never }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(() => hpkeAad({ ...AAD, zoneId: "work" }), (e) => isFcpError(e, "FCP-4001"));
  assert.throws(() => hpkeAad({ ...AAD, recipientNodeId: "" }), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => hpkeAad({ ...AAD, issuedAt: -1 }), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => hpkeAad({ ...AAD, issuedAt: 1.5 }), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("seal/open roundtrip; a 32-byte key seals to an 80-byte raw box", async () => {
  const sk = randomBytes(32);
  const key = randomBytes(32);
  const box = await sealForRecipient(x25519PublicKey(sk), key, AAD);
  assert.equal(sealedBoxToRaw(box).length, 80);
  assert.deepEqual(await openSealed(sk, box, AAD), key);
  assert.deepEqual(await openSealed(sk, sealedBoxFromRaw(sealedBoxToRaw(box)), AAD), key);
  assert.deepEqual(await openSealed(sk, sealedBoxFromCbor(sealedBoxToCbor(box)), AAD), key);
});

Deno.test("open refuses (opaque FCP-2014): wrong key, and each AAD field changed", async () => {
  const sk = randomBytes(32);
  const box = await sealForRecipient(x25519PublicKey(sk), randomBytes(32), AAD);
  const wrong: HpkeAadParams[] = [
    { ...AAD, purpose: "FCP2-OBJECTID-KEY" },
    { ...AAD, zoneId: "z:private" },
    { ...AAD, issuedAt: 1_700_000_001 },
    { ...AAD, recipientNodeId: "node:other" },
  ];
  for (const aad of wrong) {
    await assert.rejects(openSealed(sk, box, aad), (e) => isFcpError(e, "FCP-2014"));
  }
  await assert.rejects(openSealed(randomBytes(32), box, AAD), (e) => isFcpError(e, "FCP-2014"));
  const ct = box.ciphertext.slice();
  ct[ct.length - 1]! ^= 1;
  await assert.rejects(
    openSealed(sk, { ...box, ciphertext: ct }, AAD),
    (e) => isFcpError(e, "FCP-2014") && !/key|tag|aad/i.test(e.detail.replace("HPKE", "")),
  );
});

Deno.test("the 64 KiB bound: largest plaintext seals, one more byte is refused", async () => {
  const sk = randomBytes(32);
  const pk = x25519PublicKey(sk);
  const big = await sealForRecipient(pk, new Uint8Array(MAX_SEALED_PLAINTEXT_BYTES), AAD);
  assert.equal(sealedBoxToRaw(big).length, MAX_SEALED_BOX_BYTES);
  await assert.rejects(
    sealForRecipient(pk, new Uint8Array(MAX_SEALED_PLAINTEXT_BYTES + 1), AAD),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(
    () => sealedBoxFromRaw(new Uint8Array(MAX_SEALED_BOX_BYTES + 1)),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

Deno.test("sealed box shapes: raw too short, CBOR with bad hex or extra fields", () => {
  assert.throws(() => sealedBoxFromRaw(new Uint8Array(47)), (e) => isFcpError(e, "FCP-1013"));
  const good = { enc: "00".repeat(32), ciphertext: "ab".repeat(16) };
  assert.equal(sealedBoxFromCbor(good).enc.length, 32);
  for (
    const bad of [
      { ...good, enc: "00".repeat(31) },
      { ...good, ciphertext: "AB".repeat(16) },
      { ...good, ciphertext: "ab".repeat(15) },
      { ...good, kem_id: 32 },
      { enc: good.enc },
    ]
  ) {
    assert.throws(() => sealedBoxFromCbor(bad), (e) => isFcpError(e, "FCP-1013"));
  }
});

Deno.test("deterministic seal reproduces the hpke.json vector", async () => {
  const sk = new Uint8Array(32).fill(0x10);
  const ikm = seededEphemeralIkm(new Uint8Array(32).fill(0xaa));
  assert.equal(toHex(ikm), "9b4f68323b9444834bc9641bff28697b48b747f9ae7cc5417b965c8b5be94b90");
  const pt = new Uint8Array(32);
  for (let i = 0; i < 32; i += 8) pt.set([0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe], i);
  const box = await sealForRecipient(x25519PublicKey(sk), pt, AAD, { ephemeralIkm: ikm });
  assert.equal(
    toHex(sealedBoxToRaw(box)),
    "812bdf224bf70d7ae7ef4505be7678dd3282dfe762e6e16af542e58672314b00" +
      "2c309bb932b1952b52d08b27271866bf6572da7dc7b8616bde176dfeebfdf8c274f5d57296ea937d88f7be725d3d3eda",
  );
  assert.deepEqual(await openSealed(sk, box, AAD), pt);
});
