import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { randomBytes } from "./random.ts";

Deno.test("randomBytes: lengths, plain Uint8Array, not constant", () => {
  assert.equal(randomBytes(0).length, 0);
  const big = randomBytes(100_000); // above getRandomValues' 65536 limit
  assert.equal(big.length, 100_000);
  assert.equal(Object.getPrototypeOf(big), Uint8Array.prototype);
  const seen = new Set<number>(big);
  assert.ok(seen.size > 200, "bytes are spread out");
});

Deno.test("refusals: randomBytes count outside 0..16 MiB is FCP-1040", () => {
  for (const n of [-1, 1.5, (1 << 24) + 1, Number.NaN]) {
    assert.throws(() => randomBytes(n), (e) => isFcpError(e, "FCP-1040"));
  }
});
