import assert from "node:assert/strict";
import { concatBytes, isFcpError, toHex } from "../core/mod.ts";
import { encodeCbor } from "./encode.ts";
import { decodePrefixed, encodePrefixed } from "./prefixed.ts";

const H = new Uint8Array(32).map((_, i) => i);

Deno.test("encodePrefixed is prefix ‖ C(value)", () => {
  const v = { name: "test", id: 12345, active: true };
  const out = encodePrefixed(H, v);
  assert.deepEqual(out, concatBytes(H, encodeCbor(v)));
  assert.equal(toHex(out.subarray(32)), "a3626964193039646e616d65647465737466616374697665f5");
});

Deno.test("decodePrefixed round-trips and checks the prefix (FCP-1011)", () => {
  const bytes = encodePrefixed(H, [1, "a"]);
  assert.deepEqual(decodePrefixed(bytes, H), [1, "a"]);
  const other = H.slice();
  other[31] = 0xff;
  assert.throws(
    () => decodePrefixed(bytes, other),
    (e) => isFcpError(e, "FCP-1011") && /does not match/.test(e.detail),
  );
  assert.throws(() => decodePrefixed(H.subarray(0, 31), H), (e) => isFcpError(e, "FCP-1011"));
});

Deno.test("decodePrefixed applies the strict decoder to the rest, offsets count the prefix", () => {
  assert.throws(
    () => decodePrefixed(H, H),
    (e) => isFcpError(e, "FCP-1001") && /offset 32/.test(e.detail),
  );
  assert.throws(
    () => decodePrefixed(concatBytes(H, new Uint8Array([0x18, 0x00])), H),
    (e) => isFcpError(e, "FCP-1002") && /offset 32/.test(e.detail),
  );
  assert.throws(
    () => decodePrefixed(concatBytes(H, new Uint8Array([0x00, 0x00])), H),
    (e) => isFcpError(e, "FCP-1009") && /offset 33/.test(e.detail),
  );
  // maxBytes bounds the CBOR part on both sides.
  assert.equal(encodePrefixed(H, new Uint8Array(3), { maxBytes: 4 }).length, 36);
  assert.throws(
    () => encodePrefixed(H, new Uint8Array(3), { maxBytes: 3 }),
    (e) => isFcpError(e, "FCP-1008"),
  );
  const b = encodePrefixed(H, new Uint8Array(3));
  assert.deepEqual(decodePrefixed(b, H, { maxBytes: 4 }), new Uint8Array(3));
  assert.throws(() => decodePrefixed(b, H, { maxBytes: 3 }), (e) => isFcpError(e, "FCP-1008"));
});

Deno.test("a prefix that is not 32 bytes is a caller error (FCP-1040)", () => {
  assert.throws(() => encodePrefixed(new Uint8Array(31), 1), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(
    () => decodePrefixed(new Uint8Array(40), new Uint8Array(33)),
    (e) => isFcpError(e, "FCP-1040"),
  );
});
