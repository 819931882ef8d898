/**
 * Capability token verification (WIRE.md §6, spec §7.5), in this order, each refusal with its
 * stable code:
 *
 * 1. COSE structure: untagged `[protected, {}, payload, sig]`, canonical, protected exactly
 *    `{1: -8, 4: kid}` — `FCP-2007`;
 * 2. issuer key: `resolveIssuerKey(kid)` known and `kid(pk) == kid` — `FCP-2008`;
 * 3. strict Ed25519 over the Sig_structure, BEFORE any claim is parsed — `FCP-2006`;
 * 4. payload ≤ 64 KiB, canonical CBOR, integer labels, typed claims, `schema_version == 1` —
 *    `FCP-2007`;
 * 5. revocation of the jti or issuer kid (`isRevoked`) — `FCP-3004`;
 * 6. `aud` is the verifier's zone or `*` — `FCP-2005`;
 * 7. `exp` present and `now < exp + 300`, `now ≥ nbf − 300` — `FCP-2007` / `FCP-2003` / `FCP-2004`;
 * 8. zone claim equals the verifier's zone — `FCP-4002`;
 * 9. instance binding — `FCP-2005`;
 * 10. holder binding: `holder_node` equals the presenting node, and its holder proof
 *     (WIRE.md §5b) names the required operation and verifies — `FCP-2011` (when the verifier
 *     is itself the holder and runs the call, `holderIsVerifier`, no proof is exchanged: the
 *     binding check is `holder_node` = this node);
 * 11. grants contain (capability, operation) or an op-less grant of the capability — `FCP-3001`;
 * 12. beyond the reference: every `grant_object_ids` entry resolves to a CapabilityObject of
 *     this zone, validly signed by an issuer the issuer policy authorizes for its capability
 *     (`issuer_policy.ts`; default: the owner only), valid now and over the token's whole
 *     lifetime (spec §7.5: the windows cover `nbf|iat..exp`), not revoked (`FCP-3004`), and
 *     together they cover every grant — `FCP-3002`;
 * 13. constraints: resource allow/deny globs of the token, and of a grant object covering the
 *     operation, whose `credential_allow` must also contain the token's — `FCP-3003`.
 *
 * A valid signature over exact token bytes is remembered (`_token_memo.ts`: bounded, compared
 * on the whole token and issuer key), so a token presented again is not re-verified; every
 * other step runs on every call.
 *
 * @module
 */
import { equalBytes, FcpError, toHex, utf8 } from "../core/mod.ts";
import { keyId } from "../model/mod.ts";
import {
  capabilityCovers,
  type CapabilityObject,
  capabilityObjectId,
  verifyCapabilityObjectSignature,
} from "./capability_object.ts";
import { parseCoseSign1, verifyCoseSign1 } from "./cose.ts";
import { verifyHolderProof } from "./holder_proof.ts";
import { knownDecodedToken, rememberSignature, signatureRemembered } from "./_token_memo.ts";
import { type CapabilityIssuerPolicy, evaluateIssuer } from "./issuer_policy.ts";
import { compileGlob } from "./policy_glob.ts";
import {
  type CapabilityGrant,
  decodeClaimsPayload,
  TOKEN_SCHEMA_VERSION,
  type TokenClaims,
  type TokenConstraints,
} from "./token.ts";

/** Clock skew tolerated on exp and nbf (WIRE.md §6). */
export const TOKEN_CLOCK_SKEW_SECS = 300;

/** A holder proof presented with a token (WIRE.md §5b). */
export interface PresentedHolderProof {
  /** Request id the proof covers. */
  readonly requestId: string | Uint8Array;
  /** Operation id the proof covers. */
  readonly operationId: string | Uint8Array;
  /** Ed25519 signature by the holder node's signing key. */
  readonly signature: Uint8Array;
  /** The presenting node's attested signing public key. */
  readonly holderPublicKey: Uint8Array;
}

/** What is being authorized. */
export interface RequiredGrant {
  /** Capability id required. */
  readonly capability: string;
  /** Operation id required. */
  readonly operation: string;
}

/** Verification context. Time is explicit; nothing reads the clock. */
export interface VerifyContext {
  /** Verification time, Unix seconds. */
  readonly now: number;
  /** The verifier's zone. */
  readonly zoneId: string;
  /** Public key of a trusted issuer by kid, or undefined (unknown kid). */
  readonly resolveIssuerKey: (kid: Uint8Array) => Uint8Array | undefined;
  /** What the token must authorize. */
  readonly required: RequiredGrant;
  /** The connector instance executing the call (checked against `instance_id`). */
  readonly instanceId?: string;
  /** The node presenting the token (checked against `holder_node`). */
  readonly holderNodeId?: string;
  /** The holder proof, required when the token has `holder_node` (unless {@link holderIsVerifier}). */
  readonly holderProof?: PresentedHolderProof;
  /**
   * The verifying node is the holder and executes the call itself (a local invoke): a token
   * bound to {@link holderNodeId} needs no holder proof, since the proof would be this node
   * signing for itself. Tokens bound to any other node are still refused.
   */
  readonly holderIsVerifier?: boolean;
  /** Refuse tokens without `holder_node` (default false). */
  readonly requireHolderBinding?: boolean;
  /** The resource the call touches (checked against constraints). */
  readonly resource?: string;
  /** Resolves a grant object id to a stored CapabilityObject. */
  readonly grantResolver?: (objectId: Uint8Array) => CapabilityObject | undefined;
  /** If given, a resolved object must hash to the id it was resolved by. */
  readonly objectIdKey?: Uint8Array;
  /**
   * Who may issue CapabilityObjects for which capabilities. Takes precedence over
   * {@link isAuthorizedIssuer} and {@link ownerKid}.
   */
  readonly issuerPolicy?: CapabilityIssuerPolicy;
  /** Whether a kid may issue CapabilityObjects (policy); default: only {@link ownerKid}. */
  readonly isAuthorizedIssuer?: (kid: Uint8Array) => boolean;
  /** The owner's kid: the default authorized issuer of CapabilityObjects. */
  readonly ownerKid?: Uint8Array;
  /** Refuse tokens without `grant_object_ids` (default false, like the reference). */
  readonly requireGrantObjects?: boolean;
  /** Revocation check by token jti or issuer kid (e.g. a revocation registry). */
  readonly isRevoked?: (id: Uint8Array) => boolean;
}

/** A verified token. */
export interface VerifiedToken {
  /** Issuer kid. */
  readonly kid: Uint8Array;
  /** All claims. */
  readonly claims: TokenClaims;
  /** The token's jti (`cti`), if any. */
  readonly jti?: Uint8Array;
  /** The grant that authorized the required (capability, operation). */
  readonly grant: CapabilityGrant;
  /** Effective grants (the `grants` claim, or synthesized from legacy claims). */
  readonly grants: readonly CapabilityGrant[];
  /** Constraints to enforce during the call (max_calls, max_bytes, idempotency...). */
  readonly constraints?: TokenConstraints;
  /** The CapabilityObjects that back the grants (when the token names any). */
  readonly grantObjects: readonly CapabilityObject[];
  /**
   * The grant object (and its id) that admitted this call (the first of the token's that covers
   * the operation and admits the resource); its `max_calls` and `max_bytes` bound every call
   * it admits, across all tokens that name it (spec §7.5).
   */
  readonly admittedBy?: { readonly id: Uint8Array; readonly object: CapabilityObject };
}

function refuse(code: ConstructorParameters<typeof FcpError>[0], detail: string): never {
  throw new FcpError(code, detail);
}

/**
 * The grants a token carries: `grants` (−65550), or when absent the legacy
 * `capability_id` + `operations` pair (one grant per operation, op-less if none).
 *
 * @example
 * ```ts
 * import { effectiveGrants } from "./token_verify.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(effectiveGrants({ capabilityId: "cap:x", operations: ["a"] }), [
 *   { capability: "cap:x", operation: "a" },
 * ]);
 * ```
 */
export function effectiveGrants(c: TokenClaims): CapabilityGrant[] {
  if (c.grants !== undefined) return [...c.grants];
  if (c.capabilityId === undefined) return [];
  const cap = c.capabilityId;
  if (c.operations === undefined || c.operations.length === 0) return [{ capability: cap }];
  return c.operations.map((operation) => ({ capability: cap, operation }));
}

function checkHolder(claims: TokenClaims, ctx: VerifyContext): void {
  if (claims.holderNode === undefined) {
    if (ctx.requireHolderBinding) refuse("FCP-2011", "token is not bound to a holder node");
    return;
  }
  if (ctx.holderNodeId === undefined || ctx.holderNodeId !== claims.holderNode) {
    refuse("FCP-2011", "token is bound to a different holder node");
  }
  if (claims.cti === undefined) refuse("FCP-2011", "holder-bound token has no jti");
  if (ctx.holderIsVerifier === true) return;
  const proof = ctx.holderProof;
  if (proof === undefined) refuse("FCP-2011", "holder proof missing");
  // The proof covers the operation being invoked (WIRE.md §5b): a proof captured for one
  // operation does not authorize another.
  const op = proof.operationId;
  const required = ctx.required.operation;
  if (typeof op === "string" ? op !== required : !equalBytes(op, utf8(required))) {
    refuse("FCP-2011", "holder proof is for another operation");
  }
  const ok = verifyHolderProof(proof.holderPublicKey, {
    requestId: proof.requestId,
    operationId: proof.operationId,
    tokenJti: claims.cti,
  }, proof.signature);
  if (!ok) refuse("FCP-2011", "holder proof invalid");
}

/** Grant objects whose id and signature were verified, with what they were verified against. */
const VERIFIED_GRANTS = new WeakMap<CapabilityObject, string>();

// What a remembered verification vouches for: the id, id key and issuer key it was checked
// against, and the fields this module reads from the object after the check. An object edited
// in place after its verification (its fields are readonly only to TypeScript) no longer
// matches and is hashed and verified again.
function grantMemoKey(
  o: CapabilityObject,
  idHex: string,
  objectIdKey: Uint8Array | undefined,
  pk: Uint8Array | undefined,
): string {
  return JSON.stringify([
    idHex,
    objectIdKey ? toHex(objectIdKey) : "-",
    pk ? toHex(pk) : "-",
    toHex(o.issuerKid),
    o.header.zoneId,
    o.capabilityId,
    o.operations,
    o.validFrom,
    o.validUntil ?? null,
  ]);
}

function checkGrantObjects(
  claims: TokenClaims,
  grants: readonly CapabilityGrant[],
  ctx: VerifyContext,
): CapabilityObject[] {
  const ids = claims.grantObjectIds;
  if (ids === undefined || ids.length === 0) {
    if (ctx.requireGrantObjects) refuse("FCP-3002", "token names no grant objects");
    return [];
  }
  const resolve = ctx.grantResolver;
  if (resolve === undefined) refuse("FCP-3002", "no grant resolver to check grant objects");
  const authorized = ctx.isAuthorizedIssuer;
  const objects: CapabilityObject[] = [];
  for (const id of ids) {
    const obj = resolve(id);
    const idHex = toHex(id);
    if (obj === undefined) refuse("FCP-3002", `grant object ${idHex} not found`);
    const pk = ctx.resolveIssuerKey(obj.issuerKid);
    // An object already checked against this id, id key and issuer key need not be hashed and
    // verified again (resolvers that cache decoded objects hand back the same object).
    const memoKey = grantMemoKey(obj, idHex, ctx.objectIdKey, pk);
    const checked = VERIFIED_GRANTS.get(obj) === memoKey;
    if (
      !checked && ctx.objectIdKey !== undefined &&
      !equalBytes(capabilityObjectId(obj, ctx.objectIdKey), id)
    ) {
      refuse("FCP-3002", `grant object ${idHex} does not match its id`);
    }
    if (obj.header.zoneId !== ctx.zoneId) {
      refuse("FCP-3002", `grant object ${idHex} is for another zone`);
    }
    if (ctx.issuerPolicy !== undefined) {
      const d = evaluateIssuer(ctx.issuerPolicy, obj.issuerKid, obj.capabilityId);
      if (!d.allow) {
        refuse("FCP-3002", `grant object ${idHex} has an unauthorized issuer (${d.reasonCode})`);
      }
    } else {
      const issuerOk = authorized === undefined
        ? isOwnerIssuer(obj.issuerKid, ctx)
        : authorized(obj.issuerKid);
      if (!issuerOk) refuse("FCP-3002", `grant object ${idHex} has an unauthorized issuer`);
    }
    if (pk === undefined || (!checked && !verifyCapabilityObjectSignature(obj, pk))) {
      refuse("FCP-3002", `grant object ${idHex} signature invalid`);
    }
    VERIFIED_GRANTS.set(obj, memoKey);
    if (
      ctx.now < obj.validFrom - TOKEN_CLOCK_SKEW_SECS ||
      (obj.validUntil !== undefined && ctx.now >= obj.validUntil + TOKEN_CLOCK_SKEW_SECS)
    ) {
      refuse("FCP-3002", `grant object ${idHex} is outside its validity window`);
    }
    // Spec §7.5: the object's window must cover the token's (a token cannot outlive its grant).
    const start = claims.nbf ?? claims.iat;
    if (
      (start !== undefined && start < obj.validFrom) ||
      (obj.validUntil !== undefined && claims.exp !== undefined && claims.exp > obj.validUntil)
    ) {
      refuse("FCP-3002", `grant object ${idHex} does not cover the token's lifetime`);
    }
    if (ctx.isRevoked !== undefined && ctx.isRevoked(id)) {
      refuse("FCP-3004", `grant object ${idHex} is revoked`);
    }
    objects.push(obj);
  }
  for (const g of grants) {
    if (!objects.some((o) => capabilityCovers(o, g))) {
      refuse(
        "FCP-3002",
        `grant ${g.capability}${g.operation ? `/${g.operation}` : ""} is not covered`,
      );
    }
  }
  return objects;
}

// Without a policy callback only the owner issues CapabilityObjects; with neither a callback
// nor the owner kid nothing is authorized (fail closed).
function isOwnerIssuer(kid: Uint8Array, ctx: VerifyContext): boolean {
  return ctx.ownerKid !== undefined && equalBytes(kid, ctx.ownerKid);
}

function matchesAny(patterns: readonly string[], subject: string): boolean {
  for (const p of patterns) {
    let m;
    try {
      m = compileGlob(p);
    } catch {
      refuse("FCP-3003", "token constraint has an invalid resource pattern");
    }
    if (m.matches(subject)) return true;
  }
  return false;
}

/** Why constraints refuse `resource` (undefined: they admit it). */
function resourceRefusal(
  c: TokenConstraints | undefined,
  resource: string | undefined,
): string | undefined {
  const allow = c?.resourceAllow ?? [];
  const deny = c?.resourceDeny ?? [];
  if (allow.length === 0 && deny.length === 0) return undefined;
  if (resource === undefined) return "restricts resources but the call names none";
  if (deny.length > 0 && matchesAny(deny, resource)) return "denies the resource";
  if (allow.length > 0 && !matchesAny(allow, resource)) return "does not allow the resource";
  return undefined;
}

function checkConstraints(c: TokenConstraints | undefined, ctx: VerifyContext): void {
  const why = resourceRefusal(c, ctx.resource);
  if (why !== undefined) refuse("FCP-3003", `the token ${why}`);
}

// Spec §7.5: a token's attenuation may only restrict what its grant objects grant. So some grant
// object covering the required operation must itself admit the resource, and the token's
// credential_allow must lie within that object's (when the object names credentials).
// Returns the index of the admitting object (-1 when the token names none).
function checkGrantObjectConstraints(
  objects: readonly CapabilityObject[],
  claims: TokenClaims,
  ctx: VerifyContext,
): number {
  if (objects.length === 0) return -1;
  const need = { capability: ctx.required.capability, operation: ctx.required.operation };
  const tokenCredentials = claims.constraints?.credentialAllow;
  let why = "no grant object covers the operation";
  for (const [i, o] of objects.entries()) {
    if (!capabilityCovers(o, need)) continue;
    const r = resourceRefusal(o.constraints, ctx.resource);
    if (r !== undefined) {
      why = `the grant object ${r}`;
      continue;
    }
    const allowed = o.constraints?.credentialAllow;
    if (
      allowed !== undefined &&
      (tokenCredentials === undefined || !tokenCredentials.every((c) => allowed.includes(c)))
    ) {
      why = "the token's credential_allow is wider than its grant object's";
      continue;
    }
    return i;
  }
  refuse("FCP-3003", why);
}

/**
 * Verify token bytes for `ctx` (see the module doc for the order and codes). Returns the
 * verified claims and the grant that authorized the call.
 *
 * @example
 * ```ts
 * import { verifyToken } from "./token_verify.ts";
 * import { mintToken } from "./token.ts";
 * import { Ed25519Key } from "./keys.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const issuer = Ed25519Key.generate();
 * const token = mintToken({
 *   zoneId: "z:work", capabilityId: "cap:x", operations: ["x.read"], exp: 2000,
 * }, issuer);
 * const ctx = {
 *   now: 1000, zoneId: "z:work", required: { capability: "cap:x", operation: "x.read" },
 *   resolveIssuerKey: () => issuer.publicKey,
 * };
 * assert.equal(verifyToken(token, ctx).grant.operation, "x.read");
 * assert.throws(() => verifyToken(token, { ...ctx, now: 2300 }), (e) => isFcpError(e, "FCP-2003"));
 * ```
 */
export function verifyToken(tokenBytes: Uint8Array, ctx: VerifyContext): VerifiedToken {
  // 1. COSE structure (FCP-2007); bytes decoded before (e.g. an unverified peek) are not
  // parsed again (`_token_memo.ts`).
  const known = knownDecodedToken(tokenBytes);
  const parsed = known ?? parseCoseSign1(tokenBytes);
  // 2. Issuer key (FCP-2008).
  const pk = ctx.resolveIssuerKey(parsed.kid);
  if (pk === undefined) refuse("FCP-2008", `unknown issuer kid ${toHex(parsed.kid)}`);
  // 3. Signature before any claim is parsed (FCP-2006). A remembered verification of these
  // exact bytes under this key vouches for the kid check too.
  if (!signatureRemembered(tokenBytes, pk)) {
    if (pk.length !== 32 || !equalBytes(keyId(pk), parsed.kid)) {
      refuse("FCP-2008", "issuer key does not match the token kid");
    }
    if (!verifyCoseSign1(parsed, pk)) refuse("FCP-2006", "token signature invalid");
    rememberSignature(tokenBytes, pk);
  }
  // 4. Canonical payload and typed claims (FCP-2007).
  const claims = known?.claims ?? decodeClaimsPayload(parsed.payload).claims;
  if (claims.schemaVersion !== TOKEN_SCHEMA_VERSION) {
    refuse("FCP-2007", "token schema_version must be 1");
  }
  // 5. Revocation (FCP-3004).
  if (ctx.isRevoked !== undefined) {
    if (claims.cti !== undefined && ctx.isRevoked(claims.cti)) {
      refuse("FCP-3004", "token is revoked");
    }
    if (ctx.isRevoked(parsed.kid)) refuse("FCP-3004", "token issuer key is revoked");
  }
  // 6. Audience (FCP-2005).
  if (claims.aud === undefined || claims.aud === "") refuse("FCP-2005", "token has no aud");
  if (claims.aud !== "*" && claims.aud !== ctx.zoneId) {
    refuse("FCP-2005", `token audience ${claims.aud} is not ${ctx.zoneId}`);
  }
  // 7. Time window with skew (FCP-2003 / FCP-2004).
  if (claims.exp === undefined) refuse("FCP-2007", "token has no exp");
  if (ctx.now >= claims.exp + TOKEN_CLOCK_SKEW_SECS) {
    refuse("FCP-2003", `token expired at ${claims.exp}`);
  }
  if (claims.nbf !== undefined && ctx.now < claims.nbf - TOKEN_CLOCK_SKEW_SECS) {
    refuse("FCP-2004", `token not valid before ${claims.nbf}`);
  }
  // 8. Zone (FCP-4002).
  if (claims.zoneId !== ctx.zoneId) {
    refuse("FCP-4002", `token zone ${claims.zoneId ?? "(none)"} is not ${ctx.zoneId}`);
  }
  // 9. Instance binding (FCP-2005).
  if (claims.instanceId !== undefined && claims.instanceId !== ctx.instanceId) {
    refuse("FCP-2005", "token is bound to a different connector instance");
  }
  // 10. Holder binding (FCP-2011).
  checkHolder(claims, ctx);
  // 11. Grants (FCP-3001).
  const grants = effectiveGrants(claims);
  const { capability, operation } = ctx.required;
  const grant = grants.find((g) =>
    g.capability === capability && (g.operation === undefined || g.operation === operation)
  );
  if (grant === undefined) {
    refuse("FCP-3001", `token does not grant ${capability} ${operation}`);
  }
  // 12. Grant objects (FCP-3002).
  const grantObjects = checkGrantObjects(claims, grants, ctx);
  // 13. Constraints, the token's and its grant objects' (FCP-3003).
  checkConstraints(claims.constraints, ctx);
  const admitting = checkGrantObjectConstraints(grantObjects, claims, ctx);
  const admittedId = admitting < 0 ? undefined : claims.grantObjectIds?.[admitting];
  const admittedBy = admittedId === undefined
    ? undefined
    : { id: admittedId, object: grantObjects[admitting]! };
  return {
    kid: parsed.kid,
    claims,
    ...(claims.cti === undefined ? {} : { jti: claims.cti }),
    grant,
    grants,
    ...(claims.constraints === undefined ? {} : { constraints: claims.constraints }),
    grantObjects,
    ...(admittedBy === undefined ? {} : { admittedBy }),
  };
}
