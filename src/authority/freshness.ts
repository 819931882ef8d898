/**
 * Revocation freshness policy (spec §14.3.1, WIRE.md §11): how stale a node's revocation
 * state may be before an operation of a given risk tier is refused.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** Risk tiers of an operation (WIRE.md §11; spec SafetyTier plus CriticalWrite). */
export const RISK_TIERS = ["Safe", "Risky", "Dangerous", "CriticalWrite"] as const;
/** A risk tier. */
export type RiskTier = typeof RISK_TIERS[number];

/** Freshness policies (WIRE.md §11). */
export const FRESHNESS_POLICIES = ["strict", "warn", "best_effort"] as const;
/** A freshness policy. */
export type FreshnessPolicy = typeof FRESHNESS_POLICIES[number];

/** Default maximum age of the revocation frontier, seconds (spec §14.3.1). */
export const DEFAULT_MAX_FRONTIER_AGE_SECS = 300;

/** Reason codes of a freshness check, exactly as WIRE.md §11 names them, plus `fresh`. */
export type FreshnessReason =
  | "fresh"
  | "stale_data"
  | "stale_but_within_max_age"
  | "stale_but_allowed";

/** Input of {@link checkFreshness}. */
export interface FreshnessInput {
  /** Sequence number of the newest revocation event this node has applied (-1: none). */
  readonly localHeadSeq: number;
  /** The sequence the peer or token expects (e.g. a token's `chk_seq`), when known. */
  readonly remoteSeq?: number;
  /** When the local revocation state was last updated, Unix seconds (undefined: never). */
  readonly lastUpdated: number | undefined;
  /** Now, Unix seconds. */
  readonly now: number;
  /** The policy to apply. */
  readonly policy: FreshnessPolicy;
  /** Maximum frontier age in seconds (default 300). */
  readonly maxAgeSecs?: number;
}

/** Result of {@link checkFreshness}. */
export interface FreshnessResult {
  /** Whether the operation may proceed. */
  readonly allowed: boolean;
  /** Whether the local state is fresh (sequence caught up and age within the maximum). */
  readonly fresh: boolean;
  /** `fresh` or one of the WIRE.md §11 stale reasons. */
  readonly reason: FreshnessReason;
  /** Age of the local state in seconds (Infinity when never updated). */
  readonly ageSecs: number;
}

/**
 * The freshness policy for a risk tier (WIRE.md §11): CriticalWrite and Dangerous → strict,
 * Risky → warn, Safe → best_effort.
 *
 * @example
 * ```ts
 * import { freshnessPolicyForRisk } from "./freshness.ts";
 * import assert from "node:assert/strict";
 * assert.equal(freshnessPolicyForRisk("Dangerous"), "strict");
 * assert.equal(freshnessPolicyForRisk("Risky"), "warn");
 * assert.equal(freshnessPolicyForRisk("Safe"), "best_effort");
 * ```
 */
export function freshnessPolicyForRisk(tier: RiskTier): FreshnessPolicy {
  switch (tier) {
    case "CriticalWrite":
    case "Dangerous":
      return "strict";
    case "Risky":
      return "warn";
    case "Safe":
      return "best_effort";
    default:
      throw new FcpError("FCP-1040", `unknown risk tier ${JSON.stringify(tier)}`);
  }
}

/**
 * Check revocation freshness (WIRE.md §11, spec §14.3.1).
 *
 * `fresh` = (no remote sequence, or local head_seq ≥ remote seq) AND age ≤ max age, where
 * age = now − lastUpdated. The age condition follows spec §14.3.1 ("revocation state ≥
 * token.rev_seq AND frontier age ≤ max"); the reference's `check_freshness` only compares
 * sequences. Then:
 * - strict: allowed = fresh; stale → `stale_data`;
 * - warn: allowed = fresh ∨ age ≤ max; stale but young → `stale_but_within_max_age`, else `stale_data`;
 * - best_effort: always allowed; stale → `stale_but_allowed`.
 *
 * @example
 * ```ts
 * import { checkFreshness } from "./freshness.ts";
 * import assert from "node:assert/strict";
 * const r = checkFreshness({ localHeadSeq: 3, remoteSeq: 5, lastUpdated: 100, now: 150, policy: "warn" });
 * assert.deepEqual([r.allowed, r.reason], [true, "stale_but_within_max_age"]);
 * const s = checkFreshness({ localHeadSeq: 3, remoteSeq: 5, lastUpdated: 100, now: 150, policy: "strict" });
 * assert.deepEqual([s.allowed, s.reason], [false, "stale_data"]);
 * ```
 */
export function checkFreshness(input: FreshnessInput): FreshnessResult {
  const maxAge = input.maxAgeSecs ?? DEFAULT_MAX_FRONTIER_AGE_SECS;
  if (!Number.isFinite(input.now) || !(maxAge >= 0)) {
    throw new FcpError("FCP-1040", "freshness check needs a finite now and a non-negative max age");
  }
  const ageSecs = input.lastUpdated === undefined
    ? Infinity
    : Math.max(0, input.now - input.lastUpdated);
  const seqOk = input.remoteSeq === undefined || input.localHeadSeq >= input.remoteSeq;
  const young = ageSecs <= maxAge;
  const fresh = seqOk && young;
  if (fresh) return { allowed: true, fresh, reason: "fresh", ageSecs };
  switch (input.policy) {
    case "strict":
      return { allowed: false, fresh, reason: "stale_data", ageSecs };
    case "warn":
      return young
        ? { allowed: true, fresh, reason: "stale_but_within_max_age", ageSecs }
        : { allowed: false, fresh, reason: "stale_data", ageSecs };
    case "best_effort":
      return { allowed: true, fresh, reason: "stale_but_allowed", ageSecs };
    default:
      throw new FcpError("FCP-1040", `unknown freshness policy ${JSON.stringify(input.policy)}`);
  }
}

/**
 * Throw `FCP-3005` (revocation.stale_frontier) when a freshness result does not allow the
 * operation; return the result otherwise.
 *
 * @example
 * ```ts
 * import { checkFreshness, requireFresh } from "./freshness.ts";
 * import assert from "node:assert/strict";
 * const r = checkFreshness({ localHeadSeq: 0, lastUpdated: undefined, now: 10, policy: "strict" });
 * assert.throws(() => requireFresh(r), /FCP-3005/);
 * ```
 */
export function requireFresh(result: FreshnessResult): FreshnessResult {
  if (!result.allowed) {
    throw new FcpError(
      "FCP-3005",
      `revocation state is stale (${result.reason}, age ${result.ageSecs}s)`,
    );
  }
  return result;
}
