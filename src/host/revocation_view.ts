/**
 * The node's view of revocation for the invoke pipeline (spec §14.3): the zone's revocation
 * log and `z:owner`'s (owner-wide revocations), loaded through `loadRevocationLog` (every event
 * and object owner-verified, the chain checked) and re-read whenever a log file changes, so an
 * `fcp revoke` takes effect on the next call of a running node. A log that fails to load makes
 * the check fail closed (`FCP-3007`), never open.
 *
 * On a single node the local log is the whole frontier: it is fresh as of the moment it was
 * checked. A token that names a checkpoint sequence (`chk_seq`) newer than the local head is
 * evidence that the node is behind; the freshness policy of the operation's risk tier then
 * decides (WIRE.md §11).
 *
 * @module
 */
import { existsSync } from "node:fs";
import {
  loadRevocationLog,
  type RevocationLog,
  revocationLogPath,
  revocationTargetId,
  type ZoneKeyring,
} from "../authority/mod.ts";
import { FcpError } from "../core/mod.ts";
import { type ObjectId, parseZoneId, type ZoneId } from "../model/mod.ts";

/** What a revocation check saw, for decisions and their evidence. */
export interface RevocationState {
  /** The zones whose logs were consulted. */
  readonly zones: readonly ZoneId[];
  /** Highest applied sequence over those logs (-1: none). */
  readonly headSeq: number;
  /** Head event ids of the logs (decision evidence). */
  readonly heads: readonly ObjectId[];
  /** When the logs were last confirmed current, Unix seconds. */
  readonly checkedAt: number;
  /**
   * Whether any log revokes `id` at the check time: an ObjectId (32 bytes), an issuer kid
   * (8 bytes) or a token jti (16 bytes).
   */
  isRevoked(id: Uint8Array): boolean;
  /** Whether a node or connector id is revoked. */
  isRevokedName(kind: "node" | "connector", name: string): boolean;
}

interface Cached {
  stamp: string;
  log: RevocationLog;
}

/**
 * Revocation logs of a home, cached per zone by file stamp.
 *
 * @example
 * ```ts
 * import { RevocationView } from "./revocation_view.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * const view = new RevocationView(home, ring, id.owner.publicKey);
 * const s = await view.state("z:work", 1_700_000_000);
 * assert.equal(s.headSeq, -1);
 * assert.equal(s.isRevoked(new Uint8Array(32)), false);
 * assert.deepEqual(s.zones, ["z:work", "z:owner"]);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class RevocationView {
  readonly #home: string;
  readonly #ring: ZoneKeyring;
  readonly #ownerPublicKey: Uint8Array;
  readonly #cache = new Map<ZoneId, Cached>();

  /** Logs under `home`, keyed by the ring's ObjectIdKeys, verified against the owner key. */
  constructor(home: string, ring: ZoneKeyring, ownerPublicKey: Uint8Array) {
    this.#home = home;
    this.#ring = ring;
    this.#ownerPublicKey = ownerPublicKey;
  }

  /**
   * Whether `path` certainly does not exist. Most zones have no log, and `existsSync`
   * answers that without building a NotFound error (which costs more than the stat on the
   * invoke hot path). It also says false for a file it cannot reach, so that answer is
   * trusted only when the parent directory is searchable (`dir/.` resolves), or is itself
   * missing from a searchable home; anything else takes the stat path, which fails closed.
   */
  #surelyAbsent(path: string): boolean {
    if (existsSync(path)) return false;
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (existsSync(`${dir}/.`)) return true;
    // No revocations directory in a searchable home: no log. (A node makes the directory when
    // it starts, {@link prepare}, so its calls take the two-check path above.)
    return !existsSync(dir) && existsSync(`${this.#home}/.`);
  }

  /**
   * Make the home's revocations directory when it is missing (as `fcp revoke` would), so that
   * each later read finds a zone without a log in two existence checks instead of four. Reads
   * never write; a home that cannot be written to is answered all the same.
   */
  prepare(): void {
    const path = revocationLogPath(this.#home, "z:owner");
    try {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
    } catch { /* read-only home: reads take the four-check path */ }
  }

  /** The stamp of a zone's log file (`absent` when there is none). */
  #stamp(zone: ZoneId): string {
    const path = revocationLogPath(this.#home, zone);
    if (this.#surelyAbsent(path)) return "absent";
    try {
      // A synchronous stat of a small local file costs microseconds; the async one a thread
      // pool round trip, on every call of the invoke hot path.
      const st = Deno.statSync(path);
      return `${st.mtime?.getTime()}:${st.size}:${st.ino ?? ""}`;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return "absent";
      throw new FcpError("FCP-3007", `cannot read the revocation log of ${zone}`, { cause: e });
    }
  }

  async #load(zone: ZoneId, stamp: string): Promise<RevocationLog> {
    let log: RevocationLog;
    try {
      log = await loadRevocationLog(this.#home, zone, {
        objectIdKey: this.#ring.objectIdKey(zone).key,
        ownerPublicKey: this.#ownerPublicKey,
      });
    } catch (e) {
      this.#cache.delete(zone);
      throw new FcpError("FCP-3007", `the revocation log of ${zone} does not verify`, { cause: e });
    }
    this.#cache.set(zone, { stamp, log });
    return log;
  }

  /** The revocation state for a call in `zone` (its log and z:owner's), checked at `now`. */
  async state(zone: ZoneId | string, now: number): Promise<RevocationState> {
    const z = parseZoneId(zone);
    const held = this.#ring.zoneIds();
    const zones = [...new Set<ZoneId>([z, "z:owner"])].filter((x) => held.includes(x));
    const logs: RevocationLog[] = [];
    for (const x of zones) {
      const stamp = this.#stamp(x);
      const hit = this.#cache.get(x);
      logs.push(hit !== undefined && hit.stamp === stamp ? hit.log : await this.#load(x, stamp));
    }
    for (const l of logs) l.registry.markSynced(now);
    // With no entry in any log nothing is revoked, and no target id needs deriving (a BLAKE3
    // per check on the invoke hot path).
    const empty = logs.every((l) => l.registry.size === 0);
    const revoked = (target: ObjectId) =>
      !empty && logs.some((l) => l.registry.isRevoked(target, { now }));
    return {
      zones,
      headSeq: Math.max(-1, ...logs.map((l) => l.registry.headSeq)),
      heads: logs.flatMap((l) => l.registry.headEventId ?? []),
      checkedAt: now,
      isRevoked: (id) => {
        if (empty) return false;
        if (id.length === 32) return revoked(id);
        if (id.length === 8) return revoked(revocationTargetId("kid", id));
        if (id.length === 16) return revoked(revocationTargetId("jti", id));
        return false;
      },
      isRevokedName: (kind, name) => !empty && revoked(revocationTargetId(kind, name)),
    };
  }
}
