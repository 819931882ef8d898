/**
 * Symbol store benchmarks: the store's share of "put 1 MiB" (issue 4 §6, goal p50 ≤ 30 ms for
 * hash + encode + seal + store). 1 MiB is 1100 symbols of 1 KiB (1024 source + ~7% repair) as
 * one object, or — what the object pipeline really writes — 16 chunks of 64 KiB with 69
 * symbols each plus a manifest, in ONE `putObjects` transaction. SQLite runs on a file in WAL
 * mode with `synchronous=FULL` (the default: one fsync per commit) and, for comparison, NORMAL.
 *
 * `deno bench --allow-all bench/store_bench.ts`
 *
 * @module
 */
import {
  MemorySymbolStore,
  type ObjectRecord,
  type ObjectWithSymbols,
  openSqliteStore,
  type SymbolRecord,
  type SymbolStore,
} from "../src/store/mod.ts";

const SIZE = 1024;

function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function symbols(count: number, seed: number): SymbolRecord[] {
  return Array.from({ length: count }, (_, esi) => ({
    esi,
    frameSeq: BigInt(esi + 1),
    data: bytes(seed + esi, SIZE),
    tag: bytes(seed ^ esi, 16),
  }));
}

let counter = 0;
function record(
  k: number,
  role: "object" | "chunk" = "object",
  refs: Uint8Array[] = [],
): ObjectRecord {
  const objectId = bytes(++counter * 7 + 3, 32);
  new DataView(objectId.buffer).setUint32(0, counter);
  return {
    objectId,
    zoneId: "z:work",
    state: "complete",
    role,
    transferLength: k * SIZE,
    symbolSize: SIZE,
    k,
    seal: {
      algorithm: "chacha20poly1305",
      zoneKeyId: new Uint8Array(8),
      epochId: 1n,
      senderNodeId: "bench",
      senderInstanceId: 1n,
    },
    refs,
    createdAt: 1_700_000_000,
  };
}

const oneMiB = symbols(1100, 1);
const chunkSyms = symbols(69, 2);
const manifestSyms = symbols(2, 3);
function chunked(): ObjectWithSymbols[] {
  const chunks = Array.from(
    { length: 16 },
    () => ({ record: record(64, "chunk"), symbols: chunkSyms }),
  );
  return [...chunks, {
    record: record(2, "object", chunks.map((c) => c.record.objectId)),
    symbols: manifestSyms,
  }];
}

const dir = Deno.makeTempDirSync({ prefix: "fcp-store-bench-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const full = openSqliteStore(`${dir}/full/symbols.db`);
const normal = openSqliteStore(`${dir}/normal/symbols.db`, { synchronous: "normal" });
const memory = new MemorySymbolStore();

const stores: [string, SymbolStore][] = [["sqlite FULL", full], ["sqlite NORMAL", normal], [
  "memory",
  memory,
]];
const readIds = new Map<SymbolStore, Uint8Array>();
for (const [, s] of stores) {
  const r = record(1024);
  await s.putObject(r, oneMiB);
  readIds.set(s, r.objectId);
}

for (const [name, s] of stores) {
  Deno.bench({
    name: `${name}: putObject 1 MiB (1100 × 1 KiB symbols, one object)`,
    group: "put",
    baseline: name === "sqlite FULL",
    async fn() {
      await s.putObject(record(1024), oneMiB);
    },
  });
  Deno.bench({
    name: `${name}: putObjects 1 MiB as 16 chunks × 69 + manifest (one transaction)`,
    group: "put-chunked",
    baseline: name === "sqlite FULL",
    async fn() {
      await s.putObjects(chunked());
    },
  });
  Deno.bench({
    name: `${name}: getSymbols 1100 × 1 KiB`,
    group: "get",
    baseline: name === "sqlite FULL",
    async fn() {
      const got = await s.getSymbols(readIds.get(s)!);
      if (got.length !== 1100) throw new Error("short read");
    },
  });
}
