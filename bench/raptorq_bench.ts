/**
 * RaptorQ codec benchmarks (1024-byte symbols): 1 MiB encoded as 64 KiB chunks through
 * `encodeObject` and, for comparison, as one source block through the raw package (our API
 * refuses objects above 256 KiB); decode of 1 MiB in chunks from source symbols only and
 * after losing 10% of the symbols with 15% repair (1500 bps); each with fcp's codec (generator
 * matrix where it pays) and with the WASM engine alone.
 *
 * `deno bench --allow-all bench/raptorq_bench.ts`
 *
 * @module
 */
import * as glue from "raptorq/raptorq.js";
import { CHUNK_SIZE, splitChunks } from "../src/symbol/chunking.ts";
import {
  type CodecEngine,
  type EncodedObject,
  encodeObject,
  ObjectDecoder,
} from "../src/symbol/raptorq.ts";

const MIB = 1024 * 1024;
const data = new Uint8Array(MIB);
let x = 0x2545f491;
for (let i = 0; i < MIB; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  data[i] = x & 0xff;
}
const chunks = splitChunks(data, CHUNK_SIZE);

// The raw package, for a single 1 MiB source block (our codec caps a call at 256 KiB).
glue.initSync(await Deno.readFile(new URL(import.meta.resolve("raptorq/raptorq_bg.wasm"))));

function decodeAll(
  encoded: readonly EncodedObject[],
  drop: (i: number) => boolean,
  engine: CodecEngine = "auto",
): void {
  for (const enc of encoded) {
    const dec = new ObjectDecoder(enc.oti, { engine });
    try {
      let done = dec.complete;
      enc.symbols.forEach((s, i) => {
        if (!done && !drop(i)) done = dec.push(s.esi, s.data);
      });
      if (!done) throw new Error("not decoded");
    } finally {
      dec.free();
    }
  }
}

Deno.bench(
  "encode 1 MiB as 16 × 64 KiB chunks, 500 bps",
  { group: "encode", baseline: true },
  () => {
    for (const c of chunks) encodeObject(c);
  },
);

for (const bps of [500, 1500]) {
  Deno.bench(`encode 1 MiB as 16 × 64 KiB chunks, ${bps} bps, WASM engine only`, {
    group: "encode",
  }, () => {
    for (const c of chunks) encodeObject(c, { repairBps: bps, engine: "wasm" });
  });
}

Deno.bench("encode 1 MiB as 16 × 64 KiB chunks, 1500 bps", { group: "encode" }, () => {
  for (const c of chunks) encodeObject(c, { repairBps: 1500 });
});

Deno.bench("encode 1 MiB as one source block (raw package), 500 bps", { group: "encode" }, () => {
  const enc = glue.Encoder.with_defaults(data, 1024);
  try {
    enc.encode(Math.floor((1024 * 500) / 10000));
  } finally {
    enc.free();
  }
});

const encoded1500 = chunks.map((c) => encodeObject(c, { repairBps: 1500 }));
Deno.bench(
  "decode 1 MiB (chunks) from source symbols only",
  { group: "decode", baseline: true },
  () => {
    decodeAll(encoded1500, (i) => i >= 64);
  },
);

Deno.bench("decode 1 MiB (chunks), 1500 bps, every 10th symbol lost", { group: "decode" }, () => {
  decodeAll(encoded1500, (i) => i % 10 === 3);
});

Deno.bench(
  "decode 1 MiB (chunks), 1500 bps, every 10th symbol lost, WASM engine only",
  { group: "decode" },
  () => {
    decodeAll(encoded1500, (i) => i % 10 === 3, "wasm");
  },
);

const rawEncoder = glue.Encoder.with_defaults(data, 1024);
const rawPackets = rawEncoder.encode(Math.floor((1024 * 1500) / 10000));
rawEncoder.free();
Deno.bench("decode 1 MiB (raw package, one block), 1500 bps, 10% lost", { group: "decode" }, () => {
  const dec = glue.Decoder.with_defaults(BigInt(MIB), 1024);
  try {
    let out: Uint8Array | undefined;
    for (let i = 0; i < rawPackets.length && out === undefined; i++) {
      if (i % 10 !== 3) out = dec.decode(rawPackets[i]!);
    }
    if (out === undefined) throw new Error("not decoded");
  } finally {
    dec.free();
  }
});
