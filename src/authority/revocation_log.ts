/**
 * The node's persisted revocation chain of a zone: `FCP_HOME/revocations/<zone>.cbor`, with
 * `:` in the zone id written as `_` (e.g. `revocations/z_work.cbor`).
 *
 * File format (canonical CBOR): `{format: "fcp.revocations/1", zone_id: tstr,
 * entries: [{object: bstr, event: bstr}]}` where `object` / `event` are the canonical CBOR
 * bytes of each RevocationObject / RevocationEvent, in chain order. Loading replays every
 * entry through {@link RevocationRegistry.apply}, so a tampered, reordered or foreign file is
 * refused with that method's codes. Writes are atomic (temp file + rename), and appends hold an
 * exclusive lock on `<zone>.cbor.lock` from reading the head to renaming the new file, so two
 * `fcp revoke` runs (or two calls in one process) never both extend the same head: without it
 * the later rename would silently drop the other's revocation.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { FcpError } from "../core/mod.ts";
import {
  type ObjectId,
  parseZoneId,
  readArray,
  readBytes,
  readRecord,
  readText,
  type ZoneId,
} from "../model/mod.ts";
import type { AuthoritySigner } from "./node_signature.ts";
import {
  createRevocationEvent,
  createRevocationObject,
  decodeRevocationEvent,
  decodeRevocationObject,
  encodeRevocationEvent,
  encodeRevocationObject,
  type RevocationEvent,
  type RevocationObject,
  revocationObjectId,
  type RevocationScope,
} from "./revocation.ts";
import { RevocationRegistry } from "./revocation_registry.ts";

/** The file format tag. */
export const REVOCATION_LOG_FORMAT = "fcp.revocations/1";

/** One applied chain entry. */
export interface RevocationLogEntry {
  /** The revocation. */
  readonly object: RevocationObject;
  /** Its chain event. */
  readonly event: RevocationEvent;
  /** ObjectId of the revocation. */
  readonly objectId: ObjectId;
  /** ObjectId of the event. */
  readonly eventId: ObjectId;
}

/** Keys needed to read and extend a zone's log. */
export interface RevocationLogKeys {
  /** The zone's ObjectIdKey (32 bytes). */
  readonly objectIdKey: Uint8Array;
  /** The owner's public key. */
  readonly ownerPublicKey: Uint8Array;
}

/** A loaded log: the registry and its entries. */
export interface RevocationLog {
  /** The zone. */
  readonly zoneId: ZoneId;
  /** The registry built by replaying the entries. */
  readonly registry: RevocationRegistry;
  /** The entries, in chain order. */
  readonly entries: readonly RevocationLogEntry[];
}

/**
 * The log path of a zone under a home.
 *
 * @example
 * ```ts
 * import { revocationLogPath } from "./revocation_log.ts";
 * import assert from "node:assert/strict";
 * assert.equal(revocationLogPath("/h", "z:project:x"), "/h/revocations/z_project_x.cbor");
 * ```
 */
export function revocationLogPath(home: string, zoneId: ZoneId | string): string {
  return `${home}/revocations/${parseZoneId(zoneId).replaceAll(":", "_")}.cbor`;
}

/**
 * Encode log entries to the file bytes.
 *
 * @example
 * ```ts
 * import { decodeRevocationLogFile, encodeRevocationLogFile } from "./revocation_log.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeRevocationLogFile("z:work", []);
 * assert.deepEqual(decodeRevocationLogFile(bytes), { zoneId: "z:work", entries: [] });
 * ```
 */
export function encodeRevocationLogFile(
  zoneId: ZoneId | string,
  entries: readonly { readonly object: RevocationObject; readonly event: RevocationEvent }[],
): Uint8Array {
  return encodeCbor({
    format: REVOCATION_LOG_FORMAT,
    zone_id: parseZoneId(zoneId),
    entries: entries.map((e) => ({
      object: encodeRevocationObject(e.object),
      event: encodeRevocationEvent(e.event),
    })),
  });
}

/**
 * Decode file bytes (shape only; signatures and links are checked by {@link loadRevocationLog}).
 *
 * @example
 * ```ts
 * import { decodeRevocationLogFile } from "./revocation_log.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeRevocationLogFile(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeRevocationLogFile(bytes: Uint8Array): {
  zoneId: ZoneId;
  entries: { object: RevocationObject; event: RevocationEvent }[];
} {
  const w = "revocation log";
  const m = readRecord(decodeCbor(bytes), w, ["format", "zone_id", "entries"]);
  if (readText(m.format, `${w}.format`) !== REVOCATION_LOG_FORMAT) {
    throw new FcpError("FCP-1013", `${w}.format must be ${REVOCATION_LOG_FORMAT}`);
  }
  return {
    zoneId: parseZoneId(readText(m.zone_id, `${w}.zone_id`)),
    entries: readArray(m.entries, `${w}.entries`, (x: CborValue, p) => {
      const e = readRecord(x, p, ["object", "event"]);
      return {
        object: decodeRevocationObject(readBytes(e.object, `${p}.object`)),
        event: decodeRevocationEvent(readBytes(e.event, `${p}.event`)),
      };
    }),
  };
}

/**
 * Load and verify a zone's log (an absent file is an empty chain). A file for another zone
 * is `FCP-4002`; bad signatures `FCP-2001`; bad links `FCP-3007`; unreadable `FCP-9002`.
 *
 * @example
 * ```ts
 * import { loadRevocationLog } from "./revocation_log.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const log = await loadRevocationLog(home, "z:work",
 *   { objectIdKey: new Uint8Array(32), ownerPublicKey: new Uint8Array(32) });
 * assert.equal(log.registry.headSeq, -1);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function loadRevocationLog(
  home: string,
  zoneId: ZoneId | string,
  keys: RevocationLogKeys,
): Promise<RevocationLog> {
  const zone = parseZoneId(zoneId);
  const registry = new RevocationRegistry({ zoneId: zone, ...keys });
  let bytes: Uint8Array | undefined;
  try {
    bytes = await Deno.readFile(revocationLogPath(home, zone));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new FcpError("FCP-9002", "cannot read the revocation log", { cause: e });
    }
  }
  const entries: RevocationLogEntry[] = [];
  if (bytes !== undefined) {
    const file = decodeRevocationLogFile(bytes);
    if (file.zoneId !== zone) {
      throw new FcpError("FCP-4002", `revocation log is for ${file.zoneId}, not ${zone}`);
    }
    for (const { object, event } of file.entries) {
      const applied = registry.apply(event, object, event.occurredAt);
      entries.push({ object, event, objectId: applied.objectId, eventId: applied.eventId });
    }
  }
  return { zoneId: zone, registry, entries };
}

/** Parameters of {@link appendRevocation}. */
export interface AppendRevocationParams extends RevocationLogKeys {
  /** Zone. */
  readonly zoneId: ZoneId | string;
  /** Ids to revoke. */
  readonly revoked: readonly ObjectId[];
  /** Scope. */
  readonly scope: RevocationScope;
  /** Reason. */
  readonly reason: string;
  /** Now, Unix seconds. */
  readonly now: number;
  /** Expiry (default: permanent). */
  readonly expiresAt?: number;
  /** The owner key. */
  readonly owner: AuthoritySigner;
}

/**
 * Create an owner-signed RevocationObject and the next RevocationEvent of the zone's chain,
 * apply them (verifying as any peer would) and persist the log atomically.
 *
 * @example
 * ```ts
 * import { appendRevocation, loadRevocationLog } from "./revocation_log.ts";
 * import { ed25519PublicKey } from "../crypto/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const owner = new Uint8Array(32).fill(1);
 * const keys = { objectIdKey: new Uint8Array(32).fill(2), ownerPublicKey: ed25519PublicKey(owner) };
 * const target = new Uint8Array(32).fill(9);
 * const e = await appendRevocation(home, { ...keys, zoneId: "z:work", revoked: [target],
 *   scope: "Capability", reason: "lost", now: 100, owner });
 * assert.equal(e.event.seq, 0);
 * const log = await loadRevocationLog(home, "z:work", keys);
 * assert.ok(log.registry.isRevoked(target, { now: 100 }));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function appendRevocation(
  home: string,
  p: AppendRevocationParams,
): Promise<RevocationLogEntry> {
  return await withLogLock(revocationLogPath(home, p.zoneId), () => appendLocked(home, p));
}

// Exclusive advisory lock (an OS file lock: released by the kernel if the process dies) held
// across read-head → write → rename. `FsFile.lock` waits without blocking the event loop.
async function withLogLock<T>(logPath: string, f: () => Promise<T>): Promise<T> {
  const dir = logPath.slice(0, logPath.lastIndexOf("/"));
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dir, { recursive: true });
    file = await Deno.open(`${logPath}.lock`, { read: true, write: true, create: true });
  } catch (e) {
    throw new FcpError("FCP-9002", "cannot open the revocation log lock", { cause: e });
  }
  try {
    await file.lock(true);
  } catch (e) {
    file.close();
    throw new FcpError("FCP-9002", "cannot lock the revocation log", { cause: e });
  }
  try {
    return await f();
  } finally {
    try {
      await file.unlock();
    } finally {
      file.close();
    }
  }
}

async function appendLocked(home: string, p: AppendRevocationParams): Promise<RevocationLogEntry> {
  const keys = { objectIdKey: p.objectIdKey, ownerPublicKey: p.ownerPublicKey };
  const log = await loadRevocationLog(home, p.zoneId, keys);
  const object = createRevocationObject({
    zoneId: log.zoneId,
    revoked: p.revoked,
    scope: p.scope,
    reason: p.reason,
    now: p.now,
    ...(p.expiresAt === undefined ? {} : { expiresAt: p.expiresAt }),
  }, p.owner);
  const head = log.registry.headEventId;
  const event = createRevocationEvent({
    zoneId: log.zoneId,
    revocationObjectId: revocationObjectId(object, p.objectIdKey),
    seq: log.registry.headSeq + 1,
    ...(head === undefined ? {} : { prev: head }),
    now: p.now,
  }, p.owner);
  const applied = log.registry.apply(event, object, p.now);
  const entry = { object, event, objectId: applied.objectId, eventId: applied.eventId };
  const all = [...log.entries, entry];
  const path = revocationLogPath(home, log.zoneId);
  const dir = path.slice(0, path.lastIndexOf("/"));
  try {
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${path}.tmp-${crypto.randomUUID()}`;
    await Deno.writeFile(tmp, encodeRevocationLogFile(log.zoneId, all), { mode: 0o644 });
    await Deno.rename(tmp, path);
  } catch (e) {
    throw new FcpError("FCP-9002", "cannot write the revocation log", { cause: e });
  }
  return entry;
}
