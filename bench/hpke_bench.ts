/**
 * HPKE sealed boxes and ZoneKeyManifest (WIRE.md §7): seal/open of a 32-byte key, and a
 * manifest for 5 recipients (10 seals + owner signature) and its unwrap.
 *
 * Run: deno bench --allow-all bench/hpke_bench.ts
 */
import {
  buildZoneKeyManifest,
  decodeZoneKeyManifest,
  encodeZoneKeyManifest,
  generateObjectIdKey,
  generateZoneKey,
  type HpkeAadParams,
  openSealed,
  sealForRecipient,
  unwrapZoneKeyManifest,
} from "../src/authority/mod.ts";
import { ed25519PublicKey, ed25519Sign, randomBytes, x25519PublicKey } from "../src/crypto/mod.ts";
import { formatMedian, medianTime } from "./_median.ts";

const sk = randomBytes(32);
const pk = x25519PublicKey(sk);
const key = randomBytes(32);
const aad: HpkeAadParams = {
  purpose: "FCP2-ZONE-KEY",
  zoneId: "z:work",
  issuedAt: 1_700_000_000,
  recipientNodeId: "node-a",
};
const box = await sealForRecipient(pk, key, aad);

Deno.bench("hpke seal 32-byte key", { group: "hpke", baseline: true }, async () => {
  await sealForRecipient(pk, key, aad);
});

Deno.bench("hpke open 32-byte key", { group: "hpke" }, async () => {
  await openSealed(sk, box, aad);
});

const ownerSeed = randomBytes(32);
const signer = { signerId: "owner", sign: (m: Uint8Array) => ed25519Sign(ownerSeed, m) };
const nodes = Array.from({ length: 5 }, (_, i) => {
  const s = randomBytes(32);
  return { nodeId: `node-${i}`, sk: s, pk: x25519PublicKey(s) };
});
const recipients = nodes.map((n) => ({ nodeId: n.nodeId, encryptionPublicKey: n.pk }));
const zoneKey = generateZoneKey("z:work", 1_700_000_000);
const objectIdKey = generateObjectIdKey();
const params = { zoneKey, objectIdKey, recipients, issuedAt: 1_700_000_000, signer };
const manifest = await buildZoneKeyManifest(params);
const encoded = encodeZoneKeyManifest(manifest);

Deno.bench("manifest build, 5 recipients (10 seals + sign)", { group: "manifest" }, async () => {
  await buildZoneKeyManifest(params);
});

Deno.bench("manifest encode, 5 recipients", { group: "manifest" }, () => {
  encodeZoneKeyManifest(manifest);
});

Deno.bench("manifest decode + verify + unwrap (1 node)", { group: "manifest" }, async () => {
  await unwrapZoneKeyManifest(decodeZoneKeyManifest(encoded), {
    zoneId: "z:work",
    nodeId: "node-3",
    encryptionSecretKey: nodes[3]!.sk,
    ownerPublicKey: ed25519PublicKey(ownerSeed),
  });
});

// Medians: `FCP_BENCH_MEDIAN=1 deno run -A bench/hpke_bench.ts`.
if (import.meta.main && Deno.env.get("FCP_BENCH_MEDIAN") === "1") {
  const opts = { samples: 201, batch: 5 };
  console.log(
    formatMedian(
      "hpke seal 32-byte key",
      await medianTime(() => sealForRecipient(pk, key, aad), opts),
    ),
  );
  console.log(
    formatMedian("hpke open 32-byte key", await medianTime(() => openSealed(sk, box, aad), opts)),
  );
  console.log(
    formatMedian(
      "manifest build, 5 recipients",
      await medianTime(() => buildZoneKeyManifest(params), { samples: 51 }),
    ),
  );
}
