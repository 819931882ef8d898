import assert from "node:assert/strict";
import fc from "fast-check";
import { FcpError, isFcpError } from "../core/mod.ts";
import {
  encodeFcpsDatagram,
  type FcpsSessionContext,
  openFcpsDatagram,
  parseFcpsDatagram,
  sealFcpsDatagram,
  verifyFcpsDatagram,
} from "./fcps_datagram.ts";
import { encodeFcpsFrame, type FcpsFrame } from "./fcps_frame.ts";
import { ReplayWindow } from "./replay_window.ts";
import { deriveSessionKeys, sessionMac, type SessionSuite } from "./session_crypto.ts";

const code = (c: string) => (e: unknown) => isFcpError(e) && e.code === c;

const keys = deriveSessionKeys(new Uint8Array(32).fill(0x3c), {
  suite: 1,
  sessionId: new Uint8Array(16).fill(0x88),
  initiatorId: "node-i",
  responderId: "node-r",
  helloNonce: new Uint8Array(16).fill(6),
  ackNonce: new Uint8Array(16).fill(7),
});

function ctx(suite: SessionSuite = 1, over: Partial<FcpsSessionContext> = {}): FcpsSessionContext {
  return {
    suite,
    sessionId: new Uint8Array(16).fill(0x88),
    direction: "i2r",
    macKey: keys.kMacI2r,
    ...over,
  };
}

function frame(seq: bigint, symbolSize = 1024): FcpsFrame {
  return {
    flags: 0x0404,
    objectId: new Uint8Array(32).fill(1),
    symbolSize,
    zoneKeyId: new Uint8Array(8).fill(2),
    zoneIdHash: new Uint8Array(32).fill(3),
    epochId: 9n,
    senderInstanceId: 10n,
    frameSeq: seq,
    records: [{
      esi: 3,
      k: 4,
      data: new Uint8Array(symbolSize).fill(5),
      tag: new Uint8Array(16).fill(6),
    }],
  };
}

Deno.test("datagram layout: session_id ‖ seq u64le ‖ mac(16) ‖ frame", () => {
  const c = ctx(2);
  const f = new Uint8Array([0xde, 0xad]);
  const d = encodeFcpsDatagram(c, 0x0102030405060708n, f);
  assert.deepEqual(d.subarray(0, 16), c.sessionId);
  assert.deepEqual([...d.subarray(16, 24)], [8, 7, 6, 5, 4, 3, 2, 1]);
  assert.deepEqual(
    d.subarray(24, 40),
    sessionMac(2, c.macKey, c.sessionId, "i2r", 0x0102030405060708n, f),
  );
  assert.deepEqual(d.subarray(40), f);
  const p = parseFcpsDatagram(d);
  assert.equal(p.seq, 0x0102030405060708n);
  assert.deepEqual(p.frame, f);
});

Deno.test("a full 1200-byte datagram round-trips for both suites and directions", () => {
  for (const suite of [1, 2] as const) {
    for (const direction of ["i2r", "r2i"] as const) {
      const c = ctx(suite, {
        direction,
        macKey: direction === "i2r" ? keys.kMacI2r : keys.kMacR2i,
      });
      const w = new ReplayWindow();
      const d = sealFcpsDatagram(c, frame(1n));
      assert.equal(d.length, 1200);
      const o = openFcpsDatagram(c, d, w);
      assert.equal(o.seq, 1n);
      assert.deepEqual(o.frame, frame(1n));
      assert.equal(w.highest, 1n);
    }
  }
});

Deno.test("truncated datagrams (every length 0..39) are FCP-1022", () => {
  const d = sealFcpsDatagram(ctx(), frame(1n));
  for (let n = 0; n < 40; n++) {
    assert.throws(
      () => verifyFcpsDatagram(ctx(), d.subarray(0, n), new ReplayWindow()),
      code("FCP-1022"),
      `len ${n}`,
    );
  }
});

Deno.test("a header-only datagram: MAC checked, then its empty frame is FCP-1022", () => {
  const w = new ReplayWindow();
  const forged = new Uint8Array(40);
  forged.set(ctx().sessionId);
  forged[16] = 1;
  assert.throws(() => verifyFcpsDatagram(ctx(), forged, w), code("FCP-1024"));
  assert.equal(w.highest, 0n);
  const real = encodeFcpsDatagram(ctx(), 1n, new Uint8Array(0));
  assert.equal(real.length, 40);
  assert.throws(() => openFcpsDatagram(ctx(), real, w), code("FCP-1022"));
  // The authentic seq was consumed: a replay is a replay.
  assert.throws(() => verifyFcpsDatagram(ctx(), real, w), code("FCP-1026"));
});

Deno.test("a datagram over the maximum size is FCP-1023, on send and on receive", () => {
  assert.throws(() => sealFcpsDatagram(ctx(), frame(1n, 1025)), code("FCP-1023"));
  const big = ctx(1, { maxDatagramBytes: 1500 });
  const d = sealFcpsDatagram(big, frame(1n, 1025));
  assert.equal(d.length, 1201);
  assert.throws(() => verifyFcpsDatagram(ctx(), d, new ReplayWindow()), code("FCP-1023"));
  assert.equal(openFcpsDatagram(big, d, new ReplayWindow()).frame.symbolSize, 1025);
  assert.throws(() => parseFcpsDatagram(new Uint8Array(1201), 0), code("FCP-1023"));
});

Deno.test("replayed and out-of-window datagrams are FCP-1026", () => {
  const c = ctx();
  const w = new ReplayWindow();
  const d5 = sealFcpsDatagram(c, frame(5n));
  openFcpsDatagram(c, d5, w);
  assert.throws(() => openFcpsDatagram(c, d5, w), code("FCP-1026"));
  openFcpsDatagram(c, sealFcpsDatagram(c, frame(300n)), w);
  const old = sealFcpsDatagram(c, frame(172n)); // 300 - 172 = 128: just outside
  assert.throws(() => openFcpsDatagram(c, old, w), code("FCP-1026"));
  openFcpsDatagram(c, sealFcpsDatagram(c, frame(173n)), w);
  const zero = sealFcpsDatagram(c, frame(0n));
  assert.throws(() => openFcpsDatagram(c, zero, new ReplayWindow()), code("FCP-1026"));
});

Deno.test("a wrong MAC is FCP-1024 for each suite and never moves the window", () => {
  for (const suite of [1, 2] as const) {
    const c = ctx(suite);
    const d = sealFcpsDatagram(c, frame(7n));
    const w = new ReplayWindow();
    for (const at of [24, 39, 40, 100, d.length - 1, 16, 0]) {
      const bad = d.slice();
      bad[at]! ^= 0x01;
      assert.throws(
        () => openFcpsDatagram(c, bad, w),
        code("FCP-1024"),
        `suite ${suite} byte ${at}`,
      );
    }
    assert.equal(w.highest, 0n);
    // The other suite's MAC does not verify either.
    const other = ctx(suite === 1 ? 2 : 1);
    assert.throws(() => openFcpsDatagram(other, d, w), code("FCP-1024"));
    openFcpsDatagram(c, d, w);
  }
});

Deno.test("the wrong direction key or direction byte is FCP-1024", () => {
  const sender = ctx(1, { direction: "r2i", macKey: keys.kMacR2i });
  const d = sealFcpsDatagram(sender, frame(1n));
  // Receiver expecting i2r with k_mac_i2r.
  assert.throws(() => openFcpsDatagram(ctx(), d, new ReplayWindow()), code("FCP-1024"));
  // Right key, wrong direction byte; wrong key, right direction.
  assert.throws(
    () => openFcpsDatagram({ ...sender, direction: "i2r" }, d, new ReplayWindow()),
    code("FCP-1024"),
  );
  assert.throws(
    () => openFcpsDatagram({ ...sender, macKey: keys.kMacI2r }, d, new ReplayWindow()),
    code("FCP-1024"),
  );
  openFcpsDatagram(sender, d, new ReplayWindow());
});

Deno.test("a datagram of another session is FCP-1024", () => {
  const d = sealFcpsDatagram(ctx(), frame(1n));
  const other = ctx(1, { sessionId: new Uint8Array(16).fill(0x89) });
  assert.throws(() => openFcpsDatagram(other, d, new ReplayWindow()), code("FCP-1024"));
});

Deno.test("datagram seq must equal frame_seq (spec §4.3 rule 4)", () => {
  const c = ctx();
  const bytes = encodeFcpsFrame(frame(8n));
  const d = encodeFcpsDatagram(c, 9n, bytes);
  const w = new ReplayWindow();
  assert.deepEqual(verifyFcpsDatagram(c, d, new ReplayWindow()).frame, bytes);
  assert.throws(() => openFcpsDatagram(c, d, w), code("FCP-1022"));
});

Deno.test("a MAC-valid datagram carrying a bad frame is refused with the frame's code", () => {
  const c = ctx();
  const bytes = encodeFcpsFrame(frame(3n));
  bytes[4] = 2; // version 2
  assert.throws(
    () => openFcpsDatagram(c, encodeFcpsDatagram(c, 3n, bytes), new ReplayWindow()),
    code("FCP-1020"),
  );
});

Deno.test("property: random datagrams throw only FcpError and never move the window", () => {
  const c = ctx(2);
  const valid = sealFcpsDatagram(c, frame(11n));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 1300 }),
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
        const w = new ReplayWindow();
        try {
          openFcpsDatagram(c, bytes, w);
          assert.fail("a random or mutated datagram opened");
        } catch (e) {
          if (!(e instanceof FcpError)) throw e;
          assert.ok(["FCP-1022", "FCP-1023", "FCP-1024", "FCP-1026"].includes(e.code), e.code);
        }
        assert.equal(w.highest, 0n);
      },
    ),
    { numRuns: 500 },
  );
});
