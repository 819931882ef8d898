/**
 * `fcp object stat|pin|unpin OBJECT_ID` (issue 4 §4), and the helper every store command uses
 * to open the node's object store: identity, zone keyring and `FCP_HOME/store/symbols.db`.
 *
 * @module
 */
import { loadIdentity, ZoneKeyring } from "../../authority/mod.ts";
import { equalBytes, FcpError, isFcpError, toHex } from "../../core/mod.ts";
import { type ObjectId, parseObjectId } from "../../model/mod.ts";
import {
  BLOB_SCHEMA_HASH,
  CHUNK_REF_SCHEMA_HASH,
  createObjectContext,
  defaultStorePath,
  MANIFEST_SCHEMA_HASH,
  type ObjectContext,
  openSqliteStore,
  type StoredObject,
  type SymbolStore,
} from "../../store/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** An open object store with its pipeline context. Close it when done. */
export interface ObjectHome {
  /** The pipeline context (store, zone keys, node id). */
  readonly ctx: ObjectContext;
  /** The store. */
  readonly store: SymbolStore;
  /** Where the store file is. */
  readonly path: string;
  /** Close the store. */
  close(): Promise<void>;
}

/**
 * Open the object store of an initialized home. A home without an identity is `FCP-2012`
 * with a hint to run `fcp init`.
 *
 * @example
 * ```ts
 * import { openObjectHome } from "./object.ts";
 * import { isFcpError } from "../../core/mod.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(openObjectHome("/nonexistent/fcp"), (e) => isFcpError(e, "FCP-2012"));
 * ```
 */
export async function openObjectHome(home: string): Promise<ObjectHome> {
  let identity;
  try {
    identity = await loadIdentity(home);
  } catch (e) {
    if (isFcpError(e, "FCP-2012")) {
      throw new FcpError(
        "FCP-2012",
        `FCP_HOME ${home} is not initialized; run 'fcp init' first`,
        { cause: e },
      );
    }
    throw e;
  }
  const keyring = await ZoneKeyring.load(identity.keystore);
  const path = defaultStorePath(home);
  const store = openSqliteStore(path);
  return {
    ctx: createObjectContext({ store, keyring, nodeId: identity.nodeId }),
    store,
    path,
    close: () => store.close(),
  };
}

/**
 * Run `fn` with the home's object store open, closing it afterwards.
 *
 * @example
 * ```ts
 * import { withObjectHome } from "./object.ts";
 * import { initIdentity, createStandardZones } from "../../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-a" });
 * await createStandardZones(id, id.keystore, 1_700_000_000);
 * const stats = await withObjectHome(home, (h) => h.store.stats());
 * assert.equal(stats.objects, 0);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function withObjectHome<T>(
  home: string,
  fn: (h: ObjectHome) => Promise<T>,
): Promise<T> {
  const h = await openObjectHome(home);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

/**
 * Parse an OBJECT_ID argument (64 lowercase hex, or `objectid:<hex>`); bad ones exit 2.
 *
 * @example
 * ```ts
 * import { objectIdArg } from "./object.ts";
 * import { isFcpError } from "../../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(objectIdArg("ab".repeat(32))[0], 0xab);
 * assert.throws(() => objectIdArg("AB"), (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function objectIdArg(text: string): ObjectId {
  try {
    return parseObjectId(text);
  } catch (cause) {
    throw new UsageError("OBJECT_ID must be 64 lowercase hex characters", { cause });
  }
}

/**
 * Current time in whole Unix seconds.
 *
 * @example
 * ```ts
 * import { nowSeconds } from "./object.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Number.isSafeInteger(nowSeconds()) && nowSeconds() > 1_700_000_000);
 * ```
 */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function schemaName(h: Uint8Array | undefined): string {
  if (h === undefined) return "unknown";
  if (equalBytes(h, BLOB_SCHEMA_HASH)) return "fcp.store.Blob/1.0.0";
  if (equalBytes(h, MANIFEST_SCHEMA_HASH)) return "fcp.raptorq.ChunkedObjectManifest/1.0.0";
  if (equalBytes(h, CHUNK_REF_SCHEMA_HASH)) return "fcp.raptorq.ChunkRef/1.0.0";
  return toHex(h);
}

async function requireObject(store: SymbolStore, id: ObjectId): Promise<StoredObject> {
  const rec = await store.getObject(id);
  if (rec === undefined) throw new FcpError("FCP-6001", `object ${toHex(id)} is not in the store`);
  return rec;
}

function statJson(rec: StoredObject, pinned: boolean): Record<string, unknown> {
  return {
    object_id: toHex(rec.objectId),
    zone: rec.zoneId,
    state: rec.state,
    role: rec.role,
    schema: schemaName(rec.schemaHash),
    stored_length: rec.transferLength,
    chunks: rec.refs.length,
    symbol_size: rec.symbolSize,
    k: rec.k,
    symbols: rec.symbolCount,
    bytes: rec.bytes,
    pinned,
    created_at: rec.createdAt,
    seal: {
      algorithm: rec.seal.algorithm,
      zone_key_id: toHex(rec.seal.zoneKeyId),
      epoch_id: rec.seal.epochId.toString(),
      sender_node_id: rec.seal.senderNodeId,
      sender_instance_id: rec.seal.senderInstanceId.toString(16).padStart(16, "0"),
    },
  };
}

function printFields(ctx: CommandContext, doc: Record<string, unknown>, prefix = ""): void {
  for (const [k, v] of Object.entries(doc)) {
    if (v !== null && typeof v === "object") {
      printFields(ctx, v as Record<string, unknown>, `${k}.`);
    } else ctx.out(`${(prefix + k).padEnd(24)} ${String(v)}`);
  }
}

const ID_ARG = [{ name: "OBJECT_ID", description: "ObjectId, 64 lowercase hex characters" }];

/** `fcp object stat OBJECT_ID`. */
export const objectStat: CliCommand = {
  path: ["object", "stat"],
  summary: "Show a stored object's record: zone, schema, symbols, seal, pin",
  usage: "fcp object stat OBJECT_ID [--json]",
  description: [
    "Shows the metadata the store holds for an object (no content is decoded): zone,",
    "admission state, role, schema, stored length, chunk count (for a chunked object),",
    "symbol size, K, stored symbols and bytes, whether it is pinned, and how its symbols",
    "were sealed (AEAD, zone key id, epoch, sender). Unknown ids are FCP-6001 (exit 15).",
  ].join("\n"),
  args: ID_ARG,
  async run(ctx) {
    const id = objectIdArg(ctx.positionals[0]!);
    await withObjectHome(ctx.home, async ({ store }) => {
      const doc = statJson(await requireObject(store, id), await store.isPinned(id));
      if (ctx.json) ctx.printJson(doc);
      else printFields(ctx, doc);
    });
  },
};

/** `fcp object pin OBJECT_ID`. */
export const objectPin: CliCommand = {
  path: ["object", "pin"],
  summary: "Pin a stored object so garbage collection keeps it and what it references",
  usage: "fcp object pin OBJECT_ID [--json]",
  description: "Pins a stored object (in its own zone). Unknown ids are FCP-6001 (exit 15).",
  args: ID_ARG,
  async run(ctx) {
    const id = objectIdArg(ctx.positionals[0]!);
    await withObjectHome(ctx.home, async ({ store }) => {
      const rec = await requireObject(store, id);
      const was = await store.isPinned(id);
      if (!was) await store.pin(id, rec.zoneId, nowSeconds());
      if (ctx.json) {
        ctx.printJson({ object_id: toHex(id), zone: rec.zoneId, pinned: true, changed: !was });
      } else ctx.out(was ? `already pinned ${toHex(id)}` : `pinned ${toHex(id)}`);
    });
  },
};

/** `fcp object unpin OBJECT_ID`. */
export const objectUnpin: CliCommand = {
  path: ["object", "unpin"],
  summary: "Remove an object's pin (garbage collection may then delete it)",
  usage: "fcp object unpin OBJECT_ID [--json]",
  description: "Removes the pin of an object; not pinned is not an error (changed: false).",
  args: ID_ARG,
  async run(ctx) {
    const id = objectIdArg(ctx.positionals[0]!);
    await withObjectHome(ctx.home, async ({ store }) => {
      const changed = await store.unpin(id);
      if (ctx.json) ctx.printJson({ object_id: toHex(id), pinned: false, changed });
      else ctx.out(changed ? `unpinned ${toHex(id)}` : `not pinned ${toHex(id)}`);
    });
  },
};
