import assert from "node:assert/strict";
import { ED25519_TORSION_SUBGROUP, x25519 as nobleX } from "@noble/curves/ed25519.js";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import { x25519PublicKey, x25519SharedSecret } from "./x25519.ts";
import { detBytes } from "./_test_util.ts";

const P = 2n ** 255n - 19n;

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

function le(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b %= P;
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}

Deno.test("RFC 7748 §6.1 Diffie-Hellman", () => {
  const a = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const b = fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  assert.equal(
    toHex(x25519PublicKey(b)),
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
  );
  const k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  assert.equal(toHex(x25519SharedSecret(a, x25519PublicKey(b))), k);
  assert.equal(toHex(x25519SharedSecret(b, x25519PublicKey(a))), k);
});

Deno.test("differential: agrees with @noble/curves x25519, including peer keys with the top bit set", () => {
  for (let i = 0; i < 60; i++) {
    const sk = detBytes("x-sk", i, 32);
    const pk = detBytes("x-pk", i, 32);
    if (i % 2 === 0) pk[31] = pk[31]! | 0x80; // RFC 7748 §5: must be masked
    assert.equal(toHex(x25519PublicKey(sk)), toHex(nobleX.getPublicKey(sk)));
    let want: string;
    try {
      want = toHex(nobleX.getSharedSecret(sk, pk));
    } catch {
      want = "refused";
    }
    let got: string;
    try {
      got = toHex(x25519SharedSecret(sk, pk));
    } catch (e) {
      assert.ok(isFcpError(e, "FCP-2002"));
      got = "refused";
    }
    assert.equal(got, want, `case ${i}`);
  }
});

Deno.test("every small-order peer key (derived from the Edwards torsion points) is refused", () => {
  // Montgomery u = (1 + y) / (1 − y) for each non-identity torsion point; u = 0 is order 2.
  const us = new Set<bigint>([0n]);
  for (const h of ED25519_TORSION_SUBGROUP) {
    const b = fromHex(h);
    b[31] = b[31]! & 0x7f;
    const y = le(b);
    if (y === 1n) continue; // identity: no affine Montgomery point
    us.add(((1n + y) * modPow((1n - y + P) % P, P - 2n)) % P);
  }
  assert.equal(us.size, 4, "u ∈ {0, 1, two of order 8}");
  assert.ok(us.has(1n) && us.has(0n));
  const encodings: Uint8Array[] = [];
  for (const u of [...us, P - 1n]) {
    // u = p − 1 (order 2 twist point) is also low order per RFC 7748 checks
    encodings.push(le32(u));
    if (u < 19n) encodings.push(le32(u + P)); // non-canonical u + p
  }
  const sk = detBytes("x-small", 0, 32);
  for (const e of encodings) {
    for (const top of [0, 0x80]) {
      const pk = e.slice();
      pk[31] = pk[31]! | top;
      assert.throws(
        () => x25519SharedSecret(sk, pk),
        (err) => isFcpError(err, "FCP-2002"),
        toHex(pk),
      );
    }
  }
});

Deno.test("refusals: wrong key lengths are FCP-2002", () => {
  const k = new Uint8Array(32).fill(3);
  for (const n of [0, 31, 33]) {
    assert.throws(() => x25519PublicKey(new Uint8Array(n)), (e) => isFcpError(e, "FCP-2002"));
    assert.throws(
      () => x25519SharedSecret(new Uint8Array(n), x25519PublicKey(k)),
      (e) => isFcpError(e, "FCP-2002"),
    );
    assert.throws(() => x25519SharedSecret(k, new Uint8Array(n)), (e) => isFcpError(e, "FCP-2002"));
  }
});
