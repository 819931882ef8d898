/**
 * Per-symbol AEAD of FCPS records (spec §4.1, §4.3.1; WIRE.md §8, divergence D6).
 *
 * - Sender subkey = HKDF-SHA256(salt = zone_key_id (8), ikm = zone key (32),
 *   info = "FCP2-SENDER-KEY-V1" ‖ u32le(len node_id) ‖ node_id ‖ u64le(sender_instance_id), L = 32).
 * - Nonce: ChaCha20-Poly1305 `frame_seq u64le ‖ esi u32le` (12 B); XChaCha20-Poly1305
 *   `instance u64le ‖ frame_seq u64le ‖ esi u32le ‖ 0u32` (24 B).
 * - AAD (86 B): `object_id(32) ‖ esi u32le ‖ k u16le ‖ ZoneIdHash(32) ‖ zone_key_id(8) ‖ epoch u64le`.
 * - Ciphertext length = plaintext length; the 16-byte tag travels separately.
 *
 * Deriving the subkey costs an HKDF (~6 µs), more than sealing a 1 KiB symbol's share of
 * per-call overhead, so {@link SenderKeyCache} keeps derived subkeys.
 *
 * @module
 */
import { BoundedLru, concatBytes, FcpError, toHex, utf8 } from "../core/mod.ts";
import { type AeadAlgorithm, aeadOpenDetached, aeadSealDetached } from "./aead.ts";
import { blake3 } from "./blake3.ts";
import { hkdfSha256 } from "./sha256.ts";

/** The HKDF info label of the sender subkey (WIRE.md §8). */
export const SENDER_KEY_LABEL: string = "FCP2-SENDER-KEY-V1";
/** Length of the symbol AAD (WIRE.md §8). */
export const SYMBOL_AAD_BYTES = 86;

const LABEL_BYTES = utf8(SENDER_KEY_LABEL);
const CACHE_TAG = utf8("fcp.crypto.sender-key-cache");
const U64_MAX = 0xffffffffffffffffn;

function need(b: Uint8Array, n: number, what: string, code: "FCP-1040" | "FCP-2002"): void {
  if (b.length !== n) throw new FcpError(code, `${what} must be ${n} bytes, got ${b.length}`);
}

function needU64(v: bigint, what: string): void {
  if (typeof v !== "bigint" || v < 0n || v > U64_MAX) {
    throw new FcpError("FCP-1040", `${what} must be a u64 bigint`);
  }
}

function needUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new FcpError("FCP-1040", `${what} out of range: ${v}`);
  }
}

/**
 * The HKDF info of the sender subkey:
 * `"FCP2-SENDER-KEY-V1" ‖ u32le(len node_id) ‖ node_id ‖ u64le(instance)` (WIRE.md §8, D6).
 *
 * @example
 * ```ts
 * import { senderKeyInfo } from "./symbol_aead.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   toHex(senderKeyInfo("node-a", 0x1122334455667788n)),
 *   "464350322d53454e4445522d4b45592d5631060000006e6f64652d618877665544332211",
 * );
 * ```
 */
export function senderKeyInfo(senderNodeId: string, senderInstanceId: bigint): Uint8Array {
  needU64(senderInstanceId, "sender_instance_id");
  const id = utf8(senderNodeId);
  const out = new Uint8Array(LABEL_BYTES.length + 4 + id.length + 8);
  const view = new DataView(out.buffer);
  out.set(LABEL_BYTES, 0);
  view.setUint32(LABEL_BYTES.length, id.length, true);
  out.set(id, LABEL_BYTES.length + 4);
  view.setBigUint64(LABEL_BYTES.length + 4 + id.length, senderInstanceId, true);
  return out;
}

/**
 * Derive the per-sender symbol key (WIRE.md §8). The zone key must be 32 bytes (`FCP-2002`),
 * the zone key id 8 bytes and the instance id a u64 (`FCP-1040`).
 *
 * @example
 * ```ts
 * import { senderSubkey } from "./symbol_aead.ts";
 * import { fromHex, toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const k = senderSubkey(
 *   new Uint8Array(32).fill(0x42),
 *   fromHex("0102030405060708"),
 *   "node-a",
 *   0x1122334455667788n,
 * );
 * assert.equal(toHex(k), "cc7dcab0a5a7178f410851b7a9f0a3f11cd4d6defe35232d7339dc7554ba655d");
 * ```
 */
export function senderSubkey(
  zoneKey: Uint8Array,
  zoneKeyId: Uint8Array,
  senderNodeId: string,
  senderInstanceId: bigint,
): Uint8Array {
  need(zoneKey, 32, "zone key", "FCP-2002");
  need(zoneKeyId, 8, "zone_key_id", "FCP-1040");
  return hkdfSha256(zoneKey, zoneKeyId, senderKeyInfo(senderNodeId, senderInstanceId), 32);
}

/**
 * A bounded LRU cache of sender subkeys. Entries are keyed by (zone key id, instance, a BLAKE3
 * fingerprint of the zone key, sender), so neither the zone key nor the subkey is ever part of
 * a map key. A lookup costs about 2 µs, a derivation about 6 µs.
 *
 * @example
 * ```ts
 * import { SenderKeyCache, senderSubkey } from "./symbol_aead.ts";
 * import assert from "node:assert/strict";
 * const cache = new SenderKeyCache(2);
 * const zk = new Uint8Array(32).fill(1);
 * const zkid = new Uint8Array(8).fill(2);
 * const a = cache.get(zk, zkid, "node-a", 1n);
 * assert.deepEqual(a, senderSubkey(zk, zkid, "node-a", 1n));
 * assert.equal(cache.get(zk, zkid, "node-a", 1n), a); // the cached instance
 * assert.equal(cache.size, 1);
 * ```
 */
export class SenderKeyCache {
  readonly #lru: BoundedLru<string, Uint8Array>;

  /** @param maxEntries Bound on cached subkeys (default 1024). */
  constructor(maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new FcpError("FCP-1040", `cache size must be a positive integer, got ${maxEntries}`);
    }
    this.#lru = new BoundedLru(maxEntries);
  }

  /** Number of cached subkeys. */
  get size(): number {
    return this.#lru.size;
  }

  /**
   * The subkey for these inputs (see {@link senderSubkey}), derived on a miss. The returned
   * array is shared with the cache: do not mutate it.
   */
  get(
    zoneKey: Uint8Array,
    zoneKeyId: Uint8Array,
    senderNodeId: string,
    senderInstanceId: bigint,
  ): Uint8Array {
    need(zoneKey, 32, "zone key", "FCP-2002");
    need(zoneKeyId, 8, "zone_key_id", "FCP-1040");
    needU64(senderInstanceId, "sender_instance_id");
    // The zone key enters only as a domain-separated BLAKE3 fingerprint; fixed-length fields
    // first, the variable-length sender last, so the key string is unambiguous.
    const fingerprint = toHex(blake3(concatBytes(CACHE_TAG, zoneKey), 16));
    const id = `${toHex(zoneKeyId)}.${senderInstanceId}.${fingerprint}.${senderNodeId}`;
    let k = this.#lru.get(id);
    if (k === undefined) {
      k = senderSubkey(zoneKey, zoneKeyId, senderNodeId, senderInstanceId);
      this.#lru.set(id, k);
    }
    return k;
  }

  /** Drop every cached subkey (e.g. on zone key rotation). */
  clear(): void {
    this.#lru.clear();
  }
}

/** The fields of the symbol AAD (WIRE.md §8). */
export interface SymbolAadParams {
  /** ObjectId (32 bytes). */
  objectId: Uint8Array;
  /** Encoding symbol id (u32). */
  esi: number;
  /** Source symbol count K (u16). */
  k: number;
  /** ZoneIdHash (32 bytes). */
  zoneIdHash: Uint8Array;
  /** Zone key id (8 bytes). */
  zoneKeyId: Uint8Array;
  /** Epoch id (u64). */
  epochId: bigint;
}

/**
 * The 86-byte symbol AAD:
 * `object_id ‖ esi u32le ‖ k u16le ‖ ZoneIdHash ‖ zone_key_id ‖ epoch_id u64le` (WIRE.md §8).
 * Wrong field lengths or ranges throw `FCP-1040`.
 *
 * @example
 * ```ts
 * import { symbolAad } from "./symbol_aead.ts";
 * import assert from "node:assert/strict";
 * const aad = symbolAad({
 *   objectId: new Uint8Array(32).fill(0x11),
 *   esi: 3,
 *   k: 10,
 *   zoneIdHash: new Uint8Array(32),
 *   zoneKeyId: new Uint8Array(8),
 *   epochId: 5n,
 * });
 * assert.equal(aad.length, 86);
 * assert.deepEqual([...aad.subarray(32, 38)], [3, 0, 0, 0, 10, 0]);
 * assert.equal(aad[78], 5);
 * ```
 */
export function symbolAad(p: SymbolAadParams): Uint8Array {
  need(p.objectId, 32, "object_id", "FCP-1040");
  need(p.zoneIdHash, 32, "zone_id_hash", "FCP-1040");
  need(p.zoneKeyId, 8, "zone_key_id", "FCP-1040");
  needUint(p.esi, 0xffffffff, "esi");
  needUint(p.k, 0xffff, "k");
  needU64(p.epochId, "epoch_id");
  const out = new Uint8Array(SYMBOL_AAD_BYTES);
  const view = new DataView(out.buffer);
  out.set(p.objectId, 0);
  view.setUint32(32, p.esi, true);
  view.setUint16(36, p.k, true);
  out.set(p.zoneIdHash, 38);
  out.set(p.zoneKeyId, 70);
  view.setBigUint64(78, p.epochId, true);
  return out;
}

/** The fields of the symbol nonce (WIRE.md §8). */
export interface SymbolNonceParams {
  /** The FCPS frame sequence number (u64). */
  frameSeq: bigint;
  /** Encoding symbol id (u32). */
  esi: number;
  /** Sender instance id (u64); only the XChaCha nonce includes it. */
  senderInstanceId: bigint;
}

/**
 * The symbol nonce: 12 bytes `frame_seq u64le ‖ esi u32le` for ChaCha20-Poly1305, 24 bytes
 * `instance u64le ‖ frame_seq u64le ‖ esi u32le ‖ 0u32` for XChaCha20-Poly1305 (WIRE.md §8).
 *
 * @example
 * ```ts
 * import { symbolNonce } from "./symbol_aead.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const p = { frameSeq: 7n, esi: 3, senderInstanceId: 0x1122334455667788n };
 * assert.equal(toHex(symbolNonce("chacha20poly1305", p)), "070000000000000003000000");
 * assert.equal(
 *   toHex(symbolNonce("xchacha20poly1305", p)),
 *   "887766554433221107000000000000000300000000000000",
 * );
 * ```
 */
export function symbolNonce(alg: AeadAlgorithm, p: SymbolNonceParams): Uint8Array {
  needU64(p.frameSeq, "frame_seq");
  needUint(p.esi, 0xffffffff, "esi");
  if (alg === "chacha20poly1305") {
    const out = new Uint8Array(12);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, p.frameSeq, true);
    view.setUint32(8, p.esi, true);
    return out;
  }
  if (alg === "xchacha20poly1305") {
    needU64(p.senderInstanceId, "sender_instance_id");
    const out = new Uint8Array(24);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, p.senderInstanceId, true);
    view.setBigUint64(8, p.frameSeq, true);
    view.setUint32(16, p.esi, true);
    return out;
  }
  throw new FcpError("FCP-1040", `unknown AEAD algorithm ${JSON.stringify(alg)}`);
}

/** Everything needed to seal or open one symbol record. */
export interface SymbolAeadParams extends SymbolAadParams, SymbolNonceParams {
  /** The zone's AEAD algorithm. */
  alg: AeadAlgorithm;
  /** The sender subkey ({@link senderSubkey} / {@link SenderKeyCache}). */
  subkey: Uint8Array;
}

/**
 * Seal one symbol: AEAD under the sender subkey with {@link symbolNonce} and
 * {@link symbolAad}; ciphertext (same length as the symbol data) and 16-byte tag.
 *
 * @example
 * ```ts
 * import { openSymbol, sealSymbol, senderSubkey } from "./symbol_aead.ts";
 * import { isFcpError, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const zoneKeyId = new Uint8Array(8).fill(1);
 * const p = {
 *   alg: "chacha20poly1305" as const,
 *   subkey: senderSubkey(new Uint8Array(32).fill(0x42), zoneKeyId, "node-a", 1n),
 *   objectId: new Uint8Array(32),
 *   esi: 0,
 *   k: 1,
 *   zoneIdHash: new Uint8Array(32),
 *   zoneKeyId,
 *   epochId: 1n,
 *   frameSeq: 1n,
 *   senderInstanceId: 1n,
 * };
 * const { ciphertext, tag } = sealSymbol(p, utf8("symbol"));
 * assert.deepEqual(openSymbol(p, ciphertext, tag), utf8("symbol"));
 * assert.throws(() => openSymbol({ ...p, epochId: 2n }, ciphertext, tag), (e) => isFcpError(e, "FCP-1025"));
 * ```
 */
export function sealSymbol(
  p: SymbolAeadParams,
  plaintext: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  return aeadSealDetached(p.alg, p.subkey, symbolNonce(p.alg, p), symbolAad(p), plaintext);
}

/**
 * Open one symbol sealed by {@link sealSymbol}. Any mismatch (key, key id, epoch, object, esi,
 * k, zone, frame_seq, tag or ciphertext) throws the opaque `FCP-1025`.
 *
 * @example
 * ```ts
 * import { openSymbol } from "./symbol_aead.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const p = {
 *   alg: "chacha20poly1305" as const,
 *   subkey: new Uint8Array(32),
 *   objectId: new Uint8Array(32),
 *   esi: 0,
 *   k: 1,
 *   zoneIdHash: new Uint8Array(32),
 *   zoneKeyId: new Uint8Array(8),
 *   epochId: 1n,
 *   frameSeq: 1n,
 *   senderInstanceId: 1n,
 * };
 * assert.throws(() => openSymbol(p, new Uint8Array(4), new Uint8Array(16)), (e) => isFcpError(e, "FCP-1025"));
 * ```
 */
export function openSymbol(
  p: SymbolAeadParams,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Uint8Array {
  return aeadOpenDetached(p.alg, p.subkey, symbolNonce(p.alg, p), symbolAad(p), ciphertext, tag);
}

/** What a {@link SymbolCipher} binds: everything of the AAD and nonce except esi and frame seq. */
export interface SymbolCipherParams {
  /** The zone's AEAD algorithm. */
  alg: AeadAlgorithm;
  /** The sender subkey ({@link senderSubkey} / {@link SenderKeyCache}). */
  subkey: Uint8Array;
  /** ObjectId (32 bytes). */
  objectId: Uint8Array;
  /** Source symbol count K (u16). */
  k: number;
  /** ZoneIdHash (32 bytes). */
  zoneIdHash: Uint8Array;
  /** Zone key id (8 bytes). */
  zoneKeyId: Uint8Array;
  /** Epoch id (u64). */
  epochId: bigint;
  /** Sender instance id (u64; part of the XChaCha nonce). */
  senderInstanceId: bigint;
}

/**
 * Seals and opens the symbols of one object under one sender subkey (WIRE.md §8), reusing one
 * AAD and one nonce buffer and patching only `esi` and `frame_seq` per symbol: the same bytes as
 * {@link sealSymbol} / {@link openSymbol} without rebuilding and re-validating them each time.
 *
 * @example
 * ```ts
 * import { SymbolCipher } from "./symbol_aead.ts";
 * import assert from "node:assert/strict";
 * const c = new SymbolCipher({
 *   alg: "chacha20poly1305", subkey: new Uint8Array(32), objectId: new Uint8Array(32), k: 1,
 *   zoneIdHash: new Uint8Array(32), zoneKeyId: new Uint8Array(8), epochId: 0n,
 *   senderInstanceId: 1n,
 * });
 * const { ciphertext, tag } = c.seal(0, 7n, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(c.open(0, 7n, ciphertext, tag), new Uint8Array([1, 2, 3]));
 * assert.throws(() => c.open(1, 7n, ciphertext, tag), /FCP-1025/);
 * ```
 */
export class SymbolCipher {
  readonly #alg: AeadAlgorithm;
  readonly #subkey: Uint8Array;
  readonly #aad: Uint8Array;
  readonly #aadView: DataView;
  readonly #nonce: Uint8Array;
  readonly #nonceView: DataView;
  readonly #seqOffset: number;

  /** @param p The object's fixed AAD and nonce inputs. */
  constructor(p: SymbolCipherParams) {
    need(p.subkey, 32, "subkey", "FCP-2002");
    this.#alg = p.alg;
    this.#subkey = p.subkey;
    this.#aad = symbolAad({ ...p, esi: 0 });
    this.#aadView = new DataView(this.#aad.buffer);
    this.#nonce = symbolNonce(p.alg, {
      frameSeq: 0n,
      esi: 0,
      senderInstanceId: p.senderInstanceId,
    });
    this.#nonceView = new DataView(this.#nonce.buffer);
    this.#seqOffset = p.alg === "chacha20poly1305" ? 0 : 8;
  }

  #prepare(esi: number, frameSeq: bigint): void {
    needUint(esi, 0xffffffff, "esi");
    needU64(frameSeq, "frame_seq");
    this.#aadView.setUint32(32, esi, true);
    this.#nonceView.setBigUint64(this.#seqOffset, frameSeq, true);
    this.#nonceView.setUint32(this.#seqOffset + 8, esi, true);
  }

  /** Seal one symbol; the tag is returned separately (WIRE.md §9 records carry it apart). */
  seal(
    esi: number,
    frameSeq: bigint,
    plaintext: Uint8Array,
  ): { ciphertext: Uint8Array; tag: Uint8Array } {
    this.#prepare(esi, frameSeq);
    return aeadSealDetached(this.#alg, this.#subkey, this.#nonce, this.#aad, plaintext);
  }

  /** Open one symbol; any mismatch throws the opaque `FCP-1025`. */
  open(esi: number, frameSeq: bigint, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array {
    this.#prepare(esi, frameSeq);
    return aeadOpenDetached(this.#alg, this.#subkey, this.#nonce, this.#aad, ciphertext, tag);
  }
}
