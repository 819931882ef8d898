/**
 * What the authority layer remembers about token bytes it has seen, bounded and keyed by the
 * exact bytes: an agent presents the same token on every call, and the invoke pipeline peeks at
 * it (for its jti) before verifying it.
 *
 * - Decoded tokens: decoding is a pure function of the bytes, so a hit returns the earlier
 *   result. The entry owns a private copy of the bytes (the decoded views point into it, never
 *   into a caller's buffer), and the claims are frozen so no caller can alter what the next one
 *   sees.
 * - Verified signatures: the issuer keys under which exactly these bytes verified.
 *
 * A well-formed token ends with its 64-byte signature; with the length it keys both memos, and
 * every hit is confirmed on every byte.
 *
 * @module
 */
import { BoundedLru, equalBytes, latin1 } from "../core/mod.ts";
import type { DecodedToken } from "./token.ts";

const MAX_ENTRIES = 1024;
const DECODED = new BoundedLru<string, { bytes: Uint8Array; decoded: DecodedToken }>(MAX_ENTRIES);
const VERIFIED = new BoundedLru<string, { bytes: Uint8Array; pk: Uint8Array }>(MAX_ENTRIES);

function keyOf(bytes: Uint8Array): string {
  return `${bytes.length}:${latin1(bytes, Math.max(0, bytes.length - 64))}`;
}

function deepFreeze<T>(v: T): T {
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || v instanceof Map) return v;
  for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

/** The decoded form of exactly these bytes, if it was remembered. */
export function knownDecodedToken(bytes: Uint8Array): DecodedToken | undefined {
  const hit = DECODED.get(keyOf(bytes));
  return hit !== undefined && equalBytes(hit.bytes, bytes) ? hit.decoded : undefined;
}

/**
 * Decode through the memo: a hit returns the remembered result; a miss decodes a private copy
 * with `decode`, freezes its claims and remembers it. Failures are not remembered.
 */
export function decodeTokenMemo(
  bytes: Uint8Array,
  decode: (own: Uint8Array) => DecodedToken,
): DecodedToken {
  const known = knownDecodedToken(bytes);
  if (known !== undefined) return known;
  const own = bytes.slice();
  const decoded = decode(own);
  deepFreeze(decoded.claims);
  DECODED.set(keyOf(own), { bytes: own, decoded: Object.freeze(decoded) });
  return decoded;
}

/** Whether exactly these bytes were verified under exactly this issuer key. */
export function signatureRemembered(bytes: Uint8Array, pk: Uint8Array): boolean {
  const hit = VERIFIED.get(keyOf(bytes));
  return hit !== undefined && equalBytes(hit.bytes, bytes) && equalBytes(hit.pk, pk);
}

/** Remember that these bytes verified under `pk` (both copied). */
export function rememberSignature(bytes: Uint8Array, pk: Uint8Array): void {
  VERIFIED.set(keyOf(bytes), { bytes: bytes.slice(), pk: pk.slice() });
}
