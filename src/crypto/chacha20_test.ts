import assert from "node:assert/strict";
import { chacha20 } from "@noble/ciphers/chacha.js";
import { isFcpError, toHex } from "../core/mod.ts";
import { chacha20Keystream } from "./chacha20.ts";
import { detBytes } from "./_test_util.ts";

Deno.test("chacha20Keystream equals @noble/ciphers chacha20 (nonce 0, counter 0) over several blocks", () => {
  for (let i = 0; i < 10; i++) {
    const key = detBytes("ks", i, 32);
    const n = i * 61;
    const want = chacha20(key, new Uint8Array(12), new Uint8Array(n));
    assert.equal(toHex(chacha20Keystream(key, n)), toHex(want));
  }
});

Deno.test("refusals: key length FCP-2002, length FCP-1040", () => {
  assert.throws(() => chacha20Keystream(new Uint8Array(16), 32), (e) => isFcpError(e, "FCP-2002"));
  for (const n of [-1, 1.5, (1 << 24) + 1]) {
    assert.throws(() => chacha20Keystream(new Uint8Array(32), n), (e) => isFcpError(e, "FCP-1040"));
  }
});
