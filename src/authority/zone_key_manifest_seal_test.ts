import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey, ed25519Sign, randomBytes, x25519PublicKey } from "../crypto/mod.ts";
import { HPKE_PURPOSES, type HpkePurpose, sealForRecipient } from "./hpke_box.ts";
import {
  decodeZoneKeyManifest,
  encodeZoneKeyManifest,
  signZoneKeyManifest,
  type UnsignedZoneKeyManifest,
  type WrappedKey,
  type ZoneKeyManifest,
} from "./zone_key_manifest.ts";
import {
  buildZoneKeyManifest,
  checkManifestRecipients,
  type UnwrapParams,
  unwrapZoneKeyManifest,
} from "./zone_key_manifest_seal.ts";
import { generateObjectIdKey, generateZoneKey } from "./zone_keys.ts";

const NOW = 1_700_000_000;
const ownerSeed = randomBytes(32);
const owner = { signerId: "owner:test", sign: (m: Uint8Array) => ed25519Sign(ownerSeed, m) };
const ownerPk = ed25519PublicKey(ownerSeed);
const nodes = ["node-a", "node-b", "node-c"].map((nodeId) => {
  const sk = randomBytes(32);
  return { nodeId, sk, pk: x25519PublicKey(sk) };
});
const A = nodes[0]!;
const B = nodes[1]!;

function paramsFor(n: { nodeId: string; sk: Uint8Array }, zoneId = "z:work"): UnwrapParams {
  return { zoneId, nodeId: n.nodeId, encryptionSecretKey: n.sk, ownerPublicKey: ownerPk };
}

async function build(zone = "z:work") {
  const zoneKey = generateZoneKey(zone, NOW);
  const objectIdKey = generateObjectIdKey();
  const manifest = await buildZoneKeyManifest({
    zoneKey,
    objectIdKey,
    recipients: nodes.map((n) => ({ nodeId: n.nodeId, encryptionPublicKey: n.pk })),
    issuedAt: NOW,
    signer: owner,
  });
  return { zoneKey, objectIdKey, manifest };
}

/** Re-sign a modified manifest with the owner key, so only the modified part is wrong. */
function resign(m: UnsignedZoneKeyManifest): ZoneKeyManifest {
  return signZoneKeyManifest(m, owner, NOW);
}

async function sealTo(
  n: { nodeId: string; pk: Uint8Array },
  pt: Uint8Array,
  purpose: HpkePurpose,
  zoneId = "z:work",
): Promise<WrappedKey> {
  return {
    recipient: n.nodeId,
    issuedAt: NOW,
    sealed: await sealForRecipient(n.pk, pt, {
      purpose,
      zoneId,
      issuedAt: NOW,
      recipientNodeId: n.nodeId,
    }),
  };
}

Deno.test("wrap/unwrap roundtrip for 3 recipients, through the encoded form", async () => {
  const { zoneKey, objectIdKey, manifest } = await build();
  const decoded = decodeZoneKeyManifest(encodeZoneKeyManifest(manifest));
  assert.equal(decoded.wrappedKeys.length, 3);
  for (const n of nodes) {
    const got = await unwrapZoneKeyManifest(decoded, paramsFor(n));
    assert.deepEqual(got.zoneKey.key, zoneKey.key);
    assert.deepEqual(got.zoneKey.keyId, zoneKey.keyId);
    assert.equal(got.zoneKey.algorithm, "cha_cha20_poly1305");
    assert.deepEqual(got.objectIdKey, objectIdKey);
  }
  // Every recipient got its own box: no two ciphertexts are equal.
  const cts = new Set(manifest.wrappedKeys.map((w) => String(w.sealed.ciphertext)));
  assert.equal(cts.size, 3);
});

Deno.test("refuses: wrong node's secret key (FCP-2014)", async () => {
  const { manifest } = await build();
  await assert.rejects(
    unwrapZoneKeyManifest(manifest, { ...paramsFor(A), encryptionSecretKey: B.sk }),
    (e) => isFcpError(e, "FCP-2014"),
  );
  // B's key under A's name: the AAD names A, the box was sealed to A.
  await assert.rejects(
    unwrapZoneKeyManifest(manifest, { ...paramsFor(B), nodeId: A.nodeId }),
    (e) => isFcpError(e, "FCP-2014"),
  );
});

Deno.test("refuses: node not a recipient (FCP-4005)", async () => {
  const { manifest } = await build();
  const stranger = { nodeId: "node-x", sk: randomBytes(32) };
  await assert.rejects(
    unwrapZoneKeyManifest(manifest, paramsFor(stranger)),
    (e) => isFcpError(e, "FCP-4005"),
  );
  // Recipient of the zone key but not of the ObjectIdKey.
  const partial = resign({
    ...manifest,
    wrappedObjectIdKeys: manifest.wrappedObjectIdKeys.filter((w) => w.recipient !== A.nodeId),
  });
  await assert.rejects(
    unwrapZoneKeyManifest(partial, paramsFor(A)),
    (e) => isFcpError(e, "FCP-4005"),
  );
});

Deno.test("refuses: wrong zone in the AAD (FCP-2014)", async () => {
  const { manifest } = await build();
  const key = randomBytes(32);
  const wrongZone = await sealTo(A, key, HPKE_PURPOSES.ZONE_KEY, "z:private");
  const m = resign({
    ...manifest,
    wrappedKeys: [wrongZone, ...manifest.wrappedKeys.filter((w) => w.recipient !== A.nodeId)],
  });
  await assert.rejects(unwrapZoneKeyManifest(m, paramsFor(A)), (e) => isFcpError(e, "FCP-2014"));
});

Deno.test("refuses: wrong purpose in the AAD (FCP-2014)", async () => {
  const { manifest } = await build();
  const swapped = await sealTo(A, randomBytes(32), HPKE_PURPOSES.OBJECTID_KEY);
  const m = resign({
    ...manifest,
    wrappedKeys: [swapped, ...manifest.wrappedKeys.filter((w) => w.recipient !== A.nodeId)],
  });
  await assert.rejects(unwrapZoneKeyManifest(m, paramsFor(A)), (e) => isFcpError(e, "FCP-2014"));
});

Deno.test("refuses: issued_at changed after sealing (FCP-2014)", async () => {
  const { manifest } = await build();
  const m = resign({
    ...manifest,
    wrappedKeys: manifest.wrappedKeys.map((w) => ({ ...w, issuedAt: w.issuedAt + 1 })),
  });
  await assert.rejects(unwrapZoneKeyManifest(m, paramsFor(A)), (e) => isFcpError(e, "FCP-2014"));
});

Deno.test("refuses: manifest for another zone (FCP-4002)", async () => {
  const { manifest } = await build("z:private");
  await assert.rejects(
    unwrapZoneKeyManifest(manifest, paramsFor(A, "z:work")),
    (e) => isFcpError(e, "FCP-4002"),
  );
  // Header zone disagreeing with zone_id.
  const { manifest: work } = await build();
  const m = resign({ ...work, header: { ...work.header, zoneId: "z:private" } });
  await assert.rejects(unwrapZoneKeyManifest(m, paramsFor(A)), (e) => isFcpError(e, "FCP-4002"));
});

Deno.test("refuses: duplicate recipient (FCP-4006)", async () => {
  const { manifest } = await build();
  const first = manifest.wrappedKeys[0]!;
  const m = resign({ ...manifest, wrappedKeys: [...manifest.wrappedKeys, first] });
  await assert.rejects(
    unwrapZoneKeyManifest(m, paramsFor(A)),
    (e) => isFcpError(e, "FCP-4006") && /duplicate recipient/.test(e.message),
  );
  // A duplicate names another node: still refused, whole-manifest check.
  const dupB = resign({
    ...manifest,
    wrappedObjectIdKeys: [...manifest.wrappedObjectIdKeys, manifest.wrappedObjectIdKeys[1]!],
  });
  await assert.rejects(
    unwrapZoneKeyManifest(dupB, paramsFor(A)),
    (e) => isFcpError(e, "FCP-4006"),
  );
});

Deno.test("refuses: split view, two different boxes for one recipient (FCP-4006)", async () => {
  const { manifest } = await build();
  const other = await sealTo(A, randomBytes(32), HPKE_PURPOSES.ZONE_KEY);
  const m = resign({ ...manifest, wrappedKeys: [...manifest.wrappedKeys, other] });
  await assert.rejects(
    unwrapZoneKeyManifest(m, paramsFor(A)),
    (e) => isFcpError(e, "FCP-4006") && /split view/.test(e.message),
  );
  assert.throws(() => checkManifestRecipients(m), (e) => isFcpError(e, "FCP-4006"));
});

for (const len of [31, 33]) {
  Deno.test(`refuses: ${len}-byte sealed zone key / ObjectIdKey (FCP-4006)`, async () => {
    const { manifest } = await build();
    const badKey = await sealTo(A, randomBytes(len), HPKE_PURPOSES.ZONE_KEY);
    const m1 = resign({
      ...manifest,
      wrappedKeys: [badKey, ...manifest.wrappedKeys.filter((w) => w.recipient !== A.nodeId)],
    });
    await assert.rejects(
      unwrapZoneKeyManifest(m1, paramsFor(A)),
      (e) => isFcpError(e, "FCP-4006") && /32 bytes/.test(e.message),
    );
    const badOid = await sealTo(A, randomBytes(len), HPKE_PURPOSES.OBJECTID_KEY);
    const m2 = resign({
      ...manifest,
      wrappedObjectIdKeys: [
        badOid,
        ...manifest.wrappedObjectIdKeys.filter((w) => w.recipient !== A.nodeId),
      ],
    });
    await assert.rejects(
      unwrapZoneKeyManifest(m2, paramsFor(A)),
      (e) => isFcpError(e, "FCP-4006"),
    );
  });
}

Deno.test("refuses: tampered signature (FCP-2001)", async () => {
  const { manifest } = await build();
  const sig = manifest.signature.signature.slice();
  sig[10]! ^= 1;
  const m = { ...manifest, signature: { ...manifest.signature, signature: sig } };
  await assert.rejects(unwrapZoneKeyManifest(m, paramsFor(A)), (e) => isFcpError(e, "FCP-2001"));
});

Deno.test("refuses: tampered wrapped key (FCP-2001 signed, FCP-2014 if re-signed)", async () => {
  const { manifest } = await build();
  const w = manifest.wrappedKeys[0]!;
  const ct = w.sealed.ciphertext.slice();
  ct[0]! ^= 0x80;
  const tampered = {
    ...manifest,
    wrappedKeys: [
      { ...w, sealed: { ...w.sealed, ciphertext: ct } },
      ...manifest.wrappedKeys.slice(1),
    ],
  };
  await assert.rejects(
    unwrapZoneKeyManifest(tampered, paramsFor(A)),
    (e) => isFcpError(e, "FCP-2001"),
  );
  await assert.rejects(
    unwrapZoneKeyManifest(resign(tampered), paramsFor(A)),
    (e) => isFcpError(e, "FCP-2014"),
  );
});

Deno.test("refuses: tampered manifest field (FCP-2001)", async () => {
  const { manifest } = await build();
  for (
    const m of [
      { ...manifest, validFrom: manifest.validFrom + 1 },
      { ...manifest, algorithm: "x_cha_cha20_poly1305" as const },
      { ...manifest, zoneKeyId: randomBytes(8) },
      { ...manifest, prevZoneKeyId: randomBytes(8) },
    ]
  ) {
    await assert.rejects(
      unwrapZoneKeyManifest(m, paramsFor(A)),
      (e) => isFcpError(e, "FCP-2001"),
    );
  }
});

Deno.test("refuses: manifest signed by a non-owner key (FCP-2001)", async () => {
  const { manifest } = await build();
  const mallorySeed = randomBytes(32);
  const forged = signZoneKeyManifest(manifest, {
    signerId: owner.signerId,
    sign: (m) => ed25519Sign(mallorySeed, m),
  }, NOW);
  await assert.rejects(
    unwrapZoneKeyManifest(forged, paramsFor(A)),
    (e) => isFcpError(e, "FCP-2001"),
  );
  // It does verify under the forger's own key: only the owner key is trusted.
  await unwrapZoneKeyManifest(forged, {
    ...paramsFor(A),
    ownerPublicKey: ed25519PublicKey(mallorySeed),
  });
});

Deno.test("build refuses no recipients and a recipient listed twice (FCP-1040)", async () => {
  const base = {
    zoneKey: generateZoneKey("z:work", NOW),
    objectIdKey: generateObjectIdKey(),
    issuedAt: NOW,
    signer: owner,
  };
  await assert.rejects(
    buildZoneKeyManifest({ ...base, recipients: [] }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  const r = { nodeId: A.nodeId, encryptionPublicKey: A.pk };
  await assert.rejects(
    buildZoneKeyManifest({ ...base, recipients: [r, r] }),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("rotation manifest links prev_zone_key_id and keeps the ObjectIdKey", async () => {
  const { zoneKey, objectIdKey } = await build();
  const next = generateZoneKey("z:work", NOW + 60, { avoidIds: [zoneKey.keyId] });
  const m = await buildZoneKeyManifest({
    zoneKey: next,
    objectIdKey,
    recipients: [{ nodeId: A.nodeId, encryptionPublicKey: A.pk }],
    issuedAt: NOW + 60,
    signer: owner,
    prevZoneKeyId: zoneKey.keyId,
  });
  const decoded = decodeZoneKeyManifest(encodeZoneKeyManifest(m));
  assert.deepEqual(decoded.prevZoneKeyId, zoneKey.keyId);
  const got = await unwrapZoneKeyManifest(decoded, paramsFor(A));
  assert.notDeepEqual(got.zoneKey.keyId, zoneKey.keyId);
  assert.deepEqual(got.objectIdKey, objectIdKey);
});

Deno.test("refuses: valid_until not after valid_from (FCP-4006)", async () => {
  const { manifest } = await build();
  const m = resign({ ...manifest, validUntil: manifest.validFrom });
  await assert.rejects(unwrapZoneKeyManifest(m, paramsFor(A)), (e) => isFcpError(e, "FCP-4006"));
  const ok = resign({ ...manifest, validUntil: manifest.validFrom + 1 });
  assert.equal((await unwrapZoneKeyManifest(ok, paramsFor(A))).zoneKey.validUntil, NOW + 1);
});
