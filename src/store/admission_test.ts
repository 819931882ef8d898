import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { AdmissionControl, announceable, type VerifyObject } from "./admission.ts";
import type { StoredObject, SymbolStore } from "./types.ts";
import { idOf, makeRecord, makeSymbols } from "./_test_util.ts";
import { TEST_STORES } from "./_test_stores.ts";

const quota = (code: string) => (e: unknown) => isFcpError(e, code as "FCP-6002");
const hexes = (ids: Uint8Array[]) => ids.map(toHex).sort();
const peerRec = (n: number, over = {}) => makeRecord(n, { sourcePeer: "peer-b", ...over });

for (const [kind, factory] of TEST_STORES) {
  const test = (title: string, fn: (s: SymbolStore) => Promise<void>) =>
    Deno.test(`admission (${kind}): ${title}`, async () => {
      const s = factory();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    });

  test("new objects from peers are quarantined with a TTL and never announced", async (s) => {
    const a = new AdmissionControl(s, { quarantineTtlSecs: 60 });
    await s.putObject(makeRecord(1), makeSymbols(1, 2)); // a local, complete object
    const r = await a.ingest(peerRec(2, { createdAt: 5, expiresAt: 9 }), makeSymbols(2, 2), 100);
    assert.deepEqual(r, { status: "quarantined", added: 2, evicted: 0 });
    const o = await s.getObject(idOf(2));
    assert.equal(o?.state, "quarantined");
    assert.equal(o?.createdAt, 100);
    assert.equal(o?.expiresAt, 160);
    assert.deepEqual(hexes(await announceable(s, "z:work")), hexes([idOf(1)]));
    // More symbols for it: added, still not announced.
    const more = await a.ingest(peerRec(2), makeSymbols(2, 4), 101);
    assert.deepEqual(more, { status: "added", added: 2, evicted: 0 });
    assert.deepEqual(hexes(await announceable(s, "z:work")), hexes([idOf(1)]));
    assert.equal((await s.peerUsage("peer-b")).quarantinedBytes, 4 * 48);
  });

  test("announceable never lists a quarantined object (random mix)", async (s) => {
    const a = new AdmissionControl(s);
    let x = 7;
    const complete = new Set<string>();
    for (let i = 0; i < 40; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      if (x % 2) {
        await s.putObject(makeRecord(i), makeSymbols(i, 1));
        complete.add(toHex(idOf(i)));
      } else {
        await a.ingest(peerRec(i), makeSymbols(i, 1), 10);
      }
    }
    const ann = new Set((await announceable(s, "z:work")).map(toHex));
    assert.deepEqual(ann, complete);
    for (const q of await s.listObjects({ state: "quarantined" })) {
      assert.ok(!ann.has(toHex(q.objectId)));
    }
  });

  test("zone byte quota: over it is FCP-6002 and nothing is stored", async (s) => {
    const a = new AdmissionControl(s, { maxQuarantineBytesPerZone: 3 * 48 });
    await a.ingest(peerRec(1), makeSymbols(1, 2), 10);
    const before = await s.stats();
    await assert.rejects(
      a.ingest(peerRec(2, { sourcePeer: "peer-c" }), makeSymbols(2, 2), 10),
      quota("FCP-6002"),
    );
    assert.equal(await s.getObject(idOf(2)), undefined);
    assert.deepEqual(await s.stats(), before);
    // Adding symbols to a quarantined object is charged too.
    await assert.rejects(a.ingest(peerRec(1), makeSymbols(1, 4), 10), quota("FCP-6002"));
    assert.deepEqual(await s.listEsis(idOf(1)), [0, 1]);
    // Another zone has its own quota.
    await a.ingest(peerRec(3, { zoneId: "z:private" }), makeSymbols(3, 2), 10);
    // Re-sending symbols already stored costs nothing.
    assert.equal((await a.ingest(peerRec(1), makeSymbols(1, 2), 10)).added, 0);
  });

  test("zone object quota and per-peer quotas", async (s) => {
    const a = new AdmissionControl(s, {
      maxQuarantineObjectsPerZone: 3,
      maxQuarantineObjectsPerPeer: 2,
      maxQuarantineBytesPerPeer: 10 * 48,
    });
    await a.ingest(peerRec(1), [], 10);
    await a.ingest(peerRec(2), [], 10);
    await assert.rejects(a.ingest(peerRec(3), [], 10), quota("FCP-6002")); // peer-b: 2 objects
    await a.ingest(peerRec(3, { sourcePeer: "peer-c" }), makeSymbols(3, 10), 10);
    await assert.rejects(a.ingest(peerRec(4, { sourcePeer: "peer-d" }), [], 10), quota("FCP-6002")); // zone: 3
    await assert.rejects(
      a.ingest(peerRec(3, { sourcePeer: "peer-c" }), makeSymbols(3, 11), 10),
      quota("FCP-6002"),
    ); // peer-c bytes
    assert.equal((await s.stats()).byZone["z:work"]?.quarantinedObjects, 3);
  });

  test("expected objects (pinned, requested, zone root) bypass the quota", async (s) => {
    const a = new AdmissionControl(s, { maxQuarantineObjectsPerZone: 1 });
    await a.ingest(peerRec(1), [], 10);
    await assert.rejects(a.ingest(peerRec(2), [], 10), quota("FCP-6002"));
    await s.pin(idOf(2), "z:work", 10);
    await s.request(idOf(3), "z:work", 50);
    await s.setZoneRoot("z:work", "checkpoint", idOf(4));
    await a.ingest(peerRec(2), [], 10);
    await a.ingest(peerRec(3), [], 10);
    await a.ingest(peerRec(4), [], 10);
    // A lapsed request no longer counts.
    await s.request(idOf(5), "z:work", 10);
    await assert.rejects(a.ingest(peerRec(5), [], 10), quota("FCP-6002"));
  });

  test("evict_oldest drops the oldest unexpected quarantined objects to make room", async (s) => {
    const a = new AdmissionControl(s, {
      maxQuarantineObjectsPerZone: 3,
      onQuotaFull: "evict_oldest",
      maxQuarantineBytesPerZone: 10 * 48,
    });
    await a.ingest(peerRec(1), [], 10);
    await a.ingest(peerRec(2), [], 11);
    await a.ingest(peerRec(3), [], 12);
    await s.pin(idOf(1), "z:work", 12); // pinned: never evicted
    const r = await a.ingest(peerRec(4), [], 13);
    assert.equal(r.evicted, 1);
    assert.ok(await s.getObject(idOf(1)));
    assert.equal(await s.getObject(idOf(2)), undefined);
    assert.equal((await s.getTombstone(idOf(2)))?.reason, "quarantine_evicted");
    assert.ok(!(await s.isTombstoned(idOf(2), 13))); // eviction is no verdict: no hold
    // Larger than the whole quota: refused outright, nothing evicted.
    await assert.rejects(a.ingest(peerRec(5), makeSymbols(5, 11), 14), quota("FCP-6002"));
    assert.equal((await s.stats()).byZone["z:work"]?.quarantinedObjects, 3);
  });

  test("tombstoned objects are refused with FCP-6005 until the hold ends", async (s) => {
    const a = new AdmissionControl(s);
    await a.ingest(peerRec(1), makeSymbols(1, 1), 10);
    await s.deleteObject(idOf(1), "verify_failed", 10, 100);
    await assert.rejects(a.ingest(peerRec(1), makeSymbols(1, 1), 99), quota("FCP-6005"));
    assert.equal(await s.getObject(idOf(1)), undefined);
    assert.equal((await a.ingest(peerRec(1), makeSymbols(1, 1), 100)).status, "quarantined");
  });

  test("symbols under other seal parameters or zone are not mixed in", async (s) => {
    const a = new AdmissionControl(s);
    await a.ingest(peerRec(1), makeSymbols(1, 1), 10);
    const other = peerRec(1, { seal: { ...makeRecord(1).seal, senderNodeId: "node-z" } });
    assert.deepEqual(await a.ingest(other, makeSymbols(1, 3), 10), {
      status: "seal_mismatch",
      added: 0,
      evicted: 0,
    });
    assert.equal(
      (await a.ingest(peerRec(1, { zoneId: "z:owner" }), makeSymbols(1, 3), 10)).status,
      "seal_mismatch",
    );
    assert.deepEqual(await s.listEsis(idOf(1)), [0]);
  });

  test("malformed input is refused with its code", async (s) => {
    const a = new AdmissionControl(s);
    await assert.rejects(a.ingest(peerRec(1, { zoneId: "nope" }), [], 1), quota("FCP-4001"));
    await assert.rejects(
      a.ingest(peerRec(1), [{ ...makeSymbols(1, 1)[0]!, esi: -1 }], 1),
      quota("FCP-1040"),
    );
  });

  test("promotion needs eligibility AND verification", async (s) => {
    const a = new AdmissionControl(s, { tombstoneSecs: 500 });
    const seen: string[] = [];
    const verdicts = new Map<string, "valid" | "invalid" | "incomplete" | "throw">();
    const verify: VerifyObject = (o: StoredObject) => {
      const k = toHex(o.objectId);
      seen.push(k);
      const v = verdicts.get(k) ?? "valid";
      return v === "throw" ? Promise.reject(new Error("decoder blew up")) : Promise.resolve(v);
    };
    for (let i = 1; i <= 6; i++) await a.ingest(peerRec(i), makeSymbols(i, 2), 10);
    // Nothing eligible: nothing verified, nothing promoted.
    let rep = await a.promote(10, verify);
    assert.deepEqual([rep.promoted.length, rep.failed.length, seen.length], [0, 0, 0]);
    await s.pin(idOf(1), "z:work", 10); // (c) pinned
    await s.request(idOf(2), "z:work", 99); // (b) requested
    await s.pin(idOf(3), "z:work", 10);
    verdicts.set(toHex(idOf(3)), "invalid");
    await s.pin(idOf(4), "z:work", 10);
    verdicts.set(toHex(idOf(4)), "incomplete");
    await s.pin(idOf(5), "z:work", 10);
    verdicts.set(toHex(idOf(5)), "throw");
    rep = await a.promote(20, verify);
    assert.deepEqual(hexes(rep.promoted), hexes([idOf(1), idOf(2)]));
    assert.deepEqual(hexes(rep.failed), hexes([idOf(3)]));
    assert.equal(rep.waiting, 2);
    assert.equal((await s.getObject(idOf(1)))?.state, "complete");
    assert.equal((await s.getObject(idOf(1)))?.expiresAt, undefined);
    assert.deepEqual(await s.listRequests(20), []); // the request is fulfilled
    assert.equal(await s.getObject(idOf(3)), undefined);
    assert.equal((await s.getTombstone(idOf(3)))?.reason, "verify_failed");
    assert.ok(await s.isTombstoned(idOf(3), 519));
    assert.equal((await s.getObject(idOf(4)))?.state, "quarantined");
    assert.equal((await s.getObject(idOf(5)))?.state, "quarantined");
    assert.equal((await s.getObject(idOf(6)))?.state, "quarantined"); // never eligible
    assert.ok(!seen.includes(toHex(idOf(6))));
    assert.deepEqual(hexes(await announceable(s, "z:work")), hexes([idOf(1), idOf(2)]));
  });

  test("objects with fewer than k symbols wait without being verified", async (s) => {
    const a = new AdmissionControl(s);
    await a.ingest(peerRec(1, { k: 3 }), makeSymbols(1, 2), 10);
    await s.pin(idOf(1), "z:work", 10);
    let calls = 0;
    const verify: VerifyObject = () => (calls++, Promise.resolve(true));
    assert.deepEqual(await a.promote(10, verify), { promoted: [], failed: [], waiting: 1 });
    assert.equal(calls, 0);
    await a.ingest(peerRec(1, { k: 3 }), makeSymbols(1, 3), 11);
    assert.equal((await a.promote(11, verify)).promoted.length, 1);
  });

  test("reachability flows only through verified objects of the same zone", async (s) => {
    const a = new AdmissionControl(s);
    // root(10) -> 11 -> 12, and 11 -> 13 in another zone
    await a.ingest(peerRec(10, { refs: [idOf(11)] }), makeSymbols(10, 2), 10);
    await a.ingest(peerRec(11, { refs: [idOf(12), idOf(13)] }), makeSymbols(11, 2), 10);
    await a.ingest(peerRec(12), makeSymbols(12, 2), 10);
    await a.ingest(peerRec(13, { zoneId: "z:owner" }), makeSymbols(13, 2), 10);
    await a.ingest(peerRec(14), makeSymbols(14, 2), 10);
    await s.setZoneRoot("z:work", "checkpoint", idOf(10));
    const order: number[] = [];
    const verify: VerifyObject = (
      o,
    ) => (order.push(o.objectId[0]!), Promise.resolve(o.objectId[0] !== 12));
    const rep = await a.promote(10, verify);
    assert.deepEqual(order, [10, 11, 12]); // one hop per round: refs of unverified objects wait
    assert.deepEqual(hexes(rep.promoted), hexes([idOf(10), idOf(11)]));
    assert.deepEqual(hexes(rep.failed), hexes([idOf(12)]));
    assert.equal((await s.getObject(idOf(13)))?.state, "quarantined"); // other zone: not followed
    assert.equal((await s.getObject(idOf(14)))?.state, "quarantined");
  });

  test("expireQuarantine drops expired, unpinned quarantined objects with a tombstone", async (s) => {
    const a = new AdmissionControl(s, { quarantineTtlSecs: 60, tombstoneSecs: 30 });
    await a.ingest(peerRec(1), makeSymbols(1, 2), 0);
    await a.ingest(peerRec(2), makeSymbols(2, 1), 0);
    await a.ingest(peerRec(3), makeSymbols(3, 1), 30);
    await s.pin(idOf(2), "z:work", 0);
    await s.putObject(makeRecord(4, { expiresAt: 1 }), []); // complete: not the quarantine's business
    assert.deepEqual(await a.expireQuarantine(59), { deleted: 0, bytesFreed: 0 });
    assert.deepEqual(await a.expireQuarantine(60), { deleted: 1, bytesFreed: 96 });
    assert.equal((await s.getTombstone(idOf(1)))?.reason, "quarantine_expired");
    assert.ok(await s.isTombstoned(idOf(1), 89));
    assert.ok(!(await s.isTombstoned(idOf(1), 90)));
    assert.ok(await s.getObject(idOf(2)));
    assert.ok(await s.getObject(idOf(3)));
    assert.ok(await s.getObject(idOf(4)));
    assert.equal((await s.stats()).byZone["z:work"]?.quarantinedObjects, 2);
  });

  test("concurrent ingests cannot overshoot a quota together", async (s) => {
    const a = new AdmissionControl(s, { maxQuarantineObjectsPerZone: 5 });
    const results = await Promise.allSettled(
      Array.from(
        { length: 12 },
        (_, i) => a.ingest(peerRec(i, { sourcePeer: `p${i}` }), makeSymbols(i, 1), 10),
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 5);
    assert.equal((await s.stats()).byZone["z:work"]?.quarantinedObjects, 5);
  });
}
