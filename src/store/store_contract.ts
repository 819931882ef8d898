/**
 * The {@link SymbolStore} contract as a test suite: every implementation runs the same tests
 * (`sqlite_store_test.ts`, `memory_store_test.ts`). Test-only: not exported from `mod.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import type { ErrorCode } from "../core/mod.ts";
import type { ObjectRecord, StoredObject, SymbolRecord, SymbolStore } from "./types.ts";
import { idOf, makeRecord, makeSymbols } from "./_test_util.ts";
import { applyUsage, emptyUsage } from "./_records.ts";
import type { MutableUsage } from "./_validate.ts";

/** Creates a fresh, empty store for one test. */
export type StoreFactory = () => SymbolStore | Promise<SymbolStore>;

function code(c: ErrorCode): (e: unknown) => boolean {
  return (e) => isFcpError(e, c);
}

function strip(o: StoredObject): ObjectRecord {
  const { symbolCount: _c, bytes: _b, ...rest } = o;
  return rest;
}

/**
 * Register the contract tests for one store implementation with `Deno.test`, each named
 * `<name>: …` and run on a fresh store from `factory`.
 *
 * @example
 * ```ts
 * import { runStoreContract } from "./store_contract.ts";
 * import assert from "node:assert/strict";
 * // In a test file: runStoreContract("memory", () => new MemorySymbolStore());
 * assert.equal(typeof runStoreContract, "function");
 * ```
 */
export function runStoreContract(name: string, factory: StoreFactory): void {
  const test = (title: string, fn: (s: SymbolStore) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const s = await factory();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    });

  test("put then get returns the record and symbols exactly", async (s) => {
    const rec = makeRecord(1, {
      schemaHash: new Uint8Array(32).fill(4),
      refs: [idOf(2), idOf(3)],
      sourcePeer: "peer-b",
      expiresAt: 5000,
      state: "quarantined",
      role: "chunk",
      seal: {
        algorithm: "xchacha20poly1305",
        zoneKeyId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
        epochId: (1n << 64n) - 1n,
        senderNodeId: "node-ü",
        senderInstanceId: 1n << 63n,
      },
    });
    const syms = makeSymbols(1, 3);
    const put = await s.putObject(rec, [syms[2]!, syms[0]!, syms[1]!]);
    assert.deepEqual(put, { created: true, symbols: 3 });
    const got = await s.getObject(rec.objectId);
    assert.ok(got);
    assert.deepEqual(strip(got), rec);
    assert.equal(got.symbolCount, 3);
    assert.equal(got.bytes, 3 * (32 + 16));
    assert.deepEqual(await s.getSymbols(rec.objectId), syms);
    assert.equal(await s.getObject(idOf(99)), undefined);
    assert.deepEqual(await s.getSymbols(idOf(99)), []);
    // Optional fields stay absent.
    const plain = makeRecord(4);
    await s.putObject(plain, []);
    const back = await s.getObject(plain.objectId);
    assert.ok(back);
    assert.ok(!("schemaHash" in back) && !("sourcePeer" in back) && !("expiresAt" in back));
    assert.deepEqual(strip(back), plain);
  });

  test("u64 fields round-trip at the extremes", async (s) => {
    const rec = makeRecord(1, {
      seal: { ...makeRecord(1).seal, epochId: 0n, senderInstanceId: (1n << 64n) - 1n },
    });
    const sym: SymbolRecord = {
      esi: 0xffffff,
      frameSeq: (1n << 64n) - 1n,
      data: new Uint8Array(32).fill(0xee),
      tag: new Uint8Array(16).fill(0xdd),
    };
    const sym2: SymbolRecord = { ...sym, esi: 0, frameSeq: 1n << 63n };
    await s.putObject(rec, [sym, sym2]);
    const got = await s.getObject(rec.objectId);
    assert.equal(got?.seal.senderInstanceId, (1n << 64n) - 1n);
    assert.deepEqual(await s.getSymbols(rec.objectId), [sym2, sym]);
  });

  test("duplicate ESIs in one put: the first wins", async (s) => {
    const [a, b] = makeSymbols(2, 2);
    const dup = { ...b!, esi: a!.esi };
    const r = await s.putObject(makeRecord(1), [a!, dup, b!]);
    assert.equal(r.symbols, 2);
    assert.deepEqual(await s.getSymbols(idOf(1)), [a, b]);
  });

  test("putting a complete object again changes nothing", async (s) => {
    await s.putObject(makeRecord(1), makeSymbols(1, 2));
    const r = await s.putObject(makeRecord(1, { k: 9 }), makeSymbols(5, 4));
    assert.deepEqual(r, { created: false, symbols: 0 });
    assert.equal((await s.getObject(idOf(1)))?.k, 2);
    assert.deepEqual(await s.getSymbols(idOf(1)), makeSymbols(1, 2));
    assert.equal((await s.stats()).symbols, 2);
  });

  test("putting over a quarantined object replaces it and its accounting", async (s) => {
    await s.putObject(makeRecord(1, { state: "quarantined", sourcePeer: "p" }), makeSymbols(1, 3));
    const r = await s.putObject(makeRecord(1), makeSymbols(2, 2));
    assert.deepEqual(r, { created: true, symbols: 2 });
    assert.equal((await s.getObject(idOf(1)))?.state, "complete");
    assert.deepEqual(await s.getSymbols(idOf(1)), makeSymbols(2, 2));
    const st = await s.stats();
    assert.equal(st.symbols, 2);
    assert.equal(st.byZone["z:work"]?.quarantinedObjects, 0);
    assert.deepEqual(st.byPeer, {});
  });

  test("putObjects stores a batch; a bad item stores nothing", async (s) => {
    const good = { record: makeRecord(1), symbols: makeSymbols(1, 2) };
    const bad = {
      record: makeRecord(2),
      symbols: [{ ...makeSymbols(2, 1)[0]!, data: new Uint8Array(31) }],
    };
    await assert.rejects(s.putObjects([good, bad]), code("FCP-1040"));
    assert.equal(await s.getObject(idOf(1)), undefined);
    assert.equal((await s.stats()).objects, 0);
    const res = await s.putObjects([good, { record: makeRecord(2), symbols: makeSymbols(2, 1) }]);
    assert.deepEqual(res.map((r) => r.symbols), [2, 1]);
    assert.equal((await s.stats()).objects, 2);
  });

  test("addSymbols ignores stored and repeated ESIs", async (s) => {
    const syms = makeSymbols(1, 5);
    await s.putObject(makeRecord(1), syms.slice(0, 2));
    assert.equal(await s.addSymbols(idOf(1), [syms[1]!, syms[2]!, syms[2]!, syms[4]!]), 2);
    assert.deepEqual(await s.listEsis(idOf(1)), [0, 1, 2, 4]);
    const o = await s.getObject(idOf(1));
    assert.equal(o?.symbolCount, 4);
    assert.equal(o?.bytes, 4 * 48);
    assert.equal((await s.stats()).byZone["z:work"]?.bytes, 4 * 48);
    assert.equal(await s.addSymbols(idOf(1), [syms[0]!]), 0);
  });

  test("addSymbols refusals store nothing", async (s) => {
    await s.putObject(makeRecord(1), []);
    await assert.rejects(s.addSymbols(idOf(2), makeSymbols(1, 1)), code("FCP-6001"));
    const mixed = [...makeSymbols(1, 2), { ...makeSymbols(1, 3)[2]!, tag: new Uint8Array(15) }];
    await assert.rejects(s.addSymbols(idOf(1), mixed), code("FCP-1040"));
    assert.deepEqual(await s.listEsis(idOf(1)), []);
  });

  test("getSymbols by ESIs and with a limit", async (s) => {
    const syms = makeSymbols(1, 6);
    await s.putObject(makeRecord(1), syms);
    assert.deepEqual(await s.getSymbols(idOf(1), { esis: [5, 1, 9, 1] }), [syms[1], syms[5]]);
    assert.deepEqual(await s.getSymbols(idOf(1), { limit: 2 }), syms.slice(0, 2));
    assert.deepEqual(await s.getSymbols(idOf(1), { esis: [0, 3, 4], limit: 2 }), [
      syms[0],
      syms[3],
    ]);
    assert.deepEqual(await s.getSymbols(idOf(1), { limit: 0 }), []);
  });

  test("returned and passed-in bytes are not shared with the store", async (s) => {
    const rec = makeRecord(1);
    const syms = makeSymbols(1, 1);
    await s.putObject(rec, syms);
    syms[0]!.data.fill(0);
    rec.seal.zoneKeyId.fill(0);
    const got = await s.getSymbols(idOf(1));
    assert.deepEqual(got, makeSymbols(1, 1));
    got[0]!.data.fill(1);
    (await s.getObject(idOf(1)))!.objectId.fill(0);
    assert.deepEqual(await s.getSymbols(idOf(1)), makeSymbols(1, 1));
    assert.deepEqual((await s.getObject(idOf(1)))?.seal.zoneKeyId, makeRecord(1).seal.zoneKeyId);
  });

  test("setState moves accounting and sets, keeps or clears the expiry", async (s) => {
    await s.putObject(
      makeRecord(1, { state: "quarantined", expiresAt: 50, sourcePeer: "p" }),
      makeSymbols(1, 2),
    );
    let z = (await s.stats()).byZone["z:work"]!;
    assert.deepEqual([z.quarantinedObjects, z.quarantinedBytes], [1, 96]);
    await s.setState(idOf(1), "complete");
    assert.equal((await s.getObject(idOf(1)))?.expiresAt, 50);
    z = (await s.stats()).byZone["z:work"]!;
    assert.deepEqual([z.objects, z.bytes, z.quarantinedObjects, z.quarantinedBytes], [1, 96, 0, 0]);
    assert.equal((await s.peerUsage("p")).quarantinedObjects, 0);
    await s.setState(idOf(1), "complete", null);
    assert.equal((await s.getObject(idOf(1)))?.expiresAt, undefined);
    await s.setState(idOf(1), "quarantined", 70);
    assert.equal((await s.getObject(idOf(1)))?.expiresAt, 70);
    assert.equal((await s.peerUsage("p")).quarantinedBytes, 96);
    await assert.rejects(s.setState(idOf(2), "complete"), code("FCP-6001"));
  });

  test("deleteObject frees bytes and writes a tombstone with a hold", async (s) => {
    await s.putObject(makeRecord(1, { sourcePeer: "p" }), makeSymbols(1, 2));
    await s.putObject(makeRecord(2), makeSymbols(2, 1));
    assert.equal(await s.deleteObject(idOf(1), "unreachable", 100, 200), 96);
    assert.equal(await s.getObject(idOf(1)), undefined);
    assert.deepEqual(await s.getSymbols(idOf(1)), []);
    assert.deepEqual(await s.getSymbols(idOf(2)), makeSymbols(2, 1));
    const t = await s.getTombstone(idOf(1));
    assert.deepEqual(t, {
      objectId: idOf(1),
      zoneId: "z:work",
      reason: "unreachable",
      deletedAt: 100,
      until: 200,
    });
    assert.ok(await s.isTombstoned(idOf(1), 199));
    assert.ok(!(await s.isTombstoned(idOf(1), 200)));
    const st = await s.stats();
    assert.deepEqual([st.objects, st.symbols, st.bytes], [1, 1, 48]);
    assert.deepEqual(st.byPeer, {});
    // Unknown object: nothing, no tombstone.
    assert.equal(await s.deleteObject(idOf(3), "user", 100), 0);
    assert.equal(await s.getTombstone(idOf(3)), undefined);
    // Purge and put-clears-tombstone.
    assert.equal(await s.deleteObject(idOf(2), "user", 100), 48);
    assert.equal(await s.purgeTombstones(150), 1);
    assert.ok(await s.getTombstone(idOf(1)));
    await s.putObject(makeRecord(1), []);
    assert.equal(await s.getTombstone(idOf(1)), undefined);
    await assert.rejects(s.deleteObject(idOf(2), "", 1), code("FCP-1040"));
  });

  test("pins", async (s) => {
    await s.pin(idOf(2), "z:work", 10);
    await s.pin(idOf(1), "z:private", 11);
    assert.ok(await s.isPinned(idOf(1)));
    assert.ok(!(await s.isPinned(idOf(3))));
    assert.deepEqual(
      (await s.listPins()).map((p) => toHex(p.objectId)),
      [idOf(1), idOf(2)].map(toHex).sort(),
    );
    assert.deepEqual(await s.listPins("z:work"), [{
      objectId: idOf(2),
      zoneId: "z:work",
      pinnedAt: 10,
    }]);
    assert.ok(await s.unpin(idOf(2)));
    assert.ok(!(await s.unpin(idOf(2))));
    assert.deepEqual(await s.listPins("z:work"), []);
    await assert.rejects(s.pin(idOf(1), "work", 1), code("FCP-4001"));
    await assert.rejects(s.pin(new Uint8Array(31), "z:work", 1), code("FCP-1040"));
  });

  test("zone roots are named and replaceable", async (s) => {
    await s.setZoneRoot("z:work", "checkpoint", idOf(1));
    await s.setZoneRoot("z:work", "audit-head", idOf(2));
    await s.setZoneRoot("z:owner", "checkpoint", idOf(3));
    await s.setZoneRoot("z:work", "checkpoint", idOf(4));
    assert.deepEqual(await s.listZoneRoots("z:work"), [
      { zoneId: "z:work", name: "audit-head", objectId: idOf(2) },
      { zoneId: "z:work", name: "checkpoint", objectId: idOf(4) },
    ]);
    assert.deepEqual((await s.listZoneRoots()).map((r) => r.zoneId), [
      "z:owner",
      "z:work",
      "z:work",
    ]);
    assert.ok(await s.removeZoneRoot("z:work", "audit-head"));
    assert.ok(!(await s.removeZoneRoot("z:work", "audit-head")));
    assert.equal((await s.listZoneRoots("z:work")).length, 1);
    await assert.rejects(s.setZoneRoot("z:work", "Bad Name", idOf(1)), code("FCP-4007"));
  });

  test("requests lapse at their deadline", async (s) => {
    await s.request(idOf(1), "z:work", 100);
    await s.request(idOf(2), "z:owner", 200);
    assert.equal((await s.listRequests(50)).length, 2);
    assert.deepEqual(await s.listRequests(50, "z:owner"), [{
      objectId: idOf(2),
      zoneId: "z:owner",
      until: 200,
    }]);
    assert.deepEqual((await s.listRequests(100)).map((r) => r.until), [200]);
    assert.equal(await s.purgeRequests(100), 1);
    assert.ok(await s.unrequest(idOf(2)));
    assert.ok(!(await s.unrequest(idOf(2))));
    assert.deepEqual(await s.listRequests(0), []);
  });

  test("listObjects filters and orders by id; listQuarantined in eviction order", async (s) => {
    await s.putObject(
      makeRecord(1, { state: "quarantined", createdAt: 30, sourcePeer: "p" }),
      makeSymbols(1, 1),
    );
    await s.putObject(
      makeRecord(2, { state: "quarantined", createdAt: 10, sourcePeer: "q" }),
      makeSymbols(2, 1),
    );
    await s.putObject(
      makeRecord(3, { state: "quarantined", createdAt: 30, sourcePeer: "p" }),
      makeSymbols(3, 2),
    );
    await s.putObject(makeRecord(4, { zoneId: "z:owner" }), []);
    await s.putObject(makeRecord(5, { state: "quarantined", zoneId: "z:owner", createdAt: 1 }), []);
    const ids = (xs: StoredObject[]) => xs.map((o) => o.objectId[0]);
    assert.deepEqual(ids(await s.listObjects()), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids(await s.listObjects({ zone: "z:work" })), [1, 2, 3]);
    assert.deepEqual(ids(await s.listObjects({ state: "complete" })), [4]);
    assert.deepEqual(ids(await s.listObjects({ sourcePeer: "p" })), [1, 3]);
    assert.deepEqual(ids(await s.listObjects({ zone: "z:owner", state: "quarantined" })), [5]);
    assert.deepEqual(ids(await s.listQuarantined({ zone: "z:work" })), [2, 3, 1]);
    assert.deepEqual(ids(await s.listQuarantined({ sourcePeer: "p" })), [3, 1]);
  });

  test("usage counters always equal a recount of the stored objects", async (s) => {
    let x = 12345;
    const rnd = (n: number) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x % n;
    };
    const zones = ["z:work", "z:owner", "z:private"];
    const peers = [undefined, "p1", "p2"];
    for (let step = 0; step < 150; step++) {
      const n = rnd(12);
      const op = rnd(5);
      if (op === 0 || op === 1) {
        const peer = peers[rnd(3)];
        await s.putObject(
          makeRecord(n, {
            zoneId: zones[rnd(3)]!,
            state: rnd(2) ? "quarantined" : "complete",
            ...(peer ? { sourcePeer: peer } : {}),
          }),
          makeSymbols(n, rnd(4)),
        );
      } else if (op === 2 && await s.getObject(idOf(n))) {
        await s.addSymbols(idOf(n), makeSymbols(n, 2, 32, rnd(6)));
      } else if (op === 3 && await s.getObject(idOf(n))) {
        await s.setState(idOf(n), rnd(2) ? "quarantined" : "complete");
      } else if (op === 4) {
        await s.deleteObject(idOf(n), "user", step);
      }
    }
    const objs = await s.listObjects();
    const zonesU: Record<string, MutableUsage> = {};
    const peersU: Record<string, MutableUsage> = {};
    let symbols = 0;
    for (const o of objs) {
      assert.equal(o.symbolCount, (await s.listEsis(o.objectId)).length);
      assert.equal(o.bytes, o.symbolCount * (o.symbolSize + 16));
      symbols += o.symbolCount;
      applyUsage(zonesU[o.zoneId] ??= emptyUsage(), o.state, 1, o.symbolCount, o.bytes);
      if (o.sourcePeer) {
        applyUsage(peersU[o.sourcePeer] ??= emptyUsage(), o.state, 1, o.symbolCount, o.bytes);
      }
    }
    const st = await s.stats();
    assert.equal(st.objects, objs.length);
    assert.equal(st.symbols, symbols);
    assert.deepEqual({ ...st.byZone }, zonesU);
    assert.deepEqual({ ...st.byPeer }, peersU);
    for (const z of zones) {
      assert.deepEqual({ ...(await s.zoneUsage(z)) }, zonesU[z] ?? emptyUsage());
    }
    assert.ok(objs.length > 0);
  });

  test("malformed records and symbols are refused with their codes", async (s) => {
    const bad: [Partial<ObjectRecord>, ErrorCode][] = [
      [{ objectId: new Uint8Array(31) }, "FCP-1040"],
      [{ zoneId: "Z:Work" }, "FCP-4001"],
      [{ k: 65536 }, "FCP-1040"],
      [{ symbolSize: 0 }, "FCP-1040"],
      [{ transferLength: -1 }, "FCP-1040"],
      [{ schemaHash: new Uint8Array(31) }, "FCP-1040"],
      [{ refs: [new Uint8Array(33)] }, "FCP-1040"],
      [{ sourcePeer: "" }, "FCP-1040"],
      [{ createdAt: 1.5 }, "FCP-1040"],
      [{ seal: { ...makeRecord(0).seal, zoneKeyId: new Uint8Array(7) } }, "FCP-1040"],
      [{ seal: { ...makeRecord(0).seal, epochId: -1n } }, "FCP-1040"],
      [{ seal: { ...makeRecord(0).seal, senderInstanceId: 1n << 64n } }, "FCP-1040"],
    ];
    for (const [over, c] of bad) {
      await assert.rejects(
        s.putObject(makeRecord(1, over), []),
        code(c),
        JSON.stringify(Object.keys(over)),
      );
    }
    const sym = makeSymbols(1, 1)[0]!;
    for (
      const b of [
        { esi: 0x1000000 },
        { esi: -1 },
        { frameSeq: -1n },
        { data: new Uint8Array(33) },
        { tag: new Uint8Array(0) },
      ]
    ) {
      await assert.rejects(s.putObject(makeRecord(1), [{ ...sym, ...b }]), code("FCP-1040"));
    }
    assert.equal((await s.stats()).objects, 0);
  });

  test("a closed store refuses calls; close is idempotent", async (s) => {
    await s.close();
    await s.close();
    await assert.rejects(s.getObject(idOf(1)), code("FCP-9002"));
    await assert.rejects(s.putObject(makeRecord(1), []), code("FCP-9002"));
  });
}
