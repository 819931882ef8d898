/**
 * This node's identity in `FCP_HOME` (spec §2.2): the owner key, the node's signing,
 * encryption and issuance keys, and the owner-signed NodeKeyAttestation.
 *
 * Layout (all under `FCP_HOME`):
 * - `keys/owner.seed`, `keys/node.signing.seed`, `keys/node.issuance.seed` (Ed25519 seeds),
 *   `keys/node.encryption.key` (X25519 secret): 32 raw bytes each, mode 0600, dir 0700;
 * - `node.json`: public metadata — node id, tags, the four `{kid, public_key}` and the
 *   attestation envelope (`attestation_hex`, see `encodeAttestation`).
 *
 * `fcp init` calls {@link initIdentity}, then creates the standard zones and the default
 * policy with the keys returned here.
 *
 * @module
 */
import { equalBytes, FcpError, fromHex, toHex } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";
import { STANDARD_ZONES, validateCanonicalId, zoneToTailscaleTag } from "../model/mod.ts";
import {
  decodeAttestation,
  encodeAttestation,
  type NodeKeyAttestation,
  signAttestation,
  verifyAttestation,
} from "./attestation.ts";
import { Ed25519Key, generateNodeKeys, type PublicKeyInfo, X25519Key } from "./keys.ts";
import { Keystore, openKeystore } from "./keystore.ts";

/** Secret file names in `FCP_HOME/keys`. */
export const IDENTITY_SECRETS = {
  owner: "owner.seed",
  signing: "node.signing.seed",
  encryption: "node.encryption.key",
  issuance: "node.issuance.seed",
} as const;

/** The public metadata file in `FCP_HOME`. */
export const NODE_FILE = "node.json";

/** Renew the attestation when it has less than this many seconds left. */
export const ATTESTATION_RENEW_MARGIN_SECS = 3_600;

/** A loaded identity. Key objects never reveal their secrets when printed or serialized. */
export interface Identity {
  /** The FCP_HOME directory. */
  readonly home: string;
  /** The keystore of {@link home}. */
  readonly keystore: Keystore;
  /** This node's id. */
  readonly nodeId: string;
  /** This node's ACL tags (as attested). */
  readonly tags: readonly string[];
  /** Creation time of the identity, Unix seconds. */
  readonly createdAt: number;
  /** The owner's root key (trust anchor). */
  readonly owner: Ed25519Key;
  /** Node signing key. */
  readonly signing: Ed25519Key;
  /** Node encryption key. */
  readonly encryption: X25519Key;
  /** Node issuance key (mints capability tokens). */
  readonly issuance: Ed25519Key;
  /** The owner's attestation of the node keys. */
  readonly attestation: NodeKeyAttestation;
}

/** The JSON shape of `node.json` (public only). */
export interface NodeFile {
  /** `"fcp.node/1"`. */
  format: "fcp.node/1";
  /** Node id. */
  "node_id": string;
  /** Creation time, Unix seconds. */
  "created_at": number;
  /** ACL tags. */
  tags: string[];
  /** Owner key. */
  owner: PublicKeyInfo;
  /** Node signing key. */
  signing: PublicKeyInfo;
  /** Node encryption key. */
  encryption: PublicKeyInfo;
  /** Node issuance key. */
  issuance: PublicKeyInfo;
  /** Attestation envelope, hex of its canonical CBOR. */
  "attestation_hex": string;
}

/** Options of {@link initIdentity}. */
export interface InitIdentityOptions {
  /** Current time, Unix seconds (attestation issue time). */
  readonly now: number;
  /** Node id; default derived from the host name (see {@link defaultNodeId}). */
  readonly nodeId?: string;
  /** Replace an existing identity (default false: `FCP-2013`). */
  readonly force?: boolean;
  /** Attested tags; default the Tailscale tags of the five standard zones. */
  readonly tags?: readonly string[];
}

/**
 * A node id from a host name: lowercased, characters outside `[a-z0-9._:-]` replaced by `-`,
 * leading non-alphanumerics dropped, at most 64 bytes; `node-<8 hex>` when nothing valid is
 * left.
 *
 * @example
 * ```ts
 * import { defaultNodeId } from "./keys_identity.ts";
 * import assert from "node:assert/strict";
 * assert.equal(defaultNodeId("My Laptop.local"), "my-laptop.local");
 * assert.match(defaultNodeId("__"), /^node-[0-9a-f]{8}$/);
 * ```
 */
export function defaultNodeId(hostname?: string): string {
  let host = hostname;
  if (host === undefined) {
    try {
      host = Deno.hostname();
    } catch {
      host = "";
    }
  }
  const cleaned = host.toLowerCase().replace(/[^a-z0-9._:-]/g, "-").replace(/^[^a-z0-9]+/, "")
    .slice(0, 64);
  try {
    return validateCanonicalId(cleaned, "node id");
  } catch {
    return `node-${toHex(randomBytes(4))}`;
  }
}

/** The default attested tags: `tag:fcp-<zone>` for the five standard zones (spec §5.4). */
export function defaultNodeTags(): string[] {
  return STANDARD_ZONES.map((z) => zoneToTailscaleTag(z));
}

function nodeFile(id: Omit<Identity, "home" | "keystore">): NodeFile {
  return {
    format: "fcp.node/1",
    node_id: id.nodeId,
    created_at: id.createdAt,
    tags: [...id.tags],
    owner: id.owner.info(),
    signing: id.signing.info(),
    encryption: id.encryption.info(),
    issuance: id.issuance.info(),
    attestation_hex: toHex(encodeAttestation(id.attestation)),
  };
}

/**
 * Whether `home` already holds an identity (`node.json` or the owner seed).
 *
 * @example
 * ```ts
 * import { isInitialized } from "./keys_identity.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.equal(await isInitialized(home), false);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function isInitialized(home: string): Promise<boolean> {
  const ks = new Keystore(home);
  return await ks.hasPublic(NODE_FILE) || await ks.hasSecret(IDENTITY_SECRETS.owner);
}

/**
 * Create the owner key, this node's three keys and the owner's attestation in `home`.
 * Refuses an initialized home unless `force` (`FCP-2013`).
 *
 * @example
 * ```ts
 * import { initIdentity, loadIdentity } from "./keys_identity.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-a" });
 * assert.deepEqual((await loadIdentity(home)).issuance.kid, id.issuance.kid);
 * await assert.rejects(initIdentity(home, { now: 1 }), (e) => isFcpError(e, "FCP-2013"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function initIdentity(home: string, opts: InitIdentityOptions): Promise<Identity> {
  const keystore = await openKeystore(home);
  if (!opts.force && await isInitialized(home)) {
    throw new FcpError(
      "FCP-2013",
      `FCP_HOME ${home} is already initialized; use --force to replace it`,
    );
  }
  const nodeId = validateCanonicalId(opts.nodeId ?? defaultNodeId(), "node id");
  const owner = Ed25519Key.generate();
  const node = generateNodeKeys();
  const attestation = signAttestation({
    nodeId,
    signingPublicKey: node.signing.publicKey,
    encryptionPublicKey: node.encryption.publicKey,
    issuancePublicKey: node.issuance.publicKey,
    tags: opts.tags ?? defaultNodeTags(),
    issuedAt: opts.now,
  }, owner);
  const overwrite = { overwrite: opts.force ?? false };
  await keystore.writeSecret(IDENTITY_SECRETS.owner, owner.exportSeed(), overwrite);
  await keystore.writeSecret(IDENTITY_SECRETS.signing, node.signing.exportSeed(), overwrite);
  await keystore.writeSecret(
    IDENTITY_SECRETS.encryption,
    node.encryption.exportSecret(),
    overwrite,
  );
  await keystore.writeSecret(IDENTITY_SECRETS.issuance, node.issuance.exportSeed(), overwrite);
  const id = {
    nodeId,
    tags: attestation.tags,
    createdAt: opts.now,
    owner,
    ...node,
    attestation,
  };
  await keystore.writePublic(NODE_FILE, nodeFile(id), { overwrite: true });
  return { home, keystore, ...id };
}

function corrupt(detail: string, cause?: unknown): never {
  throw new FcpError(
    "FCP-2012",
    `identity is inconsistent: ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

function readNodeFile(v: unknown): NodeFile {
  if (typeof v !== "object" || v === null) corrupt("node.json is not an object");
  const f = v as Partial<NodeFile>;
  if (f.format !== "fcp.node/1" || typeof f.node_id !== "string") {
    corrupt("node.json has an unknown format");
  }
  if (typeof f.attestation_hex !== "string" || typeof f.created_at !== "number") {
    corrupt("node.json lacks the attestation");
  }
  return f as NodeFile;
}

/**
 * Load the identity of `home`. A home that was never initialized is `FCP-2012` ("run fcp
 * init"); keys that do not match `node.json` or the attestation are `FCP-2012`.
 *
 * @example
 * ```ts
 * import { loadIdentity } from "./keys_identity.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * await assert.rejects(loadIdentity(home), (e) => isFcpError(e, "FCP-2012"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function loadIdentity(home: string): Promise<Identity> {
  const keystore = new Keystore(home); // reading never creates the home
  if (!await keystore.hasPublic(NODE_FILE)) {
    throw new FcpError("FCP-2012", `FCP_HOME ${home} is not initialized; run fcp init`);
  }
  const file = readNodeFile(await keystore.readPublic(NODE_FILE));
  const owner = new Ed25519Key(await keystore.readSecret(IDENTITY_SECRETS.owner));
  const signing = new Ed25519Key(await keystore.readSecret(IDENTITY_SECRETS.signing));
  const encryption = new X25519Key(await keystore.readSecret(IDENTITY_SECRETS.encryption));
  const issuance = new Ed25519Key(await keystore.readSecret(IDENTITY_SECRETS.issuance));
  let attestation: NodeKeyAttestation;
  try {
    attestation = decodeAttestation(fromHex(file.attestation_hex, undefined, "attestation_hex"));
  } catch (e) {
    return corrupt("attestation in node.json does not decode", e);
  }
  if (
    attestation.nodeId !== file.node_id ||
    !equalBytes(attestation.ownerKid, owner.kid) ||
    !equalBytes(attestation.signingPublicKey, signing.publicKey) ||
    !equalBytes(attestation.encryptionPublicKey, encryption.publicKey) ||
    !equalBytes(attestation.issuancePublicKey, issuance.publicKey)
  ) {
    corrupt("secret keys do not match the attestation in node.json");
  }
  return {
    home,
    keystore,
    nodeId: file.node_id,
    tags: attestation.tags,
    createdAt: file.created_at,
    owner,
    signing,
    encryption,
    issuance,
    attestation,
  };
}

/**
 * Re-sign the attestation with the local owner key when it expires within
 * {@link ATTESTATION_RENEW_MARGIN_SECS} of `now` (or was issued after `now`), and save it.
 * Returns the (possibly unchanged) identity.
 *
 * @example
 * ```ts
 * import { initIdentity, renewAttestation } from "./keys_identity.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1000, nodeId: "node-a" });
 * assert.equal((await renewAttestation(id, 2000)).attestation.issuedAt, 1000);
 * assert.equal((await renewAttestation(id, 1000 + 86_000)).attestation.issuedAt, 87_000);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function renewAttestation(id: Identity, now: number): Promise<Identity> {
  const a = id.attestation;
  if (a.issuedAt <= now && now + ATTESTATION_RENEW_MARGIN_SECS < a.expiresAt) return id;
  const attestation = signAttestation({
    nodeId: id.nodeId,
    signingPublicKey: id.signing.publicKey,
    encryptionPublicKey: id.encryption.publicKey,
    issuancePublicKey: id.issuance.publicKey,
    tags: id.tags,
    issuedAt: now,
  }, id.owner);
  const next: Identity = { ...id, attestation };
  await id.keystore.writePublic(NODE_FILE, nodeFile(next), { overwrite: true });
  return next;
}

/**
 * The token issuers this identity trusts at `now`, by hex kid: the owner key, and the node's
 * issuance key if the owner's attestation of it verifies. Use as `resolveIssuerKey`.
 *
 * @example
 * ```ts
 * import { initIdentity, trustedIssuers } from "./keys_identity.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1000, nodeId: "node-a" });
 * assert.ok(trustedIssuers(id, 1000).has(toHex(id.issuance.kid)));
 * assert.ok(!trustedIssuers(id, 10_000_000).has(toHex(id.issuance.kid)));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function trustedIssuers(id: Identity, now: number): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>([[toHex(id.owner.kid), id.owner.publicKey]]);
  try {
    verifyAttestation(id.attestation, {
      ownerPublicKey: id.owner.publicKey,
      now,
      expectedNodeId: id.nodeId,
    });
    out.set(toHex(id.issuance.kid), id.issuance.publicKey);
  } catch {
    // An expired or invalid attestation attests nothing; only the owner key is trusted.
  }
  return out;
}
