/**
 * The approvals a node has spent (issue 5 §3: a Dangerous operation needs an owner approval
 * "for this very request"). An ApprovalToken names a request object id, which is the same for
 * every call with the same zone, connector, operation, input, token and idempotency key, so
 * without a ledger one approval would let the call run again and again until it expires. Each
 * approval runs its operation once: the pipeline spends it just before the connector runs
 * (after an idempotent replay, which runs nothing, has been answered), in host.db's
 * `approvals_spent`.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { FcpError, toHex } from "../core/mod.ts";

/**
 * Spent approvals, by ApprovalToken id.
 *
 * @example
 * ```ts
 * import { ApprovalLedger } from "./approval_ledger.ts";
 * import { openHostDb } from "./host_db.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const ledger = new ApprovalLedger(openHostDb(":memory:"));
 * const id = new Uint8Array(32).fill(3);
 * ledger.spend(id, "req-1", 1_700_000_000);
 * assert.equal(ledger.spentBy(id), "req-1");
 * assert.throws(() => ledger.spend(id, "req-2", 1_700_000_001), (e) => isFcpError(e, "FCP-3006"));
 * ```
 */
export class ApprovalLedger {
  readonly #spend: StatementSync;
  readonly #get: StatementSync;

  /** Use the table of an open host database. */
  constructor(db: DatabaseSync) {
    this.#spend = db.prepare(
      `INSERT INTO approvals_spent (approval_id, request_id, spent_at) VALUES (?, ?, ?)
       ON CONFLICT (approval_id) DO NOTHING RETURNING request_id`,
    );
    this.#get = db.prepare("SELECT request_id FROM approvals_spent WHERE approval_id = ?");
  }

  /** The request that spent an approval, if one has. */
  spentBy(approvalId: Uint8Array): string | undefined {
    const r = this.#get.get(approvalId) as { request_id: string } | undefined;
    return r?.request_id;
  }

  /**
   * Spend an approval for `requestId`, or refuse (`FCP-3006`) when a request has already
   * spent it.
   */
  spend(approvalId: Uint8Array, requestId: string, now: number): void {
    if (this.#spend.get(approvalId, requestId, now) === undefined) {
      throw new FcpError(
        "FCP-3006",
        `approval ${toHex(approvalId)} was already used by request ${
          this.spentBy(approvalId) ?? "(unknown)"
        }`,
      );
    }
  }
}
