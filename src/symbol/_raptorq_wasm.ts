/**
 * The RaptorQ WebAssembly instance (private to src/symbol): npm `raptorq` (a wasm-bindgen build
 * of the Rust `raptorq` crate, RFC 6330), its JS glue imported from the package and its binary
 * from the generated `_raptorq_wasm_bytes.ts`, so a `deno compile` binary needs no file.
 *
 * The instance is created lazily on first use, once. Callers go through {@link withRaptorq} and
 * must free every encoder/decoder they create before their callback returns: no WASM object
 * outlives a call. That makes it safe to drop the instance and start a fresh one, which this
 * module does after a trap (a Rust panic leaves the heap in an unknown state) and when the
 * linear memory, which never shrinks, has grown past {@link HEAP_RESET_BYTES}.
 *
 * @module
 */
import * as glue from "raptorq/raptorq.js";
import { FcpError } from "../core/mod.ts";
import { RAPTORQ_WASM_BASE64 } from "./_raptorq_wasm_bytes.ts";

/** The glue module's classes, as handed to {@link withRaptorq} callbacks. */
export type RaptorqGlue = typeof glue;

/** Linear memory size above which the instance is replaced by a fresh one after a call. */
export const HEAP_RESET_BYTES = 64 * 1024 * 1024;

let compiled: WebAssembly.Module | undefined;
let memory: WebAssembly.Memory | undefined;
let instances = 0;
let calls = 0;

function ensureInstance(): void {
  if (memory !== undefined) return;
  compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(RAPTORQ_WASM_BASE64));
  memory = glue.initSync(compiled).memory;
  instances++;
}

/**
 * Run `fn` with the initialised glue. A WebAssembly trap becomes `FCP-9001` and retires the
 * instance; a grown heap is retired after the call.
 *
 * @example
 * ```ts
 * import { withRaptorq } from "./_raptorq_wasm.ts";
 * import assert from "node:assert/strict";
 * const packets = withRaptorq((rq) => {
 *   const enc = rq.Encoder.with_defaults(new Uint8Array(100), 64);
 *   try {
 *     return enc.encode(1);
 *   } finally {
 *     enc.free();
 *   }
 * });
 * assert.equal(packets.length, 3); // 2 source + 1 repair, each 4-byte PayloadId + 64 bytes
 * assert.equal(packets[0]!.length, 68);
 * ```
 */
export function withRaptorq<T>(fn: (rq: RaptorqGlue) => T): T {
  ensureInstance();
  calls++;
  try {
    return fn(glue);
  } catch (cause) {
    if (cause instanceof WebAssembly.RuntimeError) {
      memory = undefined;
      throw new FcpError("FCP-9001", "RaptorQ codec trapped", { cause });
    }
    throw cause;
  } finally {
    if (memory !== undefined && memory.buffer.byteLength > HEAP_RESET_BYTES) memory = undefined;
  }
}

/**
 * Diagnostics: current linear memory size (0 before first use), instances created so far and
 * calls made through {@link withRaptorq}.
 *
 * @example
 * ```ts
 * import { raptorqWasmStats } from "./_raptorq_wasm.ts";
 * import assert from "node:assert/strict";
 * const s = raptorqWasmStats();
 * assert.ok(s.memoryBytes >= 0 && s.instances >= 0 && s.calls >= 0);
 * ```
 */
export function raptorqWasmStats(): { memoryBytes: number; instances: number; calls: number } {
  return { memoryBytes: memory?.buffer.byteLength ?? 0, instances, calls };
}
