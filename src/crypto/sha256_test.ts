import assert from "node:assert/strict";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import { hkdfSha256, hmacSha256, sha256 } from "./sha256.ts";
import { x25519PublicKey, x25519SharedSecret } from "./x25519.ts";
import { detBytes, loadInterop, s } from "./_test_util.ts";

Deno.test("sha256, hmacSha256, hkdfSha256 agree with @noble/hashes; results are plain Uint8Arrays", () => {
  for (let i = 0; i < 40; i++) {
    const data = detBytes("sha", i, i * 97);
    const key = detBytes("sha-key", i, i % 70);
    const salt = detBytes("sha-salt", i, i % 40);
    const info = detBytes("sha-info", i, i % 50);
    const len = 1 + ((i * 53) % 300);
    const d = sha256(data);
    assert.equal(Object.getPrototypeOf(d), Uint8Array.prototype);
    assert.equal(toHex(d), toHex(nobleSha256(data)));
    assert.equal(toHex(hmacSha256(key, data)), toHex(hmac(nobleSha256, key, data)));
    assert.equal(
      toHex(hkdfSha256(data, salt, info, len)),
      toHex(hkdf(nobleSha256, data, salt, info, len)),
    );
  }
});

Deno.test("session.json: X25519 + one HKDF-SHA256 call give the session keys (WIRE.md §10)", async () => {
  const v = (await loadInterop("session")).find((x) => x.kind === "session_key_schedule")!;
  const skI = fromHex(s(v.inputs, "initiator_ephemeral_sk_hex"));
  const skR = fromHex(s(v.inputs, "responder_ephemeral_sk_hex"));
  assert.equal(toHex(x25519PublicKey(skI)), s(v.expected, "initiator_ephemeral_pk_hex"));
  assert.equal(toHex(x25519PublicKey(skR)), s(v.expected, "responder_ephemeral_pk_hex"));
  const ss = x25519SharedSecret(skI, x25519PublicKey(skR));
  assert.equal(toHex(ss), s(v.expected, "shared_secret_hex"));
  assert.deepEqual(ss, x25519SharedSecret(skR, x25519PublicKey(skI)));
  const okm = hkdfSha256(
    ss,
    fromHex(s(v.inputs, "session_id_hex")),
    fromHex(s(v.expected, "hkdf_info_hex")),
    96,
  );
  assert.equal(toHex(okm), s(v.expected, "okm_hex"));
});

Deno.test("session.json: the Suite 1 datagram MAC is HMAC-SHA256 truncated to 16", async () => {
  const v = (await loadInterop("session")).find((x) => x.id === "session.mac_suite1")!;
  const mac = hmacSha256(
    fromHex(s(v.inputs, "mac_key_hex")),
    fromHex(s(v.expected, "mac_input_hex")),
  );
  assert.equal(toHex(mac.subarray(0, 16)), s(v.expected, "mac_hex"));
});

Deno.test("refusals: HKDF length outside 1..8160 is FCP-1040", () => {
  const ikm = new Uint8Array(32);
  for (const n of [0, -1, 8161, 1.5]) {
    assert.throws(() => hkdfSha256(ikm, ikm, ikm, n), (e) => isFcpError(e, "FCP-1040"));
  }
  assert.equal(hkdfSha256(ikm, ikm, ikm, 8160).length, 8160);
});
