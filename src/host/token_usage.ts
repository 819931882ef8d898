/**
 * The usage counters behind the `max_calls` and `max_bytes` constraints of a token and of the
 * grant object that admits its call (WIRE.md §6 constraints; spec §7 `CapabilityConstraints`,
 * §7.5; the reference decodes them but leaves enforcement to "the caller's usage counter"), per
 * token jti (16 bytes) or grant object id (32 bytes) in host.db: calls that passed
 * every check and were handed to the connector, and the bytes they moved (request + response,
 * as canonical JSON). A call is refused when the request alone would exceed what is left; a
 * response that then goes over is still returned (the operation already ran), and the next
 * call is refused.
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
 * usage.checkBytes(jti, 10, 16);
 * assert.equal(usage.addBytes(jti, 10), 10);
 * assert.throws(() => usage.checkBytes(jti, 7, 16), (e) => isFcpError(e, "FCP-3003"));
 * ```
 */
export class TokenUsage {
  readonly #get: StatementSync;
  readonly #bump: StatementSync;
  readonly #getBytes: StatementSync;
  readonly #addBytes: StatementSync;

  /** Use the table of an open host database. */
  constructor(db: DatabaseSync) {
    this.#get = db.prepare("SELECT calls FROM token_usage WHERE jti = ?");
    this.#bump = db.prepare(
      `INSERT INTO token_usage (jti, calls) VALUES (?, 1)
       ON CONFLICT (jti) DO UPDATE SET calls = calls + 1 RETURNING calls`,
    );
    this.#getBytes = db.prepare("SELECT bytes FROM token_usage WHERE jti = ?");
    this.#addBytes = db.prepare(
      `INSERT INTO token_usage (jti, calls, bytes) VALUES (?, 0, ?)
       ON CONFLICT (jti) DO UPDATE SET bytes = bytes + excluded.bytes RETURNING bytes`,
    );
  }

  /** Calls made with a token so far. */
  calls(jti: Uint8Array): number {
    const r = this.#get.get(jti) as { calls: number | bigint } | undefined;
    return r === undefined ? 0 : Number(r.calls);
  }

  /** Bytes moved with a token so far. */
  bytes(jti: Uint8Array): number {
    const r = this.#getBytes.get(jti) as { bytes: number | bigint } | undefined;
    return r === undefined ? 0 : Number(r.bytes);
  }

  /**
   * Refuse (`FCP-3003`) a request of `requestBytes` when the bytes moved so far plus it exceed
   * `max`. Counts nothing ({@link addBytes} does). `what` names the key in the refusal.
   */
  checkBytes(jti: Uint8Array, requestBytes: number, max: number, what = "the token"): void {
    const used = this.bytes(jti);
    if (used + requestBytes > max) {
      throw new FcpError(
        "FCP-3003",
        `${what} allows ${max} byte(s); ${used} are used and this request needs ${requestBytes}`,
      );
    }
  }

  /** Count `n` more bytes (a request or a response); returns the new total. */
  addBytes(jti: Uint8Array, n: number): number {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new FcpError("FCP-1040", "a byte count must be a non-negative integer");
    }
    return Number((this.#addBytes.get(jti, n) as { bytes: number | bigint }).bytes);
  }

  /**
   * Count one more call of a token allowed `max` calls; returns the new count, or refuses
   * (`FCP-3003`) without counting when the token (or grant object: `what`) has none left.
   */
  spend(jti: Uint8Array, max: number, what = "the token"): number {
    if (this.calls(jti) >= max) {
      throw new FcpError("FCP-3003", `${what} allows ${max} call(s) and has none left`);
    }
    return Number((this.#bump.get(jti) as { calls: number | bigint }).calls);
  }
}
