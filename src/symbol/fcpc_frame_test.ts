import assert from "node:assert/strict";
import fc from "fast-check";
import { FcpError, isFcpError, toHex, utf8 } from "../core/mod.ts";
import {
  checkFcpcFlags,
  encodeFcpcHeader,
  FCPC_FLAGS,
  FCPC_HEADER_BYTES,
  FCPC_MAX_PAYLOAD_BYTES,
  fcpcAad,
  type FcpcContext,
  fcpcFrameLength,
  fcpcNonce,
  openFcpcFrame,
  parseFcpcHeader,
  sealFcpcFrame,
} from "./fcpc_frame.ts";
import { ReplayWindow } from "./replay_window.ts";

const code = (c: string) => (e: unknown) => isFcpError(e) && e.code === c;

const ctx: FcpcContext = {
  sessionId: new Uint8Array(16).fill(0xaa),
  key: new Uint8Array(32).fill(0x11),
  direction: "i2r",
};

function setU32(b: Uint8Array, at: number, v: number) {
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
}

Deno.test("nonce binds the direction, AAD binds session, seq and flags", () => {
  assert.equal(toHex(fcpcNonce("r2i", 0x0102n)), "010000000201000000000000");
  assert.equal(
    toHex(fcpcAad(new Uint8Array(16).fill(1), 2n, 3)),
    "01".repeat(16) + "0200000000000000" + "0300",
  );
  assert.throws(() => fcpcNonce("i2r", -1n), code("FCP-1040"));
  assert.throws(() => fcpcAad(new Uint8Array(15), 1n, 1), code("FCP-1040"));
});

Deno.test("seal → open round-trips, with and without COMPRESSED", () => {
  for (const flags of [1, 3]) {
    const pt = utf8(`payload ${flags}`);
    const f = sealFcpcFrame(ctx, 7n, pt, flags);
    assert.equal(f.length, FCPC_HEADER_BYTES + pt.length + 16);
    assert.deepEqual(openFcpcFrame(ctx, f), { seq: 7n, flags, plaintext: pt });
  }
  const empty = sealFcpcFrame(ctx, 1n, new Uint8Array(0));
  assert.equal(empty.length, 52);
  assert.deepEqual(openFcpcFrame(ctx, empty).plaintext, new Uint8Array(0));
});

Deno.test("tampered ciphertext, tag or header is refused", () => {
  const f = sealFcpcFrame(ctx, 5n, utf8("control message"));
  const tamper = (at: number) => {
    const b = f.slice();
    b[at]! ^= 0x01;
    return b;
  };
  // Ciphertext and tag bytes: AEAD failure.
  for (const at of [FCPC_HEADER_BYTES, FCPC_HEADER_BYTES + 5, f.length - 16, f.length - 1]) {
    assert.throws(() => openFcpcFrame(ctx, tamper(at)), code("FCP-1025"), `byte ${at}`);
  }
  // Header bytes bound by the AAD or the nonce: session id, seq.
  for (const at of [6, 21, 22, 29]) {
    assert.throws(() => openFcpcFrame(ctx, tamper(at)), code("FCP-1025"), `byte ${at}`);
  }
  // Flags: 1 → 3 is a valid word but not what was sealed; 1 → 0 drops ENCRYPTED.
  const flags = f.slice();
  flags[30] = 3;
  assert.throws(() => openFcpcFrame(ctx, flags), code("FCP-1025"));
  flags[30] = 0;
  assert.throws(() => openFcpcFrame(ctx, flags), code("FCP-1021"));
  // Magic, version, length.
  assert.throws(() => openFcpcFrame(ctx, tamper(0)), code("FCP-1022"));
  assert.throws(() => openFcpcFrame(ctx, tamper(4)), code("FCP-1020"));
  assert.throws(() => openFcpcFrame(ctx, tamper(32)), code("FCP-1022"));
});

Deno.test("unknown flag bits and a missing ENCRYPTED bit are FCP-1021", () => {
  const f = sealFcpcFrame(ctx, 1n, utf8("x"));
  for (const flags of [0, 2, 4, 5, 0x8001, 0xffff]) {
    const b = f.slice();
    new DataView(b.buffer).setUint16(30, flags, true);
    assert.throws(() => openFcpcFrame(ctx, b), code("FCP-1021"), `flags ${flags}`);
    assert.throws(() => sealFcpcFrame(ctx, 1n, utf8("x"), flags), code("FCP-1021"));
  }
  checkFcpcFlags(FCPC_FLAGS.ENCRYPTED | FCPC_FLAGS.COMPRESSED);
  assert.throws(() => checkFcpcFlags(0x10000), code("FCP-1040"));
});

Deno.test("an oversize length field is FCP-1023 before anything else is read", () => {
  const f = sealFcpcFrame(ctx, 1n, utf8("x"));
  for (const len of [FCPC_MAX_PAYLOAD_BYTES + 1, 0xffffffff]) {
    const b = f.slice();
    setU32(b, 32, len);
    assert.throws(() => openFcpcFrame(ctx, b), code("FCP-1023"), `len ${len}`);
    assert.throws(() => parseFcpcHeader(b.subarray(0, 36)), code("FCP-1023"));
  }
  // Exactly 4 MiB is allowed by the header check (then the buffer is short).
  const b = f.slice();
  setU32(b, 32, FCPC_MAX_PAYLOAD_BYTES);
  assert.equal(parseFcpcHeader(b).length, FCPC_MAX_PAYLOAD_BYTES);
  assert.throws(() => openFcpcFrame(ctx, b), code("FCP-1022"));
  // A configured lower cap.
  const small = { ...ctx, maxPayloadBytes: 4 };
  assert.throws(
    () => openFcpcFrame(small, sealFcpcFrame(ctx, 1n, utf8("12345"))),
    code("FCP-1023"),
  );
  assert.throws(() => sealFcpcFrame(small, 1n, utf8("12345")), code("FCP-1023"));
  assert.throws(
    () => sealFcpcFrame({ ...ctx, maxPayloadBytes: FCPC_MAX_PAYLOAD_BYTES + 1 }, 1n, utf8("")),
    code("FCP-1040"),
  );
});

Deno.test("a 4 MiB payload seals and opens; 4 MiB + 1 does not seal", () => {
  const pt = new Uint8Array(FCPC_MAX_PAYLOAD_BYTES).fill(7);
  const f = sealFcpcFrame(ctx, 2n, pt);
  assert.deepEqual(openFcpcFrame(ctx, f).plaintext.length, FCPC_MAX_PAYLOAD_BYTES);
  assert.throws(
    () => sealFcpcFrame(ctx, 2n, new Uint8Array(FCPC_MAX_PAYLOAD_BYTES + 1)),
    code("FCP-1023"),
  );
});

Deno.test("truncated and padded frames are FCP-1022", () => {
  const f = sealFcpcFrame(ctx, 1n, utf8("hello"));
  for (let n = 0; n < f.length; n++) {
    assert.throws(() => openFcpcFrame(ctx, f.subarray(0, n)), code("FCP-1022"), `len ${n}`);
  }
  const padded = new Uint8Array(f.length + 1);
  padded.set(f);
  assert.throws(() => openFcpcFrame(ctx, padded), code("FCP-1022"));
});

Deno.test("the wrong direction nonce, key or session is FCP-1025", () => {
  const f = sealFcpcFrame(ctx, 9n, utf8("to the responder"));
  assert.throws(() => openFcpcFrame({ ...ctx, direction: "r2i" }, f), code("FCP-1025"));
  assert.throws(
    () => openFcpcFrame({ ...ctx, key: new Uint8Array(32).fill(0x12) }, f),
    code("FCP-1025"),
  );
  assert.throws(
    () => openFcpcFrame({ ...ctx, sessionId: new Uint8Array(16) }, f),
    code("FCP-1025"),
  );
  // The same seq sealed in the other direction gives a different ciphertext (no nonce reuse).
  const g = sealFcpcFrame({ ...ctx, direction: "r2i" }, 9n, utf8("to the responder"));
  assert.notDeepEqual(g.subarray(36), f.subarray(36));
});

Deno.test("with a replay window: replays are FCP-1026, forgeries do not move it", () => {
  const w = new ReplayWindow();
  const f1 = sealFcpcFrame(ctx, 1n, utf8("a"));
  const f2 = sealFcpcFrame(ctx, 2n, utf8("b"));
  openFcpcFrame(ctx, f2, w);
  openFcpcFrame(ctx, f1, w);
  assert.throws(() => openFcpcFrame(ctx, f1, w), code("FCP-1026"));
  const forged = sealFcpcFrame({ ...ctx, key: new Uint8Array(32) }, 3n, utf8("c"));
  assert.throws(() => openFcpcFrame(ctx, forged, w), code("FCP-1025"));
  assert.equal(w.highest, 2n);
  assert.throws(() => openFcpcFrame(ctx, sealFcpcFrame(ctx, 0n, utf8("z")), w), code("FCP-1026"));
});

Deno.test("header encode/parse round trip and frame length for stream readers", () => {
  const h = {
    sessionId: new Uint8Array(16).fill(3),
    seq: 0xffffffffffffffffn,
    flags: 3,
    length: 10,
  };
  const b = encodeFcpcHeader(h);
  assert.equal(b.length, 36);
  assert.deepEqual(parseFcpcHeader(b), h);
  assert.equal(fcpcFrameLength(h), 62);
  // A stream buffer holding more than the header parses the same.
  const more = new Uint8Array(100);
  more.set(b);
  assert.deepEqual(parseFcpcHeader(more), h);
  assert.throws(() => encodeFcpcHeader({ ...h, length: -1 }), code("FCP-1040"));
  assert.throws(() => encodeFcpcHeader({ ...h, sessionId: new Uint8Array(17) }), code("FCP-1040"));
});

Deno.test("property: random or mutated FCPC frames throw only FcpError", () => {
  const valid = sealFcpcFrame(ctx, 4n, utf8("some control-plane payload"), 3);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }).map((edits) => {
          const b = valid.slice();
          for (const [at, x] of edits) b[at]! ^= x;
          return b;
        }),
      ),
      (bytes) => {
        try {
          openFcpcFrame(ctx, bytes);
          assert.fail("a random or mutated frame opened");
        } catch (e) {
          if (!(e instanceof FcpError)) throw e;
          assert.ok(["FCP-1020", "FCP-1021", "FCP-1022", "FCP-1023", "FCP-1025"].includes(e.code));
        }
      },
    ),
    { numRuns: 500 },
  );
});
