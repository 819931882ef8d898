/**
 * The usage counter behind a token's `max_calls` constraint (WIRE.md §6 constraints; the
 * reference decodes it but leaves enforcement to "the caller's usage counter"): calls that
 * passed every check and were handed to the connector, counted per token jti in host.db.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { FcpError } from "../core/mod.ts";

/**
 * Per-token call counts.
 *
 * @example
 * ```ts
 * import { TokenUsage } from "./token_usage.ts";
 * import { openHostDb } from "./host_db.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const usage = new TokenUsage(openHostDb(":memory:"));
 * const jti = new Uint8Array(16).fill(1);
 * assert.equal(usage.spend(jti, 2), 1);
 * assert.equal(usage.spend(jti, 2), 2);
 * assert.throws(() => usage.spend(jti, 2), (e) => isFcpError(e, "FCP-3003"));
 * ```
 */
export class TokenUsage {
  readonly #get: StatementSync;
  readonly #bump: StatementSync;

  /** Use the table of an open host database. */
  constructor(db: DatabaseSync) {
    this.#get = db.prepare("SELECT calls FROM token_usage WHERE jti = ?");
    this.#bump = db.prepare(
      `INSERT INTO token_usage (jti, calls) VALUES (?, 1)
       ON CONFLICT (jti) DO UPDATE SET calls = calls + 1 RETURNING calls`,
    );
  }

  /** Calls made with a token so far. */
  calls(jti: Uint8Array): number {
    const r = this.#get.get(jti) as { calls: number | bigint } | undefined;
    return r === undefined ? 0 : Number(r.calls);
  }

  /**
   * Count one more call of a token allowed `max` calls; returns the new count, or refuses
   * (`FCP-3003`) without counting when the token has none left.
   */
  spend(jti: Uint8Array, max: number): number {
    if (this.calls(jti) >= max) {
      throw new FcpError("FCP-3003", `the token allows ${max} call(s) and has none left`);
    }
    return Number((this.#bump.get(jti) as { calls: number | bigint }).calls);
  }
}
