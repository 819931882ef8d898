/**
 * AuditHead (spec §23.4, WIRE.md §11): a signed checkpoint naming the latest event of a
 * zone's audit chain, so that removing events from the end of the chain is detectable.
 *
 * CBOR: `{header, zone_id: tstr, head_event: bstr32, head_seq: uint, coverage: f64,
 * epoch_id: tstr, quorum_signatures: SignatureSet}`. `coverage` is a float (WIRE.md D11, not
 * the spec's coverage_bps), encoded as the shortest lossless float (`1.0` → `f9 3c00`);
 * `epoch_id` is decimal text (D10). Each quorum signature is `FCP2-SIGN-V1` with schema id
 * `fcp.core.AuditHead/1.0.0` over the head with `quorum_signatures` emptied (the same rule
 * as RevocationHead); a single node signs alone with coverage 1.0.
 *
 * @module
 */
import {
  authoritySign,
  type AuthoritySigner,
  authorityVerify,
  type NodeSignature,
  signatureSetFromCbor,
  signatureSetToCbor,
  sortSignatureSet,
} from "../authority/mod.ts";
import { CborFloat, type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { FcpError } from "../core/mod.ts";
import {
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  type ObjectId,
  originProvenance,
  parseZoneId,
  readBytes,
  readRecord,
  readText,
  readUint,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";

/** Schema of AuditHead. */
export const AUDIT_HEAD_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "AuditHead",
  version: "1.0.0",
};

/** A signed head of a zone's audit chain. */
export interface AuditHead {
  /** Header (schema fcp.core/AuditHead/1.0.0); refs = [head_event]. */
  readonly header: ObjectHeader;
  /** The zone. */
  readonly zoneId: ZoneId;
  /** ObjectId of the latest event. */
  readonly headEvent: ObjectId;
  /** Its sequence. */
  readonly headSeq: number;
  /** Fraction of expected nodes contributing, 0..1 (1 for a single node). */
  readonly coverage: number;
  /** Epoch of the checkpoint, decimal text (WIRE.md D10). */
  readonly epochId: string;
  /** Node signatures, sorted by node id. */
  readonly quorumSignatures: readonly NodeSignature[];
}

/** Parameters of {@link createAuditHead}. */
export interface AuditHeadParams {
  /** Zone. */
  readonly zoneId: ZoneId | string;
  /** Latest event id. */
  readonly headEvent: ObjectId;
  /** Latest event seq. */
  readonly headSeq: number;
  /** Coverage 0..1 (default 1). */
  readonly coverage?: number;
  /** Epoch, decimal text. */
  readonly epochId: string;
  /** Now, Unix seconds. */
  readonly now: number;
}

function unsignedView(h: AuditHead): Record<string, CborValue> {
  if (!/^(0|[1-9][0-9]*)$/.test(h.epochId)) {
    throw new FcpError("FCP-1013", "AuditHead.epoch_id must be decimal text");
  }
  if (!Number.isFinite(h.coverage) || h.coverage < 0 || h.coverage > 1) {
    throw new FcpError("FCP-1013", "AuditHead.coverage must be within 0..1");
  }
  if (!Number.isSafeInteger(h.headSeq) || h.headSeq < 0) {
    throw new FcpError("FCP-1013", "AuditHead.head_seq must be a non-negative integer");
  }
  const zone = parseZoneId(h.zoneId);
  const s = h.header.schema;
  if (
    h.header.zoneId !== zone || s.namespace !== AUDIT_HEAD_SCHEMA.namespace ||
    s.name !== AUDIT_HEAD_SCHEMA.name || s.version !== AUDIT_HEAD_SCHEMA.version
  ) {
    throw new FcpError("FCP-1013", "AuditHead.header must be an AuditHead header of its zone");
  }
  return {
    header: headerToCbor(h.header),
    zone_id: zone,
    head_event: readBytes(h.headEvent, "head_event", 32),
    head_seq: h.headSeq,
    coverage: new CborFloat(h.coverage),
    epoch_id: h.epochId,
    quorum_signatures: signatureSetToCbor([]),
  };
}

/**
 * An unsigned AuditHead (no signatures yet; add them with {@link signAuditHead}).
 *
 * @example
 * ```ts
 * import { createAuditHead } from "./audit_head.ts";
 * import assert from "node:assert/strict";
 * const h = createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 4,
 *   epochId: "5", now: 1500 });
 * assert.equal(h.coverage, 1);
 * assert.equal(h.quorumSignatures.length, 0);
 * ```
 */
export function createAuditHead(p: AuditHeadParams): AuditHead {
  const zoneId = parseZoneId(p.zoneId);
  const head: AuditHead = {
    header: {
      schema: AUDIT_HEAD_SCHEMA,
      zoneId,
      createdAt: p.now,
      provenance: originProvenance(zoneId),
      refs: [p.headEvent],
      foreignRefs: [],
    },
    zoneId,
    headEvent: p.headEvent,
    headSeq: p.headSeq,
    coverage: p.coverage ?? 1,
    epochId: p.epochId,
    quorumSignatures: [],
  };
  unsignedView(head);
  return head;
}

/**
 * Add one node's signature (`FCP-1013` if that node already signed).
 *
 * @example
 * ```ts
 * import { auditHeadSignatureCount, createAuditHead, signAuditHead } from "./audit_head.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(2);
 * const h = signAuditHead(createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32),
 *   headSeq: 0, epochId: "1", now: 5 }), "node-a", seed, 5);
 * assert.equal(auditHeadSignatureCount(h, (n) => n === "node-a" ? ed25519PublicKey(seed) : undefined), 1);
 * ```
 */
export function signAuditHead(
  head: AuditHead,
  nodeId: string,
  signer: AuthoritySigner,
  now: number,
): AuditHead {
  const signature = authoritySign(AUDIT_HEAD_SCHEMA, unsignedView(head), signer);
  const sigs = sortSignatureSet([...head.quorumSignatures, { nodeId, signature, signedAt: now }]);
  return { ...head, quorumSignatures: sigs };
}

/**
 * Check every signature of a head and return how many are valid. An unknown signer is
 * `FCP-2008`, an invalid signature the opaque `FCP-2001`.
 *
 * @example
 * ```ts
 * import { auditHeadSignatureCount, createAuditHead, signAuditHead } from "./audit_head.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(2);
 * const h = signAuditHead(createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32),
 *   headSeq: 0, epochId: "1", now: 5 }), "node-a", seed, 5);
 * const keys = (n: string) => n === "node-a" ? ed25519PublicKey(seed) : undefined;
 * assert.throws(() => auditHeadSignatureCount({ ...h, headSeq: 1 }, keys), /FCP-2001/);
 * assert.throws(() => auditHeadSignatureCount(h, () => undefined), /FCP-2008/);
 * ```
 */
export function auditHeadSignatureCount(
  head: AuditHead,
  resolveKey: (nodeId: string) => Uint8Array | undefined,
): number {
  const unsigned = unsignedView(head);
  sortSignatureSet(head.quorumSignatures);
  for (const s of head.quorumSignatures) {
    const pk = resolveKey(s.nodeId);
    if (pk === undefined) throw new FcpError("FCP-2008", `unknown audit head signer ${s.nodeId}`);
    if (!authorityVerify(AUDIT_HEAD_SCHEMA, unsigned, pk, s.signature)) {
      throw new FcpError("FCP-2001", "AuditHead signature is invalid");
    }
  }
  return head.quorumSignatures.length;
}

/**
 * Verify a head: every signature valid and at least `threshold` signers (`FCP-5003` when too
 * few). Spec §23.4: a head is only as good as its quorum.
 *
 * @example
 * ```ts
 * import { createAuditHead, verifyAuditHead } from "./audit_head.ts";
 * import assert from "node:assert/strict";
 * const h = createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 0,
 *   epochId: "1", now: 5 });
 * assert.throws(() => verifyAuditHead(h, () => undefined, 1), /FCP-5003/);
 * ```
 */
export function verifyAuditHead(
  head: AuditHead,
  resolveKey: (nodeId: string) => Uint8Array | undefined,
  threshold = 1,
): void {
  const n = auditHeadSignatureCount(head, resolveKey);
  if (n < threshold) {
    throw new FcpError("FCP-5003", `audit head has ${n} signatures, needs ${threshold}`);
  }
}

/**
 * The CBOR value of an AuditHead.
 *
 * @example
 * ```ts
 * import { auditHeadToCbor, createAuditHead } from "./audit_head.ts";
 * import { CborFloat } from "../cbor/mod.ts";
 * import assert from "node:assert/strict";
 * const h = createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 0,
 *   epochId: "1", now: 5 });
 * assert.ok((auditHeadToCbor(h) as Record<string, unknown>).coverage instanceof CborFloat);
 * ```
 */
export function auditHeadToCbor(h: AuditHead): CborValue {
  return { ...unsignedView(h), quorum_signatures: signatureSetToCbor(h.quorumSignatures) };
}

/**
 * Read an AuditHead from its CBOR value (`FCP-1013` on a wrong shape).
 *
 * @example
 * ```ts
 * import { auditHeadFromCbor, auditHeadToCbor, createAuditHead } from "./audit_head.ts";
 * import assert from "node:assert/strict";
 * const h = createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 3,
 *   coverage: 0.5, epochId: "9", now: 5 });
 * assert.deepEqual(auditHeadFromCbor(auditHeadToCbor(h)), h);
 * assert.throws(() => auditHeadFromCbor({ ...(auditHeadToCbor(h) as object), coverage: 1 }), /FCP-1013/);
 * ```
 */
export function auditHeadFromCbor(v: CborValue | undefined, what = "AuditHead"): AuditHead {
  const m = readRecord(v, what, [
    "header",
    "zone_id",
    "head_event",
    "head_seq",
    "coverage",
    "epoch_id",
    "quorum_signatures",
  ]);
  const c = m.coverage;
  let coverage: number;
  if (c instanceof CborFloat) coverage = c.value;
  else if (typeof c === "number" && !Number.isInteger(c)) coverage = c;
  else throw new FcpError("FCP-1013", `${what}.coverage must be a float`);
  const head: AuditHead = {
    header: headerFromCbor(m.header, `${what}.header`),
    zoneId: parseZoneId(readText(m.zone_id, `${what}.zone_id`)),
    headEvent: readBytes(m.head_event, `${what}.head_event`, 32),
    headSeq: readUint(m.head_seq, `${what}.head_seq`),
    coverage,
    epochId: readText(m.epoch_id, `${what}.epoch_id`),
    quorumSignatures: signatureSetFromCbor(m.quorum_signatures, `${what}.quorum_signatures`),
  };
  unsignedView(head);
  return head;
}

/**
 * Canonical CBOR bytes of an AuditHead.
 *
 * @example
 * ```ts
 * import { createAuditHead, decodeAuditHead, encodeAuditHead } from "./audit_head.ts";
 * import assert from "node:assert/strict";
 * const h = createAuditHead({ zoneId: "z:work", headEvent: new Uint8Array(32), headSeq: 0,
 *   epochId: "1", now: 5 });
 * assert.deepEqual(decodeAuditHead(encodeAuditHead(h)), h);
 * ```
 */
export function encodeAuditHead(h: AuditHead): Uint8Array {
  return encodeCbor(auditHeadToCbor(h));
}

/**
 * Strictly decode canonical AuditHead bytes (`FCP-1001`…`FCP-1013`).
 *
 * @example
 * ```ts
 * import { decodeAuditHead } from "./audit_head.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeAuditHead(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeAuditHead(bytes: Uint8Array): AuditHead {
  return auditHeadFromCbor(decodeCbor(bytes));
}
