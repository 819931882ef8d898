import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { AdmissionControl } from "./admission.ts";
import { collectGarbage } from "./gc.ts";
import { markReachable } from "./reachability.ts";
import type { SymbolStore } from "./types.ts";
import { idOf, makeRecord, makeSymbols } from "./_test_util.ts";
import { TEST_STORES } from "./_test_stores.ts";

const ids = async (s: SymbolStore) => (await s.listObjects()).map((o) => o.objectId[0]);

/** 1 -> 2 -> 3 (cycle 3 -> 1), 4 pinned -> 5, 6 zone root, 7 requested, 8/9 garbage, 9 -> 8. */
async function graph(s: SymbolStore): Promise<void> {
  const put = (n: number, refs: number[], over = {}) =>
    s.putObject(makeRecord(n, { refs: refs.map(idOf), ...over }), makeSymbols(n, 2));
  await put(1, [2]);
  await put(2, [3]);
  await put(3, [1]);
  await put(4, [5]);
  await put(5, []);
  await put(6, [20]); // 20 is in another zone: not followed
  await put(20, [], { zoneId: "z:owner" });
  await put(7, []);
  await put(8, []);
  await put(9, [8]);
  await s.setZoneRoot("z:work", "checkpoint", idOf(1));
  await s.pin(idOf(4), "z:work", 0);
  await s.setZoneRoot("z:work", "audit-head", idOf(6));
  await s.request(idOf(7), "z:work", 5000);
}

for (const [kind, factory] of TEST_STORES) {
  const test = (title: string, fn: (s: SymbolStore) => Promise<void>) =>
    Deno.test(`gc (${kind}): ${title}`, async () => {
      const s = factory();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    });

  test("marks from pins, zone roots and requests; sweeps the rest with tombstones", async (s) => {
    await graph(s);
    const marked = await markReachable(s, 1000);
    assert.deepEqual([...marked].sort(), [1, 2, 3, 4, 5, 6, 7].map((n) => toHex(idOf(n))).sort());
    const rep = await collectGarbage(s, { now: 1000, minAgeSecs: 0, tombstoneSecs: 50 });
    assert.deepEqual(rep, {
      deleted: 3,
      bytesFreed: 3 * 2 * 48,
      kept: 7,
      byReason: { unreachable: 3 },
      tombstonesPurged: 0,
    });
    assert.deepEqual(await ids(s), [1, 2, 3, 4, 5, 6, 7]);
    for (const n of [8, 9, 20]) {
      const t = await s.getTombstone(idOf(n));
      assert.equal(t?.reason, "unreachable");
      assert.equal(t?.until, 1050);
    }
    assert.deepEqual(await s.getSymbols(idOf(8)), []);
    const st = await s.stats();
    assert.equal(st.objects, 7);
    assert.equal(st.byZone["z:owner"], undefined);
    // Unpinning and moving a root makes more garbage.
    await s.unpin(idOf(4));
    await s.setZoneRoot("z:work", "checkpoint", idOf(2));
    const rep2 = await collectGarbage(s, { now: 1100, minAgeSecs: 0, tombstoneSecs: 50 });
    assert.equal(rep2.deleted, 2); // 4 and 5; 1 stays (2 -> 3 -> 1)
    assert.equal(rep2.tombstonesPurged, 3); // the holds from the first run ended at 1050
    assert.deepEqual(await ids(s), [1, 2, 3, 6, 7]);
    // The request lapses: 7 goes.
    const rep3 = await collectGarbage(s, { now: 6000, minAgeSecs: 0 });
    assert.equal(rep3.deleted, 1);
    assert.deepEqual(await s.listRequests(0), []);
  });

  test("dry run reports without deleting", async (s) => {
    await graph(s);
    const before = await s.stats();
    const rep = await collectGarbage(s, { now: 1000, minAgeSecs: 0, dryRun: true });
    assert.equal(rep.deleted, 3);
    assert.equal(rep.bytesFreed, 3 * 96);
    assert.deepEqual(await s.stats(), before);
  });

  test("young unreachable objects get a grace period", async (s) => {
    await s.putObject(makeRecord(1, { createdAt: 900 }), makeSymbols(1, 1));
    await s.putObject(makeRecord(2, { createdAt: 100 }), makeSymbols(2, 1));
    const rep = await collectGarbage(s, { now: 1000, minAgeSecs: 600 });
    assert.deepEqual([rep.deleted, rep.kept], [1, 1]);
    assert.deepEqual(await ids(s), [1]);
  });

  test("expired quarantine is dropped; live and pinned quarantine is kept", async (s) => {
    const a = new AdmissionControl(s, { quarantineTtlSecs: 100 });
    await a.ingest(makeRecord(1, { sourcePeer: "p" }), makeSymbols(1, 1), 0);
    await a.ingest(makeRecord(2, { sourcePeer: "p" }), makeSymbols(2, 1), 0);
    await a.ingest(makeRecord(3, { sourcePeer: "p" }), makeSymbols(3, 1), 50);
    await s.pin(idOf(2), "z:work", 0);
    const rep = await collectGarbage(s, { now: 120, minAgeSecs: 0 });
    assert.equal(rep.byReason.quarantine_expired, 1);
    assert.equal(rep.deleted, 1);
    assert.equal(rep.kept, 2);
    assert.deepEqual(await ids(s), [2, 3]);
    assert.equal((await s.getTombstone(idOf(1)))?.reason, "quarantine_expired");
  });

  test("a collected object cannot be re-admitted while its tombstone holds", async (s) => {
    await s.putObject(makeRecord(1), makeSymbols(1, 2));
    await collectGarbage(s, { now: 1000, minAgeSecs: 0, tombstoneSecs: 300 });
    const a = new AdmissionControl(s);
    await assert.rejects(
      a.ingest(makeRecord(1, { sourcePeer: "p" }), makeSymbols(1, 2), 1299),
      (e) => isFcpError(e, "FCP-6005"),
    );
    assert.equal(await s.getObject(idOf(1)), undefined);
    const r = await a.ingest(makeRecord(1, { sourcePeer: "p" }), makeSymbols(1, 2), 1300);
    assert.equal(r.status, "quarantined");
    // A local put is explicit and overrides a tombstone.
    await s.deleteObject(idOf(1), "unreachable", 1300, 9999);
    await s.putObject(makeRecord(1), makeSymbols(1, 2));
    assert.ok(!(await s.isTombstoned(idOf(1), 1301)));
  });
}
