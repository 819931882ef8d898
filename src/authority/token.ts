/**
 * Capability tokens (spec §7.5, WIRE.md §6): CWT claims with integer labels (including the
 * reference's negative private labels, D3) in an untagged COSE_Sign1, signed with Ed25519.
 *
 * - {@link signClaimMap} is the reference signer's rule, byte for byte: add `aud (3) = zone_id`
 *   when aud is absent and zone_id present, always add `schema_version (−65552) = 1`, encode the
 *   map canonically (bytewise key order) and sign (pinned by `cose_tokens.json`).
 * - {@link mintToken} builds that map from named {@link TokenClaims} like the reference's
 *   `CapabilityTokenBuilder`: it also synthesizes `grants` (−65550) from `capability_id` and
 *   `operations` when absent, and adds a random 16-byte `cti` (jti) when absent, since holder
 *   proofs and revocation name tokens by jti.
 * - {@link decodeToken} parses without verifying; `verifyToken` (token_verify.ts) verifies.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { FcpError, toHex } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";
import { type CoseSign1, coseSign1, type CoseSign1Signed, parseCoseSign1 } from "./cose.ts";
import type { Ed25519Key } from "./keys.ts";
import { decodeTokenMemo } from "./_token_memo.ts";

/** CWT claim labels (RFC 8392 and the reference's private labels, WIRE.md §6). */
export const CLAIM = {
  iss: 1,
  sub: 2,
  aud: 3,
  exp: 4,
  nbf: 5,
  iat: 6,
  cti: 7,
  capabilityId: -65537,
  zoneId: -65538,
  operations: -65539,
  principalId: -65540,
  delegationDepth: -65541,
  parentToken: -65542,
  issNode: -65543,
  audBinary: -65544,
  grantObjectIds: -65545,
  holderNode: -65546,
  chkId: -65547,
  chkSeq: -65548,
  constraints: -65549,
  grants: -65550,
  instanceId: -65551,
  schemaVersion: -65552,
} as const;

/** The only token schema version (WIRE.md §6). */
export const TOKEN_SCHEMA_VERSION = 1;
/** Length of the random `cti` that {@link mintToken} adds. */
export const TOKEN_JTI_BYTES = 16;

/** One grant: a capability, optionally narrowed to one operation. */
export interface CapabilityGrant {
  /** Capability id, e.g. `cap:discord.send`. */
  readonly capability: string;
  /** Operation id; absent means every operation of the capability. */
  readonly operation?: string;
}

/** Token constraints (−65549), WIRE.md §6. */
export interface TokenConstraints {
  /** Resource patterns the token may touch (empty/absent: no restriction). */
  readonly resourceAllow?: readonly string[];
  /** Resource patterns the token may never touch. */
  readonly resourceDeny?: readonly string[];
  /** Maximum calls (enforced by the caller's usage counter). */
  readonly maxCalls?: number;
  /** Maximum bytes (enforced by the caller). */
  readonly maxBytes?: number;
  /** Idempotency key the call must carry. */
  readonly idempotencyKey?: string;
  /** Credentials the connector may use through the egress proxy. */
  readonly credentialAllow?: readonly string[];
}

/** Named token claims; each maps to one label of {@link CLAIM}. */
export interface TokenClaims {
  /** 1: free-form issuer, e.g. `node:primary`. */
  readonly iss?: string;
  /** 2: subject. */
  readonly sub?: string;
  /** 3: audience = zone id or `*` (auto-filled from zoneId when signing). */
  readonly aud?: string;
  /** 4: expiry, Unix seconds. */
  readonly exp?: number;
  /** 5: not before, Unix seconds. */
  readonly nbf?: number;
  /** 6: issued at, Unix seconds. */
  readonly iat?: number;
  /** 7: token id (jti). */
  readonly cti?: Uint8Array;
  /** −65537: capability id (legacy single capability). */
  readonly capabilityId?: string;
  /** −65538: zone id. */
  readonly zoneId?: string;
  /** −65539: operations (legacy). */
  readonly operations?: readonly string[];
  /** −65540: principal id. */
  readonly principalId?: string;
  /** −65541: delegation depth. */
  readonly delegationDepth?: number;
  /** −65542: parent token. */
  readonly parentToken?: Uint8Array;
  /** −65543: issuing node id. */
  readonly issNode?: string;
  /** −65544: binary audience. */
  readonly audBinary?: Uint8Array;
  /** −65545: ids of the CapabilityObjects that back the grants. */
  readonly grantObjectIds?: readonly Uint8Array[];
  /** −65546: node allowed to present the token (holder binding). */
  readonly holderNode?: string;
  /** −65547: checkpoint id. */
  readonly chkId?: Uint8Array;
  /** −65548: checkpoint sequence. */
  readonly chkSeq?: number | bigint;
  /** −65549: constraints. */
  readonly constraints?: TokenConstraints;
  /** −65550: grants. */
  readonly grants?: readonly CapabilityGrant[];
  /** −65551: connector instance the token is bound to. */
  readonly instanceId?: string;
  /** −65552: schema version (always 1; added at signing). */
  readonly schemaVersion?: number;
}

/** A claim map with integer labels, as encoded in the payload. */
export type ClaimMap = Map<number, CborValue>;

/** A token parsed (but not verified) by {@link decodeToken}. */
export interface DecodedToken extends CoseSign1 {
  /** The decoded claims. */
  readonly claims: TokenClaims;
  /** The raw claim map (includes labels fcp does not know). */
  readonly claimMap: ClaimMap;
}

function malformed(detail: string, cause?: unknown): never {
  throw new FcpError("FCP-2007", detail, cause === undefined ? undefined : { cause });
}

function constraintsToCbor(c: TokenConstraints): CborValue {
  return {
    resource_allow: c.resourceAllow === undefined ? undefined : [...c.resourceAllow],
    resource_deny: c.resourceDeny === undefined ? undefined : [...c.resourceDeny],
    max_calls: c.maxCalls,
    max_bytes: c.maxBytes,
    idempotency_key: c.idempotencyKey,
    credential_allow: c.credentialAllow === undefined ? undefined : [...c.credentialAllow],
  };
}

/**
 * The CBOR value of constraints: a text-keyed map with the present fields only.
 *
 * @example
 * ```ts
 * import { encodeConstraints } from "./token.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(encodeConstraints({ maxCalls: 3 }), { max_calls: 3 });
 * ```
 */
export function encodeConstraints(c: TokenConstraints): CborValue {
  const v = constraintsToCbor(c) as Record<string, CborValue | undefined>;
  const out: Record<string, CborValue> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = x;
  return out;
}

function grantsToCbor(gs: readonly CapabilityGrant[]): CborValue {
  return gs.map((g) =>
    g.operation === undefined
      ? { capability: g.capability }
      : { capability: g.capability, operation: g.operation }
  );
}

/**
 * The claim map of named claims (no synthesis; see {@link mintToken}).
 *
 * @example
 * ```ts
 * import { CLAIM, claimsToMap } from "./token.ts";
 * import assert from "node:assert/strict";
 * const m = claimsToMap({ iss: "node:a", zoneId: "z:work" });
 * assert.equal(m.get(CLAIM.zoneId), "z:work");
 * assert.equal(m.size, 2);
 * ```
 */
export function claimsToMap(c: TokenClaims): ClaimMap {
  const m: ClaimMap = new Map();
  const put = (label: number, v: CborValue | undefined) => {
    if (v !== undefined) m.set(label, v);
  };
  put(CLAIM.iss, c.iss);
  put(CLAIM.sub, c.sub);
  put(CLAIM.aud, c.aud);
  put(CLAIM.exp, c.exp);
  put(CLAIM.nbf, c.nbf);
  put(CLAIM.iat, c.iat);
  put(CLAIM.cti, c.cti);
  put(CLAIM.capabilityId, c.capabilityId);
  put(CLAIM.zoneId, c.zoneId);
  put(CLAIM.operations, c.operations === undefined ? undefined : [...c.operations]);
  put(CLAIM.principalId, c.principalId);
  put(CLAIM.delegationDepth, c.delegationDepth);
  put(CLAIM.parentToken, c.parentToken);
  put(CLAIM.issNode, c.issNode);
  put(CLAIM.audBinary, c.audBinary);
  put(CLAIM.grantObjectIds, c.grantObjectIds === undefined ? undefined : [...c.grantObjectIds]);
  put(CLAIM.holderNode, c.holderNode);
  put(CLAIM.chkId, c.chkId);
  put(CLAIM.chkSeq, c.chkSeq);
  put(
    CLAIM.constraints,
    c.constraints === undefined ? undefined : encodeConstraints(c.constraints),
  );
  put(CLAIM.grants, c.grants === undefined ? undefined : grantsToCbor(c.grants));
  put(CLAIM.instanceId, c.instanceId);
  put(CLAIM.schemaVersion, c.schemaVersion);
  return m;
}

function text(v: CborValue, what: string): string {
  return typeof v === "string" ? v : malformed(`${what} must be a text string`);
}
function int(v: CborValue, what: string): number {
  return typeof v === "number" && Number.isSafeInteger(v)
    ? v
    : malformed(`${what} must be an integer`);
}
function uint(v: CborValue, what: string): number {
  const n = int(v, what);
  return n >= 0 ? n : malformed(`${what} must be unsigned`);
}
function bytes(v: CborValue, what: string): Uint8Array {
  return v instanceof Uint8Array ? v : malformed(`${what} must be a byte string`);
}
function array<T>(v: CborValue, what: string, item: (x: CborValue, w: string) => T): T[] {
  return Array.isArray(v)
    ? v.map((x, i) => item(x, `${what}[${i}]`))
    : malformed(`${what} must be an array`);
}
function record(v: CborValue, what: string, allowed: readonly string[]): Record<string, CborValue> {
  if (
    typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array ||
    v instanceof Map || Object.getPrototypeOf(v) !== Object.prototype
  ) {
    return malformed(`${what} must be a map with text keys`);
  }
  const r = v as Record<string, CborValue>;
  for (const k of Object.keys(r)) if (!allowed.includes(k)) malformed(`${what}.${k} is unknown`);
  return r;
}

/**
 * Read constraints from their CBOR value (`FCP-2007` on a bad shape).
 *
 * @example
 * ```ts
 * import { decodeConstraints } from "./token.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(decodeConstraints({ resource_allow: ["a/*"] }), { resourceAllow: ["a/*"] });
 * ```
 */
export function decodeConstraints(v: CborValue): TokenConstraints {
  const r = record(v, "constraints", [
    "resource_allow",
    "resource_deny",
    "max_calls",
    "max_bytes",
    "idempotency_key",
    "credential_allow",
  ]);
  const out: {
    -readonly [K in keyof TokenConstraints]: TokenConstraints[K];
  } = {};
  if (r.resource_allow !== undefined) {
    out.resourceAllow = array(r.resource_allow, "constraints.resource_allow", text);
  }
  if (r.resource_deny !== undefined) {
    out.resourceDeny = array(r.resource_deny, "constraints.resource_deny", text);
  }
  if (r.max_calls !== undefined) out.maxCalls = uint(r.max_calls, "constraints.max_calls");
  if (r.max_bytes !== undefined) out.maxBytes = uint(r.max_bytes, "constraints.max_bytes");
  if (r.idempotency_key !== undefined) {
    out.idempotencyKey = text(r.idempotency_key, "constraints.idempotency_key");
  }
  if (r.credential_allow !== undefined) {
    out.credentialAllow = array(r.credential_allow, "constraints.credential_allow", text);
  }
  return out;
}

function grantFromCbor(v: CborValue, what: string): CapabilityGrant {
  const r = record(v, what, ["capability", "operation"]);
  const capability = text(r.capability ?? null, `${what}.capability`);
  return r.operation === undefined
    ? { capability }
    : { capability, operation: text(r.operation, `${what}.operation`) };
}

/**
 * Named claims from a claim map. Known labels must have their WIRE.md §6 types (`FCP-2007`);
 * unknown labels are kept in the map only.
 *
 * @example
 * ```ts
 * import { CLAIM, claimsFromMap } from "./token.ts";
 * import assert from "node:assert/strict";
 * assert.equal(claimsFromMap(new Map([[CLAIM.exp, 5]])).exp, 5);
 * ```
 */
export function claimsFromMap(m: ClaimMap): TokenClaims {
  const c: { -readonly [K in keyof TokenClaims]: TokenClaims[K] } = {};
  for (const [label, v] of m) {
    switch (label) {
      case CLAIM.iss:
        c.iss = text(v, "iss");
        break;
      case CLAIM.sub:
        c.sub = text(v, "sub");
        break;
      case CLAIM.aud:
        c.aud = text(v, "aud");
        break;
      case CLAIM.exp:
        c.exp = int(v, "exp");
        break;
      case CLAIM.nbf:
        c.nbf = int(v, "nbf");
        break;
      case CLAIM.iat:
        c.iat = int(v, "iat");
        break;
      case CLAIM.cti:
        c.cti = bytes(v, "cti");
        break;
      case CLAIM.capabilityId:
        c.capabilityId = text(v, "capability_id");
        break;
      case CLAIM.zoneId:
        c.zoneId = text(v, "zone_id");
        break;
      case CLAIM.operations:
        c.operations = array(v, "operations", text);
        break;
      case CLAIM.principalId:
        c.principalId = text(v, "principal_id");
        break;
      case CLAIM.delegationDepth:
        c.delegationDepth = uint(v, "delegation_depth");
        break;
      case CLAIM.parentToken:
        c.parentToken = bytes(v, "parent_token");
        break;
      case CLAIM.issNode:
        c.issNode = text(v, "iss_node");
        break;
      case CLAIM.audBinary:
        c.audBinary = bytes(v, "aud_binary");
        break;
      case CLAIM.grantObjectIds:
        c.grantObjectIds = array(v, "grant_object_ids", bytes);
        break;
      case CLAIM.holderNode:
        c.holderNode = text(v, "holder_node");
        break;
      case CLAIM.chkId:
        c.chkId = bytes(v, "chk_id");
        break;
      case CLAIM.chkSeq:
        if (typeof v === "bigint" && v >= 0n) c.chkSeq = v;
        else c.chkSeq = uint(v, "chk_seq");
        break;
      case CLAIM.constraints:
        c.constraints = decodeConstraints(v);
        break;
      case CLAIM.grants:
        c.grants = array(v, "grants", grantFromCbor);
        break;
      case CLAIM.instanceId:
        c.instanceId = text(v, "instance_id");
        break;
      case CLAIM.schemaVersion:
        c.schemaVersion = uint(v, "schema_version");
        break;
      default:
        break;
    }
  }
  return c;
}

/**
 * The reference signer (WIRE.md §6, pinned by `cose_tokens.json`): adds `aud = zone_id` if aud is
 * absent and zone_id present, sets `schema_version = 1`, encodes canonically and signs. The input
 * map is not modified.
 *
 * @example
 * ```ts
 * import { CLAIM, signClaimMap } from "./token.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const key = new Ed25519Key(new Uint8Array(32).fill(1));
 * const signed = signClaimMap(new Map(), key);
 * assert.equal(toHex(signed.payload), "a13a0001000f01"); // {-65552: 1}
 * ```
 */
export function signClaimMap(claims: ClaimMap, key: Ed25519Key): CoseSign1Signed {
  const m: ClaimMap = new Map(claims);
  const zone = m.get(CLAIM.zoneId);
  if (!m.has(CLAIM.aud) && zone !== undefined) m.set(CLAIM.aud, zone);
  m.set(CLAIM.schemaVersion, TOKEN_SCHEMA_VERSION);
  return coseSign1(encodeCbor(m), key);
}

/**
 * Mint a token from named claims with `issuer` (a node issuance key or the owner key). Like the
 * reference builder it synthesizes `grants` from `capabilityId` + `operations` when absent (one
 * grant per operation, or an op-less grant when there are none), and it adds a random 16-byte
 * `cti` when absent. Returns the token bytes.
 *
 * @example
 * ```ts
 * import { decodeToken, mintToken } from "./token.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const token = mintToken({
 *   zoneId: "z:work", capabilityId: "cap:x", operations: ["x.read"], exp: 2_000_000_000,
 * }, Ed25519Key.generate());
 * const d = decodeToken(token);
 * assert.deepEqual(d.claims.grants, [{ capability: "cap:x", operation: "x.read" }]);
 * assert.equal(d.claims.aud, "z:work");
 * assert.equal(d.claims.cti?.length, 16);
 * ```
 */
export function mintToken(claims: TokenClaims, issuer: Ed25519Key): Uint8Array {
  let grants = claims.grants;
  if (grants === undefined && claims.capabilityId !== undefined) {
    const cap = claims.capabilityId;
    grants = claims.operations === undefined || claims.operations.length === 0
      ? [{ capability: cap }]
      : claims.operations.map((operation) => ({ capability: cap, operation }));
  }
  const full: TokenClaims = {
    ...claims,
    cti: claims.cti ?? randomBytes(TOKEN_JTI_BYTES),
    ...(grants === undefined ? {} : { grants }),
  };
  return signClaimMap(claimsToMap(full), issuer).token;
}

/**
 * Parse a token without verifying it: COSE structure (see `parseCoseSign1`) and a canonical
 * payload map with integer keys and well-typed known claims. Every failure is `FCP-2007`.
 * Use only to inspect; authorize with `verifyToken`.
 *
 * @example
 * ```ts
 * import { decodeToken } from "./token.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeToken(new Uint8Array([1, 2, 3])), (e) => isFcpError(e, "FCP-2007"));
 * ```
 */
export function decodeToken(tokenBytes: Uint8Array): DecodedToken {
  // Remembered by exact bytes (`_token_memo.ts`): the same token is presented on every call.
  return decodeTokenMemo(tokenBytes, (own) => {
    const parsed = parseCoseSign1(own);
    return { ...parsed, ...decodeClaimsPayload(parsed.payload) };
  });
}

/**
 * Decode a token payload: canonical CBOR (non-canonical is refused even when the signature is
 * valid), a map whose keys are all integers, known claims well typed. `FCP-2007` otherwise.
 *
 * @example
 * ```ts
 * import { decodeClaimsPayload } from "./token.ts";
 * import { fromHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decodeClaimsPayload(fromHex("a13a0001000f01")).claims.schemaVersion, 1);
 * assert.throws(() => decodeClaimsPayload(fromHex("a13a0001000f1801")), /FCP-2007/);
 * ```
 */
export function decodeClaimsPayload(
  payload: Uint8Array,
): { claims: TokenClaims; claimMap: ClaimMap } {
  let v: CborValue;
  try {
    v = decodeCbor(payload, { maxBytes: 64 * 1024 });
  } catch (e) {
    return malformed("token payload is not canonical, untagged CBOR", e);
  }
  let claimMap: ClaimMap;
  if (v instanceof Map) {
    claimMap = new Map();
    for (const [k, x] of v) {
      if (typeof k !== "number" || !Number.isSafeInteger(k)) {
        malformed("token claim labels must be integers");
      }
      claimMap.set(k, x);
    }
  } else if (
    typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) &&
    Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length === 0
  ) {
    claimMap = new Map();
  } else {
    return malformed("token payload must be a map with integer labels");
  }
  return { claims: claimsFromMap(claimMap), claimMap };
}

/** A JSON-safe value: bytes become lowercase hex, bigints decimal strings. */
export type ClaimsJson = Record<string, unknown>;

/**
 * Named claims as JSON (snake_case names of WIRE.md §6; bytes as hex, bigints as strings),
 * for `fcp token inspect --json` and the LocalAPI.
 *
 * @example
 * ```ts
 * import { claimsToJson } from "./token.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(claimsToJson({ zoneId: "z:work", cti: new Uint8Array([1]) }), {
 *   zone_id: "z:work", cti: "01",
 * });
 * ```
 */
export function claimsToJson(c: TokenClaims): ClaimsJson {
  const hex = toHex;
  const k = c.constraints;
  const out: ClaimsJson = {
    iss: c.iss,
    sub: c.sub,
    aud: c.aud,
    exp: c.exp,
    nbf: c.nbf,
    iat: c.iat,
    cti: c.cti === undefined ? undefined : hex(c.cti),
    "capability_id": c.capabilityId,
    "zone_id": c.zoneId,
    operations: c.operations,
    "principal_id": c.principalId,
    "delegation_depth": c.delegationDepth,
    "parent_token": c.parentToken === undefined ? undefined : hex(c.parentToken),
    "iss_node": c.issNode,
    "aud_binary": c.audBinary === undefined ? undefined : hex(c.audBinary),
    "grant_object_ids": c.grantObjectIds?.map(hex),
    "holder_node": c.holderNode,
    "chk_id": c.chkId === undefined ? undefined : hex(c.chkId),
    "chk_seq": typeof c.chkSeq === "bigint" ? c.chkSeq.toString() : c.chkSeq,
    constraints: k === undefined ? undefined : encodeConstraints(k),
    grants: c.grants?.map((g) => ({ ...g })),
    "instance_id": c.instanceId,
    "schema_version": c.schemaVersion,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}
