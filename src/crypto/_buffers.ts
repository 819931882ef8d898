/**
 * Conversions between node:crypto `Buffer`/`ArrayBuffer` results and plain `Uint8Array`s.
 * Private to the crypto layer.
 *
 * A `Buffer` is a `Uint8Array` subclass, but strict deep equality and `toString` treat it
 * differently, and small Buffers may be views into a shared pool. Every value this layer
 * returns is a plain `Uint8Array` that owns its whole backing buffer.
 *
 * @module
 */

/** A plain `Uint8Array` with the same bytes; no copy when `b` already owns its whole buffer. */
export function plain(b: Uint8Array): Uint8Array {
  if (
    b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer
  ) {
    return new Uint8Array(b.buffer);
  }
  return new Uint8Array(b); // a copy; `slice` would keep the Buffer species
}
