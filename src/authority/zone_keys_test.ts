import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import {
  generateObjectIdKey,
  generateZoneKey,
  newKeyId,
  parseZoneKeyAlgorithm,
  ZONE_KEY_ALGORITHMS,
  zoneKeyAead,
} from "./zone_keys.ts";

Deno.test("zone key ids and keys are random, 8 and 32 bytes", () => {
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (let i = 0; i < 64; i++) {
    const k = generateZoneKey("z:work", 1);
    assert.equal(k.keyId.length, 8);
    assert.equal(k.key.length, 32);
    ids.add(toHex(k.keyId));
    keys.add(toHex(k.key));
  }
  assert.equal(ids.size, 64);
  assert.equal(keys.size, 64);
  const o = generateObjectIdKey();
  assert.equal(o.keyId.length, 8);
  assert.equal(o.key.length, 32);
});

Deno.test("newKeyId avoids the given ids", () => {
  const a = newKeyId();
  for (let i = 0; i < 16; i++) assert.notDeepEqual(newKeyId([a]), a);
});

Deno.test("algorithm strings are the serde snake_case ones (WIRE.md D15)", () => {
  assert.deepEqual(ZONE_KEY_ALGORITHMS, ["cha_cha20_poly1305", "x_cha_cha20_poly1305"]);
  assert.equal(zoneKeyAead("cha_cha20_poly1305"), "chacha20poly1305");
  assert.equal(zoneKeyAead("x_cha_cha20_poly1305"), "xchacha20poly1305");
  for (const bad of ["chacha20poly1305", "ChaCha20Poly1305", ""]) {
    assert.throws(() => parseZoneKeyAlgorithm(bad), (e) => isFcpError(e, "FCP-1013"));
  }
});

Deno.test("generateZoneKey refuses bad zone, time and validity window", () => {
  assert.throws(() => generateZoneKey("work", 1), (e) => isFcpError(e, "FCP-4001"));
  assert.throws(() => generateZoneKey("z:work", -1), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(
    () => generateZoneKey("z:work", 10, { validUntil: 10 }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.equal(generateZoneKey("z:work", 10, { validUntil: 11 }).validUntil, 11);
  assert.throws(
    () => generateZoneKey("z:work", 1, { algorithm: "aes" as never }),
    (e) => isFcpError(e, "FCP-1013"),
  );
});
