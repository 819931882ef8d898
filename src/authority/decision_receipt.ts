/**
 * DecisionReceipt (WIRE.md §11; spec §23.4; revision proposal 8): a signed, content-addressed
 * record of why a request was allowed or denied, with a stable reason code and the ids of
 * the objects that justify it.
 *
 * CBOR (WIRE.md §11 field set): `{header, request_object_id: bstr32, decision: "allow"|"deny",
 * reason_code: tstr, evidence: [bstr32], explanation: tstr|null, signature: NodeSignature}`.
 * The spec's `decided_by` / `decided_at` are the NodeSignature's `node_id` / `signed_at`.
 * Signature: `FCP2-SIGN-V1`, schema id `fcp.core.DecisionReceipt/1.0.0`, over the canonical
 * CBOR with `signature` replaced by `{node_id, signed_at}` (see `nodeSign`).
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { FcpError } from "../core/mod.ts";
import {
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  type ObjectId,
  objectIdKeyed,
  originProvenance,
  parseZoneId,
  readArray,
  readBytes,
  readEnum,
  readOptional,
  readRecord,
  readText,
  schemaHash,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";
import {
  type AuthoritySigner,
  nodeSign,
  type NodeSignature,
  nodeSignatureFromCbor,
  nodeSignatureToCbor,
  nodeVerify,
  requireValidSignature,
} from "./node_signature.ts";

/** Schema of DecisionReceipt. */
export const DECISION_RECEIPT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "DecisionReceipt",
  version: "1.0.0",
};

/**
 * Well-known stable reason codes (dotted, lowercase). Others may be used if they follow the
 * same shape (`area.reason`).
 */
export const DECISION_REASONS = {
  allowed: "decision.allowed",
  revoked: "revocation.revoked",
  staleFrontier: "revocation.stale_frontier",
  publicInputDangerous: "taint.public_input_dangerous",
  elevationRequired: "taint.elevation_required",
  approvalRequired: "approval.required",
  capabilityInsufficient: "capability.insufficient",
  policyDefaultDeny: "policy.default_deny",
} as const;

const REASON_SHAPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** A decision receipt. */
export interface DecisionReceipt {
  /** Header (schema fcp.core/DecisionReceipt/1.0.0). */
  readonly header: ObjectHeader;
  /** The request evaluated. */
  readonly requestObjectId: ObjectId;
  /** The outcome. */
  readonly decision: "allow" | "deny";
  /** Stable reason code such as `revocation.stale_frontier`. */
  readonly reasonCode: string;
  /** Ids that justify the decision (token, grants, approvals, revocation head, …). */
  readonly evidence: readonly ObjectId[];
  /** Optional human-readable explanation. */
  readonly explanation?: string;
  /** The deciding node's signature (node id = decided_by, signed_at = decided_at). */
  readonly signature: NodeSignature;
}

function unsignedView(r: DecisionReceipt): Record<string, CborValue> {
  if (!REASON_SHAPE.test(r.reasonCode) || r.reasonCode.length > 128) {
    throw new FcpError(
      "FCP-1013",
      `reason_code ${JSON.stringify(r.reasonCode)} is not a stable code`,
    );
  }
  return {
    header: headerToCbor(r.header),
    request_object_id: readBytes(r.requestObjectId, "request_object_id", 32),
    decision: readEnum(r.decision, "decision", ["allow", "deny"] as const),
    reason_code: r.reasonCode,
    evidence: r.evidence.map((id) => readBytes(id, "evidence[]", 32)),
    explanation: r.explanation ?? null,
  };
}

/** Parameters of {@link createDecisionReceipt}. */
export interface DecisionParams {
  /** Zone of the request. */
  readonly zoneId: ZoneId | string;
  /** The request evaluated. */
  readonly requestObjectId: ObjectId;
  /** Allow or deny. */
  readonly decision: "allow" | "deny";
  /** Stable reason code. */
  readonly reasonCode: string;
  /** Evidence ids. */
  readonly evidence?: readonly ObjectId[];
  /** Explanation. */
  readonly explanation?: string;
  /** Deciding node. */
  readonly decidedBy: string;
  /** Now, Unix seconds. */
  readonly now: number;
}

/**
 * Build and node-sign a DecisionReceipt. The header's foreign refs hold the evidence ids
 * (audit-only references).
 *
 * @example
 * ```ts
 * import { createDecisionReceipt, verifyDecisionReceipt } from "./decision_receipt.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(6);
 * const r = createDecisionReceipt({ zoneId: "z:work", requestObjectId: new Uint8Array(32),
 *   decision: "deny", reasonCode: "revocation.stale_frontier", decidedBy: "node-a", now: 10 }, seed);
 * verifyDecisionReceipt(r, ed25519PublicKey(seed));
 * assert.equal(r.signature.nodeId, "node-a");
 * ```
 */
export function createDecisionReceipt(
  p: DecisionParams,
  nodeSeed: AuthoritySigner,
): DecisionReceipt {
  const zoneId = parseZoneId(p.zoneId);
  const evidence = [...(p.evidence ?? [])];
  const base: DecisionReceipt = {
    header: {
      schema: DECISION_RECEIPT_SCHEMA,
      zoneId,
      createdAt: p.now,
      provenance: originProvenance(zoneId),
      refs: [],
      foreignRefs: evidence,
    },
    requestObjectId: p.requestObjectId,
    decision: p.decision,
    reasonCode: p.reasonCode,
    evidence,
    ...(p.explanation === undefined ? {} : { explanation: p.explanation }),
    signature: { nodeId: p.decidedBy, signature: new Uint8Array(64), signedAt: p.now },
  };
  const signature = nodeSign(
    DECISION_RECEIPT_SCHEMA,
    unsignedView(base),
    p.decidedBy,
    p.now,
    nodeSeed,
  );
  return { ...base, signature };
}

/**
 * Verify a DecisionReceipt's signature with the deciding node's key (`FCP-2001`; any
 * tampered field fails).
 *
 * @example
 * ```ts
 * import { createDecisionReceipt, verifyDecisionReceipt } from "./decision_receipt.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(6);
 * const r = createDecisionReceipt({ zoneId: "z:work", requestObjectId: new Uint8Array(32),
 *   decision: "deny", reasonCode: "policy.default_deny", decidedBy: "node-a", now: 10 }, seed);
 * assert.throws(() => verifyDecisionReceipt({ ...r, decision: "allow" }, ed25519PublicKey(seed)), /FCP-2001/);
 * ```
 */
export function verifyDecisionReceipt(r: DecisionReceipt, nodePublicKey: Uint8Array): void {
  requireValidSignature(
    nodeVerify(DECISION_RECEIPT_SCHEMA, unsignedView(r), r.signature, nodePublicKey),
    "DecisionReceipt",
  );
}

/**
 * Canonical CBOR bytes of a DecisionReceipt.
 *
 * @example
 * ```ts
 * import { createDecisionReceipt, decodeDecisionReceipt, encodeDecisionReceipt } from "./decision_receipt.ts";
 * import assert from "node:assert/strict";
 * const r = createDecisionReceipt({ zoneId: "z:work", requestObjectId: new Uint8Array(32),
 *   decision: "allow", reasonCode: "policy.allowed", explanation: "ok",
 *   evidence: [new Uint8Array(32).fill(1)], decidedBy: "n", now: 1 }, new Uint8Array(32));
 * assert.deepEqual(decodeDecisionReceipt(encodeDecisionReceipt(r)), r);
 * ```
 */
export function encodeDecisionReceipt(r: DecisionReceipt): Uint8Array {
  return encodeCbor({ ...unsignedView(r), signature: nodeSignatureToCbor(r.signature) });
}

/**
 * Strictly decode canonical DecisionReceipt bytes (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { decodeDecisionReceipt } from "./decision_receipt.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeDecisionReceipt(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeDecisionReceipt(bytes: Uint8Array): DecisionReceipt {
  const w = "DecisionReceipt";
  const m = readRecord(decodeCbor(bytes), w, [
    "header",
    "request_object_id",
    "decision",
    "reason_code",
    "evidence",
    "explanation",
    "signature",
  ]);
  const explanation = readOptional(m.explanation, `${w}.explanation`, readText);
  const r: DecisionReceipt = {
    header: headerFromCbor(m.header, `${w}.header`),
    requestObjectId: readBytes(m.request_object_id, `${w}.request_object_id`, 32),
    decision: readEnum(m.decision, `${w}.decision`, ["allow", "deny"] as const),
    reasonCode: readText(m.reason_code, `${w}.reason_code`),
    evidence: readArray(m.evidence, `${w}.evidence`, (x, p) => readBytes(x, p, 32)),
    ...(explanation === undefined ? {} : { explanation }),
    signature: nodeSignatureFromCbor(m.signature, `${w}.signature`),
  };
  unsignedView(r);
  return r;
}

/**
 * The zone-keyed ObjectId of a DecisionReceipt.
 *
 * @example
 * ```ts
 * import { createDecisionReceipt, decisionReceiptId } from "./decision_receipt.ts";
 * import assert from "node:assert/strict";
 * const r = createDecisionReceipt({ zoneId: "z:work", requestObjectId: new Uint8Array(32),
 *   decision: "allow", reasonCode: "policy.allowed", decidedBy: "n", now: 1 }, new Uint8Array(32));
 * assert.equal(decisionReceiptId(r, new Uint8Array(32)).length, 32);
 * ```
 */
export function decisionReceiptId(r: DecisionReceipt, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    r.header.zoneId,
    schemaHash(DECISION_RECEIPT_SCHEMA),
    encodeDecisionReceipt(r),
  );
}
