import assert from "node:assert/strict";
import fc from "fast-check";
import { FcpError, isFcpError } from "../core/mod.ts";
import {
  decodeFcpsFrame,
  DEFAULT_MAX_DATAGRAM_BYTES,
  effectiveMaxDatagramBytes,
  encodeFcpsFrame,
  FCPS_HEADER_BYTES,
  FCPS_MAX_SYMBOL_COUNT,
  type FcpsFrame,
  fcpsFrameLength,
  fcpsSymbolsPerDatagram,
  peekFcpsFrameSeq,
} from "./fcps_frame.ts";
import { FCPS_FLAGS } from "./frame_flags.ts";

const code = (c: string) => (e: unknown) => isFcpError(e) && e.code === c;

function frame(count = 1, symbolSize = 256, over: Partial<FcpsFrame> = {}): FcpsFrame {
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push({
      esi: 1000 + i,
      k: 77,
      data: new Uint8Array(symbolSize).fill(i + 1),
      tag: new Uint8Array(16).fill(0xf0 + i),
    });
  }
  return {
    flags: 0x0404,
    objectId: new Uint8Array(32).fill(0x11),
    symbolSize,
    zoneKeyId: new Uint8Array(8).fill(0x22),
    zoneIdHash: new Uint8Array(32).fill(0x33),
    epochId: 5n,
    senderInstanceId: 0x1122334455667788n,
    frameSeq: 42n,
    records,
    ...over,
  };
}

/** Big-limit options: a 64 KiB datagram allows frames with many records. */
const BIG = { maxDatagramBytes: 65535 };

function setU16(b: Uint8Array, at: number, v: number) {
  new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);
}
function setU32(b: Uint8Array, at: number, v: number) {
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
}

Deno.test("header layout matches WIRE.md §9 byte for byte", () => {
  const f = frame(2, 256);
  const b = encodeFcpsFrame(f);
  const dv = new DataView(b.buffer);
  assert.deepEqual([...b.subarray(0, 4)], [0x46, 0x43, 0x50, 0x53]);
  assert.equal(dv.getUint16(4, true), 1);
  assert.equal(dv.getUint16(6, true), 0x0404);
  assert.equal(dv.getUint32(8, true), 2);
  assert.equal(dv.getUint32(12, true), 2 * (22 + 256));
  assert.deepEqual(b.subarray(16, 48), f.objectId);
  assert.equal(dv.getUint16(48, true), 256);
  assert.deepEqual(b.subarray(50, 58), f.zoneKeyId);
  assert.deepEqual(b.subarray(58, 90), f.zoneIdHash);
  assert.equal(dv.getBigUint64(90, true), 5n);
  assert.equal(dv.getBigUint64(98, true), 0x1122334455667788n);
  assert.equal(dv.getBigUint64(106, true), 42n);
  assert.equal(dv.getUint32(114, true), 1000);
  assert.equal(dv.getUint16(118, true), 77);
  assert.equal(b[120], 1);
  assert.equal(b[120 + 256], 0xf0);
  assert.equal(dv.getUint32(114 + 278, true), 1001);
  assert.equal(b.length, fcpsFrameLength(2, 256));
  assert.equal(peekFcpsFrameSeq(b), 42n);
});

Deno.test("records decode as views by default and as copies on request", () => {
  const b = encodeFcpsFrame(frame(2, 256));
  const views = decodeFcpsFrame(b);
  assert.equal(views.records[0]!.data.buffer, b.buffer);
  const copies = decodeFcpsFrame(b, { copy: true });
  assert.notEqual(copies.records[0]!.data.buffer, b.buffer);
  assert.deepEqual(copies, views);
  b[120] = 0xee;
  assert.equal(views.records[0]!.data[0], 0xee);
  assert.equal(copies.records[0]!.data[0], 1);
  // Header ids are always copies.
  b[16] = 0;
  assert.equal(views.objectId[0], 0x11);
});

Deno.test("MTU budget: 40 + 114 + 22 + 1024 = 1200", () => {
  assert.equal(DEFAULT_MAX_DATAGRAM_BYTES, 1200);
  assert.equal(40 + fcpsFrameLength(1, 1024), 1200);
  assert.equal(fcpsSymbolsPerDatagram(1024), 1);
  assert.equal(fcpsSymbolsPerDatagram(1025), 0);
  assert.equal(fcpsSymbolsPerDatagram(256, 65535), 235);
  assert.equal(fcpsSymbolsPerDatagram(256, 100), 0);
  assert.throws(() => fcpsSymbolsPerDatagram(255), code("FCP-1040"));
});

Deno.test("effective max datagram: absent or 0 ⇒ 1200, else a u16", () => {
  assert.equal(effectiveMaxDatagramBytes(), 1200);
  assert.equal(effectiveMaxDatagramBytes(0), 1200);
  assert.equal(effectiveMaxDatagramBytes(1500), 1500);
  for (const bad of [-1, 65536, 1.5]) {
    assert.throws(() => effectiveMaxDatagramBytes(bad), code("FCP-1040"));
  }
});

Deno.test("bad magic and short frames are FCP-1022, bad version FCP-1020", () => {
  const b = encodeFcpsFrame(frame());
  const magic = b.slice();
  magic[3] = 0x43; // "FCPC"
  assert.throws(() => decodeFcpsFrame(magic), code("FCP-1022"));
  for (const n of [0, 1, 4, 113]) {
    assert.throws(() => decodeFcpsFrame(b.subarray(0, n)), code("FCP-1022"), `len ${n}`);
  }
  for (const v of [0, 2, 0x0100, 0xffff]) {
    const bad = b.slice();
    setU16(bad, 4, v);
    assert.throws(() => decodeFcpsFrame(bad), code("FCP-1020"), `version ${v}`);
  }
});

Deno.test("bad flag combinations are FCP-1021 on decode and on encode", () => {
  const b = encodeFcpsFrame(frame());
  const combos = [
    0x1000,
    0x8404,
    FCPS_FLAGS.ERROR | FCPS_FLAGS.RESPONSE,
    FCPS_FLAGS.STREAM_END,
    FCPS_FLAGS.STREAM_END | FCPS_FLAGS.ENCRYPTED,
  ];
  for (const flags of combos) {
    const bad = b.slice();
    setU16(bad, 6, flags);
    assert.throws(() => decodeFcpsFrame(bad), code("FCP-1021"), `flags 0x${flags.toString(16)}`);
    assert.throws(() => encodeFcpsFrame(frame(1, 256, { flags })), code("FCP-1021"));
  }
});

Deno.test("symbol_size 0, 255 and 16385 are refused (spec §4.3 limits, D14)", () => {
  const b = encodeFcpsFrame(frame(1, 256));
  for (const size of [0, 1, 255, 16385, 0xffff]) {
    const bad = b.slice();
    setU16(bad, 48, size);
    assert.throws(() => decodeFcpsFrame(bad, BIG), code("FCP-1022"), `size ${size}`);
    assert.throws(() => encodeFcpsFrame(frame(1, size, {}), BIG), code("FCP-1022"));
  }
  // The bounds themselves are fine.
  decodeFcpsFrame(encodeFcpsFrame(frame(1, 16384), BIG), BIG);
  decodeFcpsFrame(encodeFcpsFrame(frame(0, 256)));
});

Deno.test("a huge symbol_count fails fast with FCP-1023, before any allocation", () => {
  const b = encodeFcpsFrame(frame(1, 256));
  for (const count of [0xffffffff, 0x80000000, 257]) {
    const bad = b.slice();
    setU32(bad, 8, count);
    // Make total_payload_len "consistent" with the lie as far as a u32 allows.
    setU32(bad, 12, (count * 278) >>> 0);
    const t0 = performance.now();
    assert.throws(() => decodeFcpsFrame(bad, BIG), code("FCP-1023"), `count ${count}`);
    assert.ok(performance.now() - t0 < 50);
  }
  assert.throws(() => encodeFcpsFrame(frame(257, 256), BIG), code("FCP-1023"));
});

Deno.test("the symbol-count cap is configurable lower, never higher", () => {
  const b = encodeFcpsFrame(frame(3, 256), BIG);
  assert.equal(decodeFcpsFrame(b, { ...BIG, maxSymbolCount: 3 }).records.length, 3);
  assert.throws(() => decodeFcpsFrame(b, { ...BIG, maxSymbolCount: 2 }), code("FCP-1023"));
  assert.throws(() => encodeFcpsFrame(frame(3, 256), { maxSymbolCount: 2 }), code("FCP-1023"));
  assert.throws(
    () => decodeFcpsFrame(b, { maxSymbolCount: FCPS_MAX_SYMBOL_COUNT + 1 }),
    code("FCP-1040"),
  );
});

Deno.test("lying lengths are FCP-1022", () => {
  const b = encodeFcpsFrame(frame(2, 256), BIG);
  // total_payload_len differs from count × (22 + size), the buffer being right.
  const total = b.slice();
  setU32(total, 12, 2 * 278 + 1);
  assert.throws(() => decodeFcpsFrame(total), code("FCP-1022"));
  setU32(total, 12, 0);
  assert.throws(() => decodeFcpsFrame(total), code("FCP-1022"));
  // count and total agree with each other but not with the buffer.
  const count = b.slice();
  setU32(count, 8, 3);
  setU32(count, 12, 3 * 278);
  assert.throws(() => decodeFcpsFrame(count), code("FCP-1022"));
  const fewer = b.slice();
  setU32(fewer, 8, 1);
  setU32(fewer, 12, 278);
  assert.throws(() => decodeFcpsFrame(fewer), code("FCP-1022"));
  // symbol_size changed: total no longer matches.
  const size = b.slice();
  setU16(size, 48, 257);
  assert.throws(() => decodeFcpsFrame(size), code("FCP-1022"));
  // Truncated and padded buffers.
  assert.throws(() => decodeFcpsFrame(b.subarray(0, b.length - 1)), code("FCP-1022"));
  const padded = new Uint8Array(b.length + 1);
  padded.set(b);
  assert.throws(() => decodeFcpsFrame(padded), code("FCP-1022"));
});

Deno.test("a frame above the max datagram size is FCP-1023 (default 1200)", () => {
  const f = frame(1, 1087); // 114 + 22 + 1087 = 1223
  assert.throws(() => encodeFcpsFrame(f), code("FCP-1023"));
  const b = encodeFcpsFrame(f, { maxDatagramBytes: 1223 });
  assert.equal(decodeFcpsFrame(b, { maxDatagramBytes: 1223 }).symbolSize, 1087);
  assert.throws(() => decodeFcpsFrame(b), code("FCP-1023"));
  assert.throws(() => decodeFcpsFrame(b, { maxDatagramBytes: 1222 }), code("FCP-1023"));
  assert.throws(() => decodeFcpsFrame(new Uint8Array(5000)), code("FCP-1023"));
});

Deno.test("encode refuses malformed fields with FCP-1040", () => {
  const bad: Partial<FcpsFrame>[] = [
    { objectId: new Uint8Array(31) },
    { zoneKeyId: new Uint8Array(9) },
    { zoneIdHash: new Uint8Array(0) },
    { epochId: -1n },
    { senderInstanceId: 1n << 64n },
    { frameSeq: -5n },
    { records: [{ esi: -1, k: 0, data: new Uint8Array(256), tag: new Uint8Array(16) }] },
    { records: [{ esi: 2 ** 32, k: 0, data: new Uint8Array(256), tag: new Uint8Array(16) }] },
    { records: [{ esi: 0, k: 65536, data: new Uint8Array(256), tag: new Uint8Array(16) }] },
    { records: [{ esi: 0, k: 0, data: new Uint8Array(255), tag: new Uint8Array(16) }] },
    { records: [{ esi: 0, k: 0, data: new Uint8Array(256), tag: new Uint8Array(15) }] },
    { symbolSize: 256.5 },
  ];
  for (const over of bad) {
    assert.throws(
      () => encodeFcpsFrame(frame(1, 256, over)),
      code("FCP-1040"),
      JSON.stringify(Object.keys(over)),
    );
  }
});

const arbFrame: fc.Arbitrary<FcpsFrame> = fc
  .record({
    symbolSize: fc.integer({ min: 256, max: 2048 }),
    count: fc.integer({ min: 0, max: 4 }),
    flags: fc.integer({ min: 0, max: 0x0fff }).filter((f) =>
      !((f & 0x18) === 0x18) && !((f & 0x40) !== 0 && (f & 0x20) === 0)
    ),
    objectId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    zoneKeyId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    zoneIdHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    epochId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    senderInstanceId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    frameSeq: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .chain((p) =>
    fc.array(
      fc.record({
        esi: fc.integer({ min: 0, max: 0xffffffff }),
        k: fc.integer({ min: 0, max: 0xffff }),
        fill: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: p.count, maxLength: p.count },
    ).map((rs) => ({
      flags: p.flags,
      objectId: p.objectId,
      symbolSize: p.symbolSize,
      zoneKeyId: p.zoneKeyId,
      zoneIdHash: p.zoneIdHash,
      epochId: p.epochId,
      senderInstanceId: p.senderInstanceId,
      frameSeq: p.frameSeq,
      records: rs.map((r) => ({
        esi: r.esi,
        k: r.k,
        data: new Uint8Array(p.symbolSize).fill(r.fill ^ p.seed),
        tag: new Uint8Array(16).fill(r.fill),
      })),
    }))
  );

Deno.test("property: encode → decode round-trips random valid frames", () => {
  fc.assert(
    fc.property(arbFrame, (f) => {
      const b = encodeFcpsFrame(f, BIG);
      assert.equal(b.length, fcpsFrameLength(f.records.length, f.symbolSize));
      assert.deepEqual(decodeFcpsFrame(b, BIG), f);
      assert.deepEqual(encodeFcpsFrame(decodeFcpsFrame(b, { ...BIG, copy: true }), BIG), b);
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: decoding random or mutated bytes throws only FcpError", () => {
  const valid = encodeFcpsFrame(frame(2, 300), BIG);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 1400 }),
        fc.uint8Array({ minLength: 114, maxLength: 1400 }).map((b) => {
          b.set(valid.subarray(0, Math.min(b.length, 16)));
          return b;
        }),
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }).map((edits) => {
          const b = valid.slice();
          for (const [at, v] of edits) b[at] = v;
          return b;
        }),
      ),
      (bytes) => {
        try {
          const f = decodeFcpsFrame(bytes, BIG);
          // Whatever decodes re-encodes to the same bytes.
          assert.deepEqual(encodeFcpsFrame(f, BIG), bytes);
        } catch (e) {
          if (!(e instanceof FcpError)) throw e;
          assert.ok(["FCP-1020", "FCP-1021", "FCP-1022", "FCP-1023"].includes(e.code), e.code);
        }
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("header size constant", () => {
  assert.equal(FCPS_HEADER_BYTES, 114);
});
