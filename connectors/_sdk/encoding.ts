/**
 * Byte helpers for connectors (they cannot import `src/core/bytes.ts`): standard base64
 * (RFC 4648 §4, padded) and strict UTF-8 decoding.
 *
 * @module
 */

/**
 * Encode bytes as padded standard base64.
 *
 * @example
 * ```ts
 * import { toBase64 } from "./encoding.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toBase64(new Uint8Array([0xfb, 0xff, 0x00])), "+/8A");
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  const step = 0x6000; // a multiple of 3 so chunks concatenate without padding in between
  for (let i = 0; i < bytes.length; i += step) {
    out += btoa(String.fromCharCode(...bytes.subarray(i, i + step)));
  }
  return out;
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decode padded standard base64; returns `undefined` on malformed input.
 *
 * @example
 * ```ts
 * import { fromBase64 } from "./encoding.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fromBase64("+/8A"), new Uint8Array([0xfb, 0xff, 0x00]));
 * assert.equal(fromBase64("abc"), undefined);
 * ```
 */
export function fromBase64(s: string): Uint8Array<ArrayBuffer> | undefined {
  if (!B64_RE.test(s)) return undefined;
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Decode UTF-8 strictly. With `partialTail`, an incomplete sequence at the very end (from a
 * truncated read) is dropped instead of refused. Returns `undefined` for invalid UTF-8.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./encoding.ts";
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode("h\u00e9");
 * assert.equal(decodeUtf8(bytes), "h\u00e9");
 * assert.equal(decodeUtf8(bytes.subarray(0, 2)), undefined);
 * assert.equal(decodeUtf8(bytes.subarray(0, 2), true), "h");
 * assert.equal(decodeUtf8(new Uint8Array([0xff])), undefined);
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, partialTail = false): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
      .decode(bytes, { stream: partialTail });
  } catch {
    return undefined;
  }
}

/**
 * Read a response body up to `max` bytes, cancelling the rest of the stream.
 *
 * @example
 * ```ts
 * import { readLimited } from "./encoding.ts";
 * import assert from "node:assert/strict";
 * const r = await readLimited(new Response("hello world"), 5);
 * assert.equal(new TextDecoder().decode(r.bytes), "hello");
 * assert.equal(r.truncated, true);
 * ```
 */
export async function readLimited(
  res: Response,
  max: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (res.body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.length > max) {
        parts.push(value.subarray(0, max - total));
        total = max;
        truncated = true;
        break;
      }
      parts.push(value);
      total += value.length;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  return { bytes, truncated };
}
