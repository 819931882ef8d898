/**
 * SanitizerReceipt (spec §6.1): a node-signed statement that a sanitizer connector operation
 * processed some input objects and clears named taints from them.
 *
 * Signature: `FCP2-SIGN-V1` with schema id `fcp.core.SanitizerReceipt/1.0.0` over the
 * canonical CBOR with `signature` replaced by `{node_id, signed_at}` (see `nodeSign`);
 * `clears` is the u32 taint bit set; `findings` is not carried (always null).
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
  readRecord,
  readText,
  readUint,
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
import { type TaintFlags, validateTaint } from "./taint.ts";

/** Schema of SanitizerReceipt. */
export const SANITIZER_RECEIPT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "SanitizerReceipt",
  version: "1.0.0",
};

/** A sanitizer receipt (spec §6.1). */
export interface SanitizerReceipt {
  /** Header (schema fcp.core/SanitizerReceipt/1.0.0). */
  readonly header: ObjectHeader;
  /** Connector that sanitized. */
  readonly sanitizerConnector: string;
  /** Operation that sanitized. */
  readonly sanitizerOperation: string;
  /** Objects sanitized. */
  readonly inputs: readonly ObjectId[];
  /** Taints cleared. */
  readonly clears: TaintFlags;
  /** When it ran, Unix seconds. */
  readonly executedAt: number;
  /** Node that ran it. */
  readonly executedBy: string;
  /** The executing node's signature. */
  readonly signature: NodeSignature;
}

function unsignedView(r: SanitizerReceipt): Record<string, CborValue> {
  if (r.clears === 0) throw new FcpError("FCP-1013", "a sanitizer receipt must clear some taint");
  return {
    header: headerToCbor(r.header),
    sanitizer_connector: r.sanitizerConnector,
    sanitizer_operation: r.sanitizerOperation,
    inputs: r.inputs.map((id) => readBytes(id, "inputs[]", 32)),
    clears: validateTaint(r.clears),
    findings: null,
    executed_at: r.executedAt,
    executed_by: r.executedBy,
  };
}

/** Parameters of {@link createSanitizerReceipt}. */
export interface SanitizerParams {
  /** Zone. */
  readonly zoneId: ZoneId | string;
  /** Connector. */
  readonly sanitizerConnector: string;
  /** Operation. */
  readonly sanitizerOperation: string;
  /** Objects sanitized. */
  readonly inputs: readonly ObjectId[];
  /** Taints cleared (non-zero). */
  readonly clears: TaintFlags;
  /** Executing node. */
  readonly executedBy: string;
  /** Now, Unix seconds. */
  readonly now: number;
}

/**
 * Build and node-sign a SanitizerReceipt.
 *
 * @example
 * ```ts
 * import { createSanitizerReceipt, verifySanitizerReceipt } from "./sanitizer.ts";
 * import { TAINT_FLAGS } from "./taint.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * const seed = new Uint8Array(32).fill(5);
 * const r = createSanitizerReceipt({ zoneId: "z:work", sanitizerConnector: "urlscan",
 *   sanitizerOperation: "scan", inputs: [new Uint8Array(32)], clears: TAINT_FLAGS.UNVERIFIED_LINK,
 *   executedBy: "node-a", now: 10 }, seed);
 * verifySanitizerReceipt(r, ed25519PublicKey(seed));
 * ```
 */
export function createSanitizerReceipt(
  p: SanitizerParams,
  nodeSeed: AuthoritySigner,
): SanitizerReceipt {
  const zoneId = parseZoneId(p.zoneId);
  const base: SanitizerReceipt = {
    header: {
      schema: SANITIZER_RECEIPT_SCHEMA,
      zoneId,
      createdAt: p.now,
      provenance: originProvenance(zoneId),
      refs: [...p.inputs],
      foreignRefs: [],
    },
    sanitizerConnector: p.sanitizerConnector,
    sanitizerOperation: p.sanitizerOperation,
    inputs: p.inputs,
    clears: p.clears,
    executedAt: p.now,
    executedBy: p.executedBy,
    signature: { nodeId: p.executedBy, signature: new Uint8Array(64), signedAt: p.now },
  };
  const signature = nodeSign(
    SANITIZER_RECEIPT_SCHEMA,
    unsignedView(base),
    p.executedBy,
    p.now,
    nodeSeed,
  );
  return { ...base, signature };
}

/**
 * Verify a SanitizerReceipt: signer must be `executed_by` and the signature valid
 * (`FCP-2001`).
 *
 * @example
 * ```ts
 * import { createSanitizerReceipt, verifySanitizerReceipt } from "./sanitizer.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const seed = new Uint8Array(32).fill(5);
 * const r = createSanitizerReceipt({ zoneId: "z:work", sanitizerConnector: "urlscan",
 *   sanitizerOperation: "scan", inputs: [], clears: 4, executedBy: "node-a", now: 10 }, seed);
 * assert.throws(() => verifySanitizerReceipt({ ...r, clears: 5 }, ed25519PublicKey(seed)), /FCP-2001/);
 * ```
 */
export function verifySanitizerReceipt(r: SanitizerReceipt, nodePublicKey: Uint8Array): void {
  if (r.signature.nodeId !== r.executedBy) {
    throw new FcpError("FCP-2001", "SanitizerReceipt signer is not executed_by");
  }
  requireValidSignature(
    nodeVerify(SANITIZER_RECEIPT_SCHEMA, unsignedView(r), r.signature, nodePublicKey),
    "SanitizerReceipt",
  );
}

/**
 * Canonical CBOR bytes of a SanitizerReceipt.
 *
 * @example
 * ```ts
 * import { createSanitizerReceipt, decodeSanitizerReceipt, encodeSanitizerReceipt } from "./sanitizer.ts";
 * import assert from "node:assert/strict";
 * const r = createSanitizerReceipt({ zoneId: "z:work", sanitizerConnector: "c",
 *   sanitizerOperation: "o", inputs: [], clears: 1, executedBy: "n", now: 1 }, new Uint8Array(32));
 * assert.deepEqual(decodeSanitizerReceipt(encodeSanitizerReceipt(r)), r);
 * ```
 */
export function encodeSanitizerReceipt(r: SanitizerReceipt): Uint8Array {
  return encodeCbor({ ...unsignedView(r), signature: nodeSignatureToCbor(r.signature) });
}

/**
 * Strictly decode canonical SanitizerReceipt bytes (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { decodeSanitizerReceipt } from "./sanitizer.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeSanitizerReceipt(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeSanitizerReceipt(bytes: Uint8Array): SanitizerReceipt {
  const w = "SanitizerReceipt";
  const m = readRecord(decodeCbor(bytes), w, [
    "header",
    "sanitizer_connector",
    "sanitizer_operation",
    "inputs",
    "clears",
    "findings",
    "executed_at",
    "executed_by",
    "signature",
  ]);
  if (m.findings !== null && m.findings !== undefined) {
    throw new FcpError("FCP-1013", `${w}.findings is not supported`);
  }
  const r: SanitizerReceipt = {
    header: headerFromCbor(m.header, `${w}.header`),
    sanitizerConnector: readText(m.sanitizer_connector, `${w}.sanitizer_connector`),
    sanitizerOperation: readText(m.sanitizer_operation, `${w}.sanitizer_operation`),
    inputs: readArray(m.inputs, `${w}.inputs`, (x, p) => readBytes(x, p, 32)),
    clears: readUint(m.clears, `${w}.clears`),
    executedAt: readUint(m.executed_at, `${w}.executed_at`),
    executedBy: readText(m.executed_by, `${w}.executed_by`),
    signature: nodeSignatureFromCbor(m.signature, `${w}.signature`),
  };
  unsignedView(r);
  return r;
}

/**
 * The zone-keyed ObjectId of a SanitizerReceipt.
 *
 * @example
 * ```ts
 * import { createSanitizerReceipt, sanitizerReceiptId } from "./sanitizer.ts";
 * import assert from "node:assert/strict";
 * const r = createSanitizerReceipt({ zoneId: "z:work", sanitizerConnector: "c",
 *   sanitizerOperation: "o", inputs: [], clears: 1, executedBy: "n", now: 1 }, new Uint8Array(32));
 * assert.equal(sanitizerReceiptId(r, new Uint8Array(32)).length, 32);
 * ```
 */
export function sanitizerReceiptId(r: SanitizerReceipt, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    r.header.zoneId,
    schemaHash(SANITIZER_RECEIPT_SCHEMA),
    encodeSanitizerReceipt(r),
  );
}
