/**
 * `fcp bench raptorq` and `fcp bench memory` (issue 4 §6): in-process measurements of the
 * object pipeline with throwaway keys and stores, printed as JSON with the goals and whether
 * they were met.
 *
 * @module
 */
import { join } from "node:path";
import {
  createStandardZones,
  Ed25519Key,
  memoryZoneKeyStore,
  X25519Key,
} from "../../authority/mod.ts";
import { equalBytes, FcpError } from "../../core/mod.ts";
import { aeadBackend, aeadReady, createBlake3 } from "../../crypto/mod.ts";
import {
  CHUNK_SIZE,
  type CodecEngine,
  encodeObject,
  MAX_CHUNK_THRESHOLD,
  MAX_OBJECT_SIZE,
  ObjectDecoder,
} from "../../symbol/mod.ts";
import {
  createObjectContext,
  getObject,
  getObjectTo,
  MemorySymbolStore,
  type ObjectContext,
  type ObjectKeyring,
  openSqliteStore,
  putObject,
  putObjectStream,
  type SymbolRecord,
  type SymbolStore,
} from "../../store/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

const ZONE = "z:work";

/**
 * Parse a size such as `1mb`, `64MiB`, `512kb` or `1000` (bytes); `kb`/`mb` are binary
 * (KiB, MiB). Throws a usage error otherwise.
 *
 * @example
 * ```ts
 * import { parseSize } from "./bench.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseSize("1mb"), 1048576);
 * assert.equal(parseSize("64MiB"), 64 * 1048576);
 * assert.equal(parseSize("512kb"), 524288);
 * assert.equal(parseSize("10"), 10);
 * assert.throws(() => parseSize("1 gb"));
 * ```
 */
export function parseSize(text: string): number {
  const m = /^(\d{1,12})\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(text.trim());
  if (m === null) throw new UsageError(`size must look like 1mb, 512kb or 1000, got ${text}`);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult = unit.startsWith("m") ? 1024 * 1024 : unit.startsWith("k") ? 1024 : 1;
  return Number(m[1]) * mult;
}

/**
 * Nearest-rank percentile of `samples` (ms), rounded to 0.01.
 *
 * @example
 * ```ts
 * import { percentile } from "./bench.ts";
 * import assert from "node:assert/strict";
 * assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
 * assert.equal(percentile([5, 1, 3, 2, 4], 99), 5);
 * ```
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[idx]! * 100) / 100;
}

function stats(samples: readonly number[]): { p50: number; p99: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Runtime facts for the record, with the load average (the bench machine is shared). */
function runtimeInfo(): Record<string, unknown> {
  let load: number[] | undefined;
  try {
    load = Deno.loadavg().map((x) => Math.round(x * 100) / 100);
  } catch {
    load = undefined; // no --allow-sys
  }
  return {
    deno: Deno.version.deno,
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpus: navigator.hardwareConcurrency,
    ...(load === undefined ? {} : { load_average: load }),
  };
}

function randomData(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
}

/** Fisher–Yates with Math.random (benchmark loss patterns, not security). */
function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Keep `n − round(n · lossPct / 100)` of `items`, chosen at random, in random order. */
function survivors<T>(items: readonly T[], lossPct: number): T[] {
  const lose = Math.round((items.length * lossPct) / 100);
  return shuffle([...items]).slice(0, items.length - lose);
}

async function throwawayKeys(now: number): Promise<ObjectKeyring & { nodeId: string }> {
  const identity = {
    nodeId: "bench-node",
    encryption: X25519Key.generate(),
    owner: Ed25519Key.generate(),
  };
  const ring = await createStandardZones(identity, memoryZoneKeyStore(), now - 60);
  return Object.assign(ring, { nodeId: identity.nodeId });
}

function pieces(data: Uint8Array): Uint8Array[] {
  if (data.length <= MAX_CHUNK_THRESHOLD) return [data];
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += CHUNK_SIZE) out.push(data.subarray(at, at + CHUNK_SIZE));
  return out;
}

/** Options of {@link benchRaptorq}. */
export interface RaptorqBenchOptions {
  /** Object size in bytes. */
  readonly size: number;
  /** Percentage of each stored object's symbols lost before a rebuild. */
  readonly lossPct: number;
  /** Repair ratio in basis points. */
  readonly repairBps: number;
  /** Timed iterations per measurement. */
  readonly iterations: number;
}

/**
 * Measure raw codec, rebuild after loss and put (memory and SQLite stores); see docs/perf.md.
 *
 * @example
 * ```ts
 * import { benchRaptorq } from "./bench.ts";
 * import assert from "node:assert/strict";
 * const r = await benchRaptorq({ size: 20_000, lossPct: 10, repairBps: 1500, iterations: 1 });
 * assert.equal((r.rebuild_ms as { failures: number }).failures, 0);
 * ```
 */
export async function benchRaptorq(opts: RaptorqBenchOptions): Promise<Record<string, unknown>> {
  const now = Math.floor(Date.now() / 1000);
  await aeadReady();
  const keys = await throwawayKeys(now);
  const ctxFor = (store: SymbolStore): ObjectContext =>
    createObjectContext({ store, keyring: keys, nodeId: keys.nodeId });
  const n = opts.iterations;
  const warm = Math.min(3, n);
  const data = randomData(opts.size);
  const parts = pieces(data);

  // 1. Raw codec: encode every codec unit (chunk), decode each from a lossy shuffled subset;
  //    once with fcp's codec (generator matrix where it pays, else WASM) and once with the npm
  //    package's own code path only (the perf-baseline floor).
  const rawCodec = (engine: CodecEngine) => {
    const encodeMs: number[] = [];
    const decodeMs: number[] = [];
    for (let i = 0; i < warm + n; i++) {
      const t0 = performance.now();
      const encoded = parts.map((p) => encodeObject(p, { repairBps: opts.repairBps, engine }));
      const t1 = performance.now();
      const arrived = encoded.map((e) => survivors(e.symbols, opts.lossPct));
      const t2 = performance.now();
      encoded.forEach((e, j) => {
        const dec = new ObjectDecoder(e.oti, { engine });
        try {
          for (const s of arrived[j]!) if (dec.push(s.esi, s.data)) break;
          if (!dec.complete) throw new FcpError("FCP-6001", "raw decode: too few symbols");
          if (!equalBytes(dec.result()!, parts[j]!)) {
            throw new FcpError("FCP-9001", "raw decode returned other bytes");
          }
        } finally {
          dec.free();
        }
      });
      const t3 = performance.now();
      if (i >= warm) {
        encodeMs.push(t1 - t0);
        decodeMs.push(t3 - t2);
      }
    }
    return { encode: stats(encodeMs), decode_with_loss: stats(decodeMs) };
  };
  const rawFcp = rawCodec("auto");
  const rawPackage = rawCodec("wasm");

  // 2. Rebuild: put once, then per iteration a store holding only the surviving symbols of
  //    every stored object; time get = read, open, decode, verify.
  const source = new MemorySymbolStore();
  const put = await putObject(ctxFor(source), data, {
    zone: ZONE,
    repairBps: opts.repairBps,
    now,
  });
  const records = await source.listObjects();
  const rebuildMs: number[] = [];
  let rebuildFailures = 0;
  for (let i = 0; i < warm + n; i++) {
    const lossy = new MemorySymbolStore();
    for (const rec of records) {
      const kept: SymbolRecord[] = survivors(await source.getSymbols(rec.objectId), opts.lossPct);
      await lossy.putObject(rec, kept);
    }
    const ctx = ctxFor(lossy);
    const t0 = performance.now();
    let got: Uint8Array;
    try {
      got = await getObject(ctx, put.objectId, { zone: ZONE });
    } catch (e) {
      rebuildFailures++;
      if (rebuildFailures > n) throw e;
      continue;
    }
    const t1 = performance.now();
    if (!equalBytes(got, data)) throw new FcpError("FCP-9001", "rebuild returned other bytes");
    if (i >= warm) rebuildMs.push(t1 - t0);
  }

  // 3. Put (hash, encode, seal, store): fresh random data per iteration, memory and SQLite.
  const putMs = async (store: () => SymbolStore): Promise<number[]> => {
    const out: number[] = [];
    const s = store();
    try {
      const ctx = ctxFor(s);
      for (let i = 0; i < warm + n; i++) {
        const d = randomData(opts.size);
        const t0 = performance.now();
        await putObject(ctx, d, { zone: ZONE, repairBps: opts.repairBps, now });
        const t1 = performance.now();
        if (i >= warm) out.push(t1 - t0);
      }
    } finally {
      await s.close();
    }
    return out;
  };
  const memPut = await putMs(() => new MemorySymbolStore());
  const dir = await Deno.makeTempDir({ prefix: "fcp-bench-" });
  let sqlitePut: number[];
  try {
    sqlitePut = await putMs(() => openSqliteStore(join(dir, "symbols.db")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const rebuild = stats(rebuildMs);
  const putMem = stats(memPut);
  const putSqlite = stats(sqlitePut);
  return {
    bench: "raptorq",
    size: opts.size,
    loss_pct: opts.lossPct,
    repair_bps: opts.repairBps,
    iterations: n,
    symbol_size: 1024,
    codec_units: parts.length,
    stored_objects: records.length,
    aead_backend: aeadBackend(),
    raw_codec_ms: rawFcp,
    raw_package_codec_ms: rawPackage,
    rebuild_ms: { ...rebuild, failures: rebuildFailures },
    put_ms: { memory: putMem, sqlite: putSqlite },
    goals: {
      rebuild_p50_le_25ms: rebuild.p50 <= 25,
      rebuild_p99_le_80ms: rebuild.p99 <= 80,
      put_p50_le_30ms_memory: putMem.p50 <= 30,
      put_p50_le_30ms_sqlite: putSqlite.p50 <= 30,
    },
    runtime: runtimeInfo(),
  };
}

async function* readPieces(file: Deno.FsFile): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(1024 * 1024);
  for (;;) {
    const n = await file.read(buf);
    if (n === null) return;
    yield buf.subarray(0, n);
  }
}

/**
 * Put and get a `size`-byte random file through a temp SQLite store, sampling peak RSS.
 *
 * @example
 * ```ts
 * import { benchMemory } from "./bench.ts";
 * import assert from "node:assert/strict";
 * const r = await benchMemory(300_000);
 * assert.equal(r.identical, true);
 * assert.equal(r.chunks, 5);
 * ```
 */
export async function benchMemory(size: number): Promise<Record<string, unknown>> {
  if (size > MAX_OBJECT_SIZE) {
    throw new UsageError(`--size must be at most ${MAX_OBJECT_SIZE} bytes (64 MiB)`);
  }
  const now = Math.floor(Date.now() / 1000);
  await aeadReady();
  const keys = await throwawayKeys(now);
  const dir = await Deno.makeTempDir({ prefix: "fcp-bench-mem-" });
  let peak = 0;
  const sample = () => {
    const rss = Deno.memoryUsage().rss;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, 20);
  try {
    const input = join(dir, "input.bin");
    const output = join(dir, "output.bin");
    const inHash = createBlake3();
    {
      const f = await Deno.open(input, { write: true, create: true });
      try {
        for (let at = 0; at < size; at += 1024 * 1024) {
          const piece = randomData(Math.min(1024 * 1024, size - at));
          inHash.update(piece);
          let rest = piece;
          while (rest.length > 0) rest = rest.subarray(await f.write(rest));
        }
      } finally {
        f.close();
      }
    }
    sample();
    const baseline = Deno.memoryUsage().rss;
    const store = openSqliteStore(join(dir, "store", "symbols.db"));
    try {
      const ctx = createObjectContext({ store, keyring: keys, nodeId: keys.nodeId });
      const t0 = performance.now();
      const file = await Deno.open(input, { read: true });
      let put;
      try {
        put = await putObjectStream(ctx, readPieces(file), { zone: ZONE, now, onProgress: sample });
      } finally {
        file.close();
      }
      const t1 = performance.now();
      const outHash = createBlake3();
      const out = await Deno.open(output, { write: true, create: true });
      try {
        await getObjectTo(ctx, put.objectId, { zone: ZONE, onProgress: sample }, async (p) => {
          outHash.update(p);
          let rest = p;
          while (rest.length > 0) rest = rest.subarray(await out.write(rest));
        });
      } finally {
        out.close();
      }
      const t2 = performance.now();
      sample();
      const same = equalBytes(inHash.digest(), outHash.digest());
      const mib = (b: number) => Math.round((b / (1024 * 1024)) * 10) / 10;
      return {
        bench: "memory",
        size,
        chunks: put.chunks,
        put_ms: Math.round(t1 - t0),
        get_ms: Math.round(t2 - t1),
        identical: same,
        baseline_rss_mib: mib(baseline),
        peak_rss_mib: mib(peak),
        goals: { peak_rss_lt_300mib: peak < 300 * 1024 * 1024 && same },
        runtime: runtimeInfo(),
      };
    } finally {
      await store.close();
    }
  } finally {
    clearInterval(timer);
    await Deno.remove(dir, { recursive: true });
  }
}

function intOption(text: string | undefined, name: string, min: number, max: number, fb: number) {
  if (text === undefined) return fb;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}`);
  }
  return Number(text);
}

function printText(ctx: { out(line: string): void }, doc: Record<string, unknown>): void {
  ctx.out(JSON.stringify(doc, null, 2));
}

/** `fcp bench raptorq`. */
export const benchRaptorqCommand: CliCommand = {
  path: ["bench", "raptorq"],
  summary: "Benchmark RaptorQ put/rebuild with sealed symbols (in memory, throwaway keys)",
  usage: "fcp bench raptorq [--size 1mb] [--loss 10] [--repair-bps N] [--iterations 30] [--json]",
  description: [
    "Measures, in this process with throwaway keys: the raw codec (encode SIZE as the",
    "pipeline's codec units, decode each after LOSS% of its symbols are dropped at random),",
    "as fcp runs it (raw_codec_ms) and through the npm package alone (raw_package_codec_ms);",
    "rebuild (a store holding, for every stored object, the symbols left after dropping",
    "round(LOSS% of them) at random; time to read, open, decode and verify); put (hash,",
    "encode, seal, store) with an in-memory and a temp SQLite store. Repair defaults to",
    "LOSS% + 5% (1500 bps for 10%). Prints p50/p99 in ms and whether the goals are met.",
  ].join("\n"),
  options: {
    size: { type: "string", valueName: "SIZE", description: "object size, e.g. 1mb (default)" },
    loss: { type: "string", valueName: "PCT", description: "symbols lost, percent (default 10)" },
    "repair-bps": { type: "string", valueName: "N", description: "repair ratio (default loss+5%)" },
    iterations: { type: "string", valueName: "N", description: "timed runs (default 30)" },
  },
  async run(ctx) {
    const size = parseSize(ctx.string("size") ?? "1mb");
    if (size > MAX_OBJECT_SIZE) throw new UsageError("--size must be at most 64mb");
    const lossPct = intOption(ctx.string("loss"), "loss", 0, 90, 10);
    const repairBps = intOption(
      ctx.string("repair-bps"),
      "repair-bps",
      0,
      10000,
      Math.min(10000, (lossPct + 5) * 100),
    );
    const iterations = intOption(ctx.string("iterations"), "iterations", 1, 10000, 30);
    const doc = await benchRaptorq({ size, lossPct, repairBps, iterations });
    if (ctx.json) ctx.printJson(doc);
    else printText(ctx, doc);
  },
};

/** `fcp bench memory`. */
export const benchMemoryCommand: CliCommand = {
  path: ["bench", "memory"],
  summary: "Put and get a large random file through a temp store, reporting peak RSS",
  usage: "fcp bench memory [--size 64mb] [--json]",
  description: [
    "Writes a random SIZE file (default 64 MiB) to a temp directory, puts it (streamed from",
    "the file) into a temp SQLite store, gets it back to a file (chunk by chunk), checks the",
    "bytes are identical and reports peak RSS (Deno.memoryUsage().rss, sampled). Goal: < 300 MiB.",
  ].join("\n"),
  options: {
    size: { type: "string", valueName: "SIZE", description: "file size (default 64mb)" },
  },
  async run(ctx) {
    const doc = await benchMemory(parseSize(ctx.string("size") ?? "64mb"));
    if (ctx.json) ctx.printJson(doc);
    else printText(ctx, doc);
  },
};
