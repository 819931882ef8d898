import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  createRevocationEvent,
  createRevocationObject,
  revocationEventId,
  revocationObjectId,
  type RevocationScope,
} from "./revocation.ts";
import { RevocationRegistry } from "./revocation_registry.ts";

const OWNER = new Uint8Array(32).fill(1);
const KEY = new Uint8Array(32).fill(7);

function setup() {
  return new RevocationRegistry({
    zoneId: "z:work",
    objectIdKey: KEY,
    ownerPublicKey: ed25519PublicKey(OWNER),
  });
}

function step(
  reg: RevocationRegistry,
  revoked: Uint8Array[],
  now: number,
  opts: { scope?: RevocationScope; expiresAt?: number; signer?: Uint8Array; zone?: string } = {},
) {
  const o = createRevocationObject({
    zoneId: opts.zone ?? "z:work",
    revoked,
    scope: opts.scope ?? "Capability",
    reason: "r",
    now,
    ...(opts.expiresAt === undefined ? {} : { expiresAt: opts.expiresAt }),
  }, opts.signer ?? OWNER);
  const e = createRevocationEvent({
    zoneId: opts.zone ?? "z:work",
    revocationObjectId: revocationObjectId(o, KEY),
    seq: reg.headSeq + 1,
    ...(reg.headEventId === undefined ? {} : { prev: reg.headEventId }),
    now,
  }, opts.signer ?? OWNER);
  return { o, e };
}

const id = (n: number) => new Uint8Array(32).fill(n);

Deno.test("registry: applies a chain and answers lookups by bytes and hex", () => {
  const reg = setup();
  assert.equal(reg.headSeq, -1);
  let s = step(reg, [id(1), id(2)], 100);
  const a = reg.apply(s.e, s.o, 100);
  assert.equal(a.seq, 0);
  s = step(reg, [id(3)], 200, { scope: "IssuerKey" });
  reg.apply(s.e, s.o, 200);
  assert.equal(reg.headSeq, 1);
  assert.equal(reg.lastUpdated, 200);
  assert.equal(reg.size, 3);
  assert.ok(reg.isRevoked(id(1)));
  assert.ok(reg.isRevoked(toHex(id(2))));
  assert.ok(reg.isRevoked("objectid:" + toHex(id(3))));
  assert.ok(!reg.isRevoked(id(4)));
  assert.ok(reg.isRevoked(id(3), { scope: "IssuerKey" }));
  assert.ok(!reg.isRevoked(id(3), { scope: "Capability" }));
  assert.deepEqual(reg.headEventId, revocationEventId(s.e, KEY));
  assert.equal(reg.object(revocationObjectId(s.o, KEY))?.scope, "IssuerKey");
});

Deno.test("registry: revoked id refused with FCP-3004", () => {
  const reg = setup();
  const s = step(reg, [id(1)], 100);
  reg.apply(s.e, s.o, 100);
  assert.throws(() => reg.requireNotRevoked(id(1), { now: 150 }), (e) => isFcpError(e, "FCP-3004"));
  reg.requireNotRevoked(id(2), { now: 150 });
});

Deno.test("registry: expired revocation is not active, fails closed without now", () => {
  const reg = setup();
  const s = step(reg, [id(1)], 100, { expiresAt: 200 });
  reg.apply(s.e, s.o, 100);
  assert.ok(reg.isRevoked(id(1), { now: 199 }));
  assert.ok(!reg.isRevoked(id(1), { now: 200 }));
  assert.ok(!reg.isRevoked(id(1), { now: 99 }), "not yet effective");
  assert.ok(reg.isRevoked(id(1)), "no now: any recorded revocation counts");
});

Deno.test("registry: bad chain link, wrong seq and replay are refused without state change", () => {
  const reg = setup();
  const s0 = step(reg, [id(1)], 100);
  // wrong seq: a first event with seq 1
  const bad = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: revocationObjectId(s0.o, KEY),
    seq: 1,
    prev: id(9),
    now: 100,
  }, OWNER);
  assert.throws(() => reg.apply(bad, s0.o, 100), (e) => isFcpError(e, "FCP-3007"));
  assert.equal(reg.headSeq, -1);
  assert.equal(reg.size, 0);
  reg.apply(s0.e, s0.o, 100);
  assert.throws(() => reg.apply(s0.e, s0.o, 101), (e) => isFcpError(e, "FCP-3007"), "replay");
  const s1 = step(reg, [id(2)], 110);
  const badPrev = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: s1.e.revocationObjectId,
    seq: 1,
    prev: id(8),
    now: 110,
  }, OWNER);
  assert.throws(() => reg.apply(badPrev, s1.o, 110), (e) => isFcpError(e, "FCP-3007"));
  assert.ok(!reg.isRevoked(id(2)));
  reg.apply(s1.e, s1.o, 110);
  assert.ok(reg.isRevoked(id(2)));
});

Deno.test("registry: event not naming the object is refused (FCP-3007)", () => {
  const reg = setup();
  const a = step(reg, [id(1)], 100);
  const b = step(reg, [id(2)], 100);
  assert.throws(() => reg.apply(a.e, b.o, 100), (e) => isFcpError(e, "FCP-3007"));
});

Deno.test("registry: wrong signer refused (FCP-2001)", () => {
  const reg = setup();
  const s = step(reg, [id(1)], 100, { signer: new Uint8Array(32).fill(2) });
  assert.throws(() => reg.apply(s.e, s.o, 100), (e) => isFcpError(e, "FCP-2001"));
  const good = step(reg, [id(1)], 100);
  const forgedEvent = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: good.e.revocationObjectId,
    seq: 0,
    now: 100,
  }, new Uint8Array(32).fill(2));
  assert.throws(() => reg.apply(forgedEvent, good.o, 100), (e) => isFcpError(e, "FCP-2001"));
  assert.equal(reg.headSeq, -1);
});

Deno.test("registry: other zone refused (FCP-4002)", () => {
  const reg = setup();
  const s = step(reg, [id(1)], 100, { zone: "z:private" });
  assert.throws(() => reg.apply(s.e, s.o, 100), (e) => isFcpError(e, "FCP-4002"));
});

Deno.test("registry: freshness uses head seq and last update", () => {
  const reg = setup();
  const s = step(reg, [id(1)], 100);
  reg.apply(s.e, s.o, 100);
  assert.equal(reg.checkFreshness({ now: 150, policy: "strict", remoteSeq: 0 }).allowed, true);
  assert.equal(
    reg.checkFreshness({ now: 150, policy: "strict", remoteSeq: 1 }).reason,
    "stale_data",
  );
  assert.equal(reg.checkFreshness({ now: 450, policy: "strict" }).allowed, false);
  reg.markSynced(440);
  assert.equal(reg.checkFreshness({ now: 450, policy: "strict" }).allowed, true);
});

Deno.test("registry: rejects bad keys at construction", () => {
  assert.throws(
    () =>
      new RevocationRegistry({
        zoneId: "z:work",
        objectIdKey: new Uint8Array(8),
        ownerPublicKey: new Uint8Array(32),
      }),
    (e) => isFcpError(e, "FCP-2002"),
  );
  assert.throws(
    () =>
      new RevocationRegistry({
        zoneId: "work",
        objectIdKey: KEY,
        ownerPublicKey: new Uint8Array(32),
      }),
    (e) => isFcpError(e, "FCP-4001"),
  );
});
