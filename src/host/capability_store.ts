/**
 * The owner-signed CapabilityObjects that back minted tokens (`grant_object_ids`, issue 3 §2):
 * one file per object in `FCP_HOME/capabilities/<object id hex>.cap`, holding
 * `SchemaHash ‖ C(object)`. Token verification resolves every grant id here; an id with no
 * file resolves to nothing and the token is refused (`FCP-3002`).
 *
 * @module
 */
import {
  type CapabilityObject,
  decodeCapabilityObject,
  encodeCapabilityObject,
} from "../authority/mod.ts";
import { FcpError, toHex } from "../core/mod.ts";
import type { ObjectId } from "../model/mod.ts";

/** Directory (under FCP_HOME) of the CapabilityObjects. */
export const CAPABILITIES_DIR = "capabilities";

/**
 * The file of a CapabilityObject.
 *
 * @example
 * ```ts
 * import { capabilityPath } from "./capability_store.ts";
 * import assert from "node:assert/strict";
 * assert.equal(capabilityPath("/h", new Uint8Array(32)), `/h/capabilities/${"00".repeat(32)}.cap`);
 * ```
 */
export function capabilityPath(home: string, objectId: ObjectId): string {
  return `${home}/${CAPABILITIES_DIR}/${toHex(objectId)}.cap`;
}

/**
 * Store a CapabilityObject under its id (directory mode 0700).
 *
 * @example
 * ```ts
 * import { loadCapabilities, storeCapability } from "./capability_store.ts";
 * import { CAPABILITY_OBJECT_SCHEMA, Ed25519Key, signCapabilityObject } from "../authority/mod.ts";
 * import { originProvenance } from "../model/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const obj = signCapabilityObject({
 *   header: { schema: CAPABILITY_OBJECT_SCHEMA, zoneId: "z:work", createdAt: 1,
 *     provenance: originProvenance("z:work"), refs: [], foreignRefs: [] },
 *   capabilityId: "fs.read", operations: ["fs_read"], validFrom: 1, validUntil: 9,
 * }, Ed25519Key.generate());
 * const id = new Uint8Array(32).fill(5);
 * await storeCapability(home, id, obj);
 * const found = await loadCapabilities(home, [id, new Uint8Array(32)]);
 * assert.equal(found.size, 1);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function storeCapability(
  home: string,
  objectId: ObjectId,
  o: CapabilityObject,
): Promise<void> {
  try {
    await Deno.mkdir(`${home}/${CAPABILITIES_DIR}`, { recursive: true, mode: 0o700 });
    await Deno.writeFile(capabilityPath(home, objectId), encodeCapabilityObject(o), {
      mode: 0o644,
    });
  } catch (e) {
    throw new FcpError("FCP-9002", "cannot store the capability object", { cause: e });
  }
}

/**
 * The stored CapabilityObjects among `ids`, by hex id (unknown ids are left out; a stored
 * file that does not decode is refused with its decode error).
 *
 * @example
 * ```ts
 * import { loadCapabilities } from "./capability_store.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.equal((await loadCapabilities(home, [new Uint8Array(32)])).size, 0);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function loadCapabilities(
  home: string,
  ids: readonly ObjectId[],
): Promise<Map<string, CapabilityObject>> {
  const found = new Map<string, CapabilityObject>();
  for (const id of ids) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(capabilityPath(home, id));
    } catch {
      continue;
    }
    found.set(toHex(id), decodeCapabilityObject(bytes));
  }
  return found;
}
