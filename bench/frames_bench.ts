/**
 * Framing benchmarks: a full 1200-byte FCPS datagram (one 1024-byte symbol, WIRE.md §9 MTU
 * budget) encoded and MAC'd, then verified and decoded, for both session suites; and an FCPC
 * frame sealed and opened with a 1 KiB payload.
 *
 * `deno bench --allow-all bench/frames_bench.ts`
 *
 * @module
 */
import { openFcpsDatagram, sealFcpsDatagram } from "../src/symbol/fcps_datagram.ts";
import type { FcpsFrame } from "../src/symbol/fcps_frame.ts";
import { openFcpcFrame, sealFcpcFrame } from "../src/symbol/fcpc_frame.ts";
import { ReplayWindow } from "../src/symbol/replay_window.ts";

const frame: FcpsFrame = {
  flags: 0x0404,
  objectId: new Uint8Array(32).fill(1),
  symbolSize: 1024,
  zoneKeyId: new Uint8Array(8).fill(2),
  zoneIdHash: new Uint8Array(32).fill(3),
  epochId: 7n,
  senderInstanceId: 0x1122334455667788n,
  frameSeq: 1n,
  records: [{
    esi: 5,
    k: 1024,
    data: new Uint8Array(1024).map((_, i) => (i * 31) & 0xff),
    tag: new Uint8Array(16).fill(9),
  }],
};

const sessionId = new Uint8Array(16).fill(0x88);
const macKey = new Uint8Array(32).fill(0x42);

for (const suite of [1, 2] as const) {
  const ctx = { suite, sessionId, direction: "i2r" as const, macKey };
  const datagram = sealFcpsDatagram(ctx, frame);
  if (datagram.length !== 1200) throw new Error("expected a 1200-byte datagram");
  let seq = 1n;

  Deno.bench(`FCPS 1200 B datagram: encode + MAC (suite ${suite})`, {
    group: `fcps-seal`,
    baseline: suite === 1,
  }, () => {
    sealFcpsDatagram(ctx, { ...frame, frameSeq: ++seq });
  });

  // A fresh window each time would measure allocation; instead verify datagrams of rising seq.
  const pool: Uint8Array[] = [];
  for (let i = 1n; i <= 4096n; i++) pool.push(sealFcpsDatagram(ctx, { ...frame, frameSeq: i }));
  let window = new ReplayWindow();
  let next = 0;
  Deno.bench(`FCPS 1200 B datagram: verify MAC + replay + decode (suite ${suite})`, {
    group: `fcps-open`,
    baseline: suite === 1,
  }, () => {
    if (next === pool.length) {
      next = 0;
      window = new ReplayWindow();
    }
    openFcpsDatagram(ctx, pool[next++]!, window);
  });
}

const fcpc = { sessionId, key: new Uint8Array(32).fill(0x11), direction: "i2r" as const };
const payload = new Uint8Array(1024).map((_, i) => i & 0xff);
const sealed = sealFcpcFrame(fcpc, 1n, payload);
let fcpcSeq = 1n;

Deno.bench("FCPC 1 KiB: seal", { group: "fcpc" }, () => {
  sealFcpcFrame(fcpc, ++fcpcSeq, payload);
});

Deno.bench("FCPC 1 KiB: open", { group: "fcpc" }, () => {
  openFcpcFrame(fcpc, sealed);
});
