/**
 * Taint flags (spec §6.1 `TaintFlags`): a compositional bit set merged by OR, and its
 * mapping to the coarse header taint level of the wire ObjectHeader (WIRE.md §4).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import type { Taint } from "../model/mod.ts";

/** The named taint flags and their bits (spec §6.1). */
export const TAINT_FLAGS = {
  PUBLIC_INPUT: 1 << 0,
  EXTERNAL_INPUT: 1 << 1,
  UNVERIFIED_LINK: 1 << 2,
  USER_SUPPLIED: 1 << 3,
  PROMPT_SURFACE: 1 << 4,
} as const;

/** A taint flag name. */
export type TaintName = keyof typeof TAINT_FLAGS;

/** A taint bit set (u32). */
export type TaintFlags = number;

/** No taint. */
export const NO_TAINT: TaintFlags = 0;

const ALL_BITS = Object.values(TAINT_FLAGS).reduce((a, b) => a | b, 0);

/**
 * Validate a taint bit set: only known bits (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { validateTaint } from "./taint.ts";
 * import assert from "node:assert/strict";
 * assert.equal(validateTaint(3), 3);
 * assert.throws(() => validateTaint(1 << 9), /FCP-1013/);
 * ```
 */
export function validateTaint(flags: number): TaintFlags {
  if (!Number.isInteger(flags) || flags < 0 || (flags & ~ALL_BITS) !== 0) {
    throw new FcpError("FCP-1013", `unknown taint bits in ${flags}`);
  }
  return flags;
}

/**
 * Taint flags from names (`FCP-1040` for an unknown name).
 *
 * @example
 * ```ts
 * import { taintFromNames, TAINT_FLAGS } from "./taint.ts";
 * import assert from "node:assert/strict";
 * assert.equal(taintFromNames(["PUBLIC_INPUT", "PROMPT_SURFACE"]),
 *   TAINT_FLAGS.PUBLIC_INPUT | TAINT_FLAGS.PROMPT_SURFACE);
 * ```
 */
export function taintFromNames(names: readonly string[]): TaintFlags {
  let t = 0;
  for (const n of names) {
    const bit = (TAINT_FLAGS as Record<string, number>)[n];
    if (bit === undefined) throw new FcpError("FCP-1040", `unknown taint ${JSON.stringify(n)}`);
    t |= bit;
  }
  return t;
}

/**
 * The names of the set flags, in bit order.
 *
 * @example
 * ```ts
 * import { taintNames } from "./taint.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(taintNames(0b101), ["PUBLIC_INPUT", "UNVERIFIED_LINK"]);
 * ```
 */
export function taintNames(flags: TaintFlags): TaintName[] {
  return (Object.keys(TAINT_FLAGS) as TaintName[]).filter((n) => (flags & TAINT_FLAGS[n]) !== 0);
}

/**
 * Whether `flags` contains every bit of `what`.
 *
 * @example
 * ```ts
 * import { hasTaint, TAINT_FLAGS } from "./taint.ts";
 * import assert from "node:assert/strict";
 * assert.ok(hasTaint(3, TAINT_FLAGS.PUBLIC_INPUT));
 * assert.ok(!hasTaint(2, TAINT_FLAGS.PUBLIC_INPUT));
 * ```
 */
export function hasTaint(flags: TaintFlags, what: TaintFlags): boolean {
  return (flags & what) === what;
}

/**
 * The coarse header taint level (WIRE.md §4) of a flag set: none → `Untainted`; any flag
 * with PUBLIC_INPUT or PROMPT_SURFACE → `HighlyTainted`; any other flag → `Tainted`.
 *
 * @example
 * ```ts
 * import { headerTaintLevel, TAINT_FLAGS } from "./taint.ts";
 * import assert from "node:assert/strict";
 * assert.equal(headerTaintLevel(0), "Untainted");
 * assert.equal(headerTaintLevel(TAINT_FLAGS.USER_SUPPLIED), "Tainted");
 * assert.equal(headerTaintLevel(TAINT_FLAGS.PUBLIC_INPUT), "HighlyTainted");
 * ```
 */
export function headerTaintLevel(flags: TaintFlags): Taint {
  if (flags === 0) return "Untainted";
  if ((flags & (TAINT_FLAGS.PUBLIC_INPUT | TAINT_FLAGS.PROMPT_SURFACE)) !== 0) {
    return "HighlyTainted";
  }
  return "Tainted";
}
