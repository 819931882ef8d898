/**
 * The normative policy glob grammar (spec §5.3; revision proposal 4 of the seeds):
 * `*` matches any run of characters (including none), `?` exactly one character, every
 * other character matches itself, case-sensitively; matching is anchored to the whole
 * subject. Patterns are 1..128 bytes of printable ASCII (0x20..0x7e). Regex and
 * character-class syntax is forbidden: a pattern containing any of `[ ] { } ( ) | ^ $ \`
 * is refused, as is a non-ASCII or control byte or an over-long pattern (`FCP-4007`).
 * A subject containing non-ASCII characters never matches (identifiers are ASCII).
 *
 * No regular expression engine is used: matching is a greedy two-pointer scan with
 * backtracking to the last `*`, O(pattern × subject) in the worst case.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** Maximum pattern length in bytes (spec §5.3). */
export const MAX_GLOB_PATTERN_BYTES = 128;

const FORBIDDEN = new Set(["[", "]", "{", "}", "(", ")", "|", "^", "$", "\\"]);

/** A compiled glob pattern. */
export interface GlobMatcher {
  /** The source pattern. */
  readonly pattern: string;
  /** Whether `subject` matches the whole pattern. */
  matches(subject: string): boolean;
}

/**
 * Validate a pattern and return it; throws `FCP-4007` naming what is wrong.
 *
 * @example
 * ```ts
 * import { validateGlob } from "./policy_glob.ts";
 * import assert from "node:assert/strict";
 * assert.equal(validateGlob("cap:read:*"), "cap:read:*");
 * assert.throws(() => validateGlob("cap:[a-z]"), /FCP-4007/);
 * assert.throws(() => validateGlob("x".repeat(129)), /FCP-4007/);
 * ```
 */
export function validateGlob(pattern: string): string {
  const bad = (why: string): never => {
    throw new FcpError("FCP-4007", `invalid policy pattern: ${why}`);
  };
  if (typeof pattern !== "string") bad("not a string");
  if (pattern.length === 0) bad("empty pattern");
  if (pattern.length > MAX_GLOB_PATTERN_BYTES) bad(`longer than ${MAX_GLOB_PATTERN_BYTES} bytes`);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) bad(`non-ASCII or control character at offset ${i}`);
    const ch = pattern[i]!;
    if (FORBIDDEN.has(ch)) bad(`regex/class metacharacter ${JSON.stringify(ch)} at offset ${i}`);
  }
  return pattern;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function globMatch(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = p[pi];
    if (pc === "*") {
      starP = pi++;
      starS = si;
    } else if (pc !== undefined && (pc === "?" || pc === s[si])) {
      pi++;
      si++;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

/**
 * Compile a pattern into a matcher (validating it first, `FCP-4007`).
 *
 * @example
 * ```ts
 * import { compileGlob } from "./policy_glob.ts";
 * import assert from "node:assert/strict";
 * const m = compileGlob("connector:slack-*");
 * assert.ok(m.matches("connector:slack-prod"));
 * assert.ok(m.matches("connector:slack-"));
 * assert.ok(!m.matches("connector:Slack-prod"));
 * assert.ok(compileGlob("user?").matches("user1"));
 * assert.ok(!compileGlob("user?").matches("user"));
 * ```
 */
export function compileGlob(pattern: string): GlobMatcher {
  const p = validateGlob(pattern);
  const literal = !p.includes("*") && !p.includes("?");
  return {
    pattern: p,
    matches(subject: string): boolean {
      if (typeof subject !== "string" || !isAscii(subject)) return false;
      return literal ? subject === p : globMatch(p, subject);
    },
  };
}

/**
 * Whether any of the compiled patterns matches; returns the first matching pattern.
 *
 * @example
 * ```ts
 * import { compileGlob, firstMatch } from "./policy_glob.ts";
 * import assert from "node:assert/strict";
 * const ms = ["a*", "b*"].map(compileGlob);
 * assert.equal(firstMatch(ms, "bob"), "b*");
 * assert.equal(firstMatch(ms, "carol"), undefined);
 * ```
 */
export function firstMatch(matchers: readonly GlobMatcher[], subject: string): string | undefined {
  for (const m of matchers) if (m.matches(subject)) return m.pattern;
  return undefined;
}
