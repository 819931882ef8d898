import assert from "node:assert/strict";
import { decodeCbor, decodePrefixed, encodeCbor, encodePrefixed } from "../cbor/mod.ts";
import { concatBytes, isFcpError, toHex, utf8 } from "../core/mod.ts";
import { ed25519PublicKey, ed25519Sign } from "../crypto/mod.ts";
import { originProvenance, schemaHash } from "../model/mod.ts";
import {
  decodeZoneKeyManifest,
  encodeZoneKeyManifest,
  signZoneKeyManifest,
  unsignedManifestToCbor,
  verifyZoneKeyManifestSignature,
  ZONE_KEY_MANIFEST_SCHEMA,
  type ZoneKeyManifest,
  zoneKeyManifestFromCbor,
  zoneKeyManifestSigningBytes,
  zoneKeyManifestToCbor,
} from "./zone_key_manifest.ts";

const seed = new Uint8Array(32).fill(7);
const signer = { signerId: "owner:abc", sign: (m: Uint8Array) => ed25519Sign(seed, m) };
const box = { enc: new Uint8Array(32).fill(0x11), ciphertext: new Uint8Array(48).fill(0x22) };

function sample(): ZoneKeyManifest {
  return signZoneKeyManifest(
    {
      header: {
        schema: ZONE_KEY_MANIFEST_SCHEMA,
        zoneId: "z:work",
        createdAt: 1_700_000_000,
        provenance: originProvenance("z:work"),
        refs: [],
        foreignRefs: [],
      },
      zoneId: "z:work",
      zoneKeyId: new Uint8Array(8).fill(1),
      objectIdKeyId: new Uint8Array(8).fill(2),
      algorithm: "x_cha_cha20_poly1305",
      validFrom: 1_700_000_000,
      validUntil: 1_800_000_000,
      prevZoneKeyId: new Uint8Array(8).fill(3),
      wrappedKeys: [{ recipient: "node-a", issuedAt: 1_700_000_000, sealed: box }],
      wrappedObjectIdKeys: [{ recipient: "node-a", issuedAt: 1_700_000_000, sealed: box }],
      rekeyPolicy: {
        epochRatchet: false,
        retainEpochs: 4,
        rewrapOnMembershipChange: true,
        rotateObjectIdKeyOnMembershipChange: false,
      },
    },
    signer,
    1_700_000_001,
  );
}

Deno.test("manifest CBOR has exactly the WIRE.md §7 fields, in canonical order", () => {
  const m = sample();
  const bytes = encodeCbor(zoneKeyManifestToCbor(m));
  const v = decodeCbor(bytes) as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), [
    "kem",
    "header",
    "zone_id",
    "algorithm",
    "signature",
    "valid_from",
    "valid_until",
    "zone_key_id",
    "rekey_policy",
    "wrapped_keys",
    "object_id_key_id",
    "prev_zone_key_id",
    "wrapped_object_id_keys",
  ]);
  assert.equal(v.kem, "hpke_x25519");
  assert.equal(v.algorithm, "x_cha_cha20_poly1305");
  assert.equal(toHex(v.zone_key_id as Uint8Array), "0101010101010101");
  const w = (v.wrapped_keys as Record<string, unknown>[])[0]!;
  assert.deepEqual(w, {
    sealed: { enc: "11".repeat(32), ciphertext: "22".repeat(48) },
    issued_at: 1_700_000_000,
    recipient: "node-a",
  });
  assert.deepEqual(Object.keys(v.signature as object), ["node_id", "signature", "signed_at"]);
  assert.deepEqual(v.rekey_policy, {
    epoch_ratchet: false,
    retain_epochs: 4,
    rewrap_on_membership_change: true,
    rotate_object_id_key_on_membership_change: false,
  });
});

Deno.test("optional fields are omitted when absent; kem is always emitted", () => {
  const m = sample();
  const { validUntil: _a, prevZoneKeyId: _b, rekeyPolicy: _c, ...rest } = m;
  const v = decodeCbor(encodeCbor(zoneKeyManifestToCbor(rest))) as Record<string, unknown>;
  assert.equal("valid_until" in v, false);
  assert.equal("prev_zone_key_id" in v, false);
  assert.equal("rekey_policy" in v, false);
  assert.equal("wrapped_keys_v4" in v, false);
  assert.equal(v.kem, "hpke_x25519");
});

Deno.test("encode/decode roundtrip is exact and prefixed with the schema hash", () => {
  const m = sample();
  const bytes = encodeZoneKeyManifest(m);
  assert.deepEqual(bytes.slice(0, 32), schemaHash(ZONE_KEY_MANIFEST_SCHEMA));
  const back = decodeZoneKeyManifest(bytes);
  assert.deepEqual(back, m);
  assert.deepEqual(encodeZoneKeyManifest(back), bytes);
});

Deno.test("signing bytes: FCP2-SIGN-V1 ‖ hash8 61076197fdd900bf ‖ canonical unsigned view", () => {
  const m = sample();
  const sb = zoneKeyManifestSigningBytes(m);
  assert.deepEqual(sb.slice(0, 12), utf8("FCP2-SIGN-V1"));
  assert.equal(toHex(sb.slice(12, 20)), "61076197fdd900bf");
  const unsigned = decodeCbor(sb.slice(20)) as Record<string, unknown>;
  assert.equal("signature" in unsigned, false);
  assert.equal(unsigned.kem, "hpke_x25519");
  assert.deepEqual(sb.slice(20), encodeCbor(unsignedManifestToCbor(m)));
  verifyZoneKeyManifestSignature(m, ed25519PublicKey(seed));
});

Deno.test("signature covers every field, including the wrapped keys", () => {
  const m = sample();
  const pk = ed25519PublicKey(seed);
  const w = m.wrappedKeys[0]!;
  const variants: ZoneKeyManifest[] = [
    { ...m, zoneId: "z:private", header: { ...m.header, zoneId: "z:private" } },
    { ...m, validUntil: 1_800_000_001 },
    { ...m, objectIdKeyId: new Uint8Array(8).fill(9) },
    { ...m, wrappedKeys: [{ ...w, recipient: "node-b" }] },
    { ...m, wrappedObjectIdKeys: [] },
    { ...m, rekeyPolicy: { ...m.rekeyPolicy!, epochRatchet: true } },
  ];
  for (const v of variants) {
    assert.throws(() => verifyZoneKeyManifestSignature(v, pk), (e) => isFcpError(e, "FCP-2001"));
  }
  // signed_at is outside the unsigned view (signature removed entirely).
  verifyZoneKeyManifestSignature({ ...m, signature: { ...m.signature, signedAt: 5 } }, pk);
});

Deno.test("decode refuses unknown kem, wrapped_keys_v4, unknown fields, bad algorithm", () => {
  const base = zoneKeyManifestToCbor(sample()) as Record<string, unknown>;
  const cases: [Record<string, unknown>, string][] = [
    [{ ...base, kem: "ml_kem_768" }, "FCP-4006"],
    [{ ...base, wrapped_keys_v4: [] }, "FCP-4006"],
    [{ ...base, extra: 1 }, "FCP-1013"],
    [{ ...base, algorithm: "chacha20poly1305" }, "FCP-1013"],
    [{ ...base, zone_key_id: new Uint8Array(7) }, "FCP-1013"],
    [
      { ...base, wrapped_keys: [{ recipient: "n", issued_at: 1, sealed: { enc: "AB" } }] },
      "FCP-1013",
    ],
  ];
  for (const [v, code] of cases) {
    assert.throws(
      () => zoneKeyManifestFromCbor(v as never),
      (e) => isFcpError(e, code as never),
      code,
    );
  }
  // kem absent (older encoder) is accepted as hpke_x25519.
  const { kem: _k, ...noKem } = base;
  assert.equal(zoneKeyManifestFromCbor(noKem as never).zoneId, "z:work");
});

Deno.test("decode refuses a manifest whose header schema is another type (FCP-1011)", () => {
  const m = zoneKeyManifestToCbor(sample()) as Record<string, Record<string, unknown>>;
  const header = {
    ...m.header!,
    schema: { namespace: "fcp.zone", name: "Other", version: "1.0.0" },
  };
  assert.throws(
    () => zoneKeyManifestFromCbor({ ...m, header } as never),
    (e) => isFcpError(e, "FCP-1011"),
  );
});

Deno.test("decode refuses the wrong schema prefix and non-canonical bytes", () => {
  const m = sample();
  const wrongPrefix = encodePrefixed(new Uint8Array(32), zoneKeyManifestToCbor(m));
  assert.throws(() => decodeZoneKeyManifest(wrongPrefix), (e) => isFcpError(e, "FCP-1011"));
  const v = zoneKeyManifestToCbor(m) as Record<string, unknown>;
  const reversed = Object.fromEntries(Object.entries(v).reverse()) as never;
  const nonCanonical = concatBytes(
    schemaHash(ZONE_KEY_MANIFEST_SCHEMA),
    encodeCbor(reversed, { preserveKeyOrder: true }),
  );
  assert.throws(() => decodeZoneKeyManifest(nonCanonical), (e) => isFcpError(e, "FCP-1002"));
  assert.ok(decodePrefixed(encodeZoneKeyManifest(m), schemaHash(ZONE_KEY_MANIFEST_SCHEMA)));
});
