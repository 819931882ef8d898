/**
 * Authentication of the handshake messages (spec §4.2; WIRE.md §10, D5): the hello and ack
 * transcripts signed with the node's Ed25519 key, and the stateless HelloRetry cookie.
 *
 * Transcripts and the cookie input concatenate the canonical CBOR item `C(x)` of each field
 * (the Rust reference; the spec's raw concatenation is not used):
 * - hello: `"FCP2-HELLO-V1" ‖ C(from) ‖ C(to) ‖ C(eph) ‖ C(nonce) ‖ C(cookie or null) ‖
 *   C(timestamp) ‖ C(suites) ‖ C(transport_limits or null)`;
 * - ack: `"FCP2-ACK-V1" ‖ C(from) ‖ C(to) ‖ C(eph) ‖ C(nonce) ‖ C(session_id) ‖ C(suite) ‖
 *   C(timestamp) ‖ C(hello.eph) ‖ C(hello.nonce)`;
 * - cookie = HMAC-SHA256(cookie_key, C(from) ‖ C(to) ‖ C(eph) ‖ C(nonce) ‖ C(timestamp) ‖
 *   C(suites) ‖ C(transport_limits or null)), all 32 bytes.
 *
 * Refusals: a missing or wrong signature is `FCP-2001`; a missing or wrong cookie is the
 * opaque `FCP-1024`.
 *
 * @module
 */
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import { concatBytes, FcpError, utf8 } from "../core/mod.ts";
import { constantTimeEqual, ed25519Sign, ed25519Verify, hmacSha256 } from "../crypto/mod.ts";
import {
  ackToCbor,
  helloToCbor,
  type MeshSessionAck,
  type MeshSessionHello,
} from "./session_messages.ts";

const HELLO_LABEL = utf8("FCP2-HELLO-V1");
const ACK_LABEL = utf8("FCP2-ACK-V1");
const CBOR_NULL = new Uint8Array([0xf6]);

/** The hello fields the cookie covers. */
export type HelloCookieFields = Pick<
  MeshSessionHello,
  "from" | "to" | "ephPubkey" | "nonce" | "timestamp" | "suites" | "transportLimits"
>;

/** The hello fields an ack transcript binds. */
export type AckHelloBinding = Pick<MeshSessionHello, "ephPubkey" | "nonce">;

/**
 * The hello transcript the initiator signs (WIRE.md §10).
 *
 * @example
 * ```ts
 * import { helloTranscript } from "./session_messages_auth.ts";
 * import { fromUtf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const t = helloTranscript({
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 0, suites: [1],
 * });
 * assert.equal(fromUtf8(t.subarray(0, 13)), "FCP2-HELLO-V1");
 * assert.equal(t[t.length - 1], 0xf6); // transport_limits absent: CBOR null
 * ```
 */
export function helloTranscript(h: MeshSessionHello): Uint8Array {
  const m = helloToCbor(h) as CborFields;
  return concatBytes(
    HELLO_LABEL,
    c(m.from),
    c(m.to),
    c(m.eph_pubkey),
    c(m.nonce),
    c(m.cookie),
    c(m.timestamp),
    c(m.suites),
    c(m.transport_limits),
  );
}

/**
 * The ack transcript the responder signs; it binds the hello's ephemeral key and nonce.
 *
 * @example
 * ```ts
 * import { ackTranscript } from "./session_messages_auth.ts";
 * import { fromUtf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const t = ackTranscript(
 *   {
 *     from: "b", to: "a", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *     sessionId: new Uint8Array(16), suite: 1, timestamp: 0,
 *   },
 *   { ephPubkey: new Uint8Array(32).fill(1), nonce: new Uint8Array(16).fill(2) },
 * );
 * assert.equal(fromUtf8(t.subarray(0, 11)), "FCP2-ACK-V1");
 * ```
 */
export function ackTranscript(a: MeshSessionAck, hello: AckHelloBinding): Uint8Array {
  const m = ackToCbor(a) as CborFields;
  return concatBytes(
    ACK_LABEL,
    c(m.from),
    c(m.to),
    c(m.eph_pubkey),
    c(m.nonce),
    c(m.session_id),
    c(m.suite),
    c(m.timestamp),
    c(sized(hello.ephPubkey, 32, "hello.ephPubkey")),
    c(sized(hello.nonce, 16, "hello.nonce")),
  );
}

/**
 * Sign a hello with the node's Ed25519 seed; returns the hello with `signature` set.
 *
 * @example
 * ```ts
 * import { signSessionHello, verifySessionHello } from "./session_messages_auth.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(0x11);
 * const hello = signSessionHello({
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 1, suites: [1, 2],
 * }, seed);
 * verifySessionHello(hello, ed25519PublicKey(seed));
 * assert.throws(
 *   () => verifySessionHello({ ...hello, timestamp: 2 }, ed25519PublicKey(seed)),
 *   (e) => isFcpError(e, "FCP-2001"),
 * );
 * ```
 */
export function signSessionHello(h: MeshSessionHello, seed: Uint8Array): MeshSessionHello {
  return { ...h, signature: ed25519Sign(seed, helloTranscript(h)) };
}

/**
 * Verify a hello's signature against the initiator's Ed25519 public key; a missing or bad
 * signature throws `FCP-2001`.
 *
 * @example
 * ```ts
 * import { verifySessionHello } from "./session_messages_auth.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const unsigned = {
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 1, suites: [1] as const,
 * };
 * assert.throws(() => verifySessionHello(unsigned, new Uint8Array(32)), (e) => isFcpError(e, "FCP-2001"));
 * ```
 */
export function verifySessionHello(h: MeshSessionHello, publicKey: Uint8Array): void {
  if (h.signature === undefined) throw new FcpError("FCP-2001", "session hello is not signed");
  if (!ed25519Verify(publicKey, helloTranscript(h), h.signature)) {
    throw new FcpError("FCP-2001", "session hello signature is invalid");
  }
}

/**
 * Sign an ack (bound to the hello's ephemeral key and nonce) with the node's Ed25519 seed.
 *
 * @example
 * ```ts
 * import { signSessionAck, verifySessionAck } from "./session_messages_auth.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(0x22);
 * const hello = { ephPubkey: new Uint8Array(32).fill(1), nonce: new Uint8Array(16).fill(2) };
 * const ack = signSessionAck({
 *   from: "b", to: "a", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   sessionId: new Uint8Array(16), suite: 1, timestamp: 5,
 * }, hello, seed);
 * verifySessionAck(ack, hello, ed25519PublicKey(seed));
 * const other = { ...hello, nonce: new Uint8Array(16).fill(3) };
 * assert.throws(() => verifySessionAck(ack, other, ed25519PublicKey(seed)), (e) => isFcpError(e, "FCP-2001"));
 * ```
 */
export function signSessionAck(
  a: MeshSessionAck,
  hello: AckHelloBinding,
  seed: Uint8Array,
): MeshSessionAck {
  return { ...a, signature: ed25519Sign(seed, ackTranscript(a, hello)) };
}

/**
 * Verify an ack's signature against the responder's Ed25519 public key and the hello it
 * answers; a missing or bad signature throws `FCP-2001`.
 *
 * @example
 * ```ts
 * import { verifySessionAck } from "./session_messages_auth.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ack = {
 *   from: "b", to: "a", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   sessionId: new Uint8Array(16), suite: 1 as const, timestamp: 5,
 * };
 * const hello = { ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16) };
 * assert.throws(() => verifySessionAck(ack, hello, new Uint8Array(32)), (e) => isFcpError(e, "FCP-2001"));
 * ```
 */
export function verifySessionAck(
  a: MeshSessionAck,
  hello: AckHelloBinding,
  publicKey: Uint8Array,
): void {
  if (a.signature === undefined) throw new FcpError("FCP-2001", "session ack is not signed");
  if (!ed25519Verify(publicKey, ackTranscript(a, hello), a.signature)) {
    throw new FcpError("FCP-2001", "session ack signature is invalid");
  }
}

/**
 * The cookie input `C(from) ‖ C(to) ‖ C(eph) ‖ C(nonce) ‖ C(timestamp) ‖ C(suites) ‖
 * C(transport_limits or null)` (WIRE.md §10).
 *
 * @example
 * ```ts
 * import { helloCookieInput } from "./session_messages_auth.ts";
 * import assert from "node:assert/strict";
 * const input = helloCookieInput({
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 0, suites: [1],
 * });
 * assert.equal(input.length, 2 + 2 + 34 + 17 + 1 + 2 + 1);
 * ```
 */
export function helloCookieInput(h: HelloCookieFields): Uint8Array {
  const m = helloToCbor(h) as CborFields;
  return concatBytes(
    c(m.from),
    c(m.to),
    c(m.eph_pubkey),
    c(m.nonce),
    c(m.timestamp),
    c(m.suites),
    c(m.transport_limits),
  );
}

/**
 * The stateless cookie for a hello: HMAC-SHA256 under the responder's cookie key (32 bytes,
 * `FCP-2002` otherwise) over {@link helloCookieInput}, all 32 bytes.
 *
 * @example
 * ```ts
 * import { computeHelloCookie, verifyHelloCookie } from "./session_messages_auth.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Uint8Array(32).fill(0x55);
 * const hello = {
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 0, suites: [1] as const,
 * };
 * const cookie = computeHelloCookie(key, hello);
 * verifyHelloCookie(key, { ...hello, cookie });
 * assert.throws(() => verifyHelloCookie(key, { ...hello, cookie, timestamp: 1 }), (e) => isFcpError(e, "FCP-1024"));
 * ```
 */
export function computeHelloCookie(cookieKey: Uint8Array, h: HelloCookieFields): Uint8Array {
  if (cookieKey.length !== 32) throw new FcpError("FCP-2002", "cookie key must be 32 bytes");
  return hmacSha256(cookieKey, helloCookieInput(h));
}

/**
 * Check a hello's cookie in constant time; missing or wrong is the opaque `FCP-1024`. Cookie
 * key rotation (try the current key, then the previous one) is the caller's.
 *
 * @example
 * ```ts
 * import { verifyHelloCookie } from "./session_messages_auth.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const hello = {
 *   from: "a", to: "b", ephPubkey: new Uint8Array(32), nonce: new Uint8Array(16),
 *   timestamp: 0, suites: [1] as const,
 * };
 * assert.throws(() => verifyHelloCookie(new Uint8Array(32), hello), (e) => isFcpError(e, "FCP-1024"));
 * ```
 */
export function verifyHelloCookie(cookieKey: Uint8Array, h: MeshSessionHello): void {
  const want = computeHelloCookie(cookieKey, h);
  if (h.cookie === undefined || !constantTimeEqual(want, h.cookie)) {
    throw new FcpError("FCP-1024", "hello cookie is invalid");
  }
}

type CborFields = Record<string, CborValue | undefined>;

function sized(b: Uint8Array, n: number, what: string): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new FcpError("FCP-1040", `${what} must be ${n} bytes`);
  }
  return b;
}

/** `C(x)`, with an absent value as CBOR null (`f6`). */
function c(v: CborValue | undefined): Uint8Array {
  return v === undefined ? CBOR_NULL : encodeCbor(v);
}
