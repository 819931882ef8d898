/**
 * Execution leases (spec §15.1) as a single node issues them: for a Risky or Dangerous call the
 * node leases the request (subject = the InvokeRequest ObjectId, purpose `OperationExecution`)
 * to itself, as coordinator with a quorum of one, with a fencing sequence that increases per
 * (zone, subject). The OperationIntent names the lease in `header.refs` and carries its
 * `lease_seq` (spec §9.5 execution rule 2). With more nodes the coordinator comes from HRW and
 * the quorum grows (the mesh issue); the object shape stays.
 *
 * Signing bytes: `FCP2-SIGN-V1` over `SchemaHash(fcp.core/ExecutionLease/1.0.0) ‖ C(unsigned)`
 * (the `authoritySign` form) by each quorum node, listed sorted by node id.
 *
 * @module
 */
import {
  authoritySign,
  type AuthoritySigner,
  authorityVerify,
  requireValidSignature,
} from "../authority/mod.ts";
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import {
  headerToCbor,
  type ObjectHeader,
  type ObjectId,
  objectIdKeyed,
  originProvenance,
  schemaHash,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";

/** Schema of an execution lease. */
export const EXECUTION_LEASE_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "ExecutionLease",
  version: "1.0.0",
};

/** Default lease lifetime: long enough for the wall-clock limit of a call. */
export const DEFAULT_LEASE_TTL_SECS = 600;

/** A lease. */
export interface ExecutionLease {
  /** Header (zone of the request). */
  readonly header: ObjectHeader;
  /** The leased subject (the InvokeRequest id). */
  readonly subjectObjectId: ObjectId;
  /** Always `OperationExecution` here. */
  readonly purpose: "OperationExecution";
  /** Fencing token. */
  readonly leaseSeq: number;
  /** Node that owns execution. */
  readonly ownerNode: string;
  /** Issued at, Unix seconds. */
  readonly iat: number;
  /** Expires at, Unix seconds. */
  readonly exp: number;
  /** Coordinator node. */
  readonly coordinator: string;
  /** `(node id, signature)` pairs, sorted by node id. */
  readonly quorumSignatures: readonly (readonly [string, Uint8Array])[];
}

function unsigned(l: ExecutionLease): Record<string, CborValue> {
  return {
    header: headerToCbor(l.header),
    subject_object_id: l.subjectObjectId,
    purpose: l.purpose,
    lease_seq: l.leaseSeq,
    owner_node: l.ownerNode,
    iat: l.iat,
    exp: l.exp,
    coordinator: l.coordinator,
  };
}

/**
 * Issue a lease to this node (coordinator and sole quorum member).
 *
 * @example
 * ```ts
 * import { issueExecutionLease, verifyExecutionLease } from "./execution_lease.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(2);
 * const l = issueExecutionLease({ zone: "z:work", subject: new Uint8Array(32), leaseSeq: 1,
 *   nodeId: "n", now: 100 }, seed);
 * verifyExecutionLease(l, "n", ed25519PublicKey(seed));
 * assert.equal(l.exp, 700);
 * ```
 */
export function issueExecutionLease(
  p: {
    readonly zone: ZoneId;
    readonly subject: ObjectId;
    readonly leaseSeq: number;
    readonly nodeId: string;
    readonly now: number;
    readonly ttlSecs?: number;
  },
  signer: AuthoritySigner,
): ExecutionLease {
  const base: ExecutionLease = {
    header: {
      schema: EXECUTION_LEASE_SCHEMA,
      zoneId: p.zone,
      createdAt: p.now,
      provenance: originProvenance(p.zone),
      refs: [p.subject],
      foreignRefs: [],
    },
    subjectObjectId: p.subject,
    purpose: "OperationExecution",
    leaseSeq: p.leaseSeq,
    ownerNode: p.nodeId,
    iat: p.now,
    exp: p.now + (p.ttlSecs ?? DEFAULT_LEASE_TTL_SECS),
    coordinator: p.nodeId,
    quorumSignatures: [],
  };
  const sig = authoritySign(EXECUTION_LEASE_SCHEMA, unsigned(base), signer);
  return { ...base, quorumSignatures: [[p.nodeId, sig]] };
}

/**
 * Verify the coordinator's signature of a lease (`FCP-2001`).
 *
 * @example
 * ```ts
 * import { issueExecutionLease, verifyExecutionLease } from "./execution_lease.ts";
 * import assert from "node:assert/strict";
 * const l = issueExecutionLease({ zone: "z:work", subject: new Uint8Array(32), leaseSeq: 1,
 *   nodeId: "n", now: 100 }, new Uint8Array(32).fill(2));
 * assert.throws(() => verifyExecutionLease(l, "n", new Uint8Array(32)), /FCP-2001/);
 * ```
 */
export function verifyExecutionLease(
  l: ExecutionLease,
  nodeId: string,
  publicKey: Uint8Array,
): void {
  const sig = l.quorumSignatures.find(([n]) => n === nodeId)?.[1];
  requireValidSignature(
    sig !== undefined &&
      authorityVerify(EXECUTION_LEASE_SCHEMA, unsigned(l), publicKey, sig),
    "ExecutionLease",
  );
}

/**
 * The lease's canonical bytes and its zone-keyed ObjectId.
 *
 * @example
 * ```ts
 * import { executionLeaseObject, issueExecutionLease } from "./execution_lease.ts";
 * import assert from "node:assert/strict";
 * const l = issueExecutionLease({ zone: "z:work", subject: new Uint8Array(32), leaseSeq: 1,
 *   nodeId: "n", now: 100 }, new Uint8Array(32).fill(2));
 * const { id, bytes } = executionLeaseObject(l, new Uint8Array(32));
 * assert.equal(id.length, 32);
 * assert.ok(bytes.length > 64);
 * ```
 */
export function executionLeaseObject(
  l: ExecutionLease,
  objectIdKey: Uint8Array,
): { readonly id: ObjectId; readonly bytes: Uint8Array } {
  const bytes = encodeCbor({
    ...unsigned(l),
    quorum_signatures: [...l.quorumSignatures].sort(([a], [b]) => (a < b ? -1 : 1)).map((
      [n, s],
    ) => [n, s]),
  });
  return {
    id: objectIdKeyed(objectIdKey, l.header.zoneId, schemaHash(EXECUTION_LEASE_SCHEMA), bytes),
    bytes,
  };
}
