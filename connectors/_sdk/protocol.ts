/**
 * The worker side of the host ↔ connector protocol. It mirrors `src/host/worker_protocol.ts`
 * (the authoritative definition), which a connector cannot import; `tests/worker_protocol_test.ts`
 * proves the two agree on the version, the method names and the size rule.
 *
 * @module
 */

/** Protocol version (handshake). */
export const WORKER_PROTOCOL_VERSION = 1;

/** The standard methods (spec §10.3, plus `simulate` and `subscribe`). */
export const WORKER_METHODS = [
  "handshake",
  "describe",
  "introspect",
  "capabilities",
  "configure",
  "health",
  "invoke",
  "simulate",
  "subscribe",
  "shutdown",
] as const;
/** One standard method. */
export type WorkerMethod = typeof WORKER_METHODS[number];

/** Smallest message limit. */
export const MIN_MESSAGE_BYTES = 1024;

/** An error as it crosses the boundary. */
export interface WireError {
  /** Stable code. */
  code: string;
  /** What went wrong. */
  message: string;
  /** Whether a retry may succeed. */
  retryable?: boolean;
  /** Suggested wait. */
  "retry_after_ms"?: number;
  /** Flat, non-secret facts (spec §24.2 `details`; nested objects flattened one level). */
  details?: Record<string, string | number | boolean>;
}

/**
 * The encoded size of a message: its JSON length with byte arrays counted at their length.
 * The same rule as the host's.
 *
 * @example
 * ```ts
 * import { messageSize } from "./protocol.ts";
 * import assert from "node:assert/strict";
 * assert.equal(messageSize({ a: "xy" }), 10);
 * ```
 */
export function messageSize(m: unknown): number {
  let bytes = 0;
  const text = JSON.stringify(m, (_k, v) => {
    if (v instanceof Uint8Array) {
      bytes += v.byteLength;
      return 0;
    }
    return v;
  }) ?? "";
  return text.length + bytes;
}
