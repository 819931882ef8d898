import assert from "node:assert/strict";
import fc from "fast-check";
import { equalBytes, isFcpError, toHex } from "../core/mod.ts";
import {
  createStandardZones,
  Ed25519Key,
  memoryZoneKeyStore,
  X25519Key,
  type ZoneKeyring,
} from "../authority/mod.ts";
import { MemorySymbolStore } from "./memory_store.ts";
import { getObjectRange, inspectObject, repairChunk, repairObject } from "./object_chunks.ts";
import {
  createObjectContext,
  getObject,
  type ObjectContext,
  putObject,
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

function collect(): { sink: (p: Uint8Array) => void; bytes: () => Uint8Array } {
  const parts: Uint8Array[] = [];
  return {
    sink: (p) => void parts.push(p.slice()),
    bytes: () => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
  };
}

/** A copy of `from` where the symbols of the objects in `edits` are rewritten. */
async function edited(
  from: SymbolStore,
  edits: Map<string, (rec: StoredObject, s: SymbolRecord[]) => SymbolRecord[]>,
): Promise<MemorySymbolStore> {
  const out = new MemorySymbolStore();
  for (const rec of await from.listObjects()) {
    const edit = edits.get(toHex(rec.objectId));
    const symbols = await from.getSymbols(rec.objectId);
    await out.putObject(rec, edit === undefined ? symbols : edit(rec, symbols));
  }
  for (const p of await from.listPins()) await out.pin(p.objectId, p.zoneId, p.pinnedAt);
  return out;
}

const flipTag = (s: SymbolRecord): SymbolRecord => {
  const tag = s.tag.slice();
  tag[0] = tag[0]! ^ 1;
  return { ...s, tag };
};

// 1 MiB + 1000 bytes: 17 chunks, the last one 1000 bytes.
const DATA = pattern(1024 * 1024 + 1000, 42);
const base = new MemorySymbolStore();
const put = await putObject(ctxOver(base), DATA, { zone: "z:work", now: NOW });
const healthy = await inspectObject(ctxOver(base), put.objectId, { zone: "z:work" });

Deno.test("inspect: every chunk listed with offset, length, ids; a healthy object", () => {
  assert.equal(healthy.chunked, true);
  assert.equal(healthy.size, DATA.length);
  assert.equal(healthy.chunks.length, 17);
  assert.ok(healthy.healthy);
  assert.deepEqual(healthy.chunks.at(-1)!.offset, 16 * 65536);
  assert.deepEqual(healthy.chunks.at(-1)!.length, 1000);
  assert.ok(healthy.chunks.every((c) => c.state === "stored" && c.symbols >= 64 || c.index === 16));
});

Deno.test("inspect: missing, short and (with verify) damaged chunks are told apart", async () => {
  const c = healthy.chunks;
  const store = await edited(
    base,
    new Map([
      [toHex(c[3]!.storageId), (rec, s) => s.slice(0, rec.k - 1)], // short
      [toHex(c[5]!.storageId), (_rec, s) => s.map(flipTag)], // damaged: nothing authentic
    ]),
  );
  await store.deleteObject(c[9]!.storageId, "user", NOW);
  const ctx = ctxOver(store);
  const quick = await inspectObject(ctx, put.objectId, { zone: "z:work" });
  const states = (r: typeof quick) =>
    Object.fromEntries(r.chunks.filter((x) => x.state !== "stored").map((x) => [x.index, x.state]));
  assert.deepEqual(states(quick), { 3: "short", 9: "missing" }); // records only
  assert.equal(quick.healthy, false);
  const deep = await inspectObject(ctx, put.objectId, { zone: "z:work", verify: true });
  assert.deepEqual(states(deep), { 3: "short", 5: "damaged", 9: "missing" });
  // A Blob has no chunks.
  const small = await putObject(ctx, pattern(1000), { zone: "z:work", now: NOW });
  const blob = await inspectObject(ctx, small.objectId, { zone: "z:work" });
  assert.deepEqual([blob.chunked, blob.chunks.length, blob.healthy, blob.size], [
    false,
    0,
    true,
    1000,
  ]);
  await assert.rejects(
    inspectObject(ctx, put.objectId, { zone: "z:private" }),
    (e) => isFcpError(e, "FCP-4002"),
  );
});

Deno.test("property: any range is byte-identical and reads only the chunks it covers", async () => {
  const ctx = ctxOver(base);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: DATA.length }),
      fc.integer({ min: 0, max: 300_000 }),
      async (offset, length) => {
        const c = collect();
        const res = await getObjectRange(
          ctx,
          put.objectId,
          { zone: "z:work", offset, length },
          c.sink,
        );
        const end = Math.min(DATA.length, offset + length);
        assert.equal(res.length, end - offset);
        assert.equal(res.size, DATA.length);
        assert.ok(equalBytes(c.bytes(), DATA.subarray(offset, end)));
        const expectChunks = end > offset
          ? Math.floor((end - 1) / 65536) - Math.floor(offset / 65536) + 1
          : 0;
        assert.equal(res.chunksRead, expectChunks);
      },
    ),
    { numRuns: 25 },
  );
});

Deno.test("range: chunks outside the range need not be stored; a bad chunk inside is refused", async () => {
  const c = healthy.chunks;
  const store = await edited(base, new Map([[toHex(c[2]!.storageId), (_r, s) => s.map(flipTag)]]));
  for (const i of [0, 1, 7, 16]) await store.deleteObject(c[i]!.storageId, "user", NOW);
  const ctx = ctxOver(store);
  const got = collect();
  const res = await getObjectRange(ctx, put.objectId, {
    zone: "z:work",
    offset: 3 * 65536 + 10,
    length: 3 * 65536,
  }, got.sink);
  assert.equal(res.chunksRead, 4); // chunks 3..6
  assert.ok(equalBytes(got.bytes(), DATA.subarray(3 * 65536 + 10, 6 * 65536 + 10)));
  // The whole object cannot be read; the missing and the damaged chunk are refused in ranges.
  await assert.rejects(
    getObject(ctx, put.objectId, { zone: "z:work" }),
    (e) => isFcpError(e, "FCP-6001"),
  );
  await assert.rejects(
    getObjectRange(ctx, put.objectId, { zone: "z:work", offset: 7 * 65536, length: 1 }, () => {}),
    (e) => isFcpError(e, "FCP-6001"),
  );
  const seen: Uint8Array[] = [];
  await assert.rejects(
    getObjectRange(
      ctx,
      put.objectId,
      { zone: "z:work", offset: 2 * 65536 + 5, length: 10 },
      (p) => {
        seen.push(p);
      },
    ),
    (e) => isFcpError(e, "FCP-1025"),
  );
  assert.equal(seen.length, 0, "nothing of a refused chunk is handed out");
});

Deno.test("range: Blobs, empty ranges and refusals", async () => {
  const store = new MemorySymbolStore();
  const ctx = ctxOver(store);
  const small = pattern(5000, 3);
  const p = await putObject(ctx, small, { zone: "z:work", now: NOW });
  const got = collect();
  const res = await getObjectRange(ctx, p.objectId, { zone: "z:work", offset: 4000 }, got.sink);
  assert.deepEqual([res.offset, res.length, res.chunksRead], [4000, 1000, 0]);
  assert.deepEqual(got.bytes(), small.subarray(4000));
  const none = await getObjectRange(ctx, p.objectId, { zone: "z:work", offset: 5000 }, () => {
    throw new Error("no bytes expected");
  });
  assert.equal(none.length, 0);
  for (
    const bad of [{ offset: 5001 }, { offset: -1 }, { offset: 1.5 }, { offset: 0, length: -1 }]
  ) {
    await assert.rejects(
      getObjectRange(ctx, p.objectId, { zone: "z:work", ...bad }, () => {}),
      (e) => isFcpError(e, "FCP-1040"),
    );
  }
  await assert.rejects(
    getObjectRange(ctx, new Uint8Array(32), { zone: "z:work", offset: 0 }, () => {}),
    (e) => isFcpError(e, "FCP-6001"),
  );
});

Deno.test("repairChunk: a missing chunk is repaired alone; nothing else is rewritten", async () => {
  const store = await edited(base, new Map());
  const ctx = ctxOver(store);
  const target = healthy.chunks[6]!;
  await store.deleteObject(target.storageId, "user", NOW);
  const others = new Map<string, StoredObject>();
  for (const o of await store.listObjects()) others.set(toHex(o.objectId), o);
  const res = await repairChunk(ctx, put.objectId, {
    zone: "z:work",
    index: 6,
    data: DATA.subarray(target.offset, target.offset + target.length),
    now: NOW + 100,
  });
  assert.deepEqual([res.before, res.written], ["missing", true]);
  assert.ok(res.symbols >= 64);
  const after = await store.listObjects();
  assert.equal(after.length, others.size + 1);
  for (const o of after) {
    const was = others.get(toHex(o.objectId));
    if (was === undefined) {
      assert.deepEqual(o.objectId, target.storageId);
      assert.equal(o.createdAt, NOW + 100);
    } else assert.deepEqual(o, was, "untouched");
  }
  assert.ok(equalBytes(await getObject(ctx, put.objectId, { zone: "z:work" }), DATA));
  // Repairing a healthy chunk writes nothing.
  const again = await repairChunk(ctx, put.objectId, {
    zone: "z:work",
    index: 6,
    data: DATA.subarray(target.offset, target.offset + target.length),
    now: NOW + 200,
  });
  assert.deepEqual([again.before, again.written, again.symbols], ["stored", false, 0]);
});

Deno.test("repairChunk: wrong bytes are refused with FCP-1014 and nothing is written", async () => {
  const store = await edited(base, new Map());
  const ctx = ctxOver(store);
  const target = healthy.chunks[4]!;
  await store.deleteObject(target.storageId, "user", NOW);
  const wrong = DATA.slice(target.offset, target.offset + target.length);
  wrong[100] = wrong[100]! ^ 1;
  for (const data of [wrong, wrong.subarray(1), DATA.subarray(0, target.length)]) {
    await assert.rejects(
      repairChunk(ctx, put.objectId, { zone: "z:work", index: 4, data, now: NOW }),
      (e) => isFcpError(e, "FCP-1014"),
    );
  }
  assert.equal(await store.getObject(target.storageId), undefined);
  await assert.rejects(
    repairChunk(ctx, put.objectId, { zone: "z:work", index: 17, data: wrong, now: NOW }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  const blob = await putObject(ctx, pattern(10), { zone: "z:work", now: NOW });
  await assert.rejects(
    repairChunk(ctx, blob.objectId, { zone: "z:work", index: 0, data: wrong, now: NOW }),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("repairObject: reads and rewrites only the bad chunks, then the object is whole", async () => {
  const c = healthy.chunks;
  const store = await edited(
    base,
    new Map([
      [toHex(c[1]!.storageId), (rec, s) => s.slice(0, rec.k - 3)],
      [toHex(c[8]!.storageId), (_rec, s) => s.map(flipTag)],
    ]),
  );
  await store.deleteObject(c[16]!.storageId, "user", NOW);
  const ctx = ctxOver(store);
  const reads: [number, number][] = [];
  const res = await repairObject(ctx, put.objectId, {
    zone: "z:work",
    now: NOW + 5,
    read: (at, n) => {
      reads.push([at, n]);
      return DATA.subarray(at, at + n);
    },
  });
  assert.equal(res.chunks, 17);
  assert.deepEqual(res.repaired, [
    { index: 1, before: "short" },
    { index: 8, before: "damaged" },
    { index: 16, before: "missing" },
  ]);
  assert.deepEqual(reads, [[65536, 65536], [8 * 65536, 65536], [16 * 65536, 1000]]);
  const after = await inspectObject(ctx, put.objectId, { zone: "z:work", verify: true });
  assert.ok(after.healthy);
  assert.ok(equalBytes(await getObject(ctx, put.objectId, { zone: "z:work" }), DATA));
  // A source that returns other bytes is refused.
  await store.deleteObject(c[2]!.storageId, "user", NOW);
  await assert.rejects(
    repairObject(ctx, put.objectId, {
      zone: "z:work",
      now: NOW,
      read: (_a, n) => new Uint8Array(n),
    }),
    (e) => isFcpError(e, "FCP-1014"),
  );
});
