/**
 * A bounded memo of decoded tokens by their exact bytes: the invoke pipeline peeks at a token
 * (for its jti) and then verifies it, and an agent presents the same token on every call.
 * Decoding is a pure function of the bytes, so a hit returns the earlier result; the entry
 * owns a private copy of the bytes (the decoded views point into it, never into a caller's
 * buffer), and the claims are frozen so no caller can alter what the next one sees.
 *
 * @module
 */
import { equalBytes } from "../core/mod.ts";
import type { DecodedToken } from "./token.ts";

const MAX_ENTRIES = 1024;
const MEMO = new Map<string, { bytes: Uint8Array; decoded: DecodedToken }>();

// A well-formed token ends with its 64-byte signature; with the length it keys the entry,
// and a hit is confirmed on every byte.
function keyOf(bytes: Uint8Array): string {
  let k = `${bytes.length}:`;
  for (let i = Math.max(0, bytes.length - 64); i < bytes.length; i++) {
    k += String.fromCharCode(bytes[i]!);
  }
  return k;
}

function deepFreeze<T>(v: T): T {
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || v instanceof Map) return v;
  for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

/** The decoded form of exactly these bytes, if it was remembered. */
export function knownDecodedToken(bytes: Uint8Array): DecodedToken | undefined {
  const hit = MEMO.get(keyOf(bytes));
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
  if (MEMO.size >= MAX_ENTRIES) {
    const oldest = MEMO.keys().next();
    if (oldest.done !== true) MEMO.delete(oldest.value);
  }
  MEMO.set(keyOf(own), { bytes: own, decoded: Object.freeze(decoded) });
  return decoded;
}
