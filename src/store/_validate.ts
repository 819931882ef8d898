/**
 * Argument checks shared by the store implementations (private to src/store).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { parseZoneId, type ZoneId } from "../model/mod.ts";
import { validateCanonicalId } from "../model/mod.ts";
import {
  MAX_STORE_ESI,
  type ObjectRecord,
  type SymbolRecord,
  type UsageCounters,
} from "./types.ts";

const U64_MAX = (1n << 64n) - 1n;

function bad(what: string): never {
  throw new FcpError("FCP-1040", what);
}

/** Check a 32-byte object id. */
export function checkId(id: Uint8Array, what = "object id"): void {
  if (!(id instanceof Uint8Array) || id.length !== 32) bad(`${what} must be 32 bytes`);
}

/** Check and return a zone id (`FCP-4001`). */
export function checkZone(zone: string): ZoneId {
  return parseZoneId(zone);
}

/** Check a zone-root name: a canonical identifier (`FCP-4007`). */
export function checkRootName(name: string): string {
  return validateCanonicalId(name, "zone root name");
}

/** Check a tombstone reason: 1..64 characters. */
export function checkReason(reason: string): void {
  if (typeof reason !== "string" || reason.length === 0 || reason.length > 64) {
    bad("tombstone reason must be 1..64 characters");
  }
}

/** Check a Unix-seconds time. */
export function checkTime(t: number, what: string): void {
  if (!Number.isSafeInteger(t) || t < 0) bad(`${what} must be a non-negative integer`);
}

function checkU64(v: bigint, what: string): void {
  if (typeof v !== "bigint" || v < 0n || v > U64_MAX) bad(`${what} must be a u64`);
}

/** Check an object record (shape, lengths, ranges). */
export function checkRecord(r: ObjectRecord): void {
  checkId(r.objectId);
  checkZone(r.zoneId);
  if (r.state !== "complete" && r.state !== "quarantined") {
    bad("state must be complete|quarantined");
  }
  if (r.role !== "object" && r.role !== "chunk") bad("role must be object|chunk");
  if (r.schemaHash !== undefined && r.schemaHash.length !== 32) {
    bad("schema hash must be 32 bytes");
  }
  if (!Number.isSafeInteger(r.transferLength) || r.transferLength < 0) {
    bad("transfer length must be a non-negative integer");
  }
  if (!Number.isInteger(r.symbolSize) || r.symbolSize < 1 || r.symbolSize > 65535) {
    bad("symbol size must be 1..65535");
  }
  if (!Number.isInteger(r.k) || r.k < 0 || r.k > 0xffff) bad("k must be 0..65535");
  const s = r.seal;
  if (s.algorithm !== "chacha20poly1305" && s.algorithm !== "xchacha20poly1305") {
    bad("unknown seal algorithm");
  }
  if (!(s.zoneKeyId instanceof Uint8Array) || s.zoneKeyId.length !== 8) {
    bad("zone key id must be 8 bytes");
  }
  checkU64(s.epochId, "epoch id");
  checkU64(s.senderInstanceId, "sender instance id");
  if (typeof s.senderNodeId !== "string" || s.senderNodeId.length > 256) {
    bad("sender node id must be a string of at most 256 characters");
  }
  for (const ref of r.refs) checkId(ref, "ref");
  if (r.sourcePeer !== undefined && (r.sourcePeer.length === 0 || r.sourcePeer.length > 256)) {
    bad("source peer must be 1..256 characters");
  }
  checkTime(r.createdAt, "createdAt");
  if (r.expiresAt !== undefined) checkTime(r.expiresAt, "expiresAt");
}

/** Check one symbol against the object's symbol size. */
export function checkSymbol(s: SymbolRecord, symbolSize: number): void {
  if (!Number.isInteger(s.esi) || s.esi < 0 || s.esi > MAX_STORE_ESI) {
    bad(`esi must be 0..${MAX_STORE_ESI}`);
  }
  checkU64(s.frameSeq, "frame seq");
  if (!(s.data instanceof Uint8Array) || s.data.length !== symbolSize) {
    bad(`symbol ${s.esi} must be exactly ${symbolSize} bytes`);
  }
  if (!(s.tag instanceof Uint8Array) || s.tag.length !== 16) bad("symbol tag must be 16 bytes");
}

/** Check every symbol (before any write, so a bad batch stores nothing). */
export function checkSymbols(symbols: readonly SymbolRecord[], symbolSize: number): void {
  for (const s of symbols) checkSymbol(s, symbolSize);
}

/** Mutable usage counters. */
export interface MutableUsage {
  objects: number;
  symbols: number;
  bytes: number;
  quarantinedObjects: number;
  quarantinedBytes: number;
}

/** A frozen copy of mutable counters. */
export function freezeUsage(u: MutableUsage): UsageCounters {
  return Object.freeze({ ...u });
}
