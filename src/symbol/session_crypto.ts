/**
 * Mesh session cryptography (spec §4.2, §4.2.2; WIRE.md §9–§10): the crypto suites, the
 * direction byte, the session key schedule and the per-datagram MAC.
 *
 * Key schedule (WIRE.md D4, the reference code, not the spec's two-stage text): ONE
 * HKDF-SHA256 with salt = session_id, ikm = X25519(eph_i, eph_r), info = `"FCP2-SESSION-V1" ‖
 * u8 suite ‖ lp32(initiator) ‖ lp32(responder) ‖ hello_nonce ‖ ack_nonce`, L = 96, split as
 * k_mac_i2r ‖ k_mac_r2i ‖ k_ctx.
 *
 * MAC: Suite 1 HMAC-SHA256, Suite 2 keyed BLAKE3, both over `session_id ‖ dir u8 ‖ seq u64le ‖
 * frame` and truncated to 16 bytes; compared in constant time, failures are `FCP-1024`.
 *
 * @module
 */
import { FcpError, utf8 } from "../core/mod.ts";
import { blake3Parts, constantTimeEqual, hkdfSha256, hmacSha256 } from "../crypto/mod.ts";

/** A session crypto suite: 1 = X25519/HKDF-SHA256/HMAC-SHA256, 2 = …/keyed BLAKE3 (spec §4.2). */
export type SessionSuite = 1 | 2;

/** The suites by name. */
export const SESSION_SUITES = {
  /** X25519 + HKDF-SHA256 + HMAC-SHA256 (tag truncated to 16 bytes). */
  HMAC_SHA256: 1,
  /** X25519 + HKDF-SHA256 + keyed BLAKE3 (tag truncated to 16 bytes). */
  BLAKE3: 2,
} as const;

/** Direction of travel: initiator → responder (`0x00`) or responder → initiator (`0x01`). */
export type SessionDirection = "i2r" | "r2i";

/** Bytes of a session id and of handshake nonces. */
export const SESSION_ID_BYTES = 16;
/** Bytes of a session MAC (truncated, spec §4.2.2). */
export const SESSION_MAC_BYTES = 16;
/** The HKDF info label of the key schedule (WIRE.md §10). */
export const SESSION_KDF_LABEL = "FCP2-SESSION-V1";

const KDF_LABEL = utf8(SESSION_KDF_LABEL);

/** The three keys of a session (WIRE.md §10). */
export interface SessionKeys {
  /** MAC key for initiator → responder datagrams (okm[0..32]). */
  readonly kMacI2r: Uint8Array;
  /** MAC key for responder → initiator datagrams (okm[32..64]). */
  readonly kMacR2i: Uint8Array;
  /** FCPC AEAD key, both directions (okm[64..96]). */
  readonly kCtx: Uint8Array;
}

/** What the key schedule binds besides the ECDH secret. */
export interface SessionKeyContext {
  /** Negotiated suite. */
  readonly suite: SessionSuite;
  /** Session id, 16 bytes (the HKDF salt). */
  readonly sessionId: Uint8Array;
  /** The initiator's node id. */
  readonly initiatorId: string;
  /** The responder's node id. */
  readonly responderId: string;
  /** The hello nonce, 16 bytes. */
  readonly helloNonce: Uint8Array;
  /** The ack nonce, 16 bytes. */
  readonly ackNonce: Uint8Array;
}

/**
 * Check that a value is a supported suite; `FCP-1040` otherwise.
 *
 * @example
 * ```ts
 * import { checkSessionSuite } from "./session_crypto.ts";
 * import assert from "node:assert/strict";
 * assert.equal(checkSessionSuite(2), 2);
 * assert.throws(() => checkSessionSuite(3), /FCP-1040/);
 * ```
 */
export function checkSessionSuite(suite: number): SessionSuite {
  if (suite !== 1 && suite !== 2) {
    throw new FcpError("FCP-1040", `unknown session suite ${suite}`);
  }
  return suite;
}

/**
 * The direction byte: `i2r` → 0, `r2i` → 1 (spec §4.2.2).
 *
 * @example
 * ```ts
 * import { directionByte } from "./session_crypto.ts";
 * import assert from "node:assert/strict";
 * assert.equal(directionByte("r2i"), 1);
 * ```
 */
export function directionByte(direction: SessionDirection): 0 | 1 {
  if (direction === "i2r") return 0;
  if (direction === "r2i") return 1;
  throw new FcpError("FCP-1040", `unknown session direction ${String(direction)}`);
}

/**
 * The HKDF info of the key schedule: `"FCP2-SESSION-V1" ‖ u8 suite ‖ lp32(initiator) ‖
 * lp32(responder) ‖ hello_nonce ‖ ack_nonce` (WIRE.md §10).
 *
 * @example
 * ```ts
 * import { sessionKeyInfo } from "./session_crypto.ts";
 * import assert from "node:assert/strict";
 * const info = sessionKeyInfo({
 *   suite: 1, sessionId: new Uint8Array(16), initiatorId: "a", responderId: "b",
 *   helloNonce: new Uint8Array(16), ackNonce: new Uint8Array(16),
 * });
 * assert.equal(info.length, 15 + 1 + 5 + 5 + 32);
 * ```
 */
export function sessionKeyInfo(ctx: SessionKeyContext): Uint8Array {
  checkSessionSuite(ctx.suite);
  checkLen(ctx.helloNonce, SESSION_ID_BYTES, "hello nonce");
  checkLen(ctx.ackNonce, SESSION_ID_BYTES, "ack nonce");
  const ini = utf8(ctx.initiatorId);
  const res = utf8(ctx.responderId);
  const out = new Uint8Array(KDF_LABEL.length + 1 + 4 + ini.length + 4 + res.length + 32);
  const dv = new DataView(out.buffer);
  let at = 0;
  out.set(KDF_LABEL, at);
  at += KDF_LABEL.length;
  out[at++] = ctx.suite;
  dv.setUint32(at, ini.length, true);
  out.set(ini, at + 4);
  at += 4 + ini.length;
  dv.setUint32(at, res.length, true);
  out.set(res, at + 4);
  at += 4 + res.length;
  out.set(ctx.helloNonce, at);
  out.set(ctx.ackNonce, at + 16);
  return out;
}

/**
 * Derive the session keys from the X25519 shared secret (32 bytes, `FCP-2002` otherwise) with
 * one HKDF-SHA256 call (WIRE.md §10, D4).
 *
 * @example
 * ```ts
 * import { deriveSessionKeys } from "./session_crypto.ts";
 * import { x25519PublicKey, x25519SharedSecret } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const a = new Uint8Array(32).fill(3);
 * const b = new Uint8Array(32).fill(4);
 * const ctx = {
 *   suite: 1 as const, sessionId: new Uint8Array(16).fill(8), initiatorId: "i", responderId: "r",
 *   helloNonce: new Uint8Array(16).fill(6), ackNonce: new Uint8Array(16).fill(7),
 * };
 * const ki = deriveSessionKeys(x25519SharedSecret(a, x25519PublicKey(b)), ctx);
 * const kr = deriveSessionKeys(x25519SharedSecret(b, x25519PublicKey(a)), ctx);
 * assert.deepEqual(ki, kr);
 * assert.notDeepEqual(ki.kMacI2r, ki.kMacR2i);
 * ```
 */
export function deriveSessionKeys(sharedSecret: Uint8Array, ctx: SessionKeyContext): SessionKeys {
  if (sharedSecret.length !== 32) {
    throw new FcpError("FCP-2002", "session shared secret must be 32 bytes");
  }
  checkLen(ctx.sessionId, SESSION_ID_BYTES, "session id");
  const okm = hkdfSha256(sharedSecret, ctx.sessionId, sessionKeyInfo(ctx), 96);
  return { kMacI2r: okm.slice(0, 32), kMacR2i: okm.slice(32, 64), kCtx: okm.slice(64, 96) };
}

/**
 * The MAC key of a direction.
 *
 * @example
 * ```ts
 * import { sessionMacKey } from "./session_crypto.ts";
 * import assert from "node:assert/strict";
 * const keys = { kMacI2r: new Uint8Array(32), kMacR2i: new Uint8Array(32).fill(1), kCtx: new Uint8Array(32) };
 * assert.equal(sessionMacKey(keys, "r2i"), keys.kMacR2i);
 * ```
 */
export function sessionMacKey(keys: SessionKeys, direction: SessionDirection): Uint8Array {
  return directionByte(direction) === 0 ? keys.kMacI2r : keys.kMacR2i;
}

/**
 * The MAC input `session_id ‖ dir u8 ‖ seq u64le ‖ frame` (spec §4.2.2).
 *
 * @example
 * ```ts
 * import { sessionMacInput } from "./session_crypto.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const input = sessionMacInput(new Uint8Array(16), "r2i", 2n, new Uint8Array([0xab]));
 * assert.equal(toHex(input.subarray(16)), "01" + "0200000000000000" + "ab");
 * ```
 */
export function sessionMacInput(
  sessionId: Uint8Array,
  direction: SessionDirection,
  seq: bigint,
  frame: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(25 + frame.length);
  writeMacPrefix(out, sessionId, direction, seq);
  out.set(frame, 25);
  return out;
}

/**
 * The 16-byte session MAC of a datagram: Suite 1 HMAC-SHA256, Suite 2 keyed BLAKE3 (key 32
 * bytes, `FCP-2002` otherwise), over {@link sessionMacInput}, truncated (spec §4.2.2).
 *
 * @example
 * ```ts
 * import { sessionMac } from "./session_crypto.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(9);
 * const sid = new Uint8Array(16);
 * const m1 = sessionMac(1, key, sid, "i2r", 1n, new Uint8Array(0));
 * const m2 = sessionMac(2, key, sid, "i2r", 1n, new Uint8Array(0));
 * assert.equal(m1.length, 16);
 * assert.notDeepEqual(m1, m2);
 * ```
 */
export function sessionMac(
  suite: SessionSuite,
  key: Uint8Array,
  sessionId: Uint8Array,
  direction: SessionDirection,
  seq: bigint,
  frame: Uint8Array,
): Uint8Array {
  checkSessionSuite(suite);
  if (key.length !== 32) throw new FcpError("FCP-2002", "session MAC key must be 32 bytes");
  if (suite === 1) {
    return hmacSha256(key, sessionMacInput(sessionId, direction, seq, frame)).slice(0, 16);
  }
  const prefix = new Uint8Array(25);
  writeMacPrefix(prefix, sessionId, direction, seq);
  return blake3Parts([prefix, frame], key, SESSION_MAC_BYTES);
}

/**
 * Verify a session MAC in constant time; a mismatch (or a MAC that is not 16 bytes) throws
 * the opaque `FCP-1024`.
 *
 * @example
 * ```ts
 * import { sessionMac, verifySessionMac } from "./session_crypto.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(9);
 * const sid = new Uint8Array(16);
 * const frame = new Uint8Array([1, 2, 3]);
 * const mac = sessionMac(2, key, sid, "i2r", 4n, frame);
 * verifySessionMac(2, key, sid, "i2r", 4n, frame, mac);
 * assert.throws(
 *   () => verifySessionMac(2, key, sid, "r2i", 4n, frame, mac),
 *   (e) => isFcpError(e, "FCP-1024"),
 * );
 * ```
 */
export function verifySessionMac(
  suite: SessionSuite,
  key: Uint8Array,
  sessionId: Uint8Array,
  direction: SessionDirection,
  seq: bigint,
  frame: Uint8Array,
  mac: Uint8Array,
): void {
  const want = sessionMac(suite, key, sessionId, direction, seq, frame);
  if (!constantTimeEqual(want, mac)) {
    throw new FcpError("FCP-1024", "session MAC verification failed");
  }
}

function writeMacPrefix(
  out: Uint8Array,
  sessionId: Uint8Array,
  direction: SessionDirection,
  seq: bigint,
): void {
  checkLen(sessionId, SESSION_ID_BYTES, "session id");
  if (typeof seq !== "bigint" || seq < 0n || seq > 0xffffffffffffffffn) {
    throw new FcpError("FCP-1040", "session seq must be a u64");
  }
  out.set(sessionId, 0);
  out[16] = directionByte(direction);
  new DataView(out.buffer, out.byteOffset, out.byteLength).setBigUint64(17, seq, true);
}

function checkLen(b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new FcpError("FCP-1040", `${what} must be ${n} bytes`);
  }
}
