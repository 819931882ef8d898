/**
 * Capability-token checks for the invoke pipeline (WIRE.md §6, spec §7.5): `verifyToken` with
 * this node's trusted issuers (the owner key, and the node's issuance key while its attestation
 * holds), the zone, the operation's capability and operation id, the connector instance, holder
 * binding to this node (the node is the holder and executes the call, so no holder proof is
 * exchanged: `holderIsVerifier`), the token's resource constraints, and every
 * `grant_object_ids` entry resolved to a stored, owner-signed CapabilityObject that covers the
 * grants and is not revoked. Tokens without grant objects are refused here (stricter than the
 * reference).
 *
 * The resource a call touches, for the token's `resource_allow`/`resource_deny` globs, is
 * `<connector id>:<operation id>`.
 *
 * @module
 */
import {
  type CapabilityObject,
  decodeToken,
  type Identity,
  trustedIssuers,
  type VerifiedToken,
  verifyToken,
  type ZoneKeyring,
} from "../authority/mod.ts";
import { BoundedLru, FcpError, toHex } from "../core/mod.ts";
import { type ObjectId, objectIdUnscoped, type ZoneId } from "../model/mod.ts";
import { loadCapabilities } from "./capability_store.ts";
import type { RevocationState } from "./revocation_view.ts";

/** What a token must authorize. */
export interface TokenCheck {
  /** The token bytes (COSE_Sign1). */
  readonly token: Uint8Array;
  /** The call's zone. */
  readonly zone: ZoneId;
  /** Connector id. */
  readonly connectorId: string;
  /** The operation's capability (manifest). */
  readonly capability: string;
  /** Operation id. */
  readonly operation: string;
  /** The connector instance executing the call. */
  readonly instanceId: string;
  /** The request id the holder proof covers. */
  readonly requestId: string;
  /** Now, Unix seconds. */
  readonly now: number;
  /** Revocation state of the zone. */
  readonly revocation: RevocationState;
}

/** A token that passed. */
export interface GrantedToken {
  /** The verification result. */
  readonly verified: VerifiedToken;
  /** The principal the token speaks for (policy subject). */
  readonly principal: string;
  /** The token's jti (16 bytes; zeros when the token has none). */
  readonly jti: Uint8Array;
  /** Content id of the token bytes (decision evidence). */
  readonly tokenId: ObjectId;
}

/**
 * The principal a token speaks for: its `principal_id` claim, else `sub`, else
 * `node:<iss_node or iss>`.
 *
 * @example
 * ```ts
 * import { tokenPrincipal } from "./token_gate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tokenPrincipal({ principalId: "agent:alice" }), "agent:alice");
 * assert.equal(tokenPrincipal({ iss: "node-a" }), "node:node-a");
 * ```
 */
export function tokenPrincipal(
  c: { principalId?: string; sub?: string; issNode?: string; iss?: string },
): string {
  return c.principalId ?? c.sub ?? `node:${c.issNode ?? c.iss ?? "unknown"}`;
}

const CACHE_MAX = 4096;

/**
 * Verifies tokens for one node.
 *
 * @example
 * ```ts
 * import { TokenGate } from "./token_gate.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * const gate = new TokenGate(id, ring);
 * const revocation = { zones: [], headSeq: -1, heads: [], checkedAt: 0,
 *   isRevoked: () => false, isRevokedName: () => false };
 * await assert.rejects(gate.check({ token: new Uint8Array([1]), zone: "z:work", connectorId: "fcp.fs",
 *   capability: "fs.read", operation: "fs_read", instanceId: "fcp.fs:z:work", requestId: "r",
 *   now: 1_700_000_000, revocation }), (e) => isFcpError(e, "FCP-2007"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class TokenGate {
  readonly #identity: Identity;
  readonly #ring: ZoneKeyring;
  // Content-addressed and immutable, so safe to keep (revocation is checked on every call).
  readonly #objects = new BoundedLru<string, CapabilityObject>(CACHE_MAX);
  #issuers: { at: number; map: Map<string, Uint8Array> } | undefined;

  /** A gate for this node's identity and zones. */
  constructor(identity: Identity, ring: ZoneKeyring) {
    this.#identity = identity;
    this.#ring = ring;
  }

  #trusted(now: number): Map<string, Uint8Array> {
    // The attestation check costs a signature verification; redo it at most once a second.
    if (this.#issuers === undefined || this.#issuers.at !== now) {
      this.#issuers = { at: now, map: trustedIssuers(this.#identity, now) };
    }
    return this.#issuers.map;
  }

  async #grantObjects(ids: readonly Uint8Array[]): Promise<Map<string, CapabilityObject>> {
    const out = new Map<string, CapabilityObject>();
    const missing: Uint8Array[] = [];
    for (const id of ids) {
      const key = toHex(id);
      const hit = this.#objects.get(key);
      if (hit === undefined) missing.push(id);
      else out.set(key, hit);
    }
    if (missing.length > 0) {
      for (const [k, v] of await loadCapabilities(this.#identity.home, missing)) {
        this.#objects.set(k, v);
        out.set(k, v);
      }
    }
    return out;
  }

  /** Verify a token for a call (the codes of `verifyToken`; see the module comment). */
  async check(c: TokenCheck): Promise<GrantedToken> {
    // Unverified peek only to preload the named grant objects; verifyToken checks the
    // signature before trusting any claim.
    const peek = decodeToken(c.token).claims; // remembered by bytes: a repeat costs a lookup
    const objects = await this.#grantObjects(peek.grantObjectIds ?? []);
    const issuers = this.#trusted(c.now);
    const verified = verifyToken(c.token, {
      now: c.now,
      zoneId: c.zone,
      resolveIssuerKey: (kid) => issuers.get(toHex(kid)),
      required: { capability: c.capability, operation: c.operation },
      instanceId: c.instanceId,
      holderNodeId: this.#identity.nodeId,
      // This node is the holder and runs the call: a proof would be it signing for itself.
      holderIsVerifier: true,
      resource: `${c.connectorId}:${c.operation}`,
      grantResolver: (oid) => objects.get(toHex(oid)),
      objectIdKey: this.#ring.objectIdKey(c.zone).key,
      ownerKid: this.#identity.owner.kid,
      requireGrantObjects: true,
      isRevoked: (id) => c.revocation.isRevoked(id),
    });
    const principal = tokenPrincipal(verified.claims);
    if (c.revocation.isRevokedName("node", verified.claims.issNode ?? this.#identity.nodeId)) {
      throw new FcpError("FCP-3004", "the token's issuing node is revoked");
    }
    return {
      verified,
      principal,
      jti: verified.jti ?? new Uint8Array(16),
      tokenId: objectIdUnscoped(c.token),
    };
  }
}
