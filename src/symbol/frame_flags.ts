/**
 * FCPS frame flags (spec §4.4; WIRE.md §9) and the rules that make a flag word valid.
 *
 * The flag word is a u16 at bytes 6–7 of the FCPS header. Twelve bits are defined; every other
 * bit, ERROR together with RESPONSE, and STREAM_END without STREAMING are refused with
 * `FCP-1021` (spec §4.3 "Flags handling": unknown bits fail closed; the two combinations are the
 * Rust reference's `FrameFlags` validation, WIRE.md §9).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/**
 * The FCPS frame flags by name (spec §4.4).
 *
 * @example
 * ```ts
 * import { FCPS_FLAGS } from "./frame_flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(FCPS_FLAGS.ENCRYPTED | FCPS_FLAGS.RAPTORQ, 0x0404);
 * ```
 */
export const FCPS_FLAGS = {
  /** Requires acknowledgment. */
  REQUIRES_ACK: 0x001,
  /** zstd compressed. */
  COMPRESSED: 0x002,
  /** Zone-encrypted symbols. */
  ENCRYPTED: 0x004,
  /** Response to a request. */
  RESPONSE: 0x008,
  /** Error response. */
  ERROR: 0x010,
  /** Part of a stream. */
  STREAMING: 0x020,
  /** Final frame of a stream (requires STREAMING). */
  STREAM_END: 0x040,
  /** Carries a capability token. */
  HAS_CAP_TOKEN: 0x080,
  /** Zone transition. */
  ZONE_CROSSING: 0x100,
  /** High priority. */
  PRIORITY: 0x200,
  /** RaptorQ encoded (default). */
  RAPTORQ: 0x400,
  /** Control-plane object. */
  CONTROL_PLANE: 0x800,
} as const;

/** Every defined FCPS flag bit (spec §4.4): `0x0FFF`. */
export const FCPS_FLAGS_KNOWN = 0x0fff;

/** The flags a sender uses unless told otherwise: ENCRYPTED | RAPTORQ (`0x0404`, WIRE.md §9). */
export const FCPS_FLAGS_DEFAULT = FCPS_FLAGS.ENCRYPTED | FCPS_FLAGS.RAPTORQ;

/**
 * Check an FCPS flag word; throws `FCP-1021` for a bit outside {@link FCPS_FLAGS_KNOWN},
 * ERROR with RESPONSE, or STREAM_END without STREAMING (WIRE.md §9), and `FCP-1040` for a
 * value that is not a u16.
 *
 * @example
 * ```ts
 * import { checkFcpsFlags, FCPS_FLAGS } from "./frame_flags.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * checkFcpsFlags(0x0404);
 * assert.throws(() => checkFcpsFlags(0x1000), (e) => isFcpError(e, "FCP-1021"));
 * assert.throws(
 *   () => checkFcpsFlags(FCPS_FLAGS.ERROR | FCPS_FLAGS.RESPONSE),
 *   (e) => isFcpError(e, "FCP-1021"),
 * );
 * assert.throws(() => checkFcpsFlags(FCPS_FLAGS.STREAM_END), (e) => isFcpError(e, "FCP-1021"));
 * ```
 */
export function checkFcpsFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff) {
    throw new FcpError("FCP-1040", `FCPS flags must be a u16, got ${flags}`);
  }
  const unknown = flags & ~FCPS_FLAGS_KNOWN;
  if (unknown !== 0) {
    throw new FcpError("FCP-1021", `unknown FCPS flag bits 0x${unknown.toString(16)}`);
  }
  if ((flags & FCPS_FLAGS.ERROR) !== 0 && (flags & FCPS_FLAGS.RESPONSE) !== 0) {
    throw new FcpError("FCP-1021", "FCPS flags ERROR and RESPONSE are mutually exclusive");
  }
  if ((flags & FCPS_FLAGS.STREAM_END) !== 0 && (flags & FCPS_FLAGS.STREAMING) === 0) {
    throw new FcpError("FCP-1021", "FCPS flag STREAM_END requires STREAMING");
  }
}

/**
 * The names of the flags set in a valid flag word, in bit order (for logs and diagnostics).
 *
 * @example
 * ```ts
 * import { fcpsFlagNames } from "./frame_flags.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fcpsFlagNames(0x0404), ["ENCRYPTED", "RAPTORQ"]);
 * ```
 */
export function fcpsFlagNames(flags: number): string[] {
  checkFcpsFlags(flags);
  const names: string[] = [];
  for (const [name, bit] of Object.entries(FCPS_FLAGS)) {
    if ((flags & bit) !== 0) names.push(name);
  }
  return names;
}
