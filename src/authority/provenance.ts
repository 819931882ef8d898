/**
 * Data provenance labels and taint propagation (spec §6.1, §6.2, §6.3).
 *
 * A {@link DataProvenance} carries the integrity and confidentiality labels of data (taken
 * from the zone levels, e.g. owner 255/255 … public 50/0), taint flags, proof-carrying label
 * adjustments (each pointing to an ApprovalToken) and taint reductions (each pointing to a
 * SanitizerReceipt), and the zone crossings. Merging takes MIN(integrity), MAX
 * (confidentiality), OR(taint). Declassification (moving data to a zone of lower
 * confidentiality) and integrity elevation need an ApprovalToken (`FCP-3006`).
 * {@link toHeaderProvenance} projects it onto the wire ObjectHeader provenance (WIRE.md §4).
 *
 * Re-encrypting the data for the target zone on a crossing is the caller's job (zone keys);
 * this module records the crossing and enforces the label rules.
 *
 * @module
 */
import { FcpError, toHex } from "../core/mod.ts";
import {
  DEFAULT_GENESIS_ZONES,
  type GenesisZone,
  type ObjectId,
  parseZoneId,
  type Provenance,
  type ProvenanceStep,
  type ZoneId,
} from "../model/mod.ts";
import { type ApprovalToken, requireApproval } from "./approval.ts";
import type { RiskTier } from "./freshness.ts";
import { type SanitizerReceipt, verifySanitizerReceipt } from "./sanitizer.ts";
import {
  headerTaintLevel,
  NO_TAINT,
  TAINT_FLAGS,
  type TaintFlags,
  validateTaint,
} from "./taint.ts";

/** A recorded zone crossing (spec §6.1). */
export interface ZoneCrossing {
  /** Zone left. */
  readonly fromZone: ZoneId;
  /** Zone entered. */
  readonly toZone: ZoneId;
  /** When, Unix seconds. */
  readonly crossedAt: number;
  /** The ApprovalToken that authorized it, if one was needed. */
  readonly authorizedBy?: ObjectId;
}

/** A proof-carrying label change (spec §6.1). */
export interface LabelAdjustment {
  /** Which label changed. */
  readonly kind: "IntegrityElevated" | "ConfidentialityDeclassified";
  /** The new level. */
  readonly to: number;
  /** The ApprovalToken that justifies it. */
  readonly byApproval: ObjectId;
  /** When, Unix seconds. */
  readonly appliedAt: number;
}

/** A proof-carrying taint reduction (spec §6.1). */
export interface TaintReduction {
  /** Taints cleared. */
  readonly clears: TaintFlags;
  /** The SanitizerReceipt that justifies it. */
  readonly byReceipt: ObjectId;
  /** When, Unix seconds. */
  readonly appliedAt: number;
}

/** The labels and history of a piece of data (spec §6.1). */
export interface DataProvenance {
  /** Zone of origin. */
  readonly originZone: ZoneId;
  /** Zone the data is in now. */
  readonly currentZone: ZoneId;
  /** Integrity label (lower = less trustworthy). */
  readonly integrityLabel: number;
  /** Confidentiality label (higher = more secret). */
  readonly confidentialityLabel: number;
  /** Label adjustments. */
  readonly labelAdjustments: readonly LabelAdjustment[];
  /** Principal who introduced the data. */
  readonly originPrincipal?: string;
  /** Taint flags. */
  readonly taint: TaintFlags;
  /** Taint reductions. */
  readonly taintReductions: readonly TaintReduction[];
  /** Zone crossings. */
  readonly zoneCrossings: readonly ZoneCrossing[];
  /** Steps, as in the header provenance chain. */
  readonly chain: readonly ProvenanceStep[];
  /** Creation time, Unix seconds. */
  readonly createdAt: number;
}

/**
 * The levels of a zone from a zone table (default: the standard genesis zones). An unknown
 * zone is refused (`FCP-6001`).
 *
 * @example
 * ```ts
 * import { zoneLevels } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(zoneLevels("z:public"), { integrity: 50, confidentiality: 0 });
 * ```
 */
export function zoneLevels(
  zone: ZoneId | string,
  zones: readonly GenesisZone[] = DEFAULT_GENESIS_ZONES,
): { integrity: number; confidentiality: number } {
  const z = zones.find((x) => x.zoneId === zone);
  if (z === undefined) throw new FcpError("FCP-6001", `no levels known for zone ${zone}`);
  return { integrity: z.integrityLevel, confidentiality: z.confidentialityLevel };
}

/**
 * Fresh provenance for data created in `zone`, labelled with the zone's levels.
 *
 * @example
 * ```ts
 * import { originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * const p = originDataProvenance({ zone: "z:work", now: 1 });
 * assert.deepEqual([p.integrityLabel, p.confidentialityLabel, p.taint], [150, 150, 0]);
 * ```
 */
export function originDataProvenance(opts: {
  readonly zone: ZoneId | string;
  readonly now: number;
  readonly taint?: TaintFlags;
  readonly principal?: string;
  readonly zones?: readonly GenesisZone[];
}): DataProvenance {
  const zone = parseZoneId(opts.zone);
  const lv = zoneLevels(zone, opts.zones);
  return {
    originZone: zone,
    currentZone: zone,
    integrityLabel: lv.integrity,
    confidentialityLabel: lv.confidentiality,
    labelAdjustments: [],
    ...(opts.principal === undefined ? {} : { originPrincipal: opts.principal }),
    taint: validateTaint(opts.taint ?? NO_TAINT),
    taintReductions: [],
    zoneCrossings: [],
    chain: [],
    createdAt: opts.now,
  };
}

/**
 * Effective integrity: the label raised by any IntegrityElevated adjustment (spec §6.2).
 *
 * @example
 * ```ts
 * import { effectiveIntegrity, originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(effectiveIntegrity(originDataProvenance({ zone: "z:public", now: 0 })), 50);
 * ```
 */
export function effectiveIntegrity(p: DataProvenance): number {
  let v = p.integrityLabel;
  for (const a of p.labelAdjustments) if (a.kind === "IntegrityElevated") v = Math.max(v, a.to);
  return v;
}

/**
 * Effective confidentiality: the label lowered by any declassification (spec §6.2).
 *
 * @example
 * ```ts
 * import { effectiveConfidentiality, originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(effectiveConfidentiality(originDataProvenance({ zone: "z:owner", now: 0 })), 255);
 * ```
 */
export function effectiveConfidentiality(p: DataProvenance): number {
  let v = p.confidentialityLabel;
  for (const a of p.labelAdjustments) {
    if (a.kind === "ConfidentialityDeclassified") v = Math.min(v, a.to);
  }
  return v;
}

/**
 * Effective taint: the flags minus every reduction (spec §6.2).
 *
 * @example
 * ```ts
 * import { effectiveTaint, originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(effectiveTaint(originDataProvenance({ zone: "z:work", now: 0, taint: 5 })), 5);
 * ```
 */
export function effectiveTaint(p: DataProvenance): TaintFlags {
  let t = p.taint;
  for (const r of p.taintReductions) t &= ~r.clears;
  return t;
}

/**
 * Merge the provenance of several inputs (spec §6.2, NORMATIVE): integrity = MIN of the
 * effective integrities, confidentiality = MAX of the effective confidentialities, taint =
 * OR of the taints; crossings, reductions, adjustments and steps are concatenated. The
 * first input gives origin and current zone. Empty input → `FCP-1040`.
 *
 * @example
 * ```ts
 * import { mergeProvenance, originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * const m = mergeProvenance([
 *   originDataProvenance({ zone: "z:owner", now: 0 }),
 *   originDataProvenance({ zone: "z:public", now: 0, taint: 1 }),
 * ]);
 * assert.deepEqual([m.integrityLabel, m.confidentialityLabel, m.taint], [50, 255, 1]);
 * ```
 */
export function mergeProvenance(inputs: readonly DataProvenance[]): DataProvenance {
  const first = inputs[0];
  if (first === undefined) throw new FcpError("FCP-1040", "cannot merge zero provenances");
  return {
    ...first,
    integrityLabel: Math.min(...inputs.map(effectiveIntegrity)),
    confidentialityLabel: Math.max(...inputs.map(effectiveConfidentiality)),
    taint: inputs.reduce((acc, p) => acc | p.taint, NO_TAINT),
    zoneCrossings: inputs.flatMap((p) => p.zoneCrossings),
    taintReductions: inputs.flatMap((p) => p.taintReductions),
    labelAdjustments: inputs.flatMap((p) => p.labelAdjustments),
    chain: inputs.flatMap((p) => p.chain),
  };
}

/** Options of {@link crossZone}. */
export interface CrossZoneOptions {
  /** Zone entered. */
  readonly toZone: ZoneId | string;
  /** Now, Unix seconds. */
  readonly now: number;
  /** Who moves the data (recorded in the step). */
  readonly actor: string;
  /** The object moved (needed for declassification). */
  readonly objectId?: ObjectId;
  /** Declassification approval, when the target zone is less confidential. */
  readonly approval?: ApprovalToken;
  /** ObjectId of `approval`. */
  readonly approvalId?: ObjectId;
  /** Owner public key to verify `approval`. */
  readonly ownerPublicKey?: Uint8Array;
  /** Zone table (default: standard zones). */
  readonly zones?: readonly GenesisZone[];
}

/**
 * Move data to another zone (spec §6.2 `cross_zone`): append a ZoneCrossing from the
 * current zone and a ProvenanceStep (`action: "zone_crossing"`), and update the current
 * zone. When the target zone's confidentiality is below the data's effective
 * confidentiality, the move is a declassification: it needs a valid Declassification
 * ApprovalToken covering (current zone → target zone, objectId) (`FCP-3006`), and the
 * confidentiality label is set to the target's level via a ConfidentialityDeclassified
 * adjustment referencing the approval (spec §6.1 output label rule).
 *
 * @example
 * ```ts
 * import { crossZone, originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * const p = originDataProvenance({ zone: "z:public", now: 0 });
 * const q = crossZone(p, { toZone: "z:work", now: 5, actor: "node-a" });
 * assert.equal(q.currentZone, "z:work");
 * assert.equal(q.zoneCrossings.length, 1);
 * const w = originDataProvenance({ zone: "z:private", now: 0 });
 * assert.throws(() => crossZone(w, { toZone: "z:public", now: 5, actor: "node-a" }), /FCP-3006/);
 * ```
 */
export function crossZone(p: DataProvenance, opts: CrossZoneOptions): DataProvenance {
  const to = parseZoneId(opts.toZone);
  const target = zoneLevels(to, opts.zones);
  let authorizedBy: ObjectId | undefined;
  let adjustments = p.labelAdjustments;
  if (target.confidentiality < effectiveConfidentiality(p)) {
    if (opts.approval === undefined) {
      throw new FcpError(
        "FCP-3006",
        `declassification ${p.currentZone} -> ${to} requires an ApprovalToken`,
      );
    }
    if (
      opts.objectId === undefined || opts.approvalId === undefined ||
      opts.ownerPublicKey === undefined
    ) {
      throw new FcpError(
        "FCP-1040",
        "declassification needs objectId, approvalId and ownerPublicKey",
      );
    }
    requireApproval(
      opts.approval,
      {
        kind: "Declassification",
        fromZone: p.currentZone,
        toZone: to,
        objectIds: [opts.objectId],
      },
      opts.ownerPublicKey,
      opts.now,
    );
    authorizedBy = opts.approvalId;
    adjustments = [...adjustments, {
      kind: "ConfidentialityDeclassified",
      to: target.confidentiality,
      byApproval: opts.approvalId,
      appliedAt: opts.now,
    }];
  }
  const crossing: ZoneCrossing = {
    fromZone: p.currentZone,
    toZone: to,
    crossedAt: opts.now,
    ...(authorizedBy === undefined ? {} : { authorizedBy }),
  };
  const step: ProvenanceStep = {
    timestampMs: opts.now * 1000,
    zone: to,
    actor: opts.actor,
    action: "zone_crossing",
    resource: `${p.currentZone}->${to}`,
  };
  return {
    ...p,
    currentZone: to,
    labelAdjustments: adjustments,
    zoneCrossings: [...p.zoneCrossings, crossing],
    chain: [...p.chain, step],
  };
}

/**
 * Elevate the integrity label (spec §6.3) to `to` (default: the current zone's integrity)
 * with a valid Elevation ApprovalToken for `operation` (and `objectId` when given);
 * without one `FCP-3006`.
 *
 * @example
 * ```ts
 * import { elevateIntegrity, originDataProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * const p = originDataProvenance({ zone: "z:public", now: 0 });
 * assert.throws(() => elevateIntegrity(p, { operation: "op", now: 1, approval: undefined,
 *   approvalId: new Uint8Array(32), ownerPublicKey: new Uint8Array(32) }), /FCP-3006/);
 * ```
 */
export function elevateIntegrity(p: DataProvenance, opts: {
  readonly operation: string;
  readonly now: number;
  readonly approval: ApprovalToken | undefined;
  readonly approvalId: ObjectId;
  readonly ownerPublicKey: Uint8Array;
  readonly objectId?: ObjectId;
  readonly to?: number;
  readonly zones?: readonly GenesisZone[];
}): DataProvenance {
  requireApproval(
    opts.approval,
    {
      kind: "Elevation",
      operation: opts.operation,
      ...(opts.objectId === undefined ? {} : { objectIds: [opts.objectId] }),
    },
    opts.ownerPublicKey,
    opts.now,
  );
  const to = opts.to ?? zoneLevels(p.currentZone, opts.zones).integrity;
  return {
    ...p,
    labelAdjustments: [...p.labelAdjustments, {
      kind: "IntegrityElevated",
      to,
      byApproval: opts.approvalId,
      appliedAt: opts.now,
    }],
  };
}

/**
 * Apply a SanitizerReceipt (spec §6.1): verify it (`FCP-2001`), require that its inputs
 * include `objectId` (`FCP-4004` otherwise), and record a reduction of exactly the taints
 * it clears; other taints stay.
 *
 * @example
 * ```ts
 * import { applySanitizerReceipt, effectiveTaint, originDataProvenance } from "./provenance.ts";
 * import { createSanitizerReceipt } from "./sanitizer.ts";
 * import { TAINT_FLAGS } from "./taint.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(5);
 * const obj = new Uint8Array(32).fill(1);
 * const p = originDataProvenance({ zone: "z:work", now: 0,
 *   taint: TAINT_FLAGS.UNVERIFIED_LINK | TAINT_FLAGS.PUBLIC_INPUT });
 * const r = createSanitizerReceipt({ zoneId: "z:work", sanitizerConnector: "urlscan",
 *   sanitizerOperation: "scan", inputs: [obj], clears: TAINT_FLAGS.UNVERIFIED_LINK,
 *   executedBy: "node-a", now: 1 }, seed);
 * const q = applySanitizerReceipt(p, { receipt: r, receiptId: new Uint8Array(32), objectId: obj,
 *   nodePublicKey: ed25519PublicKey(seed), now: 2 });
 * assert.equal(effectiveTaint(q), TAINT_FLAGS.PUBLIC_INPUT);
 * ```
 */
export function applySanitizerReceipt(p: DataProvenance, opts: {
  readonly receipt: SanitizerReceipt;
  readonly receiptId: ObjectId;
  readonly objectId: ObjectId;
  readonly nodePublicKey: Uint8Array;
  readonly now: number;
}): DataProvenance {
  verifySanitizerReceipt(opts.receipt, opts.nodePublicKey);
  const want = toHex(opts.objectId);
  if (!opts.receipt.inputs.some((id) => toHex(id) === want)) {
    throw new FcpError("FCP-4004", "SanitizerReceipt does not cover this object");
  }
  return {
    ...p,
    taintReductions: [...p.taintReductions, {
      clears: opts.receipt.clears,
      byReceipt: opts.receiptId,
      appliedAt: opts.now,
    }],
  };
}

/** Stable reason codes of taint decisions. */
export type TaintReason =
  | "taint.allowed"
  | "taint.approved"
  | "taint.public_input_dangerous"
  | "taint.elevation_required";

/** The outcome of {@link checkTaint}. */
export interface TaintDecision {
  /** Whether the operation may proceed. */
  readonly allow: boolean;
  /** Stable reason code. */
  readonly reasonCode: TaintReason;
  /** Object ids justifying the decision (the approval, when one was used). */
  readonly evidence: readonly ObjectId[];
}

const TIER_RANK: Record<RiskTier, number> = { Safe: 0, Risky: 1, Dangerous: 2, CriticalWrite: 2 };

/**
 * Whether data with this provenance may drive `operation` (spec §6.2 `can_invoke`):
 * - effective taint has PUBLIC_INPUT and the tier is Dangerous or above →
 *   `taint.public_input_dangerous`;
 * - any effective taint, tier Risky or above, and the target zone's integrity above the
 *   data's effective integrity → `taint.elevation_required`;
 * either is lifted by a valid Elevation ApprovalToken for `operation` (`taint.approved`,
 * evidence = the approval id). An invalid or non-covering approval counts as none.
 *
 * @example
 * ```ts
 * import { checkTaint, originDataProvenance } from "./provenance.ts";
 * import { TAINT_FLAGS } from "./taint.ts";
 * import assert from "node:assert/strict";
 * const p = originDataProvenance({ zone: "z:public", now: 0, taint: TAINT_FLAGS.PUBLIC_INPUT });
 * const d = checkTaint(p, { operation: "fs.delete", tier: "Dangerous", targetZone: "z:work", now: 1 });
 * assert.deepEqual([d.allow, d.reasonCode], [false, "taint.public_input_dangerous"]);
 * ```
 */
export function checkTaint(p: DataProvenance, opts: {
  readonly operation: string;
  readonly tier: RiskTier;
  readonly targetZone: ZoneId | string;
  readonly now: number;
  readonly approval?: ApprovalToken;
  readonly approvalId?: ObjectId;
  readonly ownerPublicKey?: Uint8Array;
  readonly zones?: readonly GenesisZone[];
}): TaintDecision {
  const taint = effectiveTaint(p);
  const rank = TIER_RANK[opts.tier];
  if (rank === undefined) throw new FcpError("FCP-1040", `unknown risk tier ${opts.tier}`);
  let reason: TaintReason | undefined;
  if ((taint & TAINT_FLAGS.PUBLIC_INPUT) !== 0 && rank >= TIER_RANK.Dangerous) {
    reason = "taint.public_input_dangerous";
  } else if (
    taint !== NO_TAINT && rank >= TIER_RANK.Risky &&
    zoneLevels(opts.targetZone, opts.zones).integrity > effectiveIntegrity(p)
  ) {
    reason = "taint.elevation_required";
  }
  if (reason === undefined) return { allow: true, reasonCode: "taint.allowed", evidence: [] };
  if (opts.approval !== undefined && opts.approvalId !== undefined && opts.ownerPublicKey) {
    try {
      requireApproval(
        opts.approval,
        { kind: "Elevation", operation: opts.operation },
        opts.ownerPublicKey,
        opts.now,
      );
      return { allow: true, reasonCode: "taint.approved", evidence: [opts.approvalId] };
    } catch {
      // an invalid approval is no approval
    }
  }
  return { allow: false, reasonCode: reason, evidence: [] };
}

/**
 * Throw for a deny taint decision: `taint.public_input_dangerous` → `FCP-4004`,
 * `taint.elevation_required` → `FCP-3006`.
 *
 * @example
 * ```ts
 * import { requireTaintAllowed } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => requireTaintAllowed({ allow: false,
 *   reasonCode: "taint.public_input_dangerous", evidence: [] }), /FCP-4004/);
 * ```
 */
export function requireTaintAllowed(d: TaintDecision): void {
  if (d.allow) return;
  if (d.reasonCode === "taint.elevation_required") {
    throw new FcpError("FCP-3006", "integrity elevation requires an ApprovalToken");
  }
  throw new FcpError("FCP-4004", `taint check failed: ${d.reasonCode}`);
}

/**
 * Project onto the wire header provenance (WIRE.md §4): origin zone, steps, coarse taint
 * level of the effective taint, `elevated` when an IntegrityElevated adjustment exists, and
 * `elevation_token` = hex id of the latest elevation approval.
 *
 * @example
 * ```ts
 * import { originDataProvenance, toHeaderProvenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * const h = toHeaderProvenance(originDataProvenance({ zone: "z:public", now: 0, taint: 1 }));
 * assert.deepEqual(h, { originZone: "z:public", chain: [], taint: "HighlyTainted", elevated: false });
 * ```
 */
export function toHeaderProvenance(p: DataProvenance): Provenance {
  const elevations = p.labelAdjustments.filter((a) => a.kind === "IntegrityElevated");
  const last = elevations[elevations.length - 1];
  return {
    originZone: p.originZone,
    chain: [...p.chain],
    taint: headerTaintLevel(effectiveTaint(p)),
    elevated: last !== undefined,
    ...(last === undefined ? {} : { elevationToken: toHex(last.byApproval) }),
  };
}
