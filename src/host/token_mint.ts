/**
 * Minting capability tokens on this node (WIRE.md §6, issue 3 §2): an owner-signed
 * CapabilityObject granting the capability and operations in the zone is stored in
 * `FCP_HOME/capabilities` and named in the token's `grant_object_ids`; the token itself is a
 * COSE_Sign1 CWT signed by the node's attested issuance key (aud = zone, nbf = iat = now,
 * exp = now + ttl, a random 16-byte jti). `fcp token mint`, `fcp demo` and the tests use this.
 *
 * @module
 */
import {
  CAPABILITY_OBJECT_SCHEMA,
  capabilityObjectId,
  type Identity,
  mintToken,
  signCapabilityObject,
  type TokenConstraints,
  type ZoneKeyring,
} from "../authority/mod.ts";
import { FcpError } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";
import {
  type ObjectId,
  originProvenance,
  parseZoneId,
  validateCanonicalId,
  type ZoneId,
} from "../model/mod.ts";
import { storeCapability } from "./capability_store.ts";

/** Longest token lifetime: 30 days. */
export const MAX_TOKEN_TTL_SECS = 30 * 86_400;

/** What to grant. */
export interface MintRequest {
  /** Zone (aud). */
  readonly zone: ZoneId | string;
  /** Capability id. */
  readonly capability: string;
  /** Operation ids (at least one). */
  readonly operations: readonly string[];
  /** Lifetime in seconds, 1..{@link MAX_TOKEN_TTL_SECS}. */
  readonly ttlSecs: number;
  /** Bind to this node id (holder binding). */
  readonly holder?: string;
  /** The principal the token speaks for (policy subject). */
  readonly principal?: string;
  /** Bind to one connector instance. */
  readonly instanceId?: string;
  /** Resource globs the token is limited to. */
  readonly resourceAllow?: readonly string[];
  /** Credentials the connector may use through the egress guard. */
  readonly credentialAllow?: readonly string[];
  /** Revocation checkpoint sequence the token expects (`chk_seq`). */
  readonly checkpointSeq?: number;
  /** Most calls the token may make (`max_calls`, counted by the node). */
  readonly maxCalls?: number;
  /** Most bytes its calls may move, request + response (`max_bytes`, counted by the node). */
  readonly maxBytes?: number;
}

/** A minted token. */
export interface MintedToken {
  /** COSE_Sign1 bytes. */
  readonly token: Uint8Array;
  /** Its jti. */
  readonly jti: Uint8Array;
  /** The backing CapabilityObject id. */
  readonly grantObjectId: ObjectId;
  /** Expiry, Unix seconds. */
  readonly exp: number;
}

/**
 * Mint a token (see the module comment). Refuses bad ids (`FCP-4007`) and lifetimes
 * (`FCP-1040`).
 *
 * @example
 * ```ts
 * import { mintCapabilityToken } from "./token_mint.ts";
 * import { createStandardZones, decodeToken, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * const t = await mintCapabilityToken(id, ring, { zone: "z:work", capability: "fs.list",
 *   operations: ["fs_list"], ttlSecs: 60, principal: "agent:demo" }, 1_700_000_000);
 * assert.equal(decodeToken(t.token).claims.principalId, "agent:demo");
 * assert.equal(t.exp, 1_700_000_060);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function mintCapabilityToken(
  identity: Identity,
  ring: ZoneKeyring,
  r: MintRequest,
  now: number,
): Promise<MintedToken> {
  const zone = parseZoneId(r.zone);
  const cap = validateCanonicalId(r.capability, "capability id");
  const ops = r.operations.map((o) => validateCanonicalId(o, "operation id"));
  if (ops.length === 0) throw new FcpError("FCP-1040", "a token grants at least one operation");
  if (!Number.isSafeInteger(r.ttlSecs) || r.ttlSecs < 1 || r.ttlSecs > MAX_TOKEN_TTL_SECS) {
    throw new FcpError("FCP-1040", `ttl must be an integer from 1 to ${MAX_TOKEN_TTL_SECS} s`);
  }
  if (r.holder !== undefined) validateCanonicalId(r.holder, "holder node id");
  if (r.principal !== undefined) validateCanonicalId(r.principal, "principal id");
  if (r.instanceId !== undefined) validateCanonicalId(r.instanceId, "instance id");
  for (const c of r.credentialAllow ?? []) validateCanonicalId(c, "credential id");
  if (r.maxCalls !== undefined && (!Number.isSafeInteger(r.maxCalls) || r.maxCalls < 1)) {
    throw new FcpError("FCP-1040", "max_calls must be a positive integer");
  }
  if (r.maxBytes !== undefined && (!Number.isSafeInteger(r.maxBytes) || r.maxBytes < 1)) {
    throw new FcpError("FCP-1040", "max_bytes must be a positive integer");
  }
  const constraints: TokenConstraints | undefined =
    (r.resourceAllow?.length ?? 0) + (r.credentialAllow?.length ?? 0) === 0 &&
      r.maxCalls === undefined && r.maxBytes === undefined
      ? undefined
      : {
        ...(r.resourceAllow?.length ? { resourceAllow: [...r.resourceAllow] } : {}),
        ...(r.credentialAllow?.length ? { credentialAllow: [...r.credentialAllow] } : {}),
        ...(r.maxCalls === undefined ? {} : { maxCalls: r.maxCalls }),
        ...(r.maxBytes === undefined ? {} : { maxBytes: r.maxBytes }),
      };
  const exp = now + r.ttlSecs;
  const grantObject = signCapabilityObject({
    header: {
      schema: CAPABILITY_OBJECT_SCHEMA,
      zoneId: zone,
      createdAt: now,
      provenance: originProvenance(zone),
      refs: [],
      foreignRefs: [],
    },
    capabilityId: cap,
    operations: ops,
    validFrom: now,
    validUntil: exp,
    ...(constraints === undefined ? {} : { constraints }),
    nonce: randomBytes(16),
  }, identity.owner);
  const grantObjectId = capabilityObjectId(grantObject, ring.objectIdKey(zone).key);
  await storeCapability(identity.home, grantObjectId, grantObject);
  const jti = randomBytes(16);
  const token = mintToken({
    iss: identity.nodeId,
    issNode: identity.nodeId,
    cti: jti,
    zoneId: zone,
    capabilityId: cap,
    operations: ops,
    iat: now,
    nbf: now,
    exp,
    grantObjectIds: [grantObjectId],
    ...(r.principal === undefined ? {} : { principalId: r.principal }),
    ...(r.holder === undefined ? {} : { holderNode: r.holder }),
    ...(r.instanceId === undefined ? {} : { instanceId: r.instanceId }),
    ...(r.checkpointSeq === undefined ? {} : { chkSeq: r.checkpointSeq }),
    ...(constraints === undefined ? {} : { constraints }),
  }, identity.issuance);
  return { token, jti, grantObjectId, exp };
}
