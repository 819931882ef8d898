import assert from "node:assert/strict";
import { decodeUtf8, fromBase64, readLimited, toBase64 } from "./encoding.ts";

Deno.test("base64 round-trips every length around the chunk size", () => {
  for (const n of [0, 1, 2, 3, 4, 0x6000 - 1, 0x6000, 0x6000 + 1, 100_000]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    const s = toBase64(bytes);
    assert.equal(s.length, Math.ceil(n / 3) * 4);
    assert.deepEqual(fromBase64(s), bytes);
  }
  for (const bad of ["a", "ab=", "a===", "ab c", "ab-_", "YQ==YQ=="]) {
    assert.equal(fromBase64(bad), undefined, bad);
  }
});

Deno.test("decodeUtf8 refuses invalid sequences and overlong forms", () => {
  assert.equal(decodeUtf8(new Uint8Array([0xc0, 0xaf])), undefined);
  assert.equal(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80])), undefined);
  assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), "\ufeffA");
  assert.equal(decodeUtf8(new Uint8Array([0x41, 0xff]), true), undefined);
});

Deno.test("readLimited reads all of a short body and stops at the limit", async () => {
  const all = await readLimited(new Response("abc"), 3);
  assert.deepEqual([new TextDecoder().decode(all.bytes), all.truncated], ["abc", false]);
  const chunks = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array([1, 2]));
      c.enqueue(new Uint8Array([3, 4]));
      c.enqueue(new Uint8Array([5, 6]));
      c.close();
    },
  });
  const part = await readLimited(new Response(chunks), 3);
  assert.deepEqual([...part.bytes], [1, 2, 3]);
  assert.equal(part.truncated, true);
  const empty = await readLimited(new Response(null), 3);
  assert.deepEqual([empty.bytes.length, empty.truncated], [0, false]);
});
