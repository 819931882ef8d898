/**
 * The connector interface hash (spec §11.1 "Interface hash", format `algorithm:domain:digest`).
 *
 * The interface descriptor is the canonical CBOR (RFC 8949 §4.2.1, `encodeCbor`) of the map
 *
 * ```
 * {
 *   "connector_id": <connector id>,
 *   "capabilities": { "required": [...], "optional": [...], "forbidden": [...] },  // each sorted, unique
 *   "operations": [                                     // sorted by id (UTF-8 bytewise)
 *     { "id", "capability", "risk_level", "safety_tier", "idempotency",
 *       "requires_approval",                            // "none" when absent
 *       "input_schema", "output_schema" }               // the schema's JSON value
 *   ]
 * }
 * ```
 *
 * and `interface_hash = "blake3-256:fcp.interface.v2:" ‖ hex(BLAKE3-256("fcp.interface.v2" ‖
 * descriptor_cbor))`. It covers what callers program against and what enforcement keys on;
 * descriptions, AI hints, rate limits, network constraints, sandbox, zones, state model and
 * the connector version are not part of it (changing them does not change the interface).
 * JSON numbers in schemas encode as CBOR integers when integral, else as the shortest float.
 *
 * @module
 */
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import { compareBytes, concatBytes, toHex, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";
import type { ApprovalMode, OperationJsonSchema } from "./manifest_types.ts";

/** The domain of the interface hash (spec §11.1 example `fcp.interface.v2`). */
export const INTERFACE_HASH_DOMAIN = "fcp.interface.v2";
/** The prefix of every interface hash string. */
export const INTERFACE_HASH_PREFIX = `blake3-256:${INTERFACE_HASH_DOMAIN}:`;
/** What a well-formed interface hash looks like. */
export const INTERFACE_HASH_PATTERN = /^blake3-256:fcp\.interface\.v2:[0-9a-f]{64}$/;

/** The parts of a manifest the interface hash covers. */
export interface InterfaceInput {
  /** Connector id. */
  id: string;
  /** Capability lists. */
  capabilities: { required: string[]; optional: string[]; forbidden: string[] };
  /** Operations. */
  operations: ReadonlyArray<{
    id: string;
    capability: string;
    riskLevel: string;
    safetyTier: string;
    idempotency: string;
    requiresApproval?: ApprovalMode | string;
    inputSchema: OperationJsonSchema;
    outputSchema: OperationJsonSchema;
  }>;
}

const byBytes = (a: string, b: string): number => compareBytes(utf8(a), utf8(b));

const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort(byBytes);

/**
 * The canonical CBOR interface descriptor (see the module doc for its exact shape).
 *
 * @example
 * ```ts
 * import { interfaceDescriptor } from "./manifest_interface_hash.ts";
 * import { decodeCbor } from "../cbor/mod.ts";
 * import assert from "node:assert/strict";
 * const d = interfaceDescriptor({
 *   id: "fcp.demo",
 *   capabilities: { required: ["demo.read"], optional: [], forbidden: ["system.exec"] },
 *   operations: [],
 * });
 * assert.deepEqual(decodeCbor(d), {
 *   connector_id: "fcp.demo",
 *   capabilities: { required: ["demo.read"], optional: [], forbidden: ["system.exec"] },
 *   operations: [],
 * });
 * ```
 */
export function interfaceDescriptor(input: InterfaceInput): Uint8Array {
  const ops = [...input.operations].sort((a, b) => byBytes(a.id, b.id)).map((op) => ({
    id: op.id,
    capability: op.capability,
    risk_level: op.riskLevel,
    safety_tier: op.safetyTier,
    idempotency: op.idempotency,
    requires_approval: op.requiresApproval ?? "none",
    input_schema: op.inputSchema as CborValue,
    output_schema: op.outputSchema as CborValue,
  }));
  return encodeCbor({
    connector_id: input.id,
    capabilities: {
      required: sortedUnique(input.capabilities.required),
      optional: sortedUnique(input.capabilities.optional),
      forbidden: sortedUnique(input.capabilities.forbidden),
    },
    operations: ops,
  });
}

/**
 * The interface hash string `blake3-256:fcp.interface.v2:<64 hex>` (spec §11.1).
 *
 * @example
 * ```ts
 * import { computeInterfaceHash, INTERFACE_HASH_PATTERN } from "./manifest_interface_hash.ts";
 * import assert from "node:assert/strict";
 * const base = {
 *   id: "fcp.demo",
 *   capabilities: { required: ["demo.read"], optional: [], forbidden: ["system.exec"] },
 *   operations: [],
 * };
 * const h = computeInterfaceHash(base);
 * assert.match(h, INTERFACE_HASH_PATTERN);
 * assert.notEqual(computeInterfaceHash({ ...base, id: "fcp.other" }), h);
 * ```
 */
export function computeInterfaceHash(input: InterfaceInput): string {
  const digest = blake3(concatBytes(utf8(INTERFACE_HASH_DOMAIN), interfaceDescriptor(input)));
  return INTERFACE_HASH_PREFIX + toHex(digest);
}
