/**
 * Canonical order of text map keys (RFC 8949 §4.2.1, WIRE.md §1): bytewise order of the
 * encoded keys. For text keys the encoded form is `head(3, utf8 length) ‖ utf8`, and shortest
 * heads grow monotonically with the length, so the order is "shorter UTF-8 first, then bytewise
 * UTF-8" (which equals length-first order for text; the two differ only for mixed key types).
 *
 * @module
 */
import { compareBytes, utf8 } from "../core/mod.ts";

function compareAscii(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sort text keys in place into canonical order. */
export function sortTextKeys(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    for (let j = 0; j < k.length; j++) {
      if (k.charCodeAt(j) > 0x7f) return sortByUtf8(keys);
    }
  }
  // ASCII: UTF-8 length == string length and code unit order == byte order.
  return keys.sort(compareAscii);
}

function sortByUtf8(keys: string[]): string[] {
  // JS `<` compares UTF-16 code units, which differs from UTF-8 byte order for astral
  // characters; compare the real UTF-8 bytes instead.
  const withBytes = keys.map((k) => ({ k, b: utf8(k) }));
  withBytes.sort((x, y) => x.b.length - y.b.length || compareBytes(x.b, y.b));
  for (let i = 0; i < keys.length; i++) keys[i] = withBytes[i]!.k;
  return keys;
}
