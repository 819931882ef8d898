/**
 * Mesh session handshake messages (spec §4.2; WIRE.md §10): MeshSessionHello,
 * MeshSessionAck and MeshSessionHelloRetry as canonical CBOR maps, with strict decoders.
 *
 * CBOR shapes (the Rust reference's serde output, pinned by session.json):
 * - Hello `{from: tstr, to: tstr, eph_pubkey: bstr32, nonce: bstr16, cookie?: bstr32,
 *   timestamp: uint, suites: [1|2], transport_limits?: uint (u16, bare: WIRE.md D8),
 *   signature?: bstr64}`; absent options are omitted, never `null`.
 * - Ack `{from, to, eph_pubkey, nonce, session_id: bstr16, suite: 1|2, timestamp, signature?}`.
 * - HelloRetry `{from, to, cookie: bstr32, timestamp}`.
 *
 * Decoders accept at most 16 KiB (`FCP-1008`), canonical CBOR only (`FCP-1001`..`FCP-1009`),
 * no unknown keys, no `null` for an absent field and exact field shapes (`FCP-1013`), and
 * finally re-encode the message and require the same bytes (`FCP-1002`). Timestamps must be
 * safe integers (≤ 2^53 − 1; larger values are `FCP-1013`: they could never pass the ±120 s
 * skew check anyway). The handshake state machine (skew, replay cache, suite negotiation)
 * belongs to the mesh layer.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError } from "../core/mod.ts";
import { readArray, readBytes, readRecord, readText, readUint } from "../model/mod.ts";
import type { SessionSuite } from "./session_crypto.ts";

/** Largest encoded handshake message a decoder accepts (WIRE.md §10). */
export const SESSION_MESSAGE_MAX_BYTES = 16 * 1024;

/** MeshSessionHello: initiator → responder (spec §4.2). */
export interface MeshSessionHello {
  /** Initiator node id. */
  readonly from: string;
  /** Responder node id. */
  readonly to: string;
  /** Initiator's ephemeral X25519 public key, 32 bytes. */
  readonly ephPubkey: Uint8Array;
  /** Random nonce, 16 bytes. */
  readonly nonce: Uint8Array;
  /** Stateless cookie from a HelloRetry, 32 bytes. */
  readonly cookie?: Uint8Array | undefined;
  /** Unix seconds. */
  readonly timestamp: number;
  /** Offered suites in preference order. */
  readonly suites: readonly SessionSuite[];
  /** `TransportLimits.max_datagram_bytes` (u16); absent or 0 ⇒ 1200. */
  readonly transportLimits?: number | undefined;
  /** Ed25519 signature over the hello transcript, 64 bytes. */
  readonly signature?: Uint8Array | undefined;
}

/** MeshSessionAck: responder → initiator (spec §4.2). */
export interface MeshSessionAck {
  /** Responder node id. */
  readonly from: string;
  /** Initiator node id. */
  readonly to: string;
  /** Responder's ephemeral X25519 public key, 32 bytes. */
  readonly ephPubkey: Uint8Array;
  /** Random nonce, 16 bytes. */
  readonly nonce: Uint8Array;
  /** Session id chosen by the responder, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** Selected suite. */
  readonly suite: SessionSuite;
  /** Unix seconds. */
  readonly timestamp: number;
  /** Ed25519 signature over the ack transcript, 64 bytes. */
  readonly signature?: Uint8Array | undefined;
}

/** MeshSessionHelloRetry: the responder's stateless cookie challenge (spec §4.2). */
export interface MeshSessionHelloRetry {
  /** Responder node id. */
  readonly from: string;
  /** Initiator node id. */
  readonly to: string;
  /** The cookie, 32 bytes. */
  readonly cookie: Uint8Array;
  /** Unix seconds. */
  readonly timestamp: number;
}

const HELLO_KEYS = [
  "from",
  "to",
  "eph_pubkey",
  "nonce",
  "cookie",
  "timestamp",
  "suites",
  "transport_limits",
  "signature",
] as const;
const ACK_KEYS = [
  "from",
  "to",
  "eph_pubkey",
  "nonce",
  "session_id",
  "suite",
  "timestamp",
  "signature",
] as const;
const RETRY_KEYS = ["from", "to", "cookie", "timestamp"] as const;

/**
 * The CBOR value of a hello (field shapes checked, `FCP-1040`).
 *
 * @example
 * ```ts
 * import { helloToCbor } from "./session_messages.ts";
 * import assert from "node:assert/strict";
 * const v = helloToCbor({
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 1, suites: [1],
 * }) as Record<string, unknown>;
 * assert.equal(v.cookie, undefined);
 * assert.deepEqual(v.suites, [1]);
 * ```
 */
export function helloToCbor(h: MeshSessionHello): CborValue {
  return {
    from: text(h.from, "hello.from"),
    to: text(h.to, "hello.to"),
    eph_pubkey: bytes(h.ephPubkey, 32, "hello.ephPubkey"),
    nonce: bytes(h.nonce, 16, "hello.nonce"),
    cookie: h.cookie === undefined ? undefined : bytes(h.cookie, 32, "hello.cookie"),
    timestamp: uint(h.timestamp, Number.MAX_SAFE_INTEGER, "hello.timestamp"),
    suites: suites(h.suites),
    transport_limits: h.transportLimits === undefined
      ? undefined
      : uint(h.transportLimits, 0xffff, "hello.transportLimits"),
    signature: h.signature === undefined ? undefined : bytes(h.signature, 64, "hello.signature"),
  };
}

/**
 * The CBOR value of an ack (field shapes checked, `FCP-1040`).
 *
 * @example
 * ```ts
 * import { ackToCbor } from "./session_messages.ts";
 * import assert from "node:assert/strict";
 * const v = ackToCbor({
 *   from: "b", to: "a", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   sessionId: new Uint8Array(16), suite: 2, timestamp: 1,
 * }) as Record<string, unknown>;
 * assert.equal(v.suite, 2);
 * ```
 */
export function ackToCbor(a: MeshSessionAck): CborValue {
  return {
    from: text(a.from, "ack.from"),
    to: text(a.to, "ack.to"),
    eph_pubkey: bytes(a.ephPubkey, 32, "ack.ephPubkey"),
    nonce: bytes(a.nonce, 16, "ack.nonce"),
    session_id: bytes(a.sessionId, 16, "ack.sessionId"),
    suite: suite(a.suite, "ack.suite"),
    timestamp: uint(a.timestamp, Number.MAX_SAFE_INTEGER, "ack.timestamp"),
    signature: a.signature === undefined ? undefined : bytes(a.signature, 64, "ack.signature"),
  };
}

/**
 * Canonical CBOR of a hello.
 *
 * @example
 * ```ts
 * import { decodeSessionHello, encodeSessionHello } from "./session_messages.ts";
 * import assert from "node:assert/strict";
 * const hello = {
 *   from: "node-a", to: "node-b", ephPubkey: new Uint8Array(32).fill(1),
 *   nonce: new Uint8Array(16).fill(2), timestamp: 1704067200, suites: [1, 2] as const,
 *   transportLimits: 1200,
 * };
 * assert.deepEqual(decodeSessionHello(encodeSessionHello(hello)), { ...hello, suites: [1, 2] });
 * ```
 */
export function encodeSessionHello(h: MeshSessionHello): Uint8Array {
  return encodeCbor(helloToCbor(h), { maxBytes: SESSION_MESSAGE_MAX_BYTES });
}

/**
 * Strictly decode a hello (see the module notes for the refusals and their codes).
 *
 * @example
 * ```ts
 * import { decodeSessionHello } from "./session_messages.ts";
 * import { encodeCbor } from "../cbor/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const bad = encodeCbor({
 *   from: "a", to: "b", eph_pubkey: new Uint8Array(31), nonce: new Uint8Array(16),
 *   timestamp: 1, suites: [1],
 * });
 * assert.throws(() => decodeSessionHello(bad), (e) => isFcpError(e, "FCP-1013"));
 * ```
 */
export function decodeSessionHello(input: Uint8Array): MeshSessionHello {
  const m = readRecord(decodeStrict(input), "hello", HELLO_KEYS);
  const cookie = optional(m.cookie, (v) => readBytes(v, "hello.cookie", 32));
  const transportLimits = optional(m.transport_limits, (v) => {
    const n = readUint(v, "hello.transport_limits");
    if (n > 0xffff) throw new FcpError("FCP-1013", "hello.transport_limits must be a u16");
    return n;
  });
  const signature = optional(m.signature, (v) => readBytes(v, "hello.signature", 64));
  const hello: MeshSessionHello = {
    from: readText(m.from, "hello.from"),
    to: readText(m.to, "hello.to"),
    ephPubkey: readBytes(m.eph_pubkey, "hello.eph_pubkey", 32),
    nonce: readBytes(m.nonce, "hello.nonce", 16),
    ...(cookie === undefined ? {} : { cookie }),
    timestamp: readUint(m.timestamp, "hello.timestamp"),
    suites: readArray(m.suites, "hello.suites", readSuite),
    ...(transportLimits === undefined ? {} : { transportLimits }),
    ...(signature === undefined ? {} : { signature }),
  };
  requireSameBytes(encodeSessionHello(hello), input, "hello");
  return hello;
}

/**
 * Canonical CBOR of an ack.
 *
 * @example
 * ```ts
 * import { decodeSessionAck, encodeSessionAck } from "./session_messages.ts";
 * import assert from "node:assert/strict";
 * const ack = {
 *   from: "node-b", to: "node-a", ephPubkey: new Uint8Array(32).fill(1),
 *   nonce: new Uint8Array(16).fill(2), sessionId: new Uint8Array(16).fill(3), suite: 1 as const,
 *   timestamp: 1704067205,
 * };
 * assert.deepEqual(decodeSessionAck(encodeSessionAck(ack)), ack);
 * ```
 */
export function encodeSessionAck(a: MeshSessionAck): Uint8Array {
  return encodeCbor(ackToCbor(a), { maxBytes: SESSION_MESSAGE_MAX_BYTES });
}

/**
 * Strictly decode an ack (see the module notes for the refusals and their codes).
 *
 * @example
 * ```ts
 * import { decodeSessionAck } from "./session_messages.ts";
 * import { encodeCbor } from "../cbor/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const bad = encodeCbor({
 *   from: "b", to: "a", eph_pubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   session_id: new Uint8Array(16), suite: 3, timestamp: 1,
 * });
 * assert.throws(() => decodeSessionAck(bad), (e) => isFcpError(e, "FCP-1013"));
 * ```
 */
export function decodeSessionAck(input: Uint8Array): MeshSessionAck {
  const m = readRecord(decodeStrict(input), "ack", ACK_KEYS);
  const signature = optional(m.signature, (v) => readBytes(v, "ack.signature", 64));
  const ack: MeshSessionAck = {
    from: readText(m.from, "ack.from"),
    to: readText(m.to, "ack.to"),
    ephPubkey: readBytes(m.eph_pubkey, "ack.eph_pubkey", 32),
    nonce: readBytes(m.nonce, "ack.nonce", 16),
    sessionId: readBytes(m.session_id, "ack.session_id", 16),
    suite: readSuite(m.suite, "ack.suite"),
    timestamp: readUint(m.timestamp, "ack.timestamp"),
    ...(signature === undefined ? {} : { signature }),
  };
  requireSameBytes(encodeSessionAck(ack), input, "ack");
  return ack;
}

/**
 * Canonical CBOR of a HelloRetry.
 *
 * @example
 * ```ts
 * import { decodeHelloRetry, encodeHelloRetry } from "./session_messages.ts";
 * import assert from "node:assert/strict";
 * const r = { from: "b", to: "a", cookie: new Uint8Array(32).fill(7), timestamp: 1700000000 };
 * assert.deepEqual(decodeHelloRetry(encodeHelloRetry(r)), r);
 * ```
 */
export function encodeHelloRetry(r: MeshSessionHelloRetry): Uint8Array {
  return encodeCbor({
    from: text(r.from, "retry.from"),
    to: text(r.to, "retry.to"),
    cookie: bytes(r.cookie, 32, "retry.cookie"),
    timestamp: uint(r.timestamp, Number.MAX_SAFE_INTEGER, "retry.timestamp"),
  }, { maxBytes: SESSION_MESSAGE_MAX_BYTES });
}

/**
 * Strictly decode a HelloRetry (see the module notes for the refusals and their codes).
 *
 * @example
 * ```ts
 * import { decodeHelloRetry } from "./session_messages.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeHelloRetry(new Uint8Array(16 * 1024 + 1)), (e) => isFcpError(e, "FCP-1008"));
 * ```
 */
export function decodeHelloRetry(input: Uint8Array): MeshSessionHelloRetry {
  const m = readRecord(decodeStrict(input), "retry", RETRY_KEYS);
  const r: MeshSessionHelloRetry = {
    from: readText(m.from, "retry.from"),
    to: readText(m.to, "retry.to"),
    cookie: readBytes(m.cookie, "retry.cookie", 32),
    timestamp: readUint(m.timestamp, "retry.timestamp"),
  };
  requireSameBytes(encodeHelloRetry(r), input, "retry");
  return r;
}

function decodeStrict(input: Uint8Array): CborValue {
  return decodeCbor(input, { maxBytes: SESSION_MESSAGE_MAX_BYTES });
}

function requireSameBytes(reencoded: Uint8Array, input: Uint8Array, what: string): void {
  if (!equalBytes(reencoded, input)) {
    throw new FcpError("FCP-1002", `${what} does not re-encode to the same bytes`);
  }
}

/** An absent field is `undefined`; an explicit `null` is a shape error (absent ⇒ omitted). */
function optional<T>(v: CborValue | undefined, read: (v: CborValue) => T): T | undefined {
  return v === undefined ? undefined : read(v);
}

function readSuite(v: CborValue | undefined, what: string): SessionSuite {
  const n = readUint(v, what);
  if (n !== 1 && n !== 2) throw new FcpError("FCP-1013", `${what} must be suite 1 or 2`);
  return n;
}

function text(v: string, what: string): string {
  if (typeof v !== "string") throw new FcpError("FCP-1040", `${what} must be a string`);
  return v;
}

function bytes(v: Uint8Array, n: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== n) {
    throw new FcpError("FCP-1040", `${what} must be ${n} bytes`);
  }
  return v;
}

function uint(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new FcpError("FCP-1040", `${what} out of range: ${v}`);
  }
  return v;
}

function suite(v: number, what: string): SessionSuite {
  if (v !== 1 && v !== 2) throw new FcpError("FCP-1040", `${what} must be suite 1 or 2`);
  return v;
}

function suites(list: readonly SessionSuite[]): CborValue[] {
  if (!Array.isArray(list)) throw new FcpError("FCP-1040", "hello.suites must be an array");
  return list.map((s, i) => suite(s, `hello.suites[${i}]`));
}
