import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { concatBytes, isFcpError, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";
import {
  buildChunkManifest,
  checkChunkManifest,
  CHUNK_SIZE,
  type ChunkedObjectManifest,
  chunkLengthAt,
  chunkManifestFromCbor,
  chunkManifestToCbor,
  chunkObjectId,
  MAX_CHUNK_THRESHOLD,
  MAX_OBJECT_SIZE,
  planChunks,
  reassemble,
  splitChunks,
  verifyChunkManifest,
} from "./chunking.ts";
import { encodeObject, ObjectDecoder } from "./raptorq.ts";

function bytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed | 0) || 0x2545f491;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const isCode = (code: Parameters<typeof isFcpError>[1]) => (e: unknown) => isFcpError(e, code);

/** Send one object through the RaptorQ codec, losing the first `lose` source symbols. */
function throughCodec(data: Uint8Array, lose: number): Uint8Array {
  const enc = encodeObject(data, { repairBps: 1000 });
  const dec = new ObjectDecoder(enc.oti);
  try {
    let done = dec.complete;
    for (const s of enc.symbols.slice(Math.min(lose, enc.r))) done = dec.push(s.esi, s.data);
    assert.ok(done);
    return dec.result()!;
  } finally {
    dec.free();
  }
}

/** Wire round trip of a plan: codec for payload/chunks, CBOR for the manifest. */
function roundTrip(data: Uint8Array): Uint8Array {
  const plan = planChunks(data);
  if (!plan.chunked) return throughCodec(plan.payload, 3);
  const wire = encodeCbor(chunkManifestToCbor(plan.manifest));
  const manifest = chunkManifestFromCbor(decodeCbor(wire));
  const received = plan.chunks.map((c) => throughCodec(c, 3));
  verifyChunkManifest(manifest, received);
  return reassemble(manifest, (i) => received[i]);
}

Deno.test("round trip: 0 B, 1 B, 256 KiB unchunked; 256 KiB + 1 and 1 MiB chunked", () => {
  const cases: [number, boolean][] = [
    [0, false],
    [1, false],
    [MAX_CHUNK_THRESHOLD, false],
    [MAX_CHUNK_THRESHOLD + 1, true],
    [1024 * 1024, true],
  ];
  for (const [len, chunked] of cases) {
    const data = bytes(len, len + 1);
    const plan = planChunks(data);
    assert.equal(plan.chunked, chunked, `len ${len}`);
    if (plan.chunked) {
      assert.equal(plan.chunks.length, Math.ceil(len / CHUNK_SIZE));
      assert.ok(plan.chunks.every((c) => c.length <= CHUNK_SIZE));
      assert.deepEqual(plan.manifest.payloadHash, blake3(data));
    }
    assert.deepEqual(roundTrip(data), data, `len ${len}`);
  }
});

Deno.test("manifest fields follow WIRE.md §12", () => {
  const data = bytes(MAX_CHUNK_THRESHOLD + 1, 5);
  const m = buildChunkManifest(data);
  assert.equal(m.totalLen, data.length);
  assert.equal(m.chunkSize, 65536);
  assert.equal(m.chunks.length, 5);
  const last = data.subarray(4 * 65536);
  assert.equal(last.length, 1);
  assert.deepEqual(m.chunks[4], blake3(concatBytes(utf8("FCP2-CONTENT-V2"), last)));
  assert.deepEqual(m.payloadHash, blake3(data));
  assert.equal(chunkLengthAt(m, 4), 1);
  assert.throws(() => chunkLengthAt(m, 5), isCode("FCP-1040"));
});

Deno.test("manifest CBOR: canonical key order, bstr chunk ids, payload_hash as 32 uints", () => {
  const m = buildChunkManifest(bytes(100_000, 2));
  const wire = encodeCbor(chunkManifestToCbor(m));
  const v = decodeCbor(wire) as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), ["chunks", "total_len", "chunk_size", "payload_hash"]);
  assert.equal(v.total_len, 100_000);
  assert.equal(v.chunk_size, 65536);
  assert.ok((v.chunks as unknown[]).every((c) => c instanceof Uint8Array));
  assert.deepEqual(v.payload_hash, [...m.payloadHash]);
  // Head bytes: map(4), "chunks", array(2), bstr(32) of the first id.
  assert.deepEqual([...wire.subarray(0, 10)], [0xa4, 0x66, ...utf8("chunks"), 0x82, 0x58]);
  assert.equal(wire[10], 32);
  assert.deepEqual(chunkManifestFromCbor(v as never), m);
});

Deno.test("a missing chunk is FCP-6001; a tampered or misplaced chunk is FCP-1013", () => {
  const data = bytes(1024 * 1024, 3);
  const plan = planChunks(data);
  assert.ok(plan.chunked);
  const { manifest, chunks } = plan;
  assert.throws(
    () => reassemble(manifest, (i) => (i === 7 ? undefined : chunks[i])),
    isCode("FCP-6001"),
  );
  const tampered = chunks[9]!.slice();
  tampered[100] = tampered[100]! ^ 0x80;
  const withTamper = chunks.with(9, tampered);
  assert.throws(() => reassemble(manifest, (i) => withTamper[i]), isCode("FCP-1013"));
  assert.throws(() => verifyChunkManifest(manifest, withTamper), isCode("FCP-1013"));
  const swapped = chunks.with(1, chunks[2]!).with(2, chunks[1]!);
  assert.throws(() => reassemble(manifest, (i) => swapped[i]), isCode("FCP-1013"));
  const short = chunks.with(15, chunks[15]!.subarray(1));
  assert.throws(() => reassemble(manifest, (i) => short[i]), isCode("FCP-1013"));
  assert.throws(() => verifyChunkManifest(manifest, chunks.slice(1)), isCode("FCP-1013"));
});

Deno.test("a manifest whose payload hash or ids were altered is refused (FCP-1013)", () => {
  const data = bytes(300_000, 4);
  const m = buildChunkManifest(data);
  const chunks = splitChunks(data);
  const hash = m.payloadHash.slice();
  hash[0] = hash[0]! ^ 1;
  assert.throws(() => verifyChunkManifest({ ...m, payloadHash: hash }, chunks), isCode("FCP-1013"));
  // Chunks that are self-consistent with a forged id list still fail the payload hash.
  const other = bytes(300_000, 5);
  const forged = { ...buildChunkManifest(other), payloadHash: m.payloadHash };
  assert.throws(() => reassemble(forged, (i) => splitChunks(other)[i]), isCode("FCP-1013"));
});

Deno.test("manifest shape refusals are FCP-1013; size limits FCP-6002 / FCP-1040", () => {
  const m = buildChunkManifest(bytes(200_000, 6));
  const bad: ChunkedObjectManifest[] = [
    { ...m, totalLen: -1 },
    { ...m, totalLen: 1.5 },
    { ...m, totalLen: 200_001 + 65536 }, // needs 5 ids
    { ...m, chunkSize: 0 },
    { ...m, chunkSize: 256 * 1024 + 1 },
    { ...m, chunks: [...m.chunks.slice(0, 3), new Uint8Array(31)] },
    { ...m, payloadHash: new Uint8Array(31) },
  ];
  for (const b of bad) {
    assert.throws(() => checkChunkManifest(b), isCode("FCP-1013"));
    assert.throws(() => reassemble(b, () => new Uint8Array(0)), isCode("FCP-1013"));
    assert.throws(() => chunkManifestToCbor(b), isCode("FCP-1013"));
  }
  assert.throws(
    () => reassemble(m, (i) => splitChunks(bytes(200_000, 6))[i], { maxTotalLen: 100_000 }),
    isCode("FCP-6002"),
  );
  assert.throws(() => buildChunkManifest(new Uint8Array(MAX_OBJECT_SIZE + 1)), isCode("FCP-1040"));
  assert.throws(() => splitChunks(new Uint8Array(10), 0), isCode("FCP-1040"));
  assert.throws(() => splitChunks(new Uint8Array(10), 256 * 1024 + 1), isCode("FCP-1040"));
});

Deno.test("chunkManifestFromCbor refuses other shapes (FCP-1013)", () => {
  const good = chunkManifestToCbor(buildChunkManifest(bytes(70_000, 7))) as Record<
    string,
    unknown
  >;
  const hash = good.payload_hash as number[];
  const variants: unknown[] = [
    null,
    [],
    new Uint8Array(4),
    new Map([["total_len", 1]]),
    { ...good, extra: 1 },
    { ...good, total_len: undefined },
    { ...good, total_len: 70_000n },
    { ...good, total_len: "70000" },
    { ...good, chunk_size: -1 },
    { ...good, chunks: [1, 2] },
    { ...good, chunks: (good.chunks as Uint8Array[]).slice(1) },
    { ...good, payload_hash: new Uint8Array(hash) }, // bstr instead of the array of uints
    { ...good, payload_hash: hash.slice(1) },
    { ...good, payload_hash: hash.with(0, 256) },
    { ...good, payload_hash: hash.with(0, -1) },
  ];
  for (const v of variants) {
    const cleaned = v !== null && typeof v === "object" && !Array.isArray(v) &&
        !(v instanceof Uint8Array) && !(v instanceof Map)
      ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined))
      : v;
    assert.throws(() => chunkManifestFromCbor(cleaned as never), isCode("FCP-1013"));
  }
});

Deno.test("property: manifests round-trip for any size and chunk size", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20_000 }),
      fc.integer({ min: 1, max: 4096 }),
      fc.integer(),
      (len, chunkSize, seed) => {
        const data = bytes(len, seed);
        const m = buildChunkManifest(data, chunkSize);
        const chunks = splitChunks(data, chunkSize);
        assert.equal(chunks.length, Math.ceil(len / chunkSize));
        assert.deepEqual(m.chunks, chunks.map(chunkObjectId));
        const back = chunkManifestFromCbor(decodeCbor(encodeCbor(chunkManifestToCbor(m))));
        assert.deepEqual(back, m);
        assert.deepEqual(reassemble(back, (i) => chunks[i]), data);
      },
    ),
    { numRuns: 50 },
  );
});
