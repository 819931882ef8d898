/**
 * ApprovalToken (spec §5.2.1, §6.3): an owner-signed, expiring mesh object that authorizes an
 * integrity elevation, a declassification, or a scoped execution.
 *
 * Choices (recorded in docs/wire.md): the spec's `Elevation.original_provenance` is replaced
 * by the ids of the objects whose provenance is elevated (`object_ids`), so the token binds
 * to content-addressed objects; `Execution.method_pattern` uses the policy glob grammar;
 * input constraints are not implemented. Signature: `FCP2-SIGN-V1` with schema id
 * `fcp.core.ApprovalToken/2.0.0` over the canonical CBOR with `signature` removed. The scope
 * is a serde-style externally tagged map, e.g. `{"Elevation": {operation, object_ids}}`.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError } from "../core/mod.ts";
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
  readOptional,
  readRecord,
  readText,
  readUint,
  schemaHash,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";
import {
  authoritySign,
  type AuthoritySigner,
  authorityVerify,
  requireValidSignature,
} from "./node_signature.ts";
import { compileGlob } from "./policy_glob.ts";

/** Schema of ApprovalToken (version 2.0.0, as in spec §6.3). */
export const APPROVAL_TOKEN_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "ApprovalToken",
  version: "2.0.0",
};

/** Default approval lifetime, seconds (spec §5.2.1). */
export const DEFAULT_APPROVAL_TTL_SECS = 300;

/** What an approval authorizes. */
export type ApprovalScope =
  | {
    /** Integrity elevation for an operation over specific objects. */
    readonly kind: "Elevation";
    /** The operation id. */
    readonly operation: string;
    /** Objects whose integrity is elevated. */
    readonly objectIds: readonly ObjectId[];
  }
  | {
    /** Confidentiality downgrade of specific objects between two zones. */
    readonly kind: "Declassification";
    /** Source zone. */
    readonly fromZone: ZoneId;
    /** Target zone. */
    readonly toZone: ZoneId;
    /** Objects declassified. */
    readonly objectIds: readonly ObjectId[];
  }
  | {
    /** Scoped execution approval for a connector method. */
    readonly kind: "Execution";
    /** Connector id. */
    readonly connectorId: string;
    /** Glob over method names. */
    readonly methodPattern: string;
    /** The request bound to (required for Risky/Dangerous). */
    readonly requestObjectId?: ObjectId;
  };

/** An owner-signed approval (spec §5.2.1). */
export interface ApprovalToken {
  /** Header (schema fcp.core/ApprovalToken/2.0.0). */
  readonly header: ObjectHeader;
  /** What is approved. */
  readonly scope: ApprovalScope;
  /** Why (UI + audit). */
  readonly justification: string;
  /** Approving principal. */
  readonly approvedBy: string;
  /** Approval time, Unix seconds. */
  readonly approvedAt: number;
  /** Expiry, Unix seconds. */
  readonly expiresAt: number;
  /** Owner Ed25519 signature. */
  readonly signature: Uint8Array;
}

/** What an action needs approved; matched against a token's scope. */
export type ApprovalNeed =
  | {
    readonly kind: "Elevation";
    readonly operation: string;
    readonly objectIds?: readonly ObjectId[];
  }
  | {
    readonly kind: "Declassification";
    readonly fromZone: ZoneId | string;
    readonly toZone: ZoneId | string;
    readonly objectIds: readonly ObjectId[];
  }
  | {
    readonly kind: "Execution";
    readonly connectorId: string;
    readonly method: string;
    readonly requestObjectId?: ObjectId;
  };

function ids(list: readonly ObjectId[], what: string): Uint8Array[] {
  return list.map((id) => readBytes(id, what, 32));
}

function scopeToCbor(s: ApprovalScope): CborValue {
  switch (s.kind) {
    case "Elevation":
      return {
        Elevation: { operation: s.operation, object_ids: ids(s.objectIds, "object_ids[]") },
      };
    case "Declassification":
      return {
        Declassification: {
          from_zone: parseZoneId(s.fromZone),
          to_zone: parseZoneId(s.toZone),
          object_ids: ids(s.objectIds, "object_ids[]"),
        },
      };
    case "Execution":
      compileGlob(s.methodPattern);
      return {
        Execution: {
          connector_id: s.connectorId,
          method_pattern: s.methodPattern,
          request_object_id: s.requestObjectId === undefined
            ? null
            : readBytes(s.requestObjectId, "request_object_id", 32),
        },
      };
    default:
      throw new FcpError("FCP-1013", "unknown approval scope");
  }
}

function scopeFromCbor(v: CborValue | undefined, what: string): ApprovalScope {
  const m = readRecord(v, what, ["Elevation", "Declassification", "Execution"]);
  const keys = Object.keys(m);
  if (keys.length !== 1) throw new FcpError("FCP-1013", `${what} must have exactly one variant`);
  const idList = (x: CborValue | undefined, w: string) =>
    readArray(x, w, (y, z) => readBytes(y, z, 32));
  if (m.Elevation !== undefined) {
    const e = readRecord(m.Elevation, `${what}.Elevation`, ["operation", "object_ids"]);
    return {
      kind: "Elevation",
      operation: readText(e.operation, `${what}.Elevation.operation`),
      objectIds: idList(e.object_ids, `${what}.Elevation.object_ids`),
    };
  }
  if (m.Declassification !== undefined) {
    const w = `${what}.Declassification`;
    const d = readRecord(m.Declassification, w, ["from_zone", "to_zone", "object_ids"]);
    return {
      kind: "Declassification",
      fromZone: parseZoneId(readText(d.from_zone, `${w}.from_zone`)),
      toZone: parseZoneId(readText(d.to_zone, `${w}.to_zone`)),
      objectIds: idList(d.object_ids, `${w}.object_ids`),
    };
  }
  const w = `${what}.Execution`;
  const x = readRecord(m.Execution, w, ["connector_id", "method_pattern", "request_object_id"]);
  const req = readOptional(
    x.request_object_id,
    `${w}.request_object_id`,
    (y, z) => readBytes(y, z, 32),
  );
  const pattern = readText(x.method_pattern, `${w}.method_pattern`);
  compileGlob(pattern);
  return {
    kind: "Execution",
    connectorId: readText(x.connector_id, `${w}.connector_id`),
    methodPattern: pattern,
    ...(req === undefined ? {} : { requestObjectId: req }),
  };
}

function unsignedView(t: ApprovalToken): Record<string, CborValue> {
  if (t.expiresAt <= t.approvedAt) {
    throw new FcpError("FCP-1013", "expires_at must be after approved_at");
  }
  return {
    header: headerToCbor(t.header),
    scope: scopeToCbor(t.scope),
    justification: t.justification,
    approved_by: t.approvedBy,
    approved_at: t.approvedAt,
    expires_at: t.expiresAt,
  };
}

/** Parameters of {@link createApprovalToken}. */
export interface ApprovalParams {
  /** Zone the token lives in. */
  readonly zoneId: ZoneId | string;
  /** What is approved. */
  readonly scope: ApprovalScope;
  /** Why. */
  readonly justification: string;
  /** Approving principal. */
  readonly approvedBy: string;
  /** Now, Unix seconds. */
  readonly now: number;
  /** Lifetime (default 300 s). */
  readonly ttlSecs?: number;
}

/**
 * Build and owner-sign an ApprovalToken.
 *
 * @example
 * ```ts
 * import { createApprovalToken, verifyApprovalToken } from "./approval.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(32).fill(1);
 * const t = createApprovalToken({ zoneId: "z:work", justification: "reviewed",
 *   approvedBy: "owner", now: 100,
 *   scope: { kind: "Elevation", operation: "email.send", objectIds: [] } }, owner);
 * verifyApprovalToken(t, ed25519PublicKey(owner), 200);
 * assert.equal(t.expiresAt, 400);
 * ```
 */
export function createApprovalToken(p: ApprovalParams, ownerSeed: AuthoritySigner): ApprovalToken {
  const ttl = p.ttlSecs ?? DEFAULT_APPROVAL_TTL_SECS;
  const zoneId = parseZoneId(p.zoneId);
  const unsigned: ApprovalToken = {
    header: {
      schema: APPROVAL_TOKEN_SCHEMA,
      zoneId,
      createdAt: p.now,
      provenance: originProvenance(zoneId),
      refs: [],
      foreignRefs: [],
      ttlSecs: ttl,
    },
    scope: p.scope,
    justification: p.justification,
    approvedBy: p.approvedBy,
    approvedAt: p.now,
    expiresAt: p.now + ttl,
    signature: new Uint8Array(64),
  };
  return {
    ...unsigned,
    signature: authoritySign(APPROVAL_TOKEN_SCHEMA, unsignedView(unsigned), ownerSeed),
  };
}

/**
 * Verify an ApprovalToken: owner signature (`FCP-2001`), and validity at `now`
 * (approved_at ≤ now ≤ expires_at, else `FCP-3006`: a stale approval is no approval).
 *
 * @example
 * ```ts
 * import { createApprovalToken, verifyApprovalToken } from "./approval.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(32).fill(1);
 * const t = createApprovalToken({ zoneId: "z:work", justification: "ok", approvedBy: "owner",
 *   now: 100, scope: { kind: "Elevation", operation: "op", objectIds: [] } }, owner);
 * assert.throws(() => verifyApprovalToken(t, ed25519PublicKey(owner), 401), /FCP-3006/);
 * ```
 */
export function verifyApprovalToken(
  t: ApprovalToken,
  ownerPublicKey: Uint8Array,
  now: number,
): void {
  requireValidSignature(
    authorityVerify(APPROVAL_TOKEN_SCHEMA, unsignedView(t), ownerPublicKey, t.signature),
    "ApprovalToken",
  );
  if (now > t.expiresAt) throw new FcpError("FCP-3006", "approval token expired");
  if (now < t.approvedAt) throw new FcpError("FCP-3006", "approval token is not yet valid");
}

function containsAll(have: readonly ObjectId[], want: readonly ObjectId[]): boolean {
  return want.every((w) => have.some((h) => equalBytes(h, w)));
}

/**
 * Whether a scope covers a need: same kind and operation / zones / connector, every needed
 * object id listed, the method matching the glob, and the request id equal when bound.
 *
 * @example
 * ```ts
 * import { approvalCovers } from "./approval.ts";
 * import assert from "node:assert/strict";
 * const scope = { kind: "Execution", connectorId: "gmail", methodPattern: "send*" } as const;
 * assert.ok(approvalCovers(scope, { kind: "Execution", connectorId: "gmail", method: "send_mail" }));
 * assert.ok(!approvalCovers(scope, { kind: "Execution", connectorId: "gmail", method: "delete" }));
 * ```
 */
export function approvalCovers(scope: ApprovalScope, need: ApprovalNeed): boolean {
  switch (need.kind) {
    case "Elevation":
      return scope.kind === "Elevation" && scope.operation === need.operation &&
        containsAll(scope.objectIds, need.objectIds ?? []);
    case "Declassification":
      return scope.kind === "Declassification" && scope.fromZone === need.fromZone &&
        scope.toZone === need.toZone && containsAll(scope.objectIds, need.objectIds);
    case "Execution":
      if (scope.kind !== "Execution" || scope.connectorId !== need.connectorId) return false;
      if (!compileGlob(scope.methodPattern).matches(need.method)) return false;
      if (scope.requestObjectId === undefined) return true;
      return need.requestObjectId !== undefined &&
        equalBytes(scope.requestObjectId, need.requestObjectId);
    default:
      return false;
  }
}

/**
 * Require a valid approval covering `need`: no token or a token whose scope does not cover
 * it → `FCP-3006` (approval.required); bad signature → `FCP-2001`; expired → `FCP-3006`.
 *
 * @example
 * ```ts
 * import { requireApproval } from "./approval.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => requireApproval(undefined, { kind: "Elevation", operation: "op" },
 *   new Uint8Array(32), 0), /FCP-3006/);
 * ```
 */
export function requireApproval(
  token: ApprovalToken | undefined,
  need: ApprovalNeed,
  ownerPublicKey: Uint8Array,
  now: number,
): ApprovalToken {
  if (token === undefined) {
    throw new FcpError("FCP-3006", `${need.kind.toLowerCase()} requires an ApprovalToken`);
  }
  verifyApprovalToken(token, ownerPublicKey, now);
  if (!approvalCovers(token.scope, need)) {
    throw new FcpError("FCP-3006", `ApprovalToken does not cover this ${need.kind.toLowerCase()}`);
  }
  return token;
}

/**
 * Canonical CBOR bytes of an ApprovalToken.
 *
 * @example
 * ```ts
 * import { createApprovalToken, decodeApprovalToken, encodeApprovalToken } from "./approval.ts";
 * import assert from "node:assert/strict";
 * const t = createApprovalToken({ zoneId: "z:work", justification: "ok", approvedBy: "owner",
 *   now: 1, scope: { kind: "Declassification", fromZone: "z:private", toZone: "z:work",
 *   objectIds: [new Uint8Array(32)] } }, new Uint8Array(32).fill(1));
 * assert.deepEqual(decodeApprovalToken(encodeApprovalToken(t)), t);
 * ```
 */
export function encodeApprovalToken(t: ApprovalToken): Uint8Array {
  if (t.signature.length !== 64) throw new FcpError("FCP-1013", "signature must be 64 bytes");
  return encodeCbor({ ...unsignedView(t), signature: t.signature });
}

/**
 * Strictly decode canonical ApprovalToken bytes (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { decodeApprovalToken } from "./approval.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeApprovalToken(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeApprovalToken(bytes: Uint8Array): ApprovalToken {
  const what = "ApprovalToken";
  const m = readRecord(decodeCbor(bytes), what, [
    "header",
    "scope",
    "justification",
    "approved_by",
    "approved_at",
    "expires_at",
    "signature",
  ]);
  const t: ApprovalToken = {
    header: headerFromCbor(m.header, `${what}.header`),
    scope: scopeFromCbor(m.scope, `${what}.scope`),
    justification: readText(m.justification, `${what}.justification`),
    approvedBy: readText(m.approved_by, `${what}.approved_by`),
    approvedAt: readUint(m.approved_at, `${what}.approved_at`),
    expiresAt: readUint(m.expires_at, `${what}.expires_at`),
    signature: readBytes(m.signature, `${what}.signature`, 64),
  };
  unsignedView(t);
  return t;
}

/**
 * The zone-keyed ObjectId of an ApprovalToken (spec §6.3: approvals are referenced by id).
 *
 * @example
 * ```ts
 * import { approvalTokenId, createApprovalToken } from "./approval.ts";
 * import assert from "node:assert/strict";
 * const t = createApprovalToken({ zoneId: "z:work", justification: "ok", approvedBy: "owner",
 *   now: 1, scope: { kind: "Elevation", operation: "op", objectIds: [] } }, new Uint8Array(32).fill(1));
 * assert.equal(approvalTokenId(t, new Uint8Array(32)).length, 32);
 * ```
 */
export function approvalTokenId(t: ApprovalToken, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    t.header.zoneId,
    schemaHash(APPROVAL_TOKEN_SCHEMA),
    encodeApprovalToken(t),
  );
}
