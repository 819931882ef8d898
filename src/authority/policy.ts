/**
 * ZonePolicy and the owner-signed ZonePolicyObject (spec §5.2.1, §5.3; revision proposal 4):
 * principal / connector / capability allow and deny lists with the glob grammar of
 * `policy_glob.ts`, evaluated in the spec's order (principal, connector, capability).
 *
 * Semantics (a tightening of spec §5.3, recorded in docs/wire.md):
 * - a deny match always denies (deny beats allow);
 * - a NON-empty allow list is always enforced: a subject it does not match is denied, for
 *   connectors too (the spec's `connectors_allow` was never enforced in the original text);
 * - an EMPTY allow list means "nothing allowed" when `default_deny` is true (reason
 *   `policy.default_deny`) and "no restriction" when it is false;
 * - a request for another zone is denied (`policy.zone_mismatch`).
 *
 * The ZonePolicyObject is signed with `FCP2-SIGN-V1` (`fcp.core.ZonePolicyObject/1.0.0`)
 * over its canonical CBOR with `signature` removed; `prev` is null when absent.
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
  readBool,
  readBytes,
  readOptional,
  readRecord,
  readText,
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
import { compileGlob, firstMatch, type GlobMatcher } from "./policy_glob.ts";

/** A zone's access policy (spec §5.3). Patterns use the glob grammar of `policy_glob.ts`. */
export interface ZonePolicy {
  /** The zone this policy governs. */
  readonly zoneId: ZoneId;
  /** Allowed principal patterns. */
  readonly principalsAllow: readonly string[];
  /** Denied principal patterns (override allow). */
  readonly principalsDeny: readonly string[];
  /** Allowed connector patterns (enforced when non-empty). */
  readonly connectorsAllow: readonly string[];
  /** Denied connector patterns. */
  readonly connectorsDeny: readonly string[];
  /** Allowed capability patterns. */
  readonly capAllow: readonly string[];
  /** Denied capability patterns (override allow). */
  readonly capDeny: readonly string[];
  /** Whether an empty allow list allows nothing. */
  readonly defaultDeny: boolean;
}

/** An access request evaluated against a policy. */
export interface AccessRequest {
  /** Who asks. */
  readonly principal: string;
  /** Which connector would run the operation. */
  readonly connectorId: string;
  /** The capability exercised (e.g. `cap:read:inbox`). */
  readonly capability: string;
  /** The operation (recorded for explanation; not matched by ZonePolicy). */
  readonly operation?: string;
  /** The zone the request targets. */
  readonly zoneId: ZoneId | string;
}

/** Stable reason codes of policy decisions. */
export const POLICY_REASONS = [
  "policy.allowed",
  "policy.default_deny",
  "policy.zone_mismatch",
  "policy.principal_denied",
  "policy.principal_not_allowed",
  "policy.connector_denied",
  "policy.connector_not_allowed",
  "policy.capability_denied",
  "policy.capability_not_allowed",
] as const;
/** A policy reason code. */
export type PolicyReason = typeof POLICY_REASONS[number];

/** The outcome of {@link evaluatePolicy}. */
export interface PolicyDecision {
  /** Whether the request is allowed. */
  readonly allow: boolean;
  /** Stable reason code. */
  readonly reasonCode: PolicyReason;
  /** The rule that decided, e.g. `connectors_deny:connector:evil-*` (absent for defaults). */
  readonly matchedRule?: string;
}

/** Schema of ZonePolicyObject. */
export const ZONE_POLICY_OBJECT_SCHEMA: SchemaId = {
  namespace: "fcp.core",
  name: "ZonePolicyObject",
  version: "1.0.0",
};

interface Compiled {
  readonly principalsAllow: GlobMatcher[];
  readonly principalsDeny: GlobMatcher[];
  readonly connectorsAllow: GlobMatcher[];
  readonly connectorsDeny: GlobMatcher[];
  readonly capAllow: GlobMatcher[];
  readonly capDeny: GlobMatcher[];
}

const compiledCache = new WeakMap<ZonePolicy, Compiled>();

function compile(p: ZonePolicy): Compiled {
  let c = compiledCache.get(p);
  if (c === undefined) {
    c = {
      principalsAllow: p.principalsAllow.map(compileGlob),
      principalsDeny: p.principalsDeny.map(compileGlob),
      connectorsAllow: p.connectorsAllow.map(compileGlob),
      connectorsDeny: p.connectorsDeny.map(compileGlob),
      capAllow: p.capAllow.map(compileGlob),
      capDeny: p.capDeny.map(compileGlob),
    };
    compiledCache.set(p, c);
  }
  return c;
}

/**
 * Build a ZonePolicy, validating the zone id (`FCP-4001`) and every pattern (`FCP-4007`).
 * Unspecified lists are empty; `defaultDeny` defaults to true.
 *
 * @example
 * ```ts
 * import { zonePolicy } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const p = zonePolicy({ zoneId: "z:work", principalsAllow: ["user:*"] });
 * assert.equal(p.defaultDeny, true);
 * assert.throws(() => zonePolicy({ zoneId: "z:work", capAllow: ["cap:(a|b)"] }), /FCP-4007/);
 * ```
 */
export function zonePolicy(
  fields: Partial<Omit<ZonePolicy, "zoneId">> & { readonly zoneId: ZoneId | string },
): ZonePolicy {
  const p: ZonePolicy = {
    zoneId: parseZoneId(fields.zoneId),
    principalsAllow: [...(fields.principalsAllow ?? [])],
    principalsDeny: [...(fields.principalsDeny ?? [])],
    connectorsAllow: [...(fields.connectorsAllow ?? [])],
    connectorsDeny: [...(fields.connectorsDeny ?? [])],
    capAllow: [...(fields.capAllow ?? [])],
    capDeny: [...(fields.capDeny ?? [])],
    defaultDeny: fields.defaultDeny ?? true,
  };
  compile(p);
  return p;
}

/**
 * The default policy of a zone: default deny, nothing allowed. `fcp init` writes it for
 * each standard zone.
 *
 * @example
 * ```ts
 * import { defaultPolicy, evaluatePolicy } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const d = evaluatePolicy(defaultPolicy("z:work"), {
 *   principal: "owner", connectorId: "fs", capability: "cap:read", zoneId: "z:work",
 * });
 * assert.deepEqual([d.allow, d.reasonCode], [false, "policy.default_deny"]);
 * ```
 */
export function defaultPolicy(zoneId: ZoneId | string): ZonePolicy {
  return zonePolicy({ zoneId, defaultDeny: true });
}

function step(
  allowList: GlobMatcher[],
  denyList: GlobMatcher[],
  subject: string,
  defaultDeny: boolean,
  denyName: string,
  reasons: { denied: PolicyReason; notAllowed: PolicyReason },
): PolicyDecision | undefined {
  const denied = firstMatch(denyList, subject);
  if (denied !== undefined) {
    return { allow: false, reasonCode: reasons.denied, matchedRule: `${denyName}:${denied}` };
  }
  if (allowList.length === 0) {
    return defaultDeny ? { allow: false, reasonCode: "policy.default_deny" } : undefined;
  }
  if (firstMatch(allowList, subject) === undefined) {
    return { allow: false, reasonCode: reasons.notAllowed };
  }
  return undefined;
}

/**
 * Evaluate a request (spec §5.3 order: principal, connector, capability). See the module
 * comment for the exact semantics. The last allow rule that admitted the capability is
 * reported as `matchedRule` of an allow decision.
 *
 * @example
 * ```ts
 * import { evaluatePolicy, zonePolicy } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const p = zonePolicy({ zoneId: "z:work", principalsAllow: ["user:*"],
 *   connectorsAllow: ["connector:gmail"], capAllow: ["cap:read:*"] });
 * const req = { principal: "user:alice", connectorId: "connector:slack",
 *   capability: "cap:read:inbox", zoneId: "z:work" };
 * assert.equal(evaluatePolicy(p, req).reasonCode, "policy.connector_not_allowed");
 * assert.equal(evaluatePolicy(p, { ...req, connectorId: "connector:gmail" }).allow, true);
 * ```
 */
export function evaluatePolicy(policy: ZonePolicy, req: AccessRequest): PolicyDecision {
  const c = compile(policy);
  if (req.zoneId !== policy.zoneId) return { allow: false, reasonCode: "policy.zone_mismatch" };
  const dd = policy.defaultDeny;
  const principal = step(
    c.principalsAllow,
    c.principalsDeny,
    req.principal,
    dd,
    "principals_deny",
    { denied: "policy.principal_denied", notAllowed: "policy.principal_not_allowed" },
  );
  if (principal) return principal;
  const connector = step(
    c.connectorsAllow,
    c.connectorsDeny,
    req.connectorId,
    dd,
    "connectors_deny",
    { denied: "policy.connector_denied", notAllowed: "policy.connector_not_allowed" },
  );
  if (connector) return connector;
  const cap = step(c.capAllow, c.capDeny, req.capability, dd, "cap_deny", {
    denied: "policy.capability_denied",
    notAllowed: "policy.capability_not_allowed",
  });
  if (cap) return cap;
  const rule = firstMatch(c.capAllow, req.capability);
  return rule === undefined
    ? { allow: true, reasonCode: "policy.allowed" }
    : { allow: true, reasonCode: "policy.allowed", matchedRule: `cap_allow:${rule}` };
}

/**
 * Throw `FCP-4003` (zone.policy_violation) for a deny decision.
 *
 * @example
 * ```ts
 * import { requirePolicyAllow } from "./policy.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => requirePolicyAllow({ allow: false, reasonCode: "policy.default_deny" }), /FCP-4003/);
 * ```
 */
export function requirePolicyAllow(d: PolicyDecision): void {
  if (!d.allow) {
    throw new FcpError(
      "FCP-4003",
      `denied by zone policy: ${d.reasonCode}${d.matchedRule ? ` (${d.matchedRule})` : ""}`,
    );
  }
}

/**
 * The CBOR value of a ZonePolicy (spec §5.3 field names; the zone id lives in the object).
 *
 * @example
 * ```ts
 * import { defaultPolicy, zonePolicyToCbor } from "./policy.ts";
 * import assert from "node:assert/strict";
 * assert.equal((zonePolicyToCbor(defaultPolicy("z:work")) as Record<string, unknown>).default_deny, true);
 * ```
 */
export function zonePolicyToCbor(p: ZonePolicy): CborValue {
  compile(p);
  return {
    principals_allow: [...p.principalsAllow],
    principals_deny: [...p.principalsDeny],
    connectors_allow: [...p.connectorsAllow],
    connectors_deny: [...p.connectorsDeny],
    cap_allow: [...p.capAllow],
    cap_deny: [...p.capDeny],
    default_deny: p.defaultDeny,
  };
}

/**
 * Read a ZonePolicy of `zoneId` from its CBOR value (`FCP-1013`, `FCP-4007`).
 *
 * @example
 * ```ts
 * import { defaultPolicy, zonePolicyFromCbor, zonePolicyToCbor } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const p = defaultPolicy("z:work");
 * assert.deepEqual(zonePolicyFromCbor(zonePolicyToCbor(p), "z:work"), p);
 * ```
 */
export function zonePolicyFromCbor(
  v: CborValue | undefined,
  zoneId: ZoneId | string,
  what = "policy",
): ZonePolicy {
  const m = readRecord(v, what, [
    "principals_allow",
    "principals_deny",
    "connectors_allow",
    "connectors_deny",
    "cap_allow",
    "cap_deny",
    "default_deny",
  ]);
  const list = (k: string) => readArray(m[k], `${what}.${k}`, readText);
  return zonePolicy({
    zoneId,
    principalsAllow: list("principals_allow"),
    principalsDeny: list("principals_deny"),
    connectorsAllow: list("connectors_allow"),
    connectorsDeny: list("connectors_deny"),
    capAllow: list("cap_allow"),
    capDeny: list("cap_deny"),
    defaultDeny: readBool(m.default_deny, `${what}.default_deny`),
  });
}

/** An owner-signed policy object (spec §5.2.1). */
export interface ZonePolicyObject {
  /** Object header (schema fcp.core/ZonePolicyObject/1.0.0). */
  readonly header: ObjectHeader;
  /** The policy (its zoneId is the object's zone_id). */
  readonly policy: ZonePolicy;
  /** Previous ZonePolicyObject, for history/rollback. */
  readonly prev?: ObjectId;
  /** Owner Ed25519 signature. */
  readonly signature: Uint8Array;
}

function policyObjectUnsigned(o: ZonePolicyObject): Record<string, CborValue> {
  return {
    header: headerToCbor(o.header),
    zone_id: o.policy.zoneId,
    policy: zonePolicyToCbor(o.policy),
    prev: o.prev === undefined ? null : readBytes(o.prev, "prev", 32),
  };
}

/**
 * Build and owner-sign a ZonePolicyObject.
 *
 * @example
 * ```ts
 * import { createZonePolicyObject, defaultPolicy, verifyZonePolicyObject } from "./policy.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(32).fill(1);
 * const o = createZonePolicyObject(defaultPolicy("z:work"), { now: 10 }, owner);
 * verifyZonePolicyObject(o, ed25519PublicKey(owner));
 * assert.equal(o.header.zoneId, "z:work");
 * ```
 */
export function createZonePolicyObject(
  policy: ZonePolicy,
  opts: { readonly now: number; readonly prev?: ObjectId },
  ownerSeed: AuthoritySigner,
): ZonePolicyObject {
  const unsigned: ZonePolicyObject = {
    header: {
      schema: ZONE_POLICY_OBJECT_SCHEMA,
      zoneId: policy.zoneId,
      createdAt: opts.now,
      provenance: originProvenance(policy.zoneId),
      refs: opts.prev === undefined ? [] : [opts.prev],
      foreignRefs: [],
    },
    policy,
    ...(opts.prev === undefined ? {} : { prev: opts.prev }),
    signature: new Uint8Array(64),
  };
  const signature = authoritySign(
    ZONE_POLICY_OBJECT_SCHEMA,
    policyObjectUnsigned(unsigned),
    ownerSeed,
  );
  return { ...unsigned, signature };
}

/**
 * Verify the owner signature of a ZonePolicyObject (`FCP-2001`) and that its header zone
 * matches the policy zone (`FCP-4002`).
 *
 * @example
 * ```ts
 * import { createZonePolicyObject, defaultPolicy, verifyZonePolicyObject } from "./policy.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const o = createZonePolicyObject(defaultPolicy("z:work"), { now: 10 }, new Uint8Array(32).fill(1));
 * const tampered = { ...o, policy: { ...o.policy, defaultDeny: false } };
 * assert.throws(() => verifyZonePolicyObject(tampered, ed25519PublicKey(new Uint8Array(32).fill(1))), /FCP-2001/);
 * ```
 */
export function verifyZonePolicyObject(o: ZonePolicyObject, ownerPublicKey: Uint8Array): void {
  if (o.header.zoneId !== o.policy.zoneId) {
    throw new FcpError("FCP-4002", "policy object header zone differs from policy zone");
  }
  requireValidSignature(
    authorityVerify(
      ZONE_POLICY_OBJECT_SCHEMA,
      policyObjectUnsigned(o),
      ownerPublicKey,
      o.signature,
    ),
    "ZonePolicyObject",
  );
}

/**
 * Canonical CBOR bytes of a ZonePolicyObject.
 *
 * @example
 * ```ts
 * import {
 *   createZonePolicyObject, decodeZonePolicyObject, defaultPolicy, encodeZonePolicyObject,
 * } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const o = createZonePolicyObject(defaultPolicy("z:work"), { now: 10 }, new Uint8Array(32).fill(1));
 * assert.deepEqual(decodeZonePolicyObject(encodeZonePolicyObject(o)), o);
 * ```
 */
export function encodeZonePolicyObject(o: ZonePolicyObject): Uint8Array {
  return encodeCbor({ ...policyObjectUnsigned(o), signature: o.signature });
}

/**
 * Strictly decode canonical ZonePolicyObject bytes (`FCP-1013`, `FCP-4007`).
 *
 * @example
 * ```ts
 * import { decodeZonePolicyObject } from "./policy.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeZonePolicyObject(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeZonePolicyObject(bytes: Uint8Array): ZonePolicyObject {
  const what = "ZonePolicyObject";
  const m = readRecord(decodeCbor(bytes), what, [
    "header",
    "zone_id",
    "policy",
    "prev",
    "signature",
  ]);
  const header = headerFromCbor(m.header, `${what}.header`);
  const s = header.schema;
  if (s.namespace !== "fcp.core" || s.name !== "ZonePolicyObject") {
    throw new FcpError("FCP-1011", "header schema must be fcp.core.ZonePolicyObject");
  }
  const zoneId = parseZoneId(readText(m.zone_id, `${what}.zone_id`));
  const prev = readOptional(m.prev, `${what}.prev`, (x, w) => readBytes(x, w, 32));
  return {
    header,
    policy: zonePolicyFromCbor(m.policy, zoneId, `${what}.policy`),
    ...(prev === undefined ? {} : { prev }),
    signature: readBytes(m.signature, `${what}.signature`, 64),
  };
}

/**
 * The zone-keyed ObjectId of a ZonePolicyObject.
 *
 * @example
 * ```ts
 * import { createZonePolicyObject, defaultPolicy, zonePolicyObjectId } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const o = createZonePolicyObject(defaultPolicy("z:work"), { now: 10 }, new Uint8Array(32).fill(1));
 * assert.equal(zonePolicyObjectId(o, new Uint8Array(32)).length, 32);
 * ```
 */
export function zonePolicyObjectId(o: ZonePolicyObject, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    o.header.zoneId,
    schemaHash(ZONE_POLICY_OBJECT_SCHEMA),
    encodeZonePolicyObject(o),
  );
}
