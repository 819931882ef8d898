/**
 * The LocalAPI's {@link ObjectService} over the store's object pipeline: `PUT /v1/objects`
 * seals the body under the zone's active key as RaptorQ symbols (chunked above the pipeline's
 * threshold) and stores it, pinned; `GET /v1/objects/{id}` rebuilds and verifies it.
 *
 * @module
 */
import type { ZoneKeyring } from "../authority/mod.ts";
import { isFcpError, toHex } from "../core/mod.ts";
import { createObjectContext, getObject, putObject, type SymbolStore } from "../store/mod.ts";
import type { ObjectService } from "./deps.ts";

/** Options of {@link storeObjectService}. */
export interface StoreObjectServiceOptions {
  /** The symbol store. */
  readonly store: SymbolStore;
  /** Zone keys (the node's keyring). */
  readonly keyring: ZoneKeyring;
  /** This node's id (sender of the sealed symbols). */
  readonly nodeId: string;
  /** Clock, Unix seconds (default: the system clock). */
  readonly now?: () => number;
}

/**
 * An object service over the store pipeline. A get of an object the zone does not hold (unknown
 * id, or an id of another zone) answers `undefined` (the API's 404).
 *
 * @example
 * ```ts
 * import { storeObjectService } from "./object_service.ts";
 * import { createStandardZones, memoryZoneKeyStore, Ed25519Key, X25519Key } from "../authority/mod.ts";
 * import { MemorySymbolStore } from "../store/mod.ts";
 * import { parseObjectId } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const identity = { nodeId: "node-a", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
 * const keyring = await createStandardZones(identity, memoryZoneKeyStore(), 1_700_000_000);
 * const svc = storeObjectService({ store: new MemorySymbolStore(), keyring, nodeId: "node-a" });
 * const put = await svc.put("z:work", new Uint8Array([1, 2, 3]));
 * assert.equal(put.created, true);
 * const id = parseObjectId(put.object_id);
 * assert.deepEqual(await svc.get("z:work", id), new Uint8Array([1, 2, 3]));
 * assert.equal(await svc.get("z:private", id), undefined);
 * ```
 */
export function storeObjectService(opts: StoreObjectServiceOptions): ObjectService {
  const ctx = createObjectContext({
    store: opts.store,
    keyring: opts.keyring,
    nodeId: opts.nodeId,
  });
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    async put(zone, body) {
      const r = await putObject(ctx, body, { zone, now: now() });
      return { "object_id": toHex(r.objectId), zone: r.zoneId, size: r.size, created: r.created };
    },
    async get(zone, id) {
      try {
        return await getObject(ctx, id, { zone });
      } catch (e) {
        if (isFcpError(e, "FCP-6001") || isFcpError(e, "FCP-4002")) return undefined;
        throw e;
      }
    },
  };
}
