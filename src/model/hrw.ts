/**
 * Highest-random-weight (rendezvous) ranking of checkpoint coordinators (WIRE.md §11):
 * `score(node) = u64le(BLAKE3("FCP2-HRW-CHECKPOINT-V1" ‖ lp32(zone) ‖ lp32(epoch) ‖ lp32(node))[0..8])`.
 *
 * @module
 */
import { ByteWriter, compareBytes, readU64le, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";

const HRW_DOMAIN = utf8("FCP2-HRW-CHECKPOINT-V1");

/**
 * The HRW score of one node for a zone and epoch (epoch id in its text form).
 *
 * @example
 * ```ts
 * import { hrwScore } from "./hrw.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof hrwScore("z:work", "1", "node-a"), "bigint");
 * ```
 */
export function hrwScore(zone: string, epochId: string, nodeId: string): bigint {
  const pre = new ByteWriter(96).bytes(HRW_DOMAIN).lp32(zone).lp32(epochId).lp32(nodeId).finish();
  return readU64le(blake3(pre), 0);
}

/**
 * Nodes ranked by descending score; ties (never expected) break by node id bytes.
 * The coordinator is the first.
 *
 * @example
 * ```ts
 * import { hrwRank } from "./hrw.ts";
 * import assert from "node:assert/strict";
 * const r = hrwRank("z:work", "epoch-convergence-test", ["node-alpha", "node-beta", "node-gamma"]);
 * assert.equal(r[0], "node-beta");
 * ```
 */
export function hrwRank(zone: string, epochId: string, nodes: readonly string[]): string[] {
  const scored = [...new Set(nodes)].map((n) => ({ n, s: hrwScore(zone, epochId, n) }));
  scored.sort((a, b) => a.s === b.s ? compareBytes(utf8(a.n), utf8(b.n)) : (a.s > b.s ? -1 : 1));
  return scored.map((x) => x.n);
}
