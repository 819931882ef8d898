/**
 * `deno bench` for the object pipeline (issue 4 §6): put 1 MiB (hash, encode, seal, store) into
 * an in-memory and a SQLite store, and rebuild 1 MiB after 10% of every stored object's sealed
 * symbols are lost (1500 bps repair): read, open, decode, verify. `fcp bench raptorq` prints
 * the same measurements with p50/p99 as JSON.
 *
 * @module
 */
import { join } from "node:path";
import {
  createStandardZones,
  Ed25519Key,
  memoryZoneKeyStore,
  X25519Key,
} from "../src/authority/mod.ts";
import { aeadReady } from "../src/crypto/mod.ts";
import {
  createObjectContext,
  getObject,
  MemorySymbolStore,
  openSqliteStore,
  putObject,
} from "../src/store/mod.ts";

const NOW = Math.floor(Date.now() / 1000);
const ZONE = "z:work";
await aeadReady();
const keyring = await createStandardZones(
  { nodeId: "bench", encryption: X25519Key.generate(), owner: Ed25519Key.generate() },
  memoryZoneKeyStore(),
  NOW - 60,
);

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
}

const MIB = random(1024 * 1024);
const memCtx = createObjectContext({ store: new MemorySymbolStore(), keyring, nodeId: "bench" });
const dir = await Deno.makeTempDir({ prefix: "fcp-object-bench-" });
const sqlite = openSqliteStore(join(dir, "symbols.db"));
const sqlCtx = createObjectContext({ store: sqlite, keyring, nodeId: "bench" });
globalThis.addEventListener("unload", () => {
  sqlite.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.bench("put 1 MiB, memory store (500 bps)", { group: "put", baseline: true }, async (b) => {
  const data = random(1024 * 1024);
  b.start();
  await putObject(memCtx, data, { zone: ZONE, now: NOW });
  b.end();
});

Deno.bench("put 1 MiB, SQLite store (500 bps)", { group: "put" }, async (b) => {
  const data = random(1024 * 1024);
  b.start();
  await putObject(sqlCtx, data, { zone: ZONE, now: NOW });
  b.end();
});

// Rebuild: a store holding 90% of every stored object's symbols, chosen at random.
const source = new MemorySymbolStore();
const put = await putObject(
  createObjectContext({ store: source, keyring, nodeId: "bench" }),
  MIB,
  { zone: ZONE, now: NOW, repairBps: 1500 },
);
const lossy = new MemorySymbolStore();
for (const rec of await source.listObjects()) {
  const symbols = await source.getSymbols(rec.objectId);
  const lose = Math.round(symbols.length * 0.1);
  for (let i = 0; i < lose; i++) symbols.splice(Math.floor(Math.random() * symbols.length), 1);
  await lossy.putObject(rec, symbols);
}
const lossyCtx = createObjectContext({ store: lossy, keyring, nodeId: "bench" });

Deno.bench("rebuild 1 MiB after 10% loss (1500 bps): open, decode, verify", async () => {
  await getObject(lossyCtx, put.objectId, { zone: ZONE });
});

Deno.bench("get 1 MiB, nothing lost (source symbols only)", async () => {
  await getObject(createObjectContext({ store: source, keyring, nodeId: "bench" }), put.objectId, {
    zone: ZONE,
  });
});
