/**
 * The per-zone revocation registry (spec §14.3): applies owner-signed revocation events in
 * chain order and answers "is this revoked?" in O(1) (a hash map keyed by the id's hex).
 *
 * @module
 */
import { equalBytes, FcpError, fromHex, toHex } from "../core/mod.ts";
import { type ObjectId, parseZoneId, type ZoneId } from "../model/mod.ts";
import {
  checkFreshness,
  DEFAULT_MAX_FRONTIER_AGE_SECS,
  type FreshnessPolicy,
  type FreshnessResult,
} from "./freshness.ts";
import {
  checkRevocationLink,
  isRevocationActive,
  type RevocationEvent,
  revocationEventId,
  type RevocationObject,
  revocationObjectId,
  type RevocationScope,
  verifyRevocationEvent,
  verifyRevocationObject,
} from "./revocation.ts";

/** Construction parameters of a {@link RevocationRegistry}. */
export interface RevocationRegistryOptions {
  /** The zone whose chain this registry follows. */
  readonly zoneId: ZoneId | string;
  /** The zone's 32-byte ObjectIdKey (to derive object and event ids). */
  readonly objectIdKey: Uint8Array;
  /** The owner's Ed25519 public key (revocations MUST be owner-signed, spec §14.3). */
  readonly ownerPublicKey: Uint8Array;
}

/** One recorded revocation of one id. */
export interface RevocationEntry {
  /** Scope of the revocation. */
  readonly scope: RevocationScope;
  /** Effective from, Unix seconds. */
  readonly effectiveAt: number;
  /** Expiry, Unix seconds. */
  readonly expiresAt?: number;
  /** The RevocationObject that revoked it. */
  readonly revocationObjectId: ObjectId;
}

/** Options of a revocation lookup. */
export interface RevocationLookup {
  /** Only revocations of this scope count (default: any scope). */
  readonly scope?: RevocationScope;
  /**
   * Now, Unix seconds: only revocations active at `now` count. Without it every recorded
   * revocation counts, whatever its window (fail closed).
   */
  readonly now?: number;
}

/** What {@link RevocationRegistry.apply} returns. */
export interface AppliedRevocation {
  /** ObjectId of the applied event. */
  readonly eventId: ObjectId;
  /** ObjectId of its RevocationObject. */
  readonly objectId: ObjectId;
  /** The event's sequence. */
  readonly seq: number;
}

/** Ids revoked under one 30-bit bucket key, with their entries. */
interface Bucket {
  readonly id: Uint8Array;
  readonly entries: RevocationEntry[];
}

/** The id as 32 bytes: bytes as given, text as `objectid:<hex>` or 64 hex (else undefined). */
function idBytes(id: Uint8Array | string): Uint8Array | undefined {
  if (typeof id !== "string") return id.length === 32 ? id : undefined;
  const hex = (id.startsWith("objectid:") ? id.slice(9) : id).toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? fromHex(hex, 32) : undefined;
}

/**
 * The bucket key of an id: its first 30 bits as a small integer. Ids are BLAKE3 outputs, so
 * buckets hold one id almost always; a lookup is one integer-keyed map probe plus one 32-byte
 * comparison (O(1)), avoiding hashing a 64-character string per lookup.
 */
function bucketKey(id: Uint8Array): number {
  return (id[0]! | (id[1]! << 8) | (id[2]! << 16) | ((id[3]! & 0x3f) << 24)) >>> 0;
}

/**
 * Revocation state of one zone. Lookups take the id as 32 bytes, 64 hex or `objectid:<hex>`
 * (anything else is simply not revoked).
 *
 * @example
 * ```ts
 * import { RevocationRegistry } from "./revocation_registry.ts";
 * import { createRevocationEvent, createRevocationObject, revocationObjectId } from "./revocation.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const owner = new Uint8Array(32).fill(1);
 * const key = new Uint8Array(32).fill(2);
 * const reg = new RevocationRegistry({ zoneId: "z:work", objectIdKey: key,
 *   ownerPublicKey: ed25519PublicKey(owner) });
 * const target = new Uint8Array(32).fill(9);
 * const obj = createRevocationObject({ zoneId: "z:work", revoked: [target], scope: "Capability",
 *   reason: "lost", now: 100 }, owner);
 * const ev = createRevocationEvent({ zoneId: "z:work",
 *   revocationObjectId: revocationObjectId(obj, key), seq: 0, now: 100 }, owner);
 * reg.apply(ev, obj, 100);
 * assert.ok(reg.isRevoked(target, { now: 150 }));
 * assert.ok(!reg.isRevoked(new Uint8Array(32), { now: 150 }));
 * assert.equal(reg.headSeq, 0);
 * ```
 */
export class RevocationRegistry {
  /** The zone. */
  readonly zoneId: ZoneId;
  readonly #objectIdKey: Uint8Array;
  readonly #ownerPublicKey: Uint8Array;
  readonly #index = new Map<number, Bucket[]>();
  #size = 0;
  readonly #objects = new Map<string, RevocationObject>();
  #headSeq = -1;
  #headEvent: RevocationEvent | undefined;
  #headEventId: ObjectId | undefined;
  #lastUpdated: number | undefined;

  /** @param opts Zone, ObjectIdKey and owner public key. */
  constructor(opts: RevocationRegistryOptions) {
    this.zoneId = parseZoneId(opts.zoneId);
    if (opts.objectIdKey.length !== 32) {
      throw new FcpError("FCP-2002", "ObjectIdKey must be 32 bytes");
    }
    if (opts.ownerPublicKey.length !== 32) {
      throw new FcpError("FCP-2002", "owner public key must be 32 bytes");
    }
    this.#objectIdKey = opts.objectIdKey;
    this.#ownerPublicKey = opts.ownerPublicKey;
  }

  /** Sequence of the newest applied event; -1 when none. */
  get headSeq(): number {
    return this.#headSeq;
  }

  /** ObjectId of the newest applied event. */
  get headEventId(): ObjectId | undefined {
    return this.#headEventId;
  }

  /** When the state was last updated (apply or {@link markSynced}), Unix seconds. */
  get lastUpdated(): number | undefined {
    return this.#lastUpdated;
  }

  /** Number of distinct revoked ids. */
  get size(): number {
    return this.#size;
  }

  /**
   * Apply the next event of the chain with its RevocationObject. Refuses, without changing
   * state: a foreign zone (`FCP-4002`), a bad owner signature on either (`FCP-2001`), an
   * event that does not name the object, a bad link, seq or prev (`FCP-3007`).
   */
  apply(event: RevocationEvent, object: RevocationObject, now: number): AppliedRevocation {
    if (event.header.zoneId !== this.zoneId || object.header.zoneId !== this.zoneId) {
      throw new FcpError("FCP-4002", `revocation is not for zone ${this.zoneId}`);
    }
    verifyRevocationObject(object, this.#ownerPublicKey);
    verifyRevocationEvent(event, this.#ownerPublicKey);
    const objectId = revocationObjectId(object, this.#objectIdKey);
    if (!equalBytes(objectId, event.revocationObjectId)) {
      throw new FcpError("FCP-3007", "revocation event does not name the given object");
    }
    checkRevocationLink(this.#headEvent, this.#headEventId, event);
    const eventId = revocationEventId(event, this.#objectIdKey);

    for (const id of object.revoked) {
      const entry: RevocationEntry = {
        scope: object.scope,
        effectiveAt: object.effectiveAt,
        ...(object.expiresAt === undefined ? {} : { expiresAt: object.expiresAt }),
        revocationObjectId: objectId,
      };
      this.#add(id, entry);
    }
    this.#objects.set(toHex(objectId), object);
    this.#headSeq = event.seq;
    this.#headEvent = event;
    this.#headEventId = eventId;
    this.#lastUpdated = now;
    return { eventId, objectId, seq: event.seq };
  }

  #add(id: Uint8Array, entry: RevocationEntry): void {
    const key = bucketKey(id);
    let buckets = this.#index.get(key);
    if (buckets === undefined) {
      buckets = [];
      this.#index.set(key, buckets);
    }
    const found = buckets.find((b) => equalBytes(b.id, id));
    if (found) {
      found.entries.push(entry);
    } else {
      buckets.push({ id: id.slice(), entries: [entry] });
      this.#size++;
    }
  }

  #bucket(id: Uint8Array | string): Bucket | undefined {
    const b = idBytes(id);
    if (b === undefined) return undefined;
    const buckets = this.#index.get(bucketKey(b));
    if (buckets === undefined) return undefined;
    for (const x of buckets) if (equalBytes(x.id, b)) return x;
    return undefined;
  }

  /** Record that a sync at `now` found no newer events (refreshes {@link lastUpdated}). */
  markSynced(now: number): void {
    this.#lastUpdated = now;
  }

  /** The recorded revocations of an id (32 bytes or 64 hex). */
  entries(id: Uint8Array | string): readonly RevocationEntry[] {
    return this.#bucket(id)?.entries ?? [];
  }

  /** A stored RevocationObject by its ObjectId. */
  object(id: Uint8Array | string): RevocationObject | undefined {
    const b = idBytes(id);
    return b === undefined ? undefined : this.#objects.get(toHex(b));
  }

  /** O(1): whether `id` is revoked (optionally in one scope, optionally active at `now`). */
  isRevoked(id: Uint8Array | string, lookup: RevocationLookup = {}): boolean {
    const list = this.#bucket(id)?.entries;
    if (list === undefined) return false;
    for (const e of list) {
      if (lookup.scope !== undefined && e.scope !== lookup.scope) continue;
      if (lookup.now !== undefined && !isRevocationActive(e, lookup.now)) continue;
      return true;
    }
    return false;
  }

  /** Throw `FCP-3004` (revocation.revoked) when `id` is revoked. */
  requireNotRevoked(id: Uint8Array | string, lookup: RevocationLookup = {}): void {
    if (this.isRevoked(id, lookup)) {
      const b = idBytes(id)!;
      throw new FcpError("FCP-3004", `${toHex(b).slice(0, 16)}… is revoked`);
    }
  }

  /**
   * Freshness of this registry against an expected sequence (spec §14.3.1, WIRE.md §11).
   */
  checkFreshness(opts: {
    readonly now: number;
    readonly policy: FreshnessPolicy;
    readonly remoteSeq?: number;
    readonly maxAgeSecs?: number;
  }): FreshnessResult {
    return checkFreshness({
      localHeadSeq: this.#headSeq,
      lastUpdated: this.#lastUpdated,
      now: opts.now,
      policy: opts.policy,
      maxAgeSecs: opts.maxAgeSecs ?? DEFAULT_MAX_FRONTIER_AGE_SECS,
      ...(opts.remoteSeq === undefined ? {} : { remoteSeq: opts.remoteSeq }),
    });
  }
}
