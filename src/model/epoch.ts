/**
 * EpochId (spec §3.2): a u64 logical time unit, `floor(unix seconds / granularity)`.
 * It is a u64 on FCPS and in symbol AAD, and a decimal text string inside
 * RevocationHead / AuditHead / ZoneCheckpoint (WIRE.md D10).
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** Default epoch granularity: five minutes (spec §3.2). */
export const DEFAULT_EPOCH_SECONDS = 300;

/**
 * The epoch containing a Unix time in seconds.
 *
 * @example
 * ```ts
 * import { epochAt } from "./epoch.ts";
 * import assert from "node:assert/strict";
 * assert.equal(epochAt(1_700_000_000), 5_666_666n);
 * ```
 */
export function epochAt(unixSeconds: number, granularitySecs = DEFAULT_EPOCH_SECONDS): bigint {
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) {
    throw new FcpError("FCP-1040", "time must be non-negative whole seconds");
  }
  if (!Number.isSafeInteger(granularitySecs) || granularitySecs <= 0) {
    throw new FcpError("FCP-1040", "epoch granularity must be a positive integer");
  }
  return BigInt(Math.floor(unixSeconds / granularitySecs));
}

/**
 * The text form of an epoch id used in heads and checkpoints (WIRE.md D10).
 *
 * @example
 * ```ts
 * import { epochText } from "./epoch.ts";
 * import assert from "node:assert/strict";
 * assert.equal(epochText(42n), "42");
 * ```
 */
export function epochText(epoch: bigint): string {
  if (epoch < 0n || epoch > 0xffffffffffffffffn) {
    throw new FcpError("FCP-1040", "epoch out of u64 range");
  }
  return epoch.toString(10);
}
