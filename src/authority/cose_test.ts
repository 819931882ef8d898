import assert from "node:assert/strict";
import { CborTag, type CborValue, encodeCbor } from "../cbor/mod.ts";
import { concatBytes, isFcpError, toHex } from "../core/mod.ts";
import {
  coseProtectedHeader,
  coseSign1,
  coseSigStructure,
  MAX_TOKEN_PAYLOAD_BYTES,
  parseCoseSign1,
  verifyCoseSign1,
} from "./cose.ts";
import { Ed25519Key } from "./keys.ts";

const key = new Ed25519Key(new Uint8Array(32).fill(2));
const payload = encodeCbor(new Map<CborValue, CborValue>([[-65552, 1]]));
const signed = coseSign1(payload, key);

/** A COSE_Sign1 array with chosen parts, signed correctly over the chosen protected bytes. */
function build(
  protectedBytes: Uint8Array,
  unprotected: CborValue = new Map(),
  body: Uint8Array = payload,
): Uint8Array {
  const sig = key.sign(coseSigStructure(protectedBytes, body));
  return encodeCbor([protectedBytes, unprotected, body, sig]);
}

const isMalformed = (e: unknown) => isFcpError(e, "FCP-2007");

Deno.test("cose: untagged array with protected a2 01 27 04 48 kid", () => {
  assert.equal(signed.token[0], 0x84);
  assert.equal(toHex(signed.protectedBytes), "a201270448" + toHex(key.kid));
  const p = parseCoseSign1(signed.token);
  assert.deepEqual(p.kid, key.kid);
  assert.deepEqual(p.payload, payload);
  assert.ok(verifyCoseSign1(p, key.publicKey));
  // A token rebuilt by hand from the same parts is the same bytes.
  assert.deepEqual(build(coseProtectedHeader(key.kid)), signed.token);
});

Deno.test("cose refused: tag-18 wrapped token (FCP-2007)", () => {
  const tagged = concatBytes(new Uint8Array([0xd2]), signed.token);
  assert.throws(() => parseCoseSign1(tagged), isMalformed);
  const viaEncoder = encodeCbor(
    new CborTag(18, [signed.protectedBytes, new Map(), payload, signed.signature]),
    { allowTags: true },
  );
  assert.deepEqual(viaEncoder, tagged);
  assert.throws(() => parseCoseSign1(viaEncoder), isMalformed);
});

Deno.test("cose refused: tag on the protected bstr (FCP-2007)", () => {
  const t = encodeCbor([
    new CborTag(24, signed.protectedBytes),
    new Map(),
    payload,
    signed.signature,
  ], {
    allowTags: true,
  });
  assert.throws(() => parseCoseSign1(t), isMalformed);
});

Deno.test("cose refused: alg other than EdDSA (FCP-2007)", () => {
  const es256 = encodeCbor(new Map<CborValue, CborValue>([[1, -7], [4, key.kid]]));
  assert.throws(
    () => parseCoseSign1(build(es256)),
    (e) => isMalformed(e) && /EdDSA/.test(String(e)),
  );
});

Deno.test("cose refused: protected header without alg (FCP-2007)", () => {
  const noAlg = encodeCbor(new Map<CborValue, CborValue>([[4, key.kid]]));
  assert.throws(() => parseCoseSign1(build(noAlg)), isMalformed);
});

Deno.test("cose refused: crit or unknown protected parameters (FCP-2007)", () => {
  const crit = encodeCbor(new Map<CborValue, CborValue>([[1, -8], [2, [1]], [4, key.kid]]));
  assert.throws(() => parseCoseSign1(build(crit)), (e) => isMalformed(e) && /crit/.test(String(e)));
  const extra = encodeCbor(new Map<CborValue, CborValue>([[1, -8], [4, key.kid], [99, 1]]));
  assert.throws(() => parseCoseSign1(build(extra)), isMalformed);
});

Deno.test("cose refused: kid of the wrong length (FCP-2007)", () => {
  const shortKid = encodeCbor(new Map<CborValue, CborValue>([[1, -8], [4, key.kid.slice(0, 7)]]));
  assert.throws(() => parseCoseSign1(build(shortKid)), isMalformed);
});

Deno.test("cose refused: alg or kid in the unprotected header (FCP-2007)", () => {
  const p = coseProtectedHeader(key.kid);
  const algUnprot = new Map<CborValue, CborValue>([[1, -8]]);
  assert.throws(() => parseCoseSign1(build(p, algUnprot)), isMalformed);
  const kidUnprot = new Map<CborValue, CborValue>([[4, key.kid]]);
  assert.throws(() => parseCoseSign1(build(p, kidUnprot)), isMalformed);
  assert.throws(() => parseCoseSign1(build(p, { x: 1 })), isMalformed);
});

Deno.test("cose refused: non-canonical protected header bytes (FCP-2007)", () => {
  // {4: kid, 1: -8}: keys out of order.
  const reordered = concatBytes(
    new Uint8Array([0xa2, 0x04, 0x48]),
    key.kid,
    new Uint8Array([0x01, 0x27]),
  );
  assert.throws(() => parseCoseSign1(build(reordered)), isMalformed);
});

Deno.test("cose refused: wrong array shape, truncation, garbage (FCP-2007)", () => {
  assert.throws(
    () => parseCoseSign1(encodeCbor([signed.protectedBytes, new Map(), payload])),
    isMalformed,
  );
  assert.throws(() => parseCoseSign1(signed.token.slice(0, -1)), isMalformed);
  assert.throws(() => parseCoseSign1(signed.token.slice(0, 10)), isMalformed);
  assert.throws(() => parseCoseSign1(new Uint8Array()), isMalformed);
  assert.throws(() => parseCoseSign1(new Uint8Array([0xff, 0x00, 0x13])), isMalformed);
  assert.throws(() => parseCoseSign1(concatBytes(signed.token, new Uint8Array([0]))), isMalformed);
  const shortSig = encodeCbor([signed.protectedBytes, new Map(), payload, new Uint8Array(63)]);
  assert.throws(() => parseCoseSign1(shortSig), isMalformed);
  const textPayload = encodeCbor([signed.protectedBytes, new Map(), "x", signed.signature]);
  assert.throws(() => parseCoseSign1(textPayload), isMalformed);
});

Deno.test("cose refused: payload over 64 KiB (FCP-2007)", () => {
  const big = new Uint8Array(MAX_TOKEN_PAYLOAD_BYTES + 1);
  const t = encodeCbor([signed.protectedBytes, new Map(), big, signed.signature]);
  assert.throws(() => parseCoseSign1(t), isMalformed);
});
