/**
 * Key pairs of the owner and of a node (spec §2.2): the owner's Ed25519 root key and the
 * node's signing (Ed25519), encryption (X25519) and issuance (Ed25519) keys, each with its
 * `kid = BLAKE3("fcp.kid.v2" ‖ pk)[0..8]` (spec §2.2 rule 5, WIRE.md §2).
 *
 * Secret bytes live in private class fields: `JSON.stringify`, `console.log` and
 * `Deno.inspect` show only the public key and kid, so a key object can never leak its secret
 * into logs or `--json` output by accident.
 *
 * @module
 */
import { FcpError, toHex } from "../core/mod.ts";
import {
  ed25519PublicKey,
  ed25519Sign,
  randomBytes,
  x25519PublicKey,
  x25519SharedSecret,
} from "../crypto/mod.ts";
import { keyId } from "../model/mod.ts";

const INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");

function secret32(bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new FcpError("FCP-2002", `${what} must be 32 bytes`);
  }
  return bytes.slice();
}

/** The public half of a key as shown to users: `{kid, public_key}` in hex. */
export interface PublicKeyInfo {
  /** 8-byte key id, lowercase hex. */
  readonly kid: string;
  /** 32-byte public key, lowercase hex. */
  readonly "public_key": string;
}

/**
 * An Ed25519 key pair (owner, node signing or node issuance key). The 32-byte seed is held in
 * a private field and never appears in `JSON.stringify` or inspection output.
 *
 * @example
 * ```ts
 * import { Ed25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const k = new Ed25519Key(new Uint8Array(32).fill(1));
 * assert.equal(k.kid.length, 8);
 * assert.equal(k.sign(new Uint8Array([1, 2])).length, 64);
 * assert.ok(!JSON.stringify(k).includes("0101010101"));
 * ```
 */
export class Ed25519Key {
  readonly #seed: Uint8Array;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** The 8-byte key id of {@link publicKey}. */
  readonly kid: Uint8Array;

  /**
   * @param seed The 32-byte Ed25519 seed (RFC 8032 private key); copied.
   */
  constructor(seed: Uint8Array) {
    this.#seed = secret32(seed, "Ed25519 seed");
    this.publicKey = ed25519PublicKey(this.#seed);
    this.kid = keyId(this.publicKey);
  }

  /**
   * A fresh random key.
   *
   * @example
   * ```ts
   * import { Ed25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * assert.notDeepEqual(Ed25519Key.generate().publicKey, Ed25519Key.generate().publicKey);
   * ```
   */
  static generate(): Ed25519Key {
    return new Ed25519Key(randomBytes(32));
  }

  /**
   * Sign `message` (deterministic Ed25519, RFC 8032).
   *
   * @example
   * ```ts
   * import { Ed25519Key } from "./keys.ts";
   * import { ed25519Verify } from "../crypto/mod.ts";
   * import assert from "node:assert/strict";
   * const k = Ed25519Key.generate();
   * const msg = new TextEncoder().encode("hi");
   * assert.ok(ed25519Verify(k.publicKey, msg, k.sign(msg)));
   * ```
   */
  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(this.#seed, message);
  }

  /**
   * A copy of the secret seed, for the keystore only. Never print or log it.
   *
   * @example
   * ```ts
   * import { Ed25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const seed = new Uint8Array(32).fill(7);
   * assert.deepEqual(new Ed25519Key(seed).exportSeed(), seed);
   * ```
   */
  exportSeed(): Uint8Array {
    return this.#seed.slice();
  }

  /**
   * The public description `{kid, public_key}` (hex).
   *
   * @example
   * ```ts
   * import { Ed25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new Ed25519Key(new Uint8Array(32)).info().public_key.length, 64);
   * ```
   */
  info(): PublicKeyInfo {
    return { kid: toHex(this.kid), public_key: toHex(this.publicKey) };
  }

  /** JSON form: the public description only. */
  toJSON(): PublicKeyInfo {
    return this.info();
  }

  /** Inspection shows the kid only. */
  [INSPECT](): string {
    return `Ed25519Key(kid ${toHex(this.kid)})`;
  }

  /** Node-style inspection shows the kid only. */
  [NODE_INSPECT](): string {
    return `Ed25519Key(kid ${toHex(this.kid)})`;
  }
}

/**
 * An X25519 key pair (node encryption key: zone keys and secret shares are sealed to it with
 * HPKE, WIRE.md §7). The secret scalar is held in a private field.
 *
 * @example
 * ```ts
 * import { X25519Key } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const a = X25519Key.generate();
 * const b = X25519Key.generate();
 * assert.deepEqual(a.sharedSecret(b.publicKey), b.sharedSecret(a.publicKey));
 * assert.equal(a.kid.length, 8);
 * ```
 */
export class X25519Key {
  readonly #secret: Uint8Array;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** The 8-byte key id of {@link publicKey}. */
  readonly kid: Uint8Array;

  /**
   * @param secretKey The 32-byte X25519 secret key; copied.
   */
  constructor(secretKey: Uint8Array) {
    this.#secret = secret32(secretKey, "X25519 secret key");
    this.publicKey = x25519PublicKey(this.#secret);
    this.kid = keyId(this.publicKey);
  }

  /**
   * A fresh random key.
   *
   * @example
   * ```ts
   * import { X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * assert.equal(X25519Key.generate().publicKey.length, 32);
   * ```
   */
  static generate(): X25519Key {
    return new X25519Key(randomBytes(32));
  }

  /**
   * The X25519 shared secret with `peerPublicKey`.
   *
   * @example
   * ```ts
   * import { X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const a = X25519Key.generate();
   * assert.equal(a.sharedSecret(X25519Key.generate().publicKey).length, 32);
   * ```
   */
  sharedSecret(peerPublicKey: Uint8Array): Uint8Array {
    return x25519SharedSecret(this.#secret, peerPublicKey);
  }

  /**
   * A copy of the secret key, for the keystore and HPKE open only. Never print or log it.
   *
   * @example
   * ```ts
   * import { X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * const sk = new Uint8Array(32).fill(9);
   * assert.deepEqual(new X25519Key(sk).exportSecret(), sk);
   * ```
   */
  exportSecret(): Uint8Array {
    return this.#secret.slice();
  }

  /**
   * The public description `{kid, public_key}` (hex).
   *
   * @example
   * ```ts
   * import { X25519Key } from "./keys.ts";
   * import assert from "node:assert/strict";
   * assert.equal(X25519Key.generate().info().kid.length, 16);
   * ```
   */
  info(): PublicKeyInfo {
    return { kid: toHex(this.kid), public_key: toHex(this.publicKey) };
  }

  /** JSON form: the public description only. */
  toJSON(): PublicKeyInfo {
    return this.info();
  }

  /** Inspection shows the kid only. */
  [INSPECT](): string {
    return `X25519Key(kid ${toHex(this.kid)})`;
  }

  /** Node-style inspection shows the kid only. */
  [NODE_INSPECT](): string {
    return `X25519Key(kid ${toHex(this.kid)})`;
  }
}

/** The three per-node keys of spec §2.2. */
export interface NodeKeys {
  /** Node signing key (Ed25519): frames, gossip, receipts, holder proofs. */
  readonly signing: Ed25519Key;
  /** Node encryption key (X25519): HPKE recipient for zone keys and shares. */
  readonly encryption: X25519Key;
  /** Node issuance key (Ed25519): used ONLY to mint capability tokens. */
  readonly issuance: Ed25519Key;
}

/**
 * Generate fresh signing, encryption and issuance keys for a node.
 *
 * @example
 * ```ts
 * import { generateNodeKeys } from "./keys.ts";
 * import assert from "node:assert/strict";
 * const k = generateNodeKeys();
 * assert.notDeepEqual(k.signing.kid, k.issuance.kid);
 * ```
 */
export function generateNodeKeys(): NodeKeys {
  return {
    signing: Ed25519Key.generate(),
    encryption: X25519Key.generate(),
    issuance: Ed25519Key.generate(),
  };
}
