/**
 * Who may issue CapabilityObjects, and for which capabilities: the issuer part of the policy
 * (mesh-native RFC `seeds/000` §10.2.2 `IssuerPolicy {issuer_id, allowed_capabilities}`; spec
 * §7.5 "verify signature chain (owner → CapabilityObject)").
 *
 * A token's `grant_object_ids` (WIRE.md §6) are only as good as the objects' issuers, so
 * `verifyToken` asks this policy, per grant object, whether its `issuer_kid` may grant its
 * `capability_id`. A rule names one issuer key id and the capability globs it may grant (the
 * glob grammar of `policy_glob.ts`); a kid without a rule may grant nothing (default deny).
 * {@link ownerIssuerPolicy} is the policy `fcp init` implies: the owner key grants everything,
 * nothing else grants anything.
 *
 * @module
 */
import { equalBytes, FcpError, toHex } from "../core/mod.ts";
import { compileGlob, firstMatch, type GlobMatcher } from "./policy_glob.ts";

/** One authorized issuer. */
export interface IssuerRule {
  /** The issuer's 8-byte key id (`BLAKE3("fcp.kid.v2" ‖ pk)[0..8]`). */
  readonly issuerKid: Uint8Array;
  /** Capability-id globs this issuer may grant (`*` = every capability). */
  readonly capabilities: readonly string[];
}

/** The set of authorized CapabilityObject issuers. Build with {@link capabilityIssuerPolicy}. */
export interface CapabilityIssuerPolicy {
  /** The rules, at most one per kid. */
  readonly rules: readonly IssuerRule[];
}

/** Why {@link evaluateIssuer} decided as it did (stable reason codes). */
export type IssuerReason = "issuer.allowed" | "issuer.unknown" | "issuer.capability_not_allowed";

/** The outcome of {@link evaluateIssuer}. */
export interface IssuerDecision {
  /** Whether the issuer may grant the capability. */
  readonly allow: boolean;
  /** Stable reason code. */
  readonly reasonCode: IssuerReason;
  /** The glob that admitted the capability. */
  readonly matchedRule?: string;
}

const compiled = new WeakMap<CapabilityIssuerPolicy, Map<string, GlobMatcher[]>>();

function matchers(p: CapabilityIssuerPolicy): Map<string, GlobMatcher[]> {
  let m = compiled.get(p);
  if (m === undefined) {
    m = new Map();
    for (const r of p.rules) m.set(toHex(r.issuerKid), r.capabilities.map(compileGlob));
    compiled.set(p, m);
  }
  return m;
}

/**
 * Build an issuer policy. Refuses a kid that is not 8 bytes (`FCP-2002`), a kid listed twice
 * or a rule without capabilities (`FCP-1040`), and invalid globs (`FCP-4007`).
 *
 * @example
 * ```ts
 * import { capabilityIssuerPolicy } from "./issuer_policy.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const kid = new Uint8Array(8).fill(1);
 * assert.equal(capabilityIssuerPolicy([{ issuerKid: kid, capabilities: ["fs.*"] }]).rules.length, 1);
 * assert.throws(
 *   () => capabilityIssuerPolicy([{ issuerKid: kid, capabilities: ["fs.(read)"] }]),
 *   (e) => isFcpError(e, "FCP-4007"),
 * );
 * ```
 */
export function capabilityIssuerPolicy(rules: readonly IssuerRule[]): CapabilityIssuerPolicy {
  const seen = new Set<string>();
  const copy: IssuerRule[] = [];
  for (const r of rules) {
    if (!(r.issuerKid instanceof Uint8Array) || r.issuerKid.length !== 8) {
      throw new FcpError("FCP-2002", "an issuer kid is 8 bytes");
    }
    const hex = toHex(r.issuerKid);
    if (seen.has(hex)) throw new FcpError("FCP-1040", `issuer ${hex} is listed twice`);
    seen.add(hex);
    if (r.capabilities.length === 0) {
      throw new FcpError("FCP-1040", `issuer ${hex} has no capabilities (omit the rule)`);
    }
    copy.push({ issuerKid: r.issuerKid.slice(), capabilities: [...r.capabilities] });
  }
  const policy: CapabilityIssuerPolicy = { rules: copy };
  matchers(policy); // validates every glob now
  return policy;
}

/**
 * The default: only the owner key issues CapabilityObjects, for every capability.
 *
 * @example
 * ```ts
 * import { evaluateIssuer, ownerIssuerPolicy } from "./issuer_policy.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const owner = Ed25519Key.generate();
 * const p = ownerIssuerPolicy(owner.kid);
 * assert.equal(evaluateIssuer(p, owner.kid, "fs.read").allow, true);
 * assert.equal(evaluateIssuer(p, Ed25519Key.generate().kid, "fs.read").reasonCode, "issuer.unknown");
 * ```
 */
export function ownerIssuerPolicy(ownerKid: Uint8Array): CapabilityIssuerPolicy {
  return capabilityIssuerPolicy([{ issuerKid: ownerKid, capabilities: ["*"] }]);
}

/**
 * Whether `issuerKid` may grant `capabilityId` under `policy` (default deny).
 *
 * @example
 * ```ts
 * import { capabilityIssuerPolicy, evaluateIssuer } from "./issuer_policy.ts";
 * import assert from "node:assert/strict";
 * const kid = new Uint8Array(8).fill(2);
 * const p = capabilityIssuerPolicy([{ issuerKid: kid, capabilities: ["gh.read", "fs.*"] }]);
 * assert.deepEqual(evaluateIssuer(p, kid, "fs.write"), {
 *   allow: true, reasonCode: "issuer.allowed", matchedRule: "fs.*",
 * });
 * assert.equal(evaluateIssuer(p, kid, "gh.write").reasonCode, "issuer.capability_not_allowed");
 * ```
 */
export function evaluateIssuer(
  policy: CapabilityIssuerPolicy,
  issuerKid: Uint8Array,
  capabilityId: string,
): IssuerDecision {
  const globs = matchers(policy).get(toHex(issuerKid));
  if (globs === undefined) return { allow: false, reasonCode: "issuer.unknown" };
  const rule = firstMatch(globs, capabilityId);
  return rule === undefined
    ? { allow: false, reasonCode: "issuer.capability_not_allowed" }
    : { allow: true, reasonCode: "issuer.allowed", matchedRule: rule };
}

/**
 * A policy with one more rule (or a replaced rule for a kid already listed).
 *
 * @example
 * ```ts
 * import { evaluateIssuer, ownerIssuerPolicy, withIssuerRule } from "./issuer_policy.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(8).fill(1);
 * const node = new Uint8Array(8).fill(2);
 * const p = withIssuerRule(ownerIssuerPolicy(owner), { issuerKid: node, capabilities: ["fs.read"] });
 * assert.equal(evaluateIssuer(p, node, "fs.read").allow, true);
 * assert.equal(evaluateIssuer(p, owner, "gh.write").allow, true);
 * ```
 */
export function withIssuerRule(
  policy: CapabilityIssuerPolicy,
  rule: IssuerRule,
): CapabilityIssuerPolicy {
  return capabilityIssuerPolicy([
    ...policy.rules.filter((r) => !equalBytes(r.issuerKid, rule.issuerKid)),
    rule,
  ]);
}
