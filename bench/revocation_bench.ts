/**
 * Revocation lookup among 100 000 revoked ids (spec §14.3: "is this revoked" before every
 * use). The registry is filled through its normal, verifying `apply` path with one
 * RevocationObject revoking 100 000 ids; lookups hit and miss by bytes and by hex.
 *
 * Run: `deno bench --allow-all bench/revocation_bench.ts`
 */
import { ed25519PublicKey, randomBytes } from "../src/crypto/mod.ts";
import {
  createRevocationEvent,
  createRevocationObject,
  revocationObjectId,
  RevocationRegistry,
} from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";

const N = 100_000;
const owner = new Uint8Array(32).fill(1);
const key = new Uint8Array(32).fill(2);
const ids = Array.from({ length: N }, () => randomBytes(32));
const misses = Array.from({ length: 1024 }, () => randomBytes(32));
const registry = new RevocationRegistry({
  zoneId: "z:work",
  objectIdKey: key,
  ownerPublicKey: ed25519PublicKey(owner),
});
const obj = createRevocationObject({
  zoneId: "z:work",
  revoked: ids,
  scope: "Capability",
  reason: "bench",
  now: 100,
}, owner);
const ev = createRevocationEvent({
  zoneId: "z:work",
  revocationObjectId: revocationObjectId(obj, key),
  seq: 0,
  now: 100,
}, owner);
registry.apply(ev, obj, 100);
if (registry.size !== N) throw new Error("registry not filled");
const hexIds = ids.slice(0, 1024).map(toHex);

let i = 0;
Deno.bench(
  "revocation lookup, hit (bytes), 100k entries",
  { group: "revocation", baseline: true },
  () => {
    if (!registry.isRevoked(ids[(i++ * 7919) % N]!, { now: 150 })) throw new Error("miss");
  },
);
Deno.bench("revocation lookup, miss (bytes), 100k entries", { group: "revocation" }, () => {
  if (registry.isRevoked(misses[i++ & 1023]!, { now: 150 })) throw new Error("hit");
});
Deno.bench("revocation lookup, hit (hex), 100k entries", { group: "revocation" }, () => {
  if (!registry.isRevoked(hexIds[i++ & 1023]!)) throw new Error("miss");
});

/** Median per-lookup time over 201 batches of 10 000 lookups (`FCP_BENCH_MEDIAN=1 deno run -A`). */
function medianNs(lookup: (k: number) => boolean): number {
  const per: number[] = [];
  for (let b = 0; b < 201; b++) {
    const t0 = performance.now();
    for (let k = 0; k < 10_000; k++) lookup(b * 10_000 + k);
    per.push(((performance.now() - t0) * 1e6) / 10_000);
  }
  per.sort((x, y) => x - y);
  return per[100]!;
}

if (import.meta.main && Deno.env.get("FCP_BENCH_MEDIAN") === "1") {
  const cold = medianNs((k) => registry.isRevoked(ids[(k * 7919) % N]!, { now: 150 }));
  const hot = medianNs((k) => registry.isRevoked(ids[k & 1023]!, { now: 150 }));
  const miss = medianNs((k) => registry.isRevoked(misses[k & 1023]!, { now: 150 }));
  console.log(
    `revocation lookup among ${N} (median per lookup): hit, random over all ids ` +
      `${cold.toFixed(0)} ns; hit, 1024 hot ids ${hot.toFixed(0)} ns; miss ${miss.toFixed(0)} ns`,
  );
}
