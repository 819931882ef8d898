/**
 * Conformance checks for `session.json` (WIRE.md §9–§10; spec §4.2, §4.2.2): the session key
 * schedule, hello/ack messages and transcripts, the HelloRetry cookie and message, and the
 * datagram MAC. Every expected field is compared; messages are also decoded back and their
 * signatures verified.
 *
 * @module
 */
import { blake3, ed25519PublicKey, x25519PublicKey, x25519SharedSecret } from "../../crypto/mod.ts";
import { concatBytes, equalBytes } from "../../core/mod.ts";
import {
  ackTranscript,
  checkSessionSuite,
  computeHelloCookie,
  decodeHelloRetry,
  decodeSessionAck,
  decodeSessionHello,
  deriveSessionKeys,
  effectiveMaxDatagramBytes,
  encodeHelloRetry,
  encodeSessionAck,
  encodeSessionHello,
  helloCookieInput,
  helloTranscript,
  type MeshSessionHello,
  type SessionDirection,
  sessionKeyInfo,
  sessionMac,
  sessionMacInput,
  type SessionSuite,
  signSessionAck,
  signSessionHello,
  verifyHelloCookie,
  verifySessionAck,
  verifySessionHello,
  verifySessionMac,
} from "../../symbol/mod.ts";
import { big, expectEqual, expectHex, hex, num, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch, type Vector } from "../types.ts";

/** Handler for the `session` area. */
export const handler: AreaHandler = {
  area: "session",
  kinds: {
    session_key_schedule(v) {
      const i = v.inputs;
      const iSk = hex(i, "initiator_ephemeral_sk_hex");
      const rSk = hex(i, "responder_ephemeral_sk_hex");
      const iPk = x25519PublicKey(iSk);
      const rPk = x25519PublicKey(rSk);
      expectHex(v, "initiator_ephemeral_pk_hex", iPk);
      expectHex(v, "responder_ephemeral_pk_hex", rPk);
      const shared = x25519SharedSecret(iSk, rPk);
      expectHex(v, "shared_secret_hex", shared);
      if (!equalBytes(shared, x25519SharedSecret(rSk, iPk))) {
        throw new ConformanceMismatch("shared_secret_hex", "the same from both sides", "other");
      }
      const ctx = {
        suite: suiteOf(num(i, "suite")),
        sessionId: hex(i, "session_id_hex"),
        initiatorId: str(i, "initiator_node_id"),
        responderId: str(i, "responder_node_id"),
        helloNonce: hex(i, "hello_nonce_hex"),
        ackNonce: hex(i, "ack_nonce_hex"),
      };
      expectHex(v, "hkdf_info_hex", sessionKeyInfo(ctx));
      const keys = deriveSessionKeys(shared, ctx);
      expectHex(v, "okm_hex", concatBytes(keys.kMacI2r, keys.kMacR2i, keys.kCtx));
      expectHex(v, "k_mac_i2r_hex", keys.kMacI2r);
      expectHex(v, "k_mac_r2i_hex", keys.kMacR2i);
      expectHex(v, "k_ctx_hex", keys.kCtx);
    },

    session_hello(v) {
      const i = v.inputs;
      const seed = hex(i, "signing_seed_hex");
      const pk = ed25519PublicKey(seed);
      expectHex(v, "signing_public_key_hex", pk);
      const hello = helloFromInputs(v);
      expectHex(v, "eph_pubkey_hex", hello.ephPubkey);
      expectHex(v, "transcript_hex", helloTranscript(hello));
      const signed = signSessionHello(hello, seed);
      expectHex(v, "signature_hex", signed.signature!);
      const cbor = encodeSessionHello(signed);
      expectHex(v, "cbor_hex", cbor);
      const back = decodeSessionHello(hex(v.expected, "cbor_hex"));
      if (!equalBytes(encodeSessionHello(back), cbor)) {
        throw new ConformanceMismatch("cbor_hex", "a decode/encode round trip", "other bytes");
      }
      verifySessionHello(back, pk);
    },

    session_ack(v) {
      const i = v.inputs;
      const seed = hex(i, "signing_seed_hex");
      const pk = ed25519PublicKey(seed);
      expectHex(v, "signing_public_key_hex", pk);
      const ephPubkey = x25519PublicKey(hex(i, "eph_sk_hex"));
      expectHex(v, "eph_pubkey_hex", ephPubkey);
      const ack = {
        from: str(i, "from"),
        to: str(i, "to"),
        ephPubkey,
        nonce: hex(i, "nonce_hex"),
        sessionId: hex(i, "session_id_hex"),
        suite: suiteOf(num(i, "suite")),
        timestamp: num(i, "timestamp"),
      };
      const bound = { ephPubkey: hex(i, "hello_eph_pubkey_hex"), nonce: hex(i, "hello_nonce_hex") };
      const transcript = ackTranscript(ack, bound);
      expectHex(v, "transcript_hex", transcript);
      expectHex(v, "transcript_blake3_hex", blake3(transcript));
      const signed = signSessionAck(ack, bound, seed);
      expectHex(v, "signature_hex", signed.signature!);
      const cbor = encodeSessionAck(signed);
      expectHex(v, "cbor_hex", cbor);
      const back = decodeSessionAck(hex(v.expected, "cbor_hex"));
      if (!equalBytes(encodeSessionAck(back), cbor)) {
        throw new ConformanceMismatch("cbor_hex", "a decode/encode round trip", "other bytes");
      }
      verifySessionAck(back, bound, pk);
    },

    session_cookie(v) {
      const i = v.inputs;
      const fields = {
        from: str(i, "from"),
        to: str(i, "to"),
        ephPubkey: hex(i, "eph_pubkey_hex"),
        nonce: hex(i, "nonce_hex"),
        timestamp: num(i, "timestamp"),
        suites: suitesOf(i.suites),
        ...optionalLimits(i.transport_limits),
      };
      expectHex(v, "cookie_input_hex", helloCookieInput(fields));
      const key = hex(i, "cookie_key_hex");
      const cookie = computeHelloCookie(key, fields);
      expectHex(v, "cookie_hex", cookie);
      verifyHelloCookie(key, { ...fields, cookie });
    },

    session_mac(v) {
      const i = v.inputs;
      const suite = suiteOf(num(i, "suite"));
      const key = hex(i, "mac_key_hex");
      const sessionId = hex(i, "session_id_hex");
      const direction = directionOf(str(i, "direction"));
      const seq = big(i, "seq");
      const frame = hex(i, "frame_hex");
      expectHex(v, "mac_input_hex", sessionMacInput(sessionId, direction, seq, frame));
      const mac = sessionMac(suite, key, sessionId, direction, seq, frame);
      expectHex(v, "mac_hex", mac);
      verifySessionMac(suite, key, sessionId, direction, seq, frame, hex(v.expected, "mac_hex"));
    },

    session_hello_retry(v) {
      const i = v.inputs;
      const retry = {
        from: str(i, "from"),
        to: str(i, "to"),
        cookie: hex(i, "cookie_hex"),
        timestamp: num(i, "timestamp"),
      };
      const cbor = encodeHelloRetry(retry);
      expectHex(v, "cbor_hex", cbor);
      const back = decodeHelloRetry(hex(v.expected, "cbor_hex"));
      if (!equalBytes(encodeHelloRetry(back), cbor)) {
        throw new ConformanceMismatch("cbor_hex", "a decode/encode round trip", "other bytes");
      }
    },

    session_hello_transcript(v) {
      const hello = helloFromInputs(v);
      expectHex(v, "eph_pubkey_hex", hello.ephPubkey);
      expectHex(v, "transcript_hex", helloTranscript(hello));
      expectEqual(
        v,
        "effective_max_datagram_bytes",
        effectiveMaxDatagramBytes(hello.transportLimits),
      );
    },
  },
};

function helloFromInputs(v: Vector): MeshSessionHello {
  const i = v.inputs;
  const cookie = i.cookie_hex === null ? undefined : hex(i, "cookie_hex");
  return {
    from: str(i, "from"),
    to: str(i, "to"),
    ephPubkey: x25519PublicKey(hex(i, "eph_sk_hex")),
    nonce: hex(i, "nonce_hex"),
    ...(cookie === undefined ? {} : { cookie }),
    timestamp: num(i, "timestamp"),
    suites: suitesOf(i.suites),
    ...optionalLimits(i.transport_limits),
  };
}

function optionalLimits(x: unknown): { transportLimits?: number } {
  if (x === null || x === undefined) return {};
  if (typeof x !== "number") throw new TypeError("field transport_limits must be a number");
  return { transportLimits: x };
}

function suiteOf(n: number): SessionSuite {
  return checkSessionSuite(n);
}

function suitesOf(x: unknown): SessionSuite[] {
  if (!Array.isArray(x)) throw new TypeError("field suites must be an array");
  return x.map((n) => suiteOf(Number(n)));
}

function directionOf(s: string): SessionDirection {
  if (s !== "i2r" && s !== "r2i") throw new TypeError(`unknown direction ${s}`);
  return s;
}
