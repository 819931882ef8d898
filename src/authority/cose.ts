/**
 * COSE_Sign1 (RFC 9052 §4.2) exactly as FCP capability tokens use it (WIRE.md §6):
 * the **untagged** array `[protected: bstr, unprotected: {}, payload: bstr, signature: bstr64]`,
 * protected header `C({1: -8, 4: kid})` = `a2 01 27 04 48 <kid>`, and Ed25519 over
 * `C(["Signature1", protected, h'', payload])`.
 *
 * Parsing is strict: a tag-18 wrapper, any non-canonical encoding, a protected header other than
 * exactly `{1: -8, 4: kid(8)}` (so no `crit`, no other alg), and a non-empty unprotected map are
 * all `FCP-2007`.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { concatBytes, equalBytes, FcpError } from "../core/mod.ts";
import { ed25519Verify } from "../crypto/mod.ts";
import type { Ed25519Key } from "./keys.ts";

/** COSE algorithm id of EdDSA (RFC 9053). */
export const COSE_ALG_EDDSA = -8;
/** COSE header label `alg`. */
export const COSE_HEADER_ALG = 1;
/** COSE header label `crit`. */
export const COSE_HEADER_CRIT = 2;
/** COSE header label `kid`. */
export const COSE_HEADER_KID = 4;
/** Largest payload accepted (WIRE.md §6: ≤ 64 KiB). */
export const MAX_TOKEN_PAYLOAD_BYTES = 64 * 1024;
/** Largest whole token accepted: the payload plus the fixed COSE framing. */
export const MAX_TOKEN_BYTES = MAX_TOKEN_PAYLOAD_BYTES + 128;

const PROTECTED_PREFIX = new Uint8Array([0xa2, 0x01, 0x27, 0x04, 0x48]);
const SIGNATURE1 = "Signature1";

/** The four parts of a parsed COSE_Sign1. */
export interface CoseSign1 {
  /** The serialized protected header (`a2 01 27 04 48 <kid>`). */
  readonly protectedBytes: Uint8Array;
  /** The 8-byte kid from the protected header. */
  readonly kid: Uint8Array;
  /** The payload bytes. */
  readonly payload: Uint8Array;
  /** The 64-byte Ed25519 signature. */
  readonly signature: Uint8Array;
}

/** Every intermediate of signing, as the vectors list them. */
export interface CoseSign1Signed extends CoseSign1 {
  /** The to-be-signed `Sig_structure` bytes. */
  readonly sigStructure: Uint8Array;
  /** The token bytes: `C([protected, {}, payload, signature])`. */
  readonly token: Uint8Array;
}

function malformed(detail: string, cause?: unknown): never {
  throw new FcpError("FCP-2007", detail, cause === undefined ? undefined : { cause });
}

/**
 * The protected header bytes for `kid`: `C({1: -8, 4: kid})`.
 *
 * @example
 * ```ts
 * import { coseProtectedHeader } from "./cose.ts";
 * import { fromHex, toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(coseProtectedHeader(fromHex("96a399521a324cbf"))), "a20127044896a399521a324cbf");
 * ```
 */
export function coseProtectedHeader(kid: Uint8Array): Uint8Array {
  if (kid.length !== 8) throw new FcpError("FCP-2002", "kid must be 8 bytes");
  return concatBytes(PROTECTED_PREFIX, kid);
}

/**
 * The COSE `Sig_structure` for Sign1: `C(["Signature1", protected, h'', payload])`.
 *
 * @example
 * ```ts
 * import { coseSigStructure } from "./cose.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const s = coseSigStructure(new Uint8Array([0xa0]), new Uint8Array([0xa0]));
 * assert.equal(toHex(s), "846a5369676e61747572653141a04041a0");
 * ```
 */
export function coseSigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor([SIGNATURE1, protectedBytes, new Uint8Array(0), payload]);
}

/**
 * Sign `payload` as an untagged COSE_Sign1 with `key` (kid = the key's kid).
 *
 * @example
 * ```ts
 * import { coseSign1, parseCoseSign1 } from "./cose.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const key = new Ed25519Key(new Uint8Array(32).fill(1));
 * const signed = coseSign1(new Uint8Array([0xa0]), key);
 * assert.equal(signed.token[0], 0x84);
 * assert.deepEqual(parseCoseSign1(signed.token).payload, new Uint8Array([0xa0]));
 * ```
 */
export function coseSign1(payload: Uint8Array, key: Ed25519Key): CoseSign1Signed {
  const protectedBytes = coseProtectedHeader(key.kid);
  const sigStructure = coseSigStructure(protectedBytes, payload);
  const signature = key.sign(sigStructure);
  const token = encodeCbor([protectedBytes, new Map<CborValue, CborValue>(), payload, signature]);
  return { protectedBytes, kid: key.kid, payload, signature, sigStructure, token };
}

function isEmptyMap(v: CborValue | undefined): boolean {
  if (v instanceof Map) return v.size === 0;
  if (
    typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) &&
    Object.getPrototypeOf(v) === Object.prototype
  ) {
    return Object.keys(v).length === 0;
  }
  return false;
}

function checkProtected(p: Uint8Array): Uint8Array {
  if (p.length === 13 && equalBytes(p.subarray(0, 5), PROTECTED_PREFIX)) return p.slice(5);
  let header: CborValue;
  try {
    header = decodeCbor(p);
  } catch (e) {
    return malformed("protected header is not canonical CBOR", e);
  }
  if (!(header instanceof Map)) return malformed("protected header must be a map with int keys");
  if (header.get(COSE_HEADER_ALG) === undefined) malformed("protected header lacks alg");
  if (header.get(COSE_HEADER_ALG) !== COSE_ALG_EDDSA) malformed("alg must be EdDSA (-8)");
  if (header.has(COSE_HEADER_CRIT)) malformed("crit header parameters are not supported");
  for (const k of header.keys()) {
    if (k !== COSE_HEADER_ALG && k !== COSE_HEADER_KID) {
      malformed("protected header has an unsupported parameter");
    }
  }
  return malformed("protected header kid must be an 8-byte bstr");
}

/**
 * Parse token bytes as an untagged COSE_Sign1 without verifying the signature.
 * Refuses (`FCP-2007`) anything but `[a2 01 27 04 48 kid, {}, payload ≤ 64 KiB, sig(64)]`
 * in canonical CBOR, including a tag-18-wrapped token (WIRE.md §6 notes the reference also
 * accepts tag 18; fcp does not, so each token has exactly one byte form).
 *
 * @example
 * ```ts
 * import { parseCoseSign1 } from "./cose.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseCoseSign1(new Uint8Array([0x80])), (e) => isFcpError(e, "FCP-2007"));
 * ```
 */
export function parseCoseSign1(bytes: Uint8Array): CoseSign1 {
  if (bytes.length > MAX_TOKEN_BYTES) malformed("token larger than 64 KiB");
  let outer: CborValue;
  try {
    outer = decodeCbor(bytes, { maxBytes: MAX_TOKEN_BYTES, maxDepth: 4 });
  } catch (e) {
    return malformed("token is not a canonical untagged COSE_Sign1 array", e);
  }
  if (!Array.isArray(outer) || outer.length !== 4) {
    return malformed("token must be a 4-element COSE_Sign1 array");
  }
  const [protectedBytes, unprotected, payload, signature] = outer as CborValue[];
  if (!(protectedBytes instanceof Uint8Array)) malformed("protected header must be a bstr");
  if (!isEmptyMap(unprotected)) {
    malformed("unprotected header must be empty (alg, kid and crit belong in protected)");
  }
  if (!(payload instanceof Uint8Array)) malformed("payload must be a bstr");
  if (payload.length > MAX_TOKEN_PAYLOAD_BYTES) malformed("payload larger than 64 KiB");
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    malformed("signature must be a 64-byte bstr");
  }
  const kid = checkProtected(protectedBytes);
  return { protectedBytes, kid, payload, signature };
}

/**
 * Strict Ed25519 verification of a parsed COSE_Sign1 against `publicKey`.
 *
 * @example
 * ```ts
 * import { coseSign1, parseCoseSign1, verifyCoseSign1 } from "./cose.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const key = Ed25519Key.generate();
 * const parsed = parseCoseSign1(coseSign1(new Uint8Array([0xa0]), key).token);
 * assert.ok(verifyCoseSign1(parsed, key.publicKey));
 * assert.ok(!verifyCoseSign1(parsed, Ed25519Key.generate().publicKey));
 * ```
 */
export function verifyCoseSign1(parsed: CoseSign1, publicKey: Uint8Array): boolean {
  try {
    return ed25519Verify(
      publicKey,
      coseSigStructure(parsed.protectedBytes, parsed.payload),
      parsed.signature,
    );
  } catch {
    return false;
  }
}
