/**
 * FCPC control-plane frames (spec §9.4; WIRE.md §10): a 36-byte little-endian header
 * `"FCPC" ‖ u16 version 1 ‖ session_id(16) ‖ u64 seq ‖ u16 flags ‖ u32 len`, then `len` bytes
 * of ChaCha20-Poly1305 ciphertext and the 16-byte tag. The key is the session's k_ctx (both
 * directions); the nonce `dir u8 ‖ 00 00 00 ‖ seq u64le` binds the direction, and the AAD
 * `session_id ‖ seq u64le ‖ flags u16le` binds the header.
 *
 * Opening checks, in order: length ≥ 36 and the magic (`FCP-1022`), version 1 (`FCP-1020`),
 * flags: ENCRYPTED set, no bit outside ENCRYPTED|COMPRESSED (`FCP-1021`), `len` ≤ 4 MiB or
 * the configured cap (`FCP-1023`), the input is exactly `36 + len + 16` bytes (`FCP-1022`),
 * the session id is this session's and the AEAD opens (both the opaque `FCP-1025`: the AAD
 * binds the session id anyway), and with a replay window: check before, commit after the tag
 * verified (`FCP-1026`).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { aeadOpen, aeadSeal } from "../crypto/mod.ts";
import type { ReplayWindow } from "./replay_window.ts";
import { directionByte, SESSION_ID_BYTES, type SessionDirection } from "./session_crypto.ts";

const MAGIC = [0x46, 0x43, 0x50, 0x43] as const; // "FCPC"
/** The only FCPC version. */
export const FCPC_VERSION = 1;
/** Size of the FCPC header. */
export const FCPC_HEADER_BYTES = 36;
/** Size of the AEAD tag after the ciphertext. */
export const FCPC_TAG_BYTES = 16;
/** Largest payload (ciphertext length) accepted: 4 MiB (WIRE.md §10). */
export const FCPC_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** FCPC flag bits (WIRE.md §10); they differ from the FCPS flags. */
export const FCPC_FLAGS = {
  /** Payload is AEAD-encrypted; always set. */
  ENCRYPTED: 0x1,
  /** Payload was compressed before encryption. */
  COMPRESSED: 0x2,
} as const;

const KNOWN_FLAGS = FCPC_FLAGS.ENCRYPTED | FCPC_FLAGS.COMPRESSED;

/** One direction of a session as FCPC needs it. */
export interface FcpcContext {
  /** Session id, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** The session's k_ctx, 32 bytes. */
  readonly key: Uint8Array;
  /** Direction of the frames sealed or opened (the sender's direction). */
  readonly direction: SessionDirection;
  /** Payload cap in bytes, at most (and by default) 4 MiB. */
  readonly maxPayloadBytes?: number;
}

/** The fields of an FCPC header. */
export interface FcpcHeader {
  /** Session id, 16 bytes (a view of the input when parsed). */
  readonly sessionId: Uint8Array;
  /** Sequence number. */
  readonly seq: bigint;
  /** Flag word. */
  readonly flags: number;
  /** Ciphertext length (excluding the tag). */
  readonly length: number;
}

/** An opened FCPC frame. */
export interface OpenedFcpcFrame {
  /** Sequence number. */
  readonly seq: bigint;
  /** Flag word (ENCRYPTED always set). */
  readonly flags: number;
  /** The decrypted payload. */
  readonly plaintext: Uint8Array;
}

/**
 * Check an FCPC flag word: ENCRYPTED must be set and no bit outside ENCRYPTED|COMPRESSED
 * (`FCP-1021`); a value that is not a u16 is `FCP-1040`.
 *
 * @example
 * ```ts
 * import { checkFcpcFlags } from "./fcpc_frame.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * checkFcpcFlags(3);
 * assert.throws(() => checkFcpcFlags(2), (e) => isFcpError(e, "FCP-1021"));
 * assert.throws(() => checkFcpcFlags(5), (e) => isFcpError(e, "FCP-1021"));
 * ```
 */
export function checkFcpcFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff) {
    throw new FcpError("FCP-1040", `FCPC flags must be a u16, got ${flags}`);
  }
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new FcpError(
      "FCP-1021",
      `unknown FCPC flag bits 0x${(flags & ~KNOWN_FLAGS).toString(16)}`,
    );
  }
  if ((flags & FCPC_FLAGS.ENCRYPTED) === 0) {
    throw new FcpError("FCP-1021", "FCPC flag ENCRYPTED must be set");
  }
}

/**
 * The AEAD nonce `dir u8 ‖ 00 00 00 ‖ seq u64le` (12 bytes).
 *
 * @example
 * ```ts
 * import { fcpcNonce } from "./fcpc_frame.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(fcpcNonce("i2r", 1n)), "000000000100000000000000");
 * ```
 */
export function fcpcNonce(direction: SessionDirection, seq: bigint): Uint8Array {
  const out = new Uint8Array(12);
  out[0] = directionByte(direction);
  new DataView(out.buffer).setBigUint64(4, checkSeq(seq), true);
  return out;
}

/**
 * The AEAD associated data `session_id ‖ seq u64le ‖ flags u16le` (26 bytes).
 *
 * @example
 * ```ts
 * import { fcpcAad } from "./fcpc_frame.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fcpcAad(new Uint8Array(16), 1n, 1).length, 26);
 * ```
 */
export function fcpcAad(sessionId: Uint8Array, seq: bigint, flags: number): Uint8Array {
  checkSessionId(sessionId);
  const out = new Uint8Array(26);
  out.set(sessionId, 0);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(16, checkSeq(seq), true);
  dv.setUint16(24, flags, true);
  return out;
}

/**
 * Encode the 36-byte header (flags checked, `FCP-1021`; length a u32, `FCP-1040`).
 *
 * @example
 * ```ts
 * import { encodeFcpcHeader, parseFcpcHeader } from "./fcpc_frame.ts";
 * import assert from "node:assert/strict";
 * const h = { sessionId: new Uint8Array(16), seq: 5n, flags: 1, length: 4 };
 * assert.deepEqual(parseFcpcHeader(encodeFcpcHeader(h)), h);
 * ```
 */
export function encodeFcpcHeader(h: FcpcHeader): Uint8Array {
  checkFcpcFlags(h.flags);
  checkSessionId(h.sessionId);
  if (!Number.isInteger(h.length) || h.length < 0 || h.length > 0xffffffff) {
    throw new FcpError("FCP-1040", `FCPC length must be a u32, got ${h.length}`);
  }
  const out = new Uint8Array(FCPC_HEADER_BYTES);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(4, FCPC_VERSION, true);
  out.set(h.sessionId, 6);
  dv.setBigUint64(22, checkSeq(h.seq), true);
  dv.setUint16(30, h.flags, true);
  dv.setUint32(32, h.length, true);
  return out;
}

/**
 * Parse and check the header at the start of `bytes` (which may hold more, e.g. a stream
 * buffer): `FCP-1022` short or bad magic, `FCP-1020` version, `FCP-1021` flags, `FCP-1023`
 * when `length` exceeds `maxPayloadBytes` (default and at most 4 MiB). A stream reader then
 * waits for {@link fcpcFrameLength} bytes.
 *
 * @example
 * ```ts
 * import { parseFcpcHeader } from "./fcpc_frame.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseFcpcHeader(new Uint8Array(35)), (e) => isFcpError(e, "FCP-1022"));
 * ```
 */
export function parseFcpcHeader(bytes: Uint8Array, maxPayloadBytes?: number): FcpcHeader {
  const cap = payloadCap(maxPayloadBytes);
  if (bytes.length < FCPC_HEADER_BYTES) {
    throw new FcpError(
      "FCP-1022",
      `FCPC frame of ${bytes.length} bytes is shorter than its header`,
    );
  }
  if (
    bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2] ||
    bytes[3] !== MAGIC[3]
  ) {
    throw new FcpError("FCP-1022", 'FCPC frame magic is not "FCPC"');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = dv.getUint16(4, true);
  if (version !== FCPC_VERSION) {
    throw new FcpError("FCP-1020", `unsupported FCPC version ${version}`);
  }
  const flags = dv.getUint16(30, true);
  checkFcpcFlags(flags);
  const length = dv.getUint32(32, true);
  if (length > cap) {
    throw new FcpError("FCP-1023", `FCPC payload of ${length} bytes exceeds ${cap}`);
  }
  return { sessionId: bytes.subarray(6, 22), seq: dv.getBigUint64(22, true), flags, length };
}

/**
 * Total bytes of the frame a header announces: `36 + length + 16`.
 *
 * @example
 * ```ts
 * import { fcpcFrameLength } from "./fcpc_frame.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fcpcFrameLength({ sessionId: new Uint8Array(16), seq: 1n, flags: 1, length: 4 }), 56);
 * ```
 */
export function fcpcFrameLength(h: FcpcHeader): number {
  return FCPC_HEADER_BYTES + h.length + FCPC_TAG_BYTES;
}

/**
 * Seal a payload into an FCPC frame: `header ‖ ciphertext ‖ tag`. `flags` defaults to
 * ENCRYPTED and must include it (`FCP-1021`); a payload above the cap is `FCP-1023`.
 *
 * @example
 * ```ts
 * import { openFcpcFrame, sealFcpcFrame } from "./fcpc_frame.ts";
 * import { ReplayWindow } from "./replay_window.ts";
 * import { isFcpError, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ctx = { sessionId: new Uint8Array(16).fill(0xaa), key: new Uint8Array(32).fill(0x11), direction: "i2r" as const };
 * const frame = sealFcpcFrame(ctx, 1n, utf8("invoke"));
 * const w = new ReplayWindow();
 * assert.deepEqual(openFcpcFrame(ctx, frame, w).plaintext, utf8("invoke"));
 * assert.throws(() => openFcpcFrame(ctx, frame, w), (e) => isFcpError(e, "FCP-1026"));
 * assert.throws(
 *   () => openFcpcFrame({ ...ctx, direction: "r2i" }, frame),
 *   (e) => isFcpError(e, "FCP-1025"),
 * );
 * ```
 */
export function sealFcpcFrame(
  ctx: FcpcContext,
  seq: bigint,
  plaintext: Uint8Array,
  flags: number = FCPC_FLAGS.ENCRYPTED,
): Uint8Array {
  const cap = payloadCap(ctx.maxPayloadBytes);
  if (plaintext.length > cap) {
    throw new FcpError("FCP-1023", `FCPC payload of ${plaintext.length} bytes exceeds ${cap}`);
  }
  const header = encodeFcpcHeader({
    sessionId: ctx.sessionId,
    seq,
    flags,
    length: plaintext.length,
  });
  const sealed = aeadSeal(
    "chacha20poly1305",
    ctx.key,
    fcpcNonce(ctx.direction, seq),
    fcpcAad(ctx.sessionId, seq, flags),
    plaintext,
  );
  const out = new Uint8Array(FCPC_HEADER_BYTES + sealed.length);
  out.set(header, 0);
  out.set(sealed, FCPC_HEADER_BYTES);
  return out;
}

/**
 * Check and open one complete FCPC frame (see the module notes for the order and codes). With
 * a `window`, the seq is checked before and committed after the tag verifies.
 *
 * @example
 * ```ts
 * import { openFcpcFrame, sealFcpcFrame } from "./fcpc_frame.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ctx = { sessionId: new Uint8Array(16), key: new Uint8Array(32), direction: "r2i" as const };
 * const frame = sealFcpcFrame(ctx, 9n, new Uint8Array([1, 2]), 3);
 * assert.deepEqual(openFcpcFrame(ctx, frame), { seq: 9n, flags: 3, plaintext: new Uint8Array([1, 2]) });
 * frame[frame.length - 1]! ^= 1;
 * assert.throws(() => openFcpcFrame(ctx, frame), (e) => isFcpError(e, "FCP-1025"));
 * ```
 */
export function openFcpcFrame(
  ctx: FcpcContext,
  bytes: Uint8Array,
  window?: ReplayWindow,
): OpenedFcpcFrame {
  const h = parseFcpcHeader(bytes, ctx.maxPayloadBytes);
  const total = fcpcFrameLength(h);
  if (bytes.length !== total) {
    throw new FcpError("FCP-1022", `FCPC frame is ${bytes.length} bytes, its header says ${total}`);
  }
  checkSessionId(ctx.sessionId);
  let diff = 0;
  for (let i = 0; i < SESSION_ID_BYTES; i++) diff |= h.sessionId[i]! ^ ctx.sessionId[i]!;
  if (diff !== 0) throw new FcpError("FCP-1025", "AEAD open failed");
  window?.check(h.seq);
  const plaintext = aeadOpen(
    "chacha20poly1305",
    ctx.key,
    fcpcNonce(ctx.direction, h.seq),
    fcpcAad(ctx.sessionId, h.seq, h.flags),
    bytes.subarray(FCPC_HEADER_BYTES),
  );
  window?.commit(h.seq);
  return { seq: h.seq, flags: h.flags, plaintext };
}

function payloadCap(v: number | undefined): number {
  if (v === undefined) return FCPC_MAX_PAYLOAD_BYTES;
  if (!Number.isInteger(v) || v < 0 || v > FCPC_MAX_PAYLOAD_BYTES) {
    throw new FcpError("FCP-1040", `maxPayloadBytes must be 0..${FCPC_MAX_PAYLOAD_BYTES}`);
  }
  return v;
}

function checkSessionId(sessionId: Uint8Array): void {
  if (!(sessionId instanceof Uint8Array) || sessionId.length !== SESSION_ID_BYTES) {
    throw new FcpError("FCP-1040", "session id must be 16 bytes");
  }
}

function checkSeq(seq: bigint): bigint {
  if (typeof seq !== "bigint" || seq < 0n || seq > 0xffffffffffffffffn) {
    throw new FcpError("FCP-1040", "FCPC seq must be a u64");
  }
  return seq;
}
