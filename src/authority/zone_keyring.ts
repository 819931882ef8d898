/**
 * The per-node zone keyring (spec §5.2.1 ZoneKeyRing): for each zone the active zone key, the
 * previous zone keys still needed to decrypt old symbols, the ObjectIdKey, the members and the
 * latest signed ZoneKeyManifest. Keys enter the keyring only through a verified manifest
 * ({@link ZoneKeyring.applyManifest}); creation and rotation build a manifest and apply it.
 *
 * Storage layout under FCP_HOME (through the keystore, ./keystore.ts; docs/wire.md):
 * - secret `keys/zonekeys.<zone id with ":" as ".">` (mode 0600, e.g. `zonekeys.z.work`): canonical CBOR
 *   `{zone_keys: [{id: bstr8, key: bstr32}], object_id_keys: [{id: bstr8, key: bstr32}]}`,
 *   rewritten atomically on every change, so pruned keys leave the disk;
 * - public `zone-keys.json`: per zone the key ids, algorithm, validity, rotation links,
 *   members (node id + X25519 public key) and the latest manifest (hex). No key bytes.
 *
 * @module
 */
import { decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { equalBytes, FcpError, fromHex, toHex } from "../core/mod.ts";
import {
  keyId,
  parseZoneId,
  readArray,
  readBytes,
  readRecord,
  STANDARD_ZONES,
  type ZoneId,
} from "../model/mod.ts";
import {
  decodeZoneKeyManifest,
  encodeZoneKeyManifest,
  type ZoneKeyManifest,
} from "./zone_key_manifest.ts";
import {
  buildZoneKeyManifest,
  type ManifestRecipient,
  unwrapZoneKeyManifest,
} from "./zone_key_manifest_seal.ts";
import {
  generateObjectIdKey,
  generateZoneKey,
  type ObjectIdKey,
  parseZoneKeyAlgorithm,
  type ZoneKey,
  type ZoneKeyAlgorithm,
} from "./zone_keys.ts";

/** Name of the public metadata file. */
export const ZONE_KEYS_FILE = "zone-keys.json";

/** Format tag inside {@link ZONE_KEYS_FILE}. */
export const ZONE_KEYS_FORMAT = "fcp.zone-keys/1";

/** Previous zone keys kept per zone (besides the active one) for decrypting old symbols. */
export const DEFAULT_RETAINED_ZONE_KEYS = 4;

/**
 * The storage the keyring needs. The keystore's `Keystore` (./keystore.ts) satisfies it;
 * {@link memoryZoneKeyStore} is an in-memory one for tests.
 */
export interface ZoneKeyStore {
  /** Write a secret file (mode 0600). */
  writeSecret(name: string, bytes: Uint8Array, opts?: { overwrite?: boolean }): Promise<void>;
  /** Read a secret file; missing is `FCP-2012`. */
  readSecret(name: string): Promise<Uint8Array>;
  /** Whether a secret exists. */
  hasSecret(name: string): Promise<boolean>;
  /** Write a public JSON file. */
  writePublic(name: string, value: unknown, opts?: { overwrite?: boolean }): Promise<void>;
  /** Read a public JSON file; missing is `FCP-2012`. */
  readPublic(name: string): Promise<unknown>;
  /** Whether a public file exists. */
  hasPublic(name: string): Promise<boolean>;
}

/**
 * An in-memory {@link ZoneKeyStore} (tests, benchmarks).
 *
 * @example
 * ```ts
 * import { memoryZoneKeyStore } from "./zone_keyring.ts";
 * import assert from "node:assert/strict";
 * const s = memoryZoneKeyStore();
 * await s.writeSecret("a", new Uint8Array([1]));
 * assert.deepEqual(await s.readSecret("a"), new Uint8Array([1]));
 * assert.equal(await s.hasPublic("x.json"), false);
 * ```
 */
export function memoryZoneKeyStore(): ZoneKeyStore {
  const secrets = new Map<string, Uint8Array>();
  const pub = new Map<string, string>();
  return {
    writeSecret(name, bytes, opts = {}) {
      if (secrets.has(name) && opts.overwrite !== true) {
        return Promise.reject(new FcpError("FCP-2013", `secret ${name} already exists`));
      }
      secrets.set(name, bytes.slice());
      return Promise.resolve();
    },
    readSecret(name) {
      const v = secrets.get(name);
      return v === undefined
        ? Promise.reject(new FcpError("FCP-2012", `secret ${name} not found`))
        : Promise.resolve(v.slice());
    },
    hasSecret: (name) => Promise.resolve(secrets.has(name)),
    writePublic(name, value) {
      pub.set(name, JSON.stringify(value));
      return Promise.resolve();
    },
    readPublic(name) {
      const v = pub.get(name);
      return v === undefined
        ? Promise.reject(new FcpError("FCP-2012", `${name} not found`))
        : Promise.resolve(JSON.parse(v));
    },
    hasPublic: (name) => Promise.resolve(pub.has(name)),
  };
}

/**
 * What the keyring needs to know about this node and the owner. `NodeKeys.encryption`
 * (`X25519Key`) and the owner `Ed25519Key` from ./keys.ts fit `encryption` and `owner`.
 */
export interface ZoneKeyringIdentity {
  /** This node's id (the HPKE recipient id). */
  readonly nodeId: string;
  /** This node's X25519 encryption key. */
  readonly encryption: {
    readonly publicKey: Uint8Array;
    exportSecret(): Uint8Array;
  };
  /** The owner key: its public key verifies manifests; `sign` (if held here) signs new ones. */
  readonly owner: {
    readonly publicKey: Uint8Array;
    sign?(message: Uint8Array): Uint8Array;
  };
}

/** Public facts about one zone, for `fcp zone list` (no key bytes). */
export interface ZoneSummary {
  /** The zone. */
  readonly zoneId: ZoneId;
  /** Active zone key id, hex. */
  readonly zoneKeyId: string;
  /** ObjectIdKey id, hex. */
  readonly objectIdKeyId: string;
  /** Algorithm of the active key. */
  readonly algorithm: ZoneKeyAlgorithm;
  /** `valid_from` of the active key. */
  readonly validFrom: number;
  /** `valid_until` of the active key, if bounded. */
  readonly validUntil?: number;
  /** The key the active one replaced, hex. */
  readonly prevZoneKeyId?: string;
  /** Members (recipients of the latest manifest). */
  readonly memberCount: number;
  /** Ids (hex) of retained previous zone keys, newest first. */
  readonly retainedZoneKeyIds: readonly string[];
}

interface KeyMeta {
  readonly keyId: Uint8Array;
  readonly algorithm: ZoneKeyAlgorithm;
  readonly validFrom: number;
  readonly validUntil?: number;
  readonly prevZoneKeyId?: Uint8Array;
}

interface ZoneEntry {
  readonly zoneId: ZoneId;
  /** Zone keys, active first, then older ones newest first. */
  keys: { meta: KeyMeta; key: Uint8Array }[];
  /** ObjectIdKeys, current first. */
  objectIdKeys: ObjectIdKey[];
  members: ManifestRecipient[];
  manifest: ZoneKeyManifest;
}

/** Options of {@link ZoneKeyring.load}. */
export interface ZoneKeyringOptions {
  /** Previous zone keys kept per zone; default {@link DEFAULT_RETAINED_ZONE_KEYS}. */
  readonly retainPrevious?: number;
}

/** `zonekeys.z.work`: `:` becomes `.` (never in a zone id) so the name is valid on every OS. */
function secretName(zone: ZoneId): string {
  return `zonekeys.${zone.replaceAll(":", ".")}`;
}

function unknownZone(zone: string): never {
  throw new FcpError("FCP-4005", `no keys for zone ${zone} on this node`);
}

function corrupt(detail: string, cause?: unknown): never {
  throw new FcpError("FCP-9002", `${ZONE_KEYS_FILE}: ${detail}`, { cause });
}

function ownerSignerId(ownerPublicKey: Uint8Array): string {
  return `owner:${toHex(keyId(ownerPublicKey))}`;
}

/**
 * A node's zone keyring, persisted in a {@link ZoneKeyStore}.
 *
 * @example
 * ```ts
 * import { createStandardZones, memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
 * import { Ed25519Key, X25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const store = memoryZoneKeyStore();
 * const identity = { nodeId: "node-a", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
 * const ring = await createStandardZones(identity, store, 1700000000);
 * const before = ring.activeZoneKey("z:work");
 * const { zoneKey } = await ring.rotate("z:work", identity, 1700000100);
 * assert.deepEqual(zoneKey.keyId, ring.activeZoneKey("z:work").keyId);
 * const again = await ZoneKeyring.load(store);
 * assert.deepEqual(again.zoneKey("z:work", before.keyId).key, before.key);
 * ```
 */
export class ZoneKeyring {
  readonly #store: ZoneKeyStore;
  readonly #zones = new Map<ZoneId, ZoneEntry>();
  readonly #retain: number;

  private constructor(store: ZoneKeyStore, retain: number) {
    this.#store = store;
    this.#retain = retain;
  }

  /**
   * Load the keyring from `store` (empty when nothing is stored yet). Corrupt metadata is
   * `FCP-9002`; a missing key secret is `FCP-2012`.
   *
   * @example
   * ```ts
   * import { memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
   * import assert from "node:assert/strict";
   * const ring = await ZoneKeyring.load(memoryZoneKeyStore());
   * assert.deepEqual(ring.zoneIds(), []);
   * ```
   */
  static async load(store: ZoneKeyStore, opts: ZoneKeyringOptions = {}): Promise<ZoneKeyring> {
    const ring = ZoneKeyring.empty(store, opts);
    if (!(await store.hasPublic(ZONE_KEYS_FILE))) return ring;
    const doc = await store.readPublic(ZONE_KEYS_FILE) as Record<string, unknown> | null;
    if (doc === null || typeof doc !== "object" || doc.format !== ZONE_KEYS_FORMAT) {
      corrupt(`format must be ${ZONE_KEYS_FORMAT}`);
    }
    if (!Array.isArray(doc.zones)) corrupt("zones must be an array");
    for (const z of doc.zones as unknown[]) {
      const entry = await ring.#loadZone(z);
      ring.#zones.set(entry.zoneId, entry);
    }
    return ring;
  }

  /**
   * An empty keyring bound to `store`, ignoring anything stored there (its first save
   * replaces the stored metadata).
   *
   * @example
   * ```ts
   * import { memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
   * import assert from "node:assert/strict";
   * assert.deepEqual(ZoneKeyring.empty(memoryZoneKeyStore()).zoneIds(), []);
   * ```
   */
  static empty(store: ZoneKeyStore, opts: ZoneKeyringOptions = {}): ZoneKeyring {
    const retain = opts.retainPrevious ?? DEFAULT_RETAINED_ZONE_KEYS;
    if (!Number.isSafeInteger(retain) || retain < 0) {
      throw new FcpError("FCP-1040", "retainPrevious must be a non-negative integer");
    }
    return new ZoneKeyring(store, retain);
  }

  async #loadZone(z: unknown): Promise<ZoneEntry> {
    try {
      const rec = z as Record<string, unknown>;
      const zone = parseZoneId(String(rec.zone_id));
      const secret = decodeCbor(await this.#store.readSecret(secretName(zone)));
      const s = readRecord(secret, "zone key secret", ["zone_keys", "object_id_keys"]);
      const pair = (x: unknown, w: string) => {
        const r = readRecord(x as never, w, ["id", "key"]);
        return { id: readBytes(r.id, `${w}.id`, 8), key: readBytes(r.key, `${w}.key`, 32) };
      };
      const zoneKeys = readArray(s.zone_keys, "zone_keys", pair);
      const objectIdKeys = readArray(s.object_id_keys, "object_id_keys", pair);
      const metas = (rec.keys as Record<string, unknown>[]).map((k): KeyMeta => ({
        keyId: fromHex(String(k.zone_key_id), 8),
        algorithm: parseZoneKeyAlgorithm(String(k.algorithm)),
        validFrom: Number(k.valid_from),
        ...(k.valid_until === undefined ? {} : { validUntil: Number(k.valid_until) }),
        ...(k.prev_zone_key_id === undefined
          ? {}
          : { prevZoneKeyId: fromHex(String(k.prev_zone_key_id), 8) }),
      }));
      const keys = metas.map((meta) => {
        const found = zoneKeys.find((p) => equalBytes(p.id, meta.keyId));
        if (found === undefined) {
          throw new FcpError("FCP-2012", `zone key ${toHex(meta.keyId)} of ${zone} is missing`);
        }
        return { meta, key: found.key };
      });
      const oidIds = (rec.object_id_key_ids as string[]).map((h) => fromHex(h, 8));
      const oids = oidIds.map((id) => {
        const found = objectIdKeys.find((p) => equalBytes(p.id, id));
        if (found === undefined) {
          throw new FcpError("FCP-2012", `ObjectIdKey ${toHex(id)} of ${zone} is missing`);
        }
        return { keyId: found.id, key: found.key };
      });
      const members = (rec.members as Record<string, unknown>[]).map((m) => ({
        nodeId: String(m.node_id),
        encryptionPublicKey: fromHex(String(m.encryption_public_key), 32),
      }));
      const manifest = decodeZoneKeyManifest(fromHex(String(rec.manifest)));
      if (keys.length === 0 || oids.length === 0) corrupt(`zone ${zone} has no keys`);
      return { zoneId: zone, keys, objectIdKeys: oids, members, manifest };
    } catch (e) {
      if (e instanceof FcpError && (e.code === "FCP-2012" || e.code === "FCP-9002")) throw e;
      return corrupt("a zone entry is malformed", e);
    }
  }

  /**
   * The zones held, sorted.
   *
   * @example
   * ```ts
   * import { memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
   * import assert from "node:assert/strict";
   * assert.equal((await ZoneKeyring.load(memoryZoneKeyStore())).zoneIds().length, 0);
   * ```
   */
  zoneIds(): ZoneId[] {
    return [...this.#zones.keys()].sort();
  }

  /**
   * Public facts about every zone (ids, algorithm, validity, member count); never key bytes.
   *
   * @example
   * ```ts
   * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1);
   * assert.equal(ring.summaries().length, 5);
   * assert.equal(ring.summaries()[0]!.memberCount, 1);
   * ```
   */
  summaries(): ZoneSummary[] {
    return this.zoneIds().map((zone) => {
      const e = this.#zones.get(zone)!;
      const active = e.keys[0]!.meta;
      return {
        zoneId: zone,
        zoneKeyId: toHex(active.keyId),
        objectIdKeyId: toHex(e.objectIdKeys[0]!.keyId),
        algorithm: active.algorithm,
        validFrom: active.validFrom,
        ...(active.validUntil === undefined ? {} : { validUntil: active.validUntil }),
        ...(active.prevZoneKeyId === undefined
          ? {}
          : { prevZoneKeyId: toHex(active.prevZoneKeyId) }),
        memberCount: e.manifest.wrappedKeys.length,
        retainedZoneKeyIds: e.keys.slice(1).map((k) => toHex(k.meta.keyId)),
      };
    });
  }

  #entry(zoneId: string): ZoneEntry {
    return this.#zones.get(parseZoneId(zoneId)) ?? unknownZone(zoneId);
  }

  /**
   * The active zone key of a zone (`FCP-4005` when the zone is not held).
   *
   * @example
   * ```ts
   * import { memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   * const ring = await ZoneKeyring.load(memoryZoneKeyStore());
   * assert.throws(() => ring.activeZoneKey("z:work"), (e) => isFcpError(e, "FCP-4005"));
   * ```
   */
  activeZoneKey(zoneId: string): ZoneKey {
    const e = this.#entry(zoneId);
    return toZoneKey(e.zoneId, e.keys[0]!);
  }

  /**
   * A zone key by id: the active key or a retained previous one (`FCP-4005` if not held,
   * e.g. pruned).
   *
   * @example
   * ```ts
   * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1);
   * const k = ring.activeZoneKey("z:work");
   * assert.deepEqual(ring.zoneKey("z:work", k.keyId).key, k.key);
   * assert.throws(() => ring.zoneKey("z:work", new Uint8Array(8)), (e) => isFcpError(e, "FCP-4005"));
   * ```
   */
  zoneKey(zoneId: string, zoneKeyId: Uint8Array): ZoneKey {
    const e = this.#entry(zoneId);
    const k = e.keys.find((x) => equalBytes(x.meta.keyId, zoneKeyId));
    if (k === undefined) {
      throw new FcpError("FCP-4005", `zone key ${toHex(zoneKeyId)} of ${e.zoneId} is not held`);
    }
    return toZoneKey(e.zoneId, k);
  }

  /**
   * The zone's current ObjectIdKey (`FCP-4005` when the zone is not held).
   *
   * @example
   * ```ts
   * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1);
   * assert.equal(ring.objectIdKey("z:public").key.length, 32);
   * ```
   */
  objectIdKey(zoneId: string): ObjectIdKey {
    const k = this.#entry(zoneId).objectIdKeys[0]!;
    return { keyId: k.keyId, key: k.key.slice() };
  }

  /**
   * The latest applied manifest of a zone (`FCP-4005` when the zone is not held).
   *
   * @example
   * ```ts
   * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1);
   * assert.equal(ring.manifest("z:owner").zoneId, "z:owner");
   * ```
   */
  manifest(zoneId: string): ZoneKeyManifest {
    return this.#entry(zoneId).manifest;
  }

  /**
   * The members of a zone (node id and X25519 public key), as recorded when the zone was
   * created or last re-keyed here.
   *
   * @example
   * ```ts
   * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1);
   * assert.deepEqual(ring.members("z:work").map((m) => m.nodeId), ["n"]);
   * ```
   */
  members(zoneId: string): ManifestRecipient[] {
    return [...this.#entry(zoneId).members];
  }

  /**
   * Verify a manifest (all checks of WIRE.md §7, owner signature included), unwrap this node's
   * keys and install them, then persist. A key with a `valid_from` not older than the active
   * key's becomes active; the previous active key is retained (up to the retention limit).
   * Re-applying a known manifest is a no-op; a known key id with different key bytes is
   * `FCP-4006`, and so is a new active key for a zone held here whose `prev_zone_key_id` is
   * absent or names no key held here (a missed or forked rotation); an older key is kept as
   * history. `members` (with their X25519 public keys) replaces the recorded member list.
   *
   * @example
   * ```ts
   * import { memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
   * import { buildZoneKeyManifest } from "./zone_key_manifest_seal.ts";
   * import { generateObjectIdKey, generateZoneKey } from "./zone_keys.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const manifest = await buildZoneKeyManifest({
   *   zoneKey: generateZoneKey("z:work", 1),
   *   objectIdKey: generateObjectIdKey(),
   *   recipients: [{ nodeId: "n", encryptionPublicKey: identity.encryption.publicKey }],
   *   issuedAt: 1,
   *   signer: { signerId: "owner", sign: (m) => identity.owner.sign(m) },
   * });
   * const ring = await ZoneKeyring.load(memoryZoneKeyStore());
   * const key = await ring.applyManifest(manifest, identity);
   * assert.deepEqual(key.keyId, manifest.zoneKeyId);
   * ```
   */
  async applyManifest(
    manifest: ZoneKeyManifest,
    identity: ZoneKeyringIdentity,
    members?: readonly ManifestRecipient[],
  ): Promise<ZoneKey> {
    const secret = identity.encryption.exportSecret();
    let got;
    try {
      got = await unwrapZoneKeyManifest(manifest, {
        zoneId: manifest.zoneId,
        nodeId: identity.nodeId,
        encryptionSecretKey: secret,
        ownerPublicKey: identity.owner.publicKey,
      });
    } finally {
      secret.fill(0);
    }
    const zone = manifest.zoneId;
    const meta: KeyMeta = {
      keyId: manifest.zoneKeyId,
      algorithm: manifest.algorithm,
      validFrom: manifest.validFrom,
      ...(manifest.validUntil === undefined ? {} : { validUntil: manifest.validUntil }),
      ...(manifest.prevZoneKeyId === undefined ? {} : { prevZoneKeyId: manifest.prevZoneKeyId }),
    };
    const incoming = { meta, key: got.zoneKey.key };
    const memberList = members === undefined ? undefined : [...members];
    const existing = this.#zones.get(zone);
    if (existing === undefined) {
      this.#zones.set(zone, {
        zoneId: zone,
        keys: [incoming],
        objectIdKeys: [got.objectIdKey],
        members: memberList ?? [{
          nodeId: identity.nodeId,
          encryptionPublicKey: identity.encryption.publicKey,
        }],
        manifest,
      });
      await this.#save(zone);
      return got.zoneKey;
    }
    const known = existing.keys.find((k) => equalBytes(k.meta.keyId, meta.keyId));
    if (known !== undefined) {
      if (!equalBytes(known.key, incoming.key)) {
        throw new FcpError(
          "FCP-4006",
          `zone key id ${toHex(meta.keyId)} already names another key`,
        );
      }
      return toZoneKey(zone, known);
    }
    const knownOid = existing.objectIdKeys.find((k) => equalBytes(k.keyId, got.objectIdKey.keyId));
    if (knownOid !== undefined && !equalBytes(knownOid.key, got.objectIdKey.key)) {
      throw new FcpError("FCP-4006", "ObjectIdKey id already names another key");
    }
    const becomesActive = meta.validFrom >= existing.keys[0]!.meta.validFrom;
    // A new active key of a zone this node holds must continue its chain (WIRE.md §7
    // rotation): its `prev_zone_key_id` names a key held here. Otherwise a manifest was missed
    // (or the chain forked) and installing it would leave keys this node cannot account for.
    const prev = meta.prevZoneKeyId;
    if (
      becomesActive &&
      (prev === undefined || !existing.keys.some((k) => equalBytes(k.meta.keyId, prev)))
    ) {
      throw new FcpError(
        "FCP-4006",
        prev === undefined
          ? `the manifest for ${zone} names no prev_zone_key_id, but this node holds keys of ${zone}`
          : `the manifest's prev_zone_key_id ${toHex(prev)} is not a key this node holds for ` +
            `${zone}; apply the missing rotations first`,
      );
    }
    if (becomesActive) {
      existing.keys.unshift(incoming);
      existing.manifest = manifest;
      if (knownOid === undefined) existing.objectIdKeys.unshift(got.objectIdKey);
      else {
        existing.objectIdKeys = [
          knownOid,
          ...existing.objectIdKeys.filter((k) => k !== knownOid),
        ];
      }
    } else {
      existing.keys.push(incoming);
      if (knownOid === undefined) existing.objectIdKeys.push(got.objectIdKey);
    }
    const [active, ...older] = existing.keys;
    older.sort((a, b) => b.meta.validFrom - a.meta.validFrom);
    existing.keys = [active!, ...older.slice(0, this.#retain)];
    existing.objectIdKeys = existing.objectIdKeys.slice(0, this.#retain + 1);
    if (memberList !== undefined) existing.members = memberList;
    await this.#save(zone);
    return toZoneKey(zone, incoming);
  }

  /**
   * Create a zone: a new random zone key and ObjectIdKey, sealed to `members` (default: this
   * node) in a manifest signed by the owner, applied here. `FCP-2013` if the zone exists;
   * `FCP-2012` if the owner key cannot sign on this node.
   *
   * @example
   * ```ts
   * import { memoryZoneKeyStore, ZoneKeyring } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await ZoneKeyring.load(memoryZoneKeyStore());
   * const m = await ring.createZone("z:project:demo", identity, 10);
   * assert.deepEqual(ring.zoneIds(), ["z:project:demo"]);
   * assert.equal(m.prevZoneKeyId, undefined);
   * ```
   */
  async createZone(
    zoneId: string,
    identity: ZoneKeyringIdentity,
    now: number,
    opts: { algorithm?: ZoneKeyAlgorithm; members?: readonly ManifestRecipient[] } = {},
  ): Promise<ZoneKeyManifest> {
    const zone = parseZoneId(zoneId);
    if (this.#zones.has(zone)) throw new FcpError("FCP-2013", `zone ${zone} already has keys`);
    const members = opts.members ?? [{
      nodeId: identity.nodeId,
      encryptionPublicKey: identity.encryption.publicKey,
    }];
    const manifest = await buildZoneKeyManifest({
      zoneKey: generateZoneKey(
        zone,
        now,
        opts.algorithm === undefined ? {} : { algorithm: opts.algorithm },
      ),
      objectIdKey: generateObjectIdKey(),
      recipients: members,
      issuedAt: now,
      signer: ownerSigner(identity),
    });
    await this.applyManifest(manifest, identity, members);
    return manifest;
  }

  /**
   * Rotate a zone's key: a new random zone key (new random id, `prev_zone_key_id` = the old
   * id, same algorithm), the unchanged ObjectIdKey (WIRE.md §2), re-sealed to the recorded
   * members, signed by the owner and applied. The old key stays available for old symbols.
   *
   * @example
   * ```ts
   * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
   * import { Ed25519Key, X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const identity = { nodeId: "n", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
   * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1);
   * const old = ring.activeZoneKey("z:work");
   * const { manifest } = await ring.rotate("z:work", identity, 2);
   * assert.deepEqual(manifest.prevZoneKeyId, old.keyId);
   * assert.deepEqual(ring.zoneKey("z:work", old.keyId).key, old.key);
   * ```
   */
  async rotate(
    zoneId: string,
    identity: ZoneKeyringIdentity,
    now: number,
    opts: { members?: readonly ManifestRecipient[] } = {},
  ): Promise<{ manifest: ZoneKeyManifest; zoneKey: ZoneKey }> {
    const e = this.#entry(zoneId);
    const active = e.keys[0]!.meta;
    const members = opts.members ?? e.members;
    const zoneKey = generateZoneKey(e.zoneId, Math.max(now, active.validFrom), {
      algorithm: active.algorithm,
      avoidIds: e.keys.map((k) => k.meta.keyId),
    });
    const manifest = await buildZoneKeyManifest({
      zoneKey,
      objectIdKey: e.objectIdKeys[0]!,
      recipients: members,
      issuedAt: now,
      signer: ownerSigner(identity),
      prevZoneKeyId: active.keyId,
      ...(e.manifest.rekeyPolicy === undefined ? {} : { rekeyPolicy: e.manifest.rekeyPolicy }),
    });
    const installed = await this.applyManifest(manifest, identity, members);
    return { manifest, zoneKey: installed };
  }

  async #save(zone: ZoneId): Promise<void> {
    const e = this.#zones.get(zone)!;
    const secret = encodeCbor({
      zone_keys: e.keys.map((k) => ({ id: k.meta.keyId, key: k.key })),
      object_id_keys: e.objectIdKeys.map((k) => ({ id: k.keyId, key: k.key })),
    });
    await this.#store.writeSecret(secretName(zone), secret, { overwrite: true });
    secret.fill(0);
    await this.#store.writePublic(ZONE_KEYS_FILE, this.#metadata(), { overwrite: true });
  }

  #metadata(): unknown {
    return {
      format: ZONE_KEYS_FORMAT,
      zones: this.zoneIds().map((zone) => {
        const e = this.#zones.get(zone)!;
        return {
          zone_id: zone,
          keys: e.keys.map(({ meta }) => ({
            zone_key_id: toHex(meta.keyId),
            algorithm: meta.algorithm,
            valid_from: meta.validFrom,
            ...(meta.validUntil === undefined ? {} : { valid_until: meta.validUntil }),
            ...(meta.prevZoneKeyId === undefined
              ? {}
              : { prev_zone_key_id: toHex(meta.prevZoneKeyId) }),
          })),
          object_id_key_ids: e.objectIdKeys.map((k) => toHex(k.keyId)),
          members: e.members.map((m) => ({
            node_id: m.nodeId,
            encryption_public_key: toHex(m.encryptionPublicKey),
          })),
          manifest: toHex(encodeZoneKeyManifest(e.manifest)),
        };
      }),
    };
  }
}

function toZoneKey(zone: ZoneId, k: { meta: KeyMeta; key: Uint8Array }): ZoneKey {
  return {
    zoneId: zone,
    keyId: k.meta.keyId,
    algorithm: k.meta.algorithm,
    key: k.key.slice(),
    validFrom: k.meta.validFrom,
    ...(k.meta.validUntil === undefined ? {} : { validUntil: k.meta.validUntil }),
  };
}

function ownerSigner(identity: ZoneKeyringIdentity) {
  const owner = identity.owner;
  if (owner.sign === undefined) {
    throw new FcpError("FCP-2012", "the owner key is not available on this node");
  }
  const sign = owner.sign.bind(owner);
  return { signerId: ownerSignerId(owner.publicKey), sign: (m: Uint8Array) => sign(m) };
}

/** Options of {@link createStandardZones}. */
export interface StandardZonesOptions {
  /** Start from an empty keyring, dropping any stored zones (for `fcp init --force`). */
  readonly replace?: boolean;
  /** Algorithm of the new zone keys. */
  readonly algorithm?: ZoneKeyAlgorithm;
  /** Previous zone keys kept per zone. */
  readonly retainPrevious?: number;
}

/**
 * Create the five standard zones (z:owner, z:private, z:work, z:community, z:public), each
 * with a random zone key and ObjectIdKey sealed to this node in a manifest signed by the owner
 * key, and persist them in `store`. Zones already present are kept unless `replace`.
 *
 * @example
 * ```ts
 * import { createStandardZones, memoryZoneKeyStore } from "./zone_keyring.ts";
 * import { Ed25519Key, X25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const identity = { nodeId: "node-a", encryption: X25519Key.generate(), owner: Ed25519Key.generate() };
 * const ring = await createStandardZones(identity, memoryZoneKeyStore(), 1700000000);
 * assert.deepEqual(ring.zoneIds(), ["z:community", "z:owner", "z:private", "z:public", "z:work"]);
 * ```
 */
export async function createStandardZones(
  identity: ZoneKeyringIdentity,
  store: ZoneKeyStore,
  now: number,
  opts: StandardZonesOptions = {},
): Promise<ZoneKeyring> {
  const loadOpts = opts.retainPrevious === undefined ? {} : { retainPrevious: opts.retainPrevious };
  const ring = opts.replace === true
    ? ZoneKeyring.empty(store, loadOpts)
    : await ZoneKeyring.load(store, loadOpts);
  for (const zone of STANDARD_ZONES) {
    if (ring.zoneIds().includes(zone)) continue;
    await ring.createZone(
      zone,
      identity,
      now,
      opts.algorithm === undefined ? {} : { algorithm: opts.algorithm },
    );
  }
  return ring;
}
