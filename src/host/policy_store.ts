/**
 * The zone policies the invoke pipeline enforces (spec §5.2.1, §5.3): one owner-signed
 * ZonePolicyObject per zone in `FCP_HOME/policies.json`
 * (`{format: "fcp.policies/1", zones: {<zone>: {object_id, object_hex}}}`, `object_hex` the
 * canonical CBOR of the signed object). Loading verifies every object's owner signature and
 * that its ObjectId matches; a zone without a policy, or with one that fails either check, is
 * treated as default deny, never as open. {@link PolicyStore} re-reads the file when it changes
 * on disk, so `fcp policy set` takes effect in a running node.
 *
 * @module
 */
import {
  createZonePolicyObject,
  decodeZonePolicyObject,
  defaultPolicy,
  encodeZonePolicyObject,
  type Identity,
  verifyZonePolicyObject,
  type ZoneKeyring,
  type ZonePolicy,
  type ZonePolicyObject,
  zonePolicyObjectId,
} from "../authority/mod.ts";
import { equalBytes, FcpError, fromHex, toHex } from "../core/mod.ts";
import { type ObjectId, parseZoneId, STANDARD_ZONES, type ZoneId } from "../model/mod.ts";

/** Public file holding the owner-signed policy objects, one per zone. */
export const POLICIES_FILE = "policies.json";
/** Its format tag. */
export const POLICIES_FORMAT = "fcp.policies/1";

/** A zone's current policy and where it came from. */
export interface LoadedPolicy {
  /** The policy enforced. */
  readonly policy: ZonePolicy;
  /** The signed object, when one verified. */
  readonly object?: ZonePolicyObject;
  /** Its ObjectId (decision evidence). */
  readonly objectId?: ObjectId;
  /** Why the default deny stands in, when no object verified. */
  readonly problem?: string;
}

interface PoliciesFile {
  format: string;
  zones: Record<string, { object_id: string; object_hex: string }>;
}

async function readFile(identity: Identity): Promise<PoliciesFile | undefined> {
  if (!(await identity.keystore.hasPublic(POLICIES_FILE))) return undefined;
  const v = await identity.keystore.readPublic(POLICIES_FILE) as Partial<PoliciesFile>;
  if (v?.format !== POLICIES_FORMAT || typeof v.zones !== "object" || v.zones === null) {
    throw new FcpError("FCP-1013", `${POLICIES_FILE} is not ${POLICIES_FORMAT}`);
  }
  return v as PoliciesFile;
}

function loadOne(
  entry: { object_id: string; object_hex: string } | undefined,
  zone: ZoneId,
  identity: Identity,
  ring: ZoneKeyring,
): LoadedPolicy {
  if (entry === undefined) return { policy: defaultPolicy(zone), problem: "no policy object" };
  try {
    const object = decodeZonePolicyObject(fromHex(entry.object_hex, undefined, "policy object"));
    verifyZonePolicyObject(object, identity.owner.publicKey);
    if (object.policy.zoneId !== zone) throw new FcpError("FCP-4002", "policy is for another zone");
    const objectId = zonePolicyObjectId(object, ring.objectIdKey(zone).key);
    if (!equalBytes(objectId, fromHex(entry.object_id, 32, "policy object id"))) {
      throw new FcpError("FCP-1014", "policy object id does not match its bytes");
    }
    return { policy: object.policy, object, objectId };
  } catch (e) {
    const code = e instanceof FcpError ? e.code : "FCP-9001";
    return { policy: defaultPolicy(zone), problem: `policy object refused (${code})` };
  }
}

/**
 * Load and verify every zone's policy (see the module comment).
 *
 * @example
 * ```ts
 * import { loadZonePolicies, writeDefaultPolicies } from "./policy_store.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * await writeDefaultPolicies(id, ring, 1_700_000_000);
 * const p = await loadZonePolicies(id, ring);
 * assert.equal(p.get("z:work")?.policy.defaultDeny, true);
 * assert.equal(p.get("z:work")?.objectId?.length, 32);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function loadZonePolicies(
  identity: Identity,
  ring: ZoneKeyring,
): Promise<Map<ZoneId, LoadedPolicy>> {
  const file = await readFile(identity);
  const out = new Map<ZoneId, LoadedPolicy>();
  for (const zone of ring.zoneIds()) {
    out.set(zone, loadOne(file?.zones[zone], zone, identity, ring));
  }
  return out;
}

async function writeObjects(
  identity: Identity,
  ring: ZoneKeyring,
  objects: ReadonlyMap<ZoneId, ZonePolicyObject>,
): Promise<Record<string, string>> {
  const file = (await readFile(identity).catch(() => undefined)) ??
    { format: POLICIES_FORMAT, zones: {} };
  const ids: Record<string, string> = {};
  for (const [zone, obj] of objects) {
    const id = toHex(zonePolicyObjectId(obj, ring.objectIdKey(zone).key));
    file.zones[zone] = { object_id: id, object_hex: toHex(encodeZonePolicyObject(obj)) };
    ids[zone] = id;
  }
  await identity.keystore.writePublic(POLICIES_FILE, file, { overwrite: true });
  return ids;
}

/**
 * Write an owner-signed default-deny policy for each standard zone the keyring holds (what
 * `fcp init` does); returns the object ids by zone.
 *
 * @example
 * ```ts
 * import { writeDefaultPolicies } from "./policy_store.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * const ids = await writeDefaultPolicies(id, ring, 1_700_000_000);
 * assert.equal(Object.keys(ids).length, 5);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function writeDefaultPolicies(
  identity: Identity,
  ring: ZoneKeyring,
  now: number,
): Promise<Record<string, string>> {
  const seed = identity.owner.exportSeed();
  try {
    const objects = new Map<ZoneId, ZonePolicyObject>();
    for (const zone of STANDARD_ZONES) {
      if (!ring.zoneIds().includes(zone)) continue;
      objects.set(zone, createZonePolicyObject(defaultPolicy(zone), { now }, seed));
    }
    return await writeObjects(identity, ring, objects);
  } finally {
    seed.fill(0);
  }
}

/**
 * Replace a zone's policy with a new owner-signed object whose `prev` names the current one.
 * Returns the new object's id.
 *
 * @example
 * ```ts
 * import { loadZonePolicies, setZonePolicy, writeDefaultPolicies } from "./policy_store.ts";
 * import { createStandardZones, initIdentity, zonePolicy } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * await writeDefaultPolicies(id, ring, 1_700_000_000);
 * await setZonePolicy(id, ring, zonePolicy({ zoneId: "z:work", capAllow: ["fs.*"] }), 1_700_000_001);
 * const p = (await loadZonePolicies(id, ring)).get("z:work")!;
 * assert.deepEqual(p.policy.capAllow, ["fs.*"]);
 * assert.equal(p.object?.prev?.length, 32);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function setZonePolicy(
  identity: Identity,
  ring: ZoneKeyring,
  policy: ZonePolicy,
  now: number,
): Promise<string> {
  const zone = parseZoneId(policy.zoneId);
  if (!ring.zoneIds().includes(zone)) {
    throw new FcpError("FCP-4005", `this node holds no keys for ${zone}`);
  }
  const current = (await loadZonePolicies(identity, ring)).get(zone);
  const seed = identity.owner.exportSeed();
  try {
    const obj = createZonePolicyObject(policy, {
      now,
      ...(current?.objectId === undefined ? {} : { prev: current.objectId }),
    }, seed);
    const ids = await writeObjects(identity, ring, new Map([[zone, obj]]));
    return ids[zone]!;
  } finally {
    seed.fill(0);
  }
}

/**
 * The policies of a home, re-read when `policies.json` changes (checked at most every
 * `recheckMs`, default 0: on every call).
 *
 * @example
 * ```ts
 * import { PolicyStore, writeDefaultPolicies } from "./policy_store.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const ring = await createStandardZones(id, id.keystore, 1_700_000_000);
 * await writeDefaultPolicies(id, ring, 1_700_000_000);
 * const store = new PolicyStore(id, ring);
 * assert.equal((await store.get("z:work")).policy.defaultDeny, true);
 * assert.equal((await store.get("z:unknown")).problem, "no keys for this zone");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class PolicyStore {
  readonly #identity: Identity;
  readonly #ring: ZoneKeyring;
  readonly #recheckMs: number;
  #stamp = "";
  #checkedAt = -Infinity;
  #policies = new Map<ZoneId, LoadedPolicy>();

  /** Policies of the identity's home for the keyring's zones. */
  constructor(identity: Identity, ring: ZoneKeyring, opts: { readonly recheckMs?: number } = {}) {
    this.#identity = identity;
    this.#ring = ring;
    this.#recheckMs = opts.recheckMs ?? 0;
  }

  /** The policy in force for `zone` (default deny when none verified). */
  async get(zone: ZoneId | string): Promise<LoadedPolicy> {
    const z = parseZoneId(zone);
    if (performance.now() - this.#checkedAt >= this.#recheckMs) {
      this.#checkedAt = performance.now();
      let stamp = "absent";
      try {
        // Synchronous on purpose: microseconds, on every call of the invoke hot path.
        const st = Deno.statSync(`${this.#identity.home}/${POLICIES_FILE}`);
        stamp = `${st.mtime?.getTime()}:${st.size}:${st.ino ?? ""}`;
      } catch {
        // absent: every zone is default deny
      }
      if (stamp !== this.#stamp) {
        this.#policies = stamp === "absent"
          ? new Map()
          : await loadZonePolicies(this.#identity, this.#ring).catch(() => new Map());
        this.#stamp = stamp;
      }
    }
    return this.#policies.get(z) ??
      {
        policy: defaultPolicy(z),
        problem: this.#ring.zoneIds().includes(z) ? "no policy object" : "no keys for this zone",
      };
  }
}
