/**
 * FCPS datagrams (spec §4.2.2; WIRE.md §9): `session_id(16) ‖ seq u64le ‖ mac(16) ‖ frame`,
 * authenticated with the session MAC of the sender's direction and protected by a replay
 * window.
 *
 * Receiving, in order: `40 ≤ len ≤ max_datagram_bytes` (`FCP-1022` / `FCP-1023`), the session
 * id is this session's (`FCP-1024`), the window would accept `seq` (`FCP-1026`), the MAC
 * verifies (`FCP-1024`), then the seq is committed to the window. A MAC-valid datagram thus
 * always consumes its seq, even if the frame inside is then refused: its seq was authentically
 * sent, and a replay of it is still a replay. {@link openFcpsDatagram} then decodes the frame
 * and requires `frame_seq == seq` (spec §4.3 rule 4, `FCP-1022`; not checked by the Rust
 * reference, WIRE.md D14).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import {
  decodeFcpsFrame,
  effectiveMaxDatagramBytes,
  encodeFcpsFrame,
  FCPS_DATAGRAM_HEADER_BYTES,
  type FcpsDecodeOptions,
  type FcpsFrame,
} from "./fcps_frame.ts";
import type { ReplayWindow } from "./replay_window.ts";
import {
  SESSION_ID_BYTES,
  type SessionDirection,
  sessionMac,
  type SessionSuite,
  verifySessionMac,
} from "./session_crypto.ts";

/** One direction of a session as the datagram layer needs it. */
export interface FcpsSessionContext {
  /** Negotiated suite. */
  readonly suite: SessionSuite;
  /** Session id, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** Direction of the datagrams (the sender's). */
  readonly direction: SessionDirection;
  /** MAC key of that direction (k_mac_i2r or k_mac_r2i), 32 bytes. */
  readonly macKey: Uint8Array;
  /** Maximum datagram size; absent or 0 ⇒ 1200. */
  readonly maxDatagramBytes?: number;
}

/** A parsed, not yet verified datagram; all fields are views of the input. */
export interface FcpsDatagram {
  /** Session id, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** Datagram sequence number. */
  readonly seq: bigint;
  /** The 16-byte MAC. */
  readonly mac: Uint8Array;
  /** The FCPS frame bytes (may be empty). */
  readonly frame: Uint8Array;
}

/** A verified datagram: its seq and the frame bytes (a view of the input). */
export interface VerifiedFcpsDatagram {
  /** Datagram sequence number, now committed to the window. */
  readonly seq: bigint;
  /** The FCPS frame bytes (may be empty). */
  readonly frame: Uint8Array;
}

/** A verified datagram with its decoded frame. */
export interface OpenedFcpsDatagram {
  /** Datagram sequence number (= `frame.frameSeq`). */
  readonly seq: bigint;
  /** The decoded frame; records are views unless `copy` was asked for. */
  readonly frame: FcpsFrame;
}

/**
 * Split a datagram into its fields without verifying anything but its length:
 * `FCP-1023` above `maxDatagramBytes` (absent or 0 ⇒ 1200), `FCP-1022` below 40 bytes.
 *
 * @example
 * ```ts
 * import { parseFcpsDatagram } from "./fcps_datagram.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const d = parseFcpsDatagram(new Uint8Array(40));
 * assert.equal(d.seq, 0n);
 * assert.equal(d.frame.length, 0);
 * assert.throws(() => parseFcpsDatagram(new Uint8Array(39)), (e) => isFcpError(e, "FCP-1022"));
 * assert.throws(() => parseFcpsDatagram(new Uint8Array(1201)), (e) => isFcpError(e, "FCP-1023"));
 * ```
 */
export function parseFcpsDatagram(bytes: Uint8Array, maxDatagramBytes?: number): FcpsDatagram {
  const max = effectiveMaxDatagramBytes(maxDatagramBytes);
  const n = bytes.length;
  if (n > max) throw new FcpError("FCP-1023", `FCPS datagram of ${n} bytes exceeds ${max}`);
  if (n < FCPS_DATAGRAM_HEADER_BYTES) {
    throw new FcpError("FCP-1022", `FCPS datagram of ${n} bytes is shorter than its header`);
  }
  return {
    sessionId: bytes.subarray(0, 16),
    seq: new DataView(bytes.buffer, bytes.byteOffset, n).getBigUint64(16, true),
    mac: bytes.subarray(24, 40),
    frame: bytes.subarray(40),
  };
}

/**
 * Wrap frame bytes in a datagram with the MAC of `ctx` (`FCP-1023` when the datagram would
 * exceed the maximum size).
 *
 * @example
 * ```ts
 * import { encodeFcpsDatagram, verifyFcpsDatagram } from "./fcps_datagram.ts";
 * import { ReplayWindow } from "./replay_window.ts";
 * import assert from "node:assert/strict";
 * const ctx = {
 *   suite: 1 as const, sessionId: new Uint8Array(16).fill(8), direction: "i2r" as const,
 *   macKey: new Uint8Array(32).fill(1),
 * };
 * const d = encodeFcpsDatagram(ctx, 1n, new Uint8Array([1, 2, 3]));
 * assert.equal(d.length, 43);
 * const v = verifyFcpsDatagram(ctx, d, new ReplayWindow());
 * assert.deepEqual(v.frame, new Uint8Array([1, 2, 3]));
 * ```
 */
export function encodeFcpsDatagram(
  ctx: FcpsSessionContext,
  seq: bigint,
  frame: Uint8Array,
): Uint8Array {
  const max = effectiveMaxDatagramBytes(ctx.maxDatagramBytes);
  const n = FCPS_DATAGRAM_HEADER_BYTES + frame.length;
  if (n > max) throw new FcpError("FCP-1023", `FCPS datagram of ${n} bytes exceeds ${max}`);
  const mac = sessionMac(ctx.suite, ctx.macKey, ctx.sessionId, ctx.direction, seq, frame);
  const out = new Uint8Array(n);
  out.set(ctx.sessionId, 0);
  new DataView(out.buffer).setBigUint64(16, seq, true);
  out.set(mac, 24);
  out.set(frame, 40);
  return out;
}

/**
 * Encode a frame and wrap it in a datagram whose seq is the frame's `frameSeq` (spec §4.3
 * rule 4). The frame must fit the datagram: 40 + frame ≤ max (`FCP-1023`).
 *
 * @example
 * ```ts
 * import { openFcpsDatagram, sealFcpsDatagram } from "./fcps_datagram.ts";
 * import { ReplayWindow } from "./replay_window.ts";
 * import assert from "node:assert/strict";
 * const ctx = {
 *   suite: 2 as const, sessionId: new Uint8Array(16).fill(8), direction: "r2i" as const,
 *   macKey: new Uint8Array(32).fill(1),
 * };
 * const frame = {
 *   flags: 0x0404, objectId: new Uint8Array(32), symbolSize: 1024,
 *   zoneKeyId: new Uint8Array(8), zoneIdHash: new Uint8Array(32),
 *   epochId: 1n, senderInstanceId: 2n, frameSeq: 3n,
 *   records: [{ esi: 0, k: 1, data: new Uint8Array(1024), tag: new Uint8Array(16) }],
 * };
 * const d = sealFcpsDatagram(ctx, frame);
 * assert.equal(d.length, 1200);
 * assert.deepEqual(openFcpsDatagram(ctx, d, new ReplayWindow()).frame, frame);
 * ```
 */
export function sealFcpsDatagram(
  ctx: FcpsSessionContext,
  frame: FcpsFrame,
  maxSymbolCount?: number,
): Uint8Array {
  const max = effectiveMaxDatagramBytes(ctx.maxDatagramBytes);
  const bytes = encodeFcpsFrame(frame, {
    maxDatagramBytes: max,
    ...(maxSymbolCount === undefined ? {} : { maxSymbolCount }),
  });
  return encodeFcpsDatagram(ctx, frame.frameSeq, bytes);
}

/**
 * Verify a received datagram against `ctx` and `window` (length, session id, replay check,
 * MAC, then commit; see the module notes) and return its seq and frame bytes.
 *
 * @example
 * ```ts
 * import { encodeFcpsDatagram, verifyFcpsDatagram } from "./fcps_datagram.ts";
 * import { ReplayWindow } from "./replay_window.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ctx = {
 *   suite: 1 as const, sessionId: new Uint8Array(16), direction: "i2r" as const,
 *   macKey: new Uint8Array(32).fill(1),
 * };
 * const w = new ReplayWindow();
 * const d = encodeFcpsDatagram(ctx, 7n, new Uint8Array(0));
 * assert.equal(verifyFcpsDatagram(ctx, d, w).seq, 7n);
 * assert.throws(() => verifyFcpsDatagram(ctx, d, w), (e) => isFcpError(e, "FCP-1026"));
 * ```
 */
export function verifyFcpsDatagram(
  ctx: FcpsSessionContext,
  bytes: Uint8Array,
  window: ReplayWindow,
): VerifiedFcpsDatagram {
  const d = parseFcpsDatagram(bytes, ctx.maxDatagramBytes);
  if (ctx.sessionId.length !== SESSION_ID_BYTES) {
    throw new FcpError("FCP-1040", "session id must be 16 bytes");
  }
  let diff = 0;
  for (let i = 0; i < SESSION_ID_BYTES; i++) diff |= d.sessionId[i]! ^ ctx.sessionId[i]!;
  if (diff !== 0) throw new FcpError("FCP-1024", "FCPS datagram is not for this session");
  window.check(d.seq);
  verifySessionMac(ctx.suite, ctx.macKey, ctx.sessionId, ctx.direction, d.seq, d.frame, d.mac);
  window.commit(d.seq);
  return { seq: d.seq, frame: d.frame };
}

/**
 * Verify a datagram ({@link verifyFcpsDatagram}), decode its frame (limits from `ctx` and
 * `opts`) and require `frame_seq == seq` (`FCP-1022`). An empty frame is `FCP-1022`.
 *
 * @example
 * ```ts
 * import { encodeFcpsDatagram, openFcpsDatagram } from "./fcps_datagram.ts";
 * import { ReplayWindow } from "./replay_window.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ctx = {
 *   suite: 1 as const, sessionId: new Uint8Array(16), direction: "i2r" as const,
 *   macKey: new Uint8Array(32).fill(1),
 * };
 * const headerOnly = encodeFcpsDatagram(ctx, 1n, new Uint8Array(0));
 * assert.throws(
 *   () => openFcpsDatagram(ctx, headerOnly, new ReplayWindow()),
 *   (e) => isFcpError(e, "FCP-1022"),
 * );
 * ```
 */
export function openFcpsDatagram(
  ctx: FcpsSessionContext,
  bytes: Uint8Array,
  window: ReplayWindow,
  opts: Omit<FcpsDecodeOptions, "maxDatagramBytes"> = {},
): OpenedFcpsDatagram {
  const { seq, frame: frameBytes } = verifyFcpsDatagram(ctx, bytes, window);
  const frame = decodeFcpsFrame(frameBytes, {
    ...opts,
    maxDatagramBytes: effectiveMaxDatagramBytes(ctx.maxDatagramBytes),
  });
  if (frame.frameSeq !== seq) {
    throw new FcpError(
      "FCP-1022",
      `FCPS frame_seq ${frame.frameSeq} differs from the datagram seq ${seq}`,
    );
  }
  return { seq, frame };
}
