/**
 * Issue 2 §5, one test per bad-input case, end to end on the real thing: a serialized object
 * (`SchemaHash(32) ‖ canonical CBOR`, WIRE.md §1) holding an ObjectHeader, ZoneIds, and the
 * Ed25519 keys and signatures of the crypto layer. Each case must end in its stable code, as
 * an FcpError (never a TypeError, RangeError or a hang), and quickly.
 */
import assert from "node:assert/strict";
import { type CborValue, decodePrefixed, encodeCbor, encodePrefixed } from "../cbor/mod.ts";
import { concatBytes, type ErrorCode, fromHex, isFcpError, utf8 } from "../core/mod.ts";
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "../crypto/mod.ts";
import { keyId } from "./key_id.ts";
import { headerFromCbor, headerToCbor, type ObjectHeader } from "./object_header.ts";
import { objectIdKeyed, objectIdUnscoped } from "./object_id.ts";
import { schemaHash } from "./schema.ts";
import { isZoneId, parseZoneId, zoneIdHash, zoneToTailscaleTag } from "./zone_id.ts";

const header: ObjectHeader = {
  schema: { namespace: "fcp.core", name: "AuditEvent", version: "1.0.0" },
  zoneId: "z:work",
  createdAt: 1_767_225_600,
  provenance: { originZone: "z:work", chain: [], taint: "Untainted", elevated: false },
  refs: [objectIdUnscoped(utf8("a"))],
  foreignRefs: [],
};
const H = schemaHash(header.schema);
const good = encodePrefixed(H, headerToCbor(header));

/** What a reader of a serialized header does: check the prefix, decode strictly, check shape. */
function readHeader(bytes: Uint8Array): ObjectHeader {
  return headerFromCbor(decodePrefixed(bytes, H));
}

/** A refusal is an FcpError with `code`, within `ms` milliseconds (generous: shared machine). */
function refused(f: () => unknown, code: ErrorCode, what: string, ms = 1000): void {
  const t0 = performance.now();
  assert.throws(f, (e) => isFcpError(e, code), `${what}: expected ${code}`);
  const took = performance.now() - t0;
  assert.ok(took < ms, `${what}: took ${took.toFixed(0)} ms`);
}

/** The serialized header with its CBOR part replaced by `cbor`. */
function withBody(cbor: Uint8Array): Uint8Array {
  return concatBytes(H, cbor);
}

/** Hex of the CBOR text string `s` (short strings only). */
function textHex(s: string): string {
  const b = utf8(s);
  assert.ok(b.length < 24);
  return (0x60 + b.length).toString(16) + Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("");
}

Deno.test("the well-formed serialized header is accepted (the baseline of every case)", () => {
  assert.deepEqual(readHeader(good), header);
});

Deno.test("§5 non-canonical CBOR → FCP-1002", () => {
  const value = headerToCbor(header) as Record<string, CborValue>;
  // keys in insertion order instead of bytewise order
  const unsorted = encodeCbor(
    { created_at: value.created_at!, ...value },
    { preserveKeyOrder: true },
  );
  refused(() => readHeader(withBody(unsorted)), "FCP-1002", "unsorted map keys");
  // created_at 1767225600 = 1a 6955b900; the same number in the 8-byte form
  const canonical = encodeCbor(value);
  const at = findBytes(canonical, fromHex(textHex("created_at") + "1a"));
  const longForm = concatBytes(
    canonical.subarray(0, at + 11),
    fromHex("1b00000000"),
    canonical.subarray(at + 12),
  );
  refused(() => readHeader(withBody(longForm)), "FCP-1002", "non-shortest integer");
  // a non-shortest float and -0.0 anywhere in an object
  refused(() => decodePrefixed(withBody(fromHex("fa3fc00000")), H), "FCP-1002", "f32 1.5");
  refused(() => decodePrefixed(withBody(fromHex("f98000")), H), "FCP-1002", "-0.0");
  // non-shortest length of a byte string
  refused(() => decodePrefixed(withBody(fromHex("5801ff")), H), "FCP-1002", "bstr length");
});

Deno.test("§5 truncated CBOR → FCP-1001 (or FCP-1008 for a length past the end), FCP-1011 inside the prefix", () => {
  for (let n = 0; n < good.length; n++) {
    const cut = good.subarray(0, n);
    const codes: ErrorCode[] = n < 32 ? ["FCP-1011"] : ["FCP-1001", "FCP-1008"];
    const t0 = performance.now();
    assert.throws(
      () => readHeader(cut),
      (e) => codes.some((c) => isFcpError(e, c)),
      `cut at ${n} of ${good.length}`,
    );
    assert.ok(performance.now() - t0 < 1000);
  }
  refused(() => readHeader(withBody(fromHex("a8"))), "FCP-1008", "map header, no entries");
  refused(() => readHeader(withBody(fromHex("19"))), "FCP-1001", "head cut short");
});

Deno.test("§5 oversized declared length → FCP-1008 before any allocation, quickly", () => {
  for (
    const h of [
      "5bffffffffffffffff", // byte string of 2^64-1 bytes
      "7bffffffffffffffff", // text string of 2^64-1 bytes
      "9bffffffffffffffff", // array of 2^64-1 items
      "bbffffffffffffffff", // map of 2^64-1 entries
      "5affffffff", // 4 GiB byte string
      "a1" + textHex("refs") + "9a7fffffff" + "00", // refs: 2^31-1 items, one present
    ]
  ) {
    refused(() => readHeader(withBody(fromHex(h))), "FCP-1008", h, 200);
  }
  // a whole object beyond the size limit is refused before decoding starts
  const big = encodePrefixed(H, new Uint8Array(1 << 20));
  refused(() => decodePrefixed(big, H, { maxBytes: 1 << 19 }), "FCP-1008", "over maxBytes");
});

Deno.test("§5 deeply nested CBOR → FCP-1007, quickly, without overflowing the stack", () => {
  const nested = (n: number) => new Uint8Array(n + 1).fill(0x81, 0, n);
  refused(() => decodePrefixed(withBody(nested(129)), H), "FCP-1007", "129 arrays");
  refused(() => decodePrefixed(withBody(nested(1_000_000)), H), "FCP-1007", "10^6 arrays");
  const maps = fromHex("a1" + textHex("a")).length;
  const deepMaps = new Uint8Array(maps * 200 + 1);
  for (let i = 0; i < 200; i++) deepMaps.set(fromHex("a1" + textHex("a")), i * maps);
  refused(() => decodePrefixed(withBody(deepMaps), H), "FCP-1007", "200 maps");
  // nesting inside a header field: provenance.chain holding 200 nested arrays
  const deep: CborValue = Array.from({ length: 200 }).reduce<CborValue>((v) => [v], 0);
  const value = headerToCbor(header) as Record<string, CborValue>;
  const provenance = value.provenance as Record<string, CborValue>;
  refused(
    () => encodePrefixed(H, { ...value, provenance: { ...provenance, chain: [deep] } }),
    "FCP-1007",
    "encoding refuses it too",
  );
});

Deno.test("§5 wrong SchemaHash prefix → FCP-1011", () => {
  const other = schemaHash({ namespace: "fcp.core", name: "AuditEvent", version: "1.0.1" });
  refused(() => decodePrefixed(good, other), "FCP-1011", "another schema's hash");
  const flipped = good.slice();
  flipped[31] = flipped[31]! ^ 1;
  refused(() => readHeader(flipped), "FCP-1011", "one bit of the prefix");
  refused(() => readHeader(encodeCbor(headerToCbor(header))), "FCP-1011", "no prefix at all");
  refused(() => readHeader(good.subarray(0, 31)), "FCP-1011", "shorter than a prefix");
});

Deno.test("§5 trailing garbage → FCP-1009", () => {
  refused(() => readHeader(concatBytes(good, fromHex("00"))), "FCP-1009", "one byte");
  refused(() => readHeader(concatBytes(good, fromHex("ff"))), "FCP-1009", "a break byte");
  refused(
    () => readHeader(concatBytes(good, good.subarray(32))),
    "FCP-1009",
    "a second object",
  );
});

Deno.test("§5 invalid ZoneIds → FCP-4001, in the API and inside a decoded header", () => {
  for (
    const z of ["", "work", "z:", "Z:work", "z:Work", "z:wörk", "z:a_b", "z:a::b", "z:proj-x"]
  ) {
    refused(() => parseZoneId(z), "FCP-4001", JSON.stringify(z));
    refused(() => zoneIdHash(z), "FCP-4001", `hash of ${JSON.stringify(z)}`);
    refused(() => zoneToTailscaleTag(z), "FCP-4001", `tag of ${JSON.stringify(z)}`);
    assert.ok(!isZoneId(z));
  }
  const value = headerToCbor(header) as Record<string, CborValue>;
  const bad = encodePrefixed(H, { ...value, zone_id: "z:Work" });
  refused(() => readHeader(bad), "FCP-4001", "zone_id in a header");
  refused(() => readHeader(encodePrefixed(H, { ...value, zone_id: 7 })), "FCP-1013", "not text");
});

Deno.test("§5 wrong-length keys → FCP-2002", () => {
  const seed = new Uint8Array(32).fill(1);
  const pk = ed25519PublicKey(seed);
  const sig = ed25519Sign(seed, utf8("m"));
  for (const n of [0, 16, 31, 33, 64]) {
    const k = new Uint8Array(n).fill(1);
    refused(() => ed25519PublicKey(k), "FCP-2002", `Ed25519 seed of ${n}`);
    refused(() => ed25519Sign(k, utf8("m")), "FCP-2002", `signing seed of ${n}`);
    refused(() => ed25519Verify(k, utf8("m"), sig), "FCP-2002", `public key of ${n}`);
    refused(() => keyId(k), "FCP-2002", `kid of a ${n}-byte key`);
    refused(() => objectIdKeyed(k, "z:work", H, utf8("x")), "FCP-2002", `ObjectIdKey of ${n}`);
  }
  assert.ok(ed25519Verify(pk, utf8("m"), sig));
});

Deno.test("§5 wrong-length signatures → FCP-2001", () => {
  const seed = new Uint8Array(32).fill(2);
  const pk = ed25519PublicKey(seed);
  const sig = ed25519Sign(seed, utf8("m"));
  for (const n of [0, 1, 32, 63, 65, 128]) {
    const s = new Uint8Array(n);
    s.set(sig.subarray(0, Math.min(n, 64)));
    refused(() => ed25519Verify(pk, utf8("m"), s), "FCP-2001", `signature of ${n} bytes`);
  }
  // right length, wrong bytes: not an error, just false
  assert.equal(ed25519Verify(pk, utf8("m"), sig.with(0, sig[0]! ^ 1)), false);
});

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error("needle not found");
}
