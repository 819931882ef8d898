import assert from "node:assert/strict";
import { decodeCbor } from "../cbor/mod.ts";
import { isFcpError, toHex } from "../core/mod.ts";
import { STANDARD_ZONES } from "../model/mod.ts";
import { Ed25519Key, X25519Key } from "./keys.ts";
import { openKeystore } from "./keystore.ts";
import { decodeZoneKeyManifest } from "./zone_key_manifest.ts";
import { buildZoneKeyManifest, unwrapZoneKeyManifest } from "./zone_key_manifest_seal.ts";
import {
  createStandardZones,
  memoryZoneKeyStore,
  ZONE_KEYS_FILE,
  ZoneKeyring,
  type ZoneKeyringIdentity,
} from "./zone_keyring.ts";
import { generateObjectIdKey, generateZoneKey } from "./zone_keys.ts";

const NOW = 1_700_000_000;

function identity(nodeId = "node-a", owner = Ed25519Key.generate()): ZoneKeyringIdentity & {
  encryption: X25519Key;
  owner: Ed25519Key;
} {
  return { nodeId, encryption: X25519Key.generate(), owner };
}

Deno.test("createStandardZones: five zones, each manifest verifies and unwraps for this node", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  assert.deepEqual(ring.zoneIds(), [...STANDARD_ZONES].sort());
  const keyIds = new Set<string>();
  for (const zone of STANDARD_ZONES) {
    const m = ring.manifest(zone);
    assert.equal(m.zoneId, zone);
    assert.equal(m.signature.nodeId, `owner:${toHex(id.owner.kid)}`);
    const got = await unwrapZoneKeyManifest(m, {
      zoneId: zone,
      nodeId: id.nodeId,
      encryptionSecretKey: id.encryption.exportSecret(),
      ownerPublicKey: id.owner.publicKey,
    });
    assert.deepEqual(got.zoneKey.key, ring.activeZoneKey(zone).key);
    assert.deepEqual(got.objectIdKey.key, ring.objectIdKey(zone).key);
    keyIds.add(toHex(got.zoneKey.keyId));
  }
  assert.equal(keyIds.size, 5, "zone key ids are random and distinct");
  const zoneKeys = new Set(STANDARD_ZONES.map((z) => toHex(ring.activeZoneKey(z).key)));
  assert.equal(zoneKeys.size, 5, "each zone has its own key");
});

Deno.test("rotation: new id linked by prev_zone_key_id, old key retained, ObjectIdKey stable", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  const old = ring.activeZoneKey("z:work");
  const oid = ring.objectIdKey("z:work");
  const { manifest, zoneKey } = await ring.rotate("z:work", id, NOW + 3600);
  assert.notDeepEqual(zoneKey.keyId, old.keyId);
  assert.notDeepEqual(zoneKey.key, old.key);
  assert.deepEqual(manifest.prevZoneKeyId, old.keyId);
  assert.deepEqual(ring.activeZoneKey("z:work").keyId, zoneKey.keyId);
  assert.deepEqual(ring.zoneKey("z:work", old.keyId).key, old.key);
  assert.deepEqual(ring.objectIdKey("z:work"), oid);
  assert.deepEqual(manifest.objectIdKeyId, oid.keyId);
  const s = ring.summaries().find((x) => x.zoneId === "z:work")!;
  assert.equal(s.prevZoneKeyId, toHex(old.keyId));
  assert.deepEqual(s.retainedZoneKeyIds, [toHex(old.keyId)]);
  // Other zones are untouched.
  assert.equal(ring.summaries().find((x) => x.zoneId === "z:owner")!.prevZoneKeyId, undefined);
});

Deno.test("retention: only the newest N previous keys stay usable", async () => {
  const id = identity();
  const store = memoryZoneKeyStore();
  await createStandardZones(id, store, NOW);
  const ring = await ZoneKeyring.load(store, { retainPrevious: 2 });
  const ids = [ring.activeZoneKey("z:work").keyId];
  for (let i = 1; i <= 4; i++) {
    ids.push((await ring.rotate("z:work", id, NOW + i)).zoneKey.keyId);
  }
  // ids[4] active, ids[3] and ids[2] retained, ids[0..1] pruned.
  assert.deepEqual(ring.zoneKey("z:work", ids[3]!).keyId, ids[3]);
  assert.deepEqual(ring.zoneKey("z:work", ids[2]!).keyId, ids[2]);
  for (const gone of [ids[0]!, ids[1]!]) {
    assert.throws(() => ring.zoneKey("z:work", gone), (e) => isFcpError(e, "FCP-4005"));
  }
  // Pruned keys are gone from storage too.
  const reloaded = await ZoneKeyring.load(store, { retainPrevious: 2 });
  assert.throws(() => reloaded.zoneKey("z:work", ids[0]!), (e) => isFcpError(e, "FCP-4005"));
  const secret = decodeCbor(await store.readSecret("zonekeys.z.work")) as {
    zone_keys: unknown[];
  };
  assert.equal(secret.zone_keys.length, 3);
});

Deno.test("applyManifest: idempotent; a known id with other key bytes is FCP-4006", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  const m = ring.manifest("z:work");
  const again = await ring.applyManifest(m, id);
  assert.deepEqual(again.key, ring.activeZoneKey("z:work").key);
  assert.deepEqual(ring.summaries().find((s) => s.zoneId === "z:work")!.retainedZoneKeyIds, []);
  const conflicting = await buildZoneKeyManifest({
    zoneKey: { ...generateZoneKey("z:work", NOW + 1), keyId: m.zoneKeyId },
    objectIdKey: ring.objectIdKey("z:work"),
    recipients: [{ nodeId: id.nodeId, encryptionPublicKey: id.encryption.publicKey }],
    issuedAt: NOW + 1,
    signer: { signerId: "owner", sign: (x) => id.owner.sign(x) },
  });
  await assert.rejects(ring.applyManifest(conflicting, id), (e) => isFcpError(e, "FCP-4006"));
});

Deno.test("applyManifest refuses a manifest not signed by the owner (FCP-2001) and keeps state", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  const before = ring.activeZoneKey("z:work");
  const mallory = Ed25519Key.generate();
  const forged = await buildZoneKeyManifest({
    zoneKey: generateZoneKey("z:work", NOW + 10),
    objectIdKey: generateObjectIdKey(),
    recipients: [{ nodeId: id.nodeId, encryptionPublicKey: id.encryption.publicKey }],
    issuedAt: NOW + 10,
    signer: { signerId: `owner:${toHex(id.owner.kid)}`, sign: (x) => mallory.sign(x) },
  });
  await assert.rejects(ring.applyManifest(forged, id), (e) => isFcpError(e, "FCP-2001"));
  assert.deepEqual(ring.activeZoneKey("z:work").keyId, before.keyId);
});

Deno.test("an older manifest is kept as history, not made active", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  const active = ring.activeZoneKey("z:work");
  const older = await buildZoneKeyManifest({
    zoneKey: generateZoneKey("z:work", NOW - 100),
    objectIdKey: ring.objectIdKey("z:work"),
    recipients: [{ nodeId: id.nodeId, encryptionPublicKey: id.encryption.publicKey }],
    issuedAt: NOW - 100,
    signer: { signerId: "owner", sign: (x) => id.owner.sign(x) },
  });
  await ring.applyManifest(older, id);
  assert.deepEqual(ring.activeZoneKey("z:work").keyId, active.keyId);
  assert.deepEqual(ring.zoneKey("z:work", older.zoneKeyId).validFrom, NOW - 100);
});

Deno.test("a newer manifest must continue the chain: no or unknown prev_zone_key_id is FCP-4006", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  const active = ring.activeZoneKey("z:work");
  const build = (prevZoneKeyId?: Uint8Array) =>
    buildZoneKeyManifest({
      zoneKey: generateZoneKey("z:work", NOW + 100),
      objectIdKey: ring.objectIdKey("z:work"),
      recipients: [{ nodeId: id.nodeId, encryptionPublicKey: id.encryption.publicKey }],
      issuedAt: NOW + 100,
      signer: { signerId: "owner", sign: (x) => id.owner.sign(x) },
      ...(prevZoneKeyId === undefined ? {} : { prevZoneKeyId }),
    });
  await assert.rejects(
    ring.applyManifest(await build(), id),
    (e) => isFcpError(e, "FCP-4006") && /no prev_zone_key_id/.test(e.message),
  );
  await assert.rejects(
    ring.applyManifest(await build(new Uint8Array(8).fill(0xee)), id),
    (e) => isFcpError(e, "FCP-4006") && /apply the missing rotations/.test(e.message),
  );
  assert.deepEqual(ring.activeZoneKey("z:work").keyId, active.keyId);
  const next = await build(active.keyId);
  await ring.applyManifest(next, id);
  assert.deepEqual(ring.activeZoneKey("z:work").keyId, next.zoneKeyId);
});

Deno.test("rotate/create refuse: unknown zone FCP-4005, existing zone FCP-2013, no owner key FCP-2012", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW);
  await assert.rejects(ring.rotate("z:project:nope", id, NOW), (e) => isFcpError(e, "FCP-4005"));
  await assert.rejects(ring.createZone("z:work", id, NOW), (e) => isFcpError(e, "FCP-2013"));
  const verifierOnly = { ...id, owner: { publicKey: id.owner.publicKey } };
  await assert.rejects(ring.rotate("z:work", verifierOnly, NOW), (e) => isFcpError(e, "FCP-2012"));
  await assert.rejects(ring.rotate("z:bad_zone", id, NOW), (e) => isFcpError(e, "FCP-4001"));
});

Deno.test("persists in the real keystore: 0600 secrets, no key bytes in public metadata", async () => {
  const home = await Deno.makeTempDir();
  try {
    const id = identity();
    const ks = await openKeystore(home);
    const ring = await createStandardZones(id, ks, NOW);
    await ring.rotate("z:work", id, NOW + 5);
    const secretPath = `${home}/keys/zonekeys.z.work`;
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(secretPath)).mode! & 0o777, 0o600);
    }
    const meta = await Deno.readTextFile(`${home}/${ZONE_KEYS_FILE}`);
    for (const zone of STANDARD_ZONES) {
      assert.ok(!meta.includes(toHex(ring.activeZoneKey(zone).key)));
      assert.ok(!meta.includes(toHex(ring.objectIdKey(zone).key)));
      assert.ok(meta.includes(toHex(ring.activeZoneKey(zone).keyId)));
    }
    const loaded = await ZoneKeyring.load(await openKeystore(home));
    assert.deepEqual(loaded.summaries(), ring.summaries());
    for (const zone of STANDARD_ZONES) {
      assert.deepEqual(loaded.activeZoneKey(zone), ring.activeZoneKey(zone));
    }
    // The stored manifest decodes and still verifies for this node.
    const doc = JSON.parse(meta) as { zones: { zone_id: string; manifest: string }[] };
    const work = doc.zones.find((z) => z.zone_id === "z:work")!;
    const m = decodeZoneKeyManifest(
      Uint8Array.from(work.manifest.match(/../g)!, (h) => parseInt(h, 16)),
    );
    await unwrapZoneKeyManifest(m, {
      zoneId: "z:work",
      nodeId: id.nodeId,
      encryptionSecretKey: id.encryption.exportSecret(),
      ownerPublicKey: id.owner.publicKey,
    });
    // Keys are never printable through the summaries.
    assert.ok(
      !JSON.stringify(loaded.summaries()).includes(toHex(loaded.activeZoneKey("z:work").key)),
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("load refuses corrupt metadata (FCP-9002) and a missing key secret (FCP-2012)", async () => {
  const store = memoryZoneKeyStore();
  await store.writePublic(ZONE_KEYS_FILE, { format: "other" });
  await assert.rejects(ZoneKeyring.load(store), (e) => isFcpError(e, "FCP-9002"));

  const good = memoryZoneKeyStore();
  await createStandardZones(identity(), good, NOW);
  const meta = await good.readPublic(ZONE_KEYS_FILE);
  const bare = memoryZoneKeyStore();
  await bare.writePublic(ZONE_KEYS_FILE, meta);
  await assert.rejects(ZoneKeyring.load(bare), (e) => isFcpError(e, "FCP-2012"));
});

Deno.test("createStandardZones keeps existing zones; replace starts over", async () => {
  const id = identity();
  const store = memoryZoneKeyStore();
  const first = await createStandardZones(id, store, NOW);
  const second = await createStandardZones(id, store, NOW + 1);
  assert.deepEqual(second.summaries(), first.summaries());
  const id2 = identity("node-a", Ed25519Key.generate());
  const replaced = await createStandardZones(id2, store, NOW + 2, { replace: true });
  assert.notEqual(replaced.summaries()[0]!.zoneKeyId, first.summaries()[0]!.zoneKeyId);
  const reloaded = await ZoneKeyring.load(store);
  assert.deepEqual(reloaded.summaries(), replaced.summaries());
});

Deno.test("x_cha_cha20_poly1305 zones keep their algorithm across rotation", async () => {
  const id = identity();
  const ring = await createStandardZones(id, memoryZoneKeyStore(), NOW, {
    algorithm: "x_cha_cha20_poly1305",
  });
  const { zoneKey } = await ring.rotate("z:private", id, NOW + 1);
  assert.equal(zoneKey.algorithm, "x_cha_cha20_poly1305");
  assert.equal(ring.manifest("z:private").algorithm, "x_cha_cha20_poly1305");
});
