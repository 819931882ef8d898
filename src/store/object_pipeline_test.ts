import assert from "node:assert/strict";
import fc from "fast-check";
import { isFcpError } from "../core/mod.ts";
import {
  createStandardZones,
  Ed25519Key,
  memoryZoneKeyStore,
  X25519Key,
  type ZoneKeyring,
} from "../authority/mod.ts";
import { epochAt } from "../model/mod.ts";
import { MemorySymbolStore } from "./memory_store.ts";
import { sealObject } from "./object_codec.ts";
import {
  chunkStorageId,
  createObjectContext,
  getObject,
  getObjectTo,
  type ObjectContext,
  putObject,
  putObjectStream,
} from "./object_pipeline.ts";
import type { StoredObject, SymbolRecord, SymbolStore } from "./types.ts";

const NOW = 1_700_000_000;
const ring: ZoneKeyring = await createStandardZones(
  { nodeId: "node-a", encryption: X25519Key.generate(), owner: Ed25519Key.generate() },
  memoryZoneKeyStore(),
  NOW - 10,
);

function ctxOver(store: SymbolStore): ObjectContext {
  return createObjectContext({ store, keyring: ring, nodeId: "node-a" });
}

function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A view of a store whose `getSymbols` is rewritten by `edit` (loss, tamper, order...). */
function editedView(
  store: SymbolStore,
  edit: (rec: StoredObject, symbols: SymbolRecord[]) => SymbolRecord[],
): SymbolStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "getSymbols") {
        return async (id: Uint8Array, opts?: { limit?: number }) => {
          const rec = (await target.getObject(id))!;
          const all = edit(rec, await target.getSymbols(id));
          return opts?.limit === undefined ? all : all.slice(0, opts.limit);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function flip(s: SymbolRecord, where: "data" | "tag"): SymbolRecord {
  const copy = { ...s, data: s.data.slice(), tag: s.tag.slice() };
  copy[where][0] = copy[where][0]! ^ 1;
  return copy;
}

/** Copy every object of `from` into a fresh store, replacing the symbols of `target`. */
async function forgedStore(
  from: SymbolStore,
  target: Uint8Array,
  symbols: (rec: StoredObject) => SymbolRecord[],
): Promise<MemorySymbolStore> {
  const out = new MemorySymbolStore();
  for (const rec of await from.listObjects()) {
    const same = rec.objectId.every((b, i) => b === target[i]);
    await out.putObject(rec, same ? symbols(rec) : await from.getSymbols(rec.objectId));
  }
  return out;
}

Deno.test("put/get round trip at the chunking boundaries", async () => {
  const ctx = ctxOver(new MemorySymbolStore());
  for (const n of [0, 1, 1024, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024]) {
    const data = pattern(n, n + 7);
    const put = await putObject(ctx, data, { zone: "z:work", now: NOW });
    assert.equal(put.size, n);
    assert.equal(put.chunks, n > 256 * 1024 ? Math.ceil(n / 65536) : 0);
    assert.deepEqual(await getObject(ctx, put.objectId, { zone: "z:work" }), data, `size ${n}`);
    assert.ok(await ctx.store.isPinned(put.objectId));
  }
});

Deno.test("the same bytes get the same id; the id depends on the zone", async () => {
  const ctx = ctxOver(new MemorySymbolStore());
  const data = pattern(400_000);
  const a = await putObject(ctx, data, { zone: "z:work", now: NOW });
  const b = await putObject(ctx, data, { zone: "z:work", now: NOW + 1, pin: false });
  const c = await putObject(ctx, data, { zone: "z:private", now: NOW });
  assert.deepEqual(a.objectId, b.objectId);
  assert.equal(b.created, false);
  assert.notDeepEqual(a.objectId, c.objectId);
  assert.deepEqual(await getObject(ctx, c.objectId, { zone: "z:private" }), data);
  assert.deepEqual(await getObject(ctx, a.objectId, { zone: "z:work" }), data);
});

Deno.test("a streamed put in odd pieces equals a one-shot put", async () => {
  const ctx = ctxOver(new MemorySymbolStore());
  const data = pattern(600_001, 3);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 77_777) pieces.push(data.subarray(at, at + 77_777));
  async function* gen() {
    yield* pieces;
  }
  const streamed = await putObjectStream(ctx, gen(), { zone: "z:work", now: NOW });
  const whole = await putObject(ctx, data, { zone: "z:work", now: NOW });
  assert.deepEqual(streamed.objectId, whole.objectId);
  assert.deepEqual(await getObject(ctx, streamed.objectId, { zone: "z:work" }), data);
});

Deno.test("repeated chunks are stored once and still rebuild", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  const data = new Uint8Array(1024 * 1024); // 16 identical zero chunks
  const put = await putObject(ctx, data, { zone: "z:work", now: NOW });
  assert.equal(put.chunks, 16);
  assert.equal((await store.listObjects({ zone: "z:work" })).length, 2); // manifest + one chunk
  assert.deepEqual(await getObject(ctx, put.objectId, { zone: "z:work" }), data);
});

Deno.test("progress callbacks report bytes done", async () => {
  const ctx = ctxOver(new MemorySymbolStore());
  const seen: number[] = [];
  const put = await putObject(ctx, pattern(300_000), {
    zone: "z:work",
    now: NOW,
    onProgress: (done) => seen.push(done),
  });
  assert.equal(seen.at(-1), 300_000);
  const got: number[] = [];
  await getObjectTo(ctx, put.objectId, {
    zone: "z:work",
    onProgress: (done, total) => {
      got.push(done);
      assert.equal(total, 300_000);
    },
  }, () => {});
  assert.deepEqual(got, [65536, 131072, 196608, 262144, 300_000]);
});

Deno.test("property: loss within the margin, any order, duplicates: exact bytes or an error", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
        { weight: 2, arbitrary: fc.integer({ min: 20_000, max: 300_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 4 * 1024 * 1024 }) },
      ),
      fc.integer({ min: 0, max: 3000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      async (size, repairBps, lossFraction, overLoss, seed) => {
        const data = pattern(size, seed);
        const put = await putObject(ctx, data, { zone: "z:work", now: NOW, repairBps });
        let rnd = seed;
        const next = () => (rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const view = editedView(store, (rec, symbols) => {
          const r = symbols.length - rec.k; // repair symbols present
          const lose = Math.min(
            symbols.length,
            Math.floor(r * lossFraction) + (overLoss ? Math.ceil(next() * 3) : 0),
          );
          const kept = [...symbols];
          for (let i = 0; i < lose; i++) kept.splice(Math.floor(next() * kept.length), 1);
          const dups = kept.filter(() => next() < 0.2);
          const all = [...kept, ...dups];
          for (let i = all.length - 1; i > 0; i--) {
            const j = Math.floor(next() * (i + 1));
            [all[i], all[j]] = [all[j]!, all[i]!];
          }
          return all;
        });
        try {
          const got = await getObject(ctxOver(view), put.objectId, { zone: "z:work" });
          assert.deepEqual(got, data);
        } catch (e) {
          assert.ok(isFcpError(e, "FCP-6001"), `unexpected ${e}`);
        }
      },
    ),
    { numRuns: 15 },
  );
});

Deno.test("a tampered symbol is dropped and the object still rebuilds within the margin", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  const data = pattern(100_000);
  const put = await putObject(ctx, data, { zone: "z:work", now: NOW, repairBps: 1000 });
  for (const where of ["data", "tag"] as const) {
    const view = editedView(store, (_rec, s) => s.map((x, i) => i < 3 ? flip(x, where) : x));
    const res = await getObjectTo(ctxOver(view), put.objectId, { zone: "z:work" }, (p) => {
      assert.deepEqual(p, data);
    });
    assert.equal(res.dropped, 3);
  }
  // More tampered symbols than repair symbols: refused with FCP-1025.
  const bad = editedView(
    store,
    (rec, s) => s.map((x, i) => i <= s.length - rec.k ? flip(x, "data") : x),
  );
  await assert.rejects(
    getObject(ctxOver(bad), put.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-1025"),
  );
});

Deno.test("symbols sealed under another zone's key or another epoch are refused", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  const data = pattern(5000);
  const put = await putObject(ctx, data, { zone: "z:work", now: NOW });
  const reseal = (zone: "z:work" | "z:private", epochId: bigint) => (rec: StoredObject) => [
    ...sealObject({
      objectId: rec.objectId,
      zoneId: "z:work",
      data,
      zoneKey: ring.activeZoneKey(zone),
      senderNodeId: rec.seal.senderNodeId,
      senderInstanceId: rec.seal.senderInstanceId,
      frameSeq: 99n,
      epochId,
    }).symbols,
  ];
  // Control: resealing exactly as recorded (new frame seq) opens fine.
  const good = await forgedStore(store, put.objectId, (rec) => {
    return reseal("z:work", rec.seal.epochId)(rec);
  });
  assert.deepEqual(await getObject(ctxOver(good), put.objectId, { zone: "z:work" }), data);
  const otherZone = await forgedStore(store, put.objectId, reseal("z:private", epochAt(NOW)));
  await assert.rejects(
    getObject(ctxOver(otherZone), put.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-1025"),
  );
  const otherEpoch = await forgedStore(store, put.objectId, reseal("z:work", epochAt(NOW) + 1n));
  await assert.rejects(
    getObject(ctxOver(otherEpoch), put.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-1025"),
  );
});

Deno.test("content that decodes but does not match its id is refused (FCP-1014)", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  const key = ring.activeZoneKey("z:work");
  const forge = (data: Uint8Array) => (rec: StoredObject) => [
    ...sealObject({
      objectId: rec.objectId,
      zoneId: rec.zoneId,
      data,
      zoneKey: key,
      senderNodeId: rec.seal.senderNodeId,
      senderInstanceId: rec.seal.senderInstanceId,
      frameSeq: 1000n,
      epochId: rec.seal.epochId,
    }).symbols,
  ];
  // Unchunked: same length, one byte changed, sealed correctly under the zone key.
  const small = pattern(3000);
  const p1 = await putObject(ctx, small, { zone: "z:work", now: NOW });
  const evil = small.slice();
  evil[10] = evil[10]! ^ 0xff;
  const s1 = await forgedStore(store, p1.objectId, forge(evil));
  await assert.rejects(
    getObject(ctxOver(s1), p1.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-1014"),
  );
  // Chunked: one chunk replaced by other bytes of the same length.
  const big = pattern(300_000, 9);
  const p2 = await putObject(ctx, big, { zone: "z:work", now: NOW });
  const chunk1 = big.slice(65536, 131072);
  chunk1[5] = chunk1[5]! ^ 1;
  const oidKey = ring.objectIdKey("z:work").key;
  const { chunkObjectId } = await import("../symbol/mod.ts");
  const target = chunkStorageId(oidKey, "z:work", chunkObjectId(big.subarray(65536, 131072)));
  const s2 = await forgedStore(store, target, forge(chunk1));
  await assert.rejects(
    getObject(ctxOver(s2), p2.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-1014"),
  );
});

Deno.test("refusals: wrong zone FCP-4002, unknown id FCP-6001, missing chunk FCP-6001", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  const put = await putObject(ctx, pattern(300_000), { zone: "z:work", now: NOW });
  await assert.rejects(
    getObject(ctx, put.objectId, { zone: "z:private" }),
    (e) => isFcpError(e, "FCP-4002"),
  );
  await assert.rejects(
    getObject(ctx, new Uint8Array(32).fill(7), { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-6001"),
  );
  const manifest = (await store.getObject(put.objectId))!;
  await store.deleteObject(manifest.refs[2]!, "user", NOW);
  await assert.rejects(
    getObject(ctx, put.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-6001"),
  );
  await assert.rejects(
    putObject(ctx, new Uint8Array(1), { zone: "z:nope!", now: NOW }),
    (e) => isFcpError(e, "FCP-4001"),
  );
});

Deno.test("a put above 64 MiB is refused before anything top-level is stored", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  function* pieces() {
    const mib = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 65; i++) yield mib;
  }
  await assert.rejects(
    putObjectStream(ctx, pieces(), { zone: "z:work", now: NOW }),
    (e) => isFcpError(e, "FCP-6002"),
  );
  assert.deepEqual(await store.listPins(), []);
  const top = (await store.listObjects()).filter((o) => o.role === "object");
  assert.deepEqual(top, []);
});

Deno.test("a put that fails midway leaves no top-level object and no pin", async () => {
  const store = new MemorySymbolStore();
  let calls = 0;
  const failing = new Proxy(store, {
    get(target, prop) {
      if (prop === "putObjects") {
        return (items: Parameters<SymbolStore["putObjects"]>[0]) => {
          if (++calls === 2) return Promise.reject(new Error("disk full"));
          return target.putObjects(items);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const ctx = ctxOver(failing);
  await assert.rejects(putObject(ctx, pattern(2 * 1024 * 1024 + 5), { zone: "z:work", now: NOW }));
  assert.equal(calls, 2);
  const objects = await store.listObjects();
  assert.equal(objects.length, 16); // the first batch of chunks only
  assert.ok(objects.every((o) => o.role === "chunk"));
  assert.deepEqual(await store.listPins(), []);
});
