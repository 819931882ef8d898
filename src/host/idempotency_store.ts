/**
 * Idempotency (spec §9.5 "Idempotency Enforcement"): the result of the first successful call
 * with an idempotency key is kept per (zone, connector, operation, principal, key); a later call
 * by the same principal with the same key and the same input gets that result back without
 * running again, and the same key with a different input is refused (`FCP-6004`), since
 * returning the old result for another request would be a lie. Another principal's key is
 * another key: a result made with one caller's authority (and credentials) is never handed to
 * another. Calls in flight with the same key are joined, not run twice. (host.db keeps the
 * principal and the key together in `idem_key`, as `principal LF key`; neither holds a
 * control character.)
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { equalBytes, FcpError } from "../core/mod.ts";

/** The key of an idempotent call. */
export interface IdempotencyScope {
  /** Zone. */
  readonly zone: string;
  /** Connector id. */
  readonly connectorId: string;
  /** Operation id. */
  readonly operation: string;
  /** The principal the call's token speaks for. */
  readonly principal: string;
  /** The caller's key. */
  readonly key: string;
}

const storedKey = (s: IdempotencyScope) => `${s.principal}\n${s.key}`;

/** A kept result. */
export interface IdempotentResult {
  /** The request that produced it. */
  readonly requestId: string;
  /** The input hash it was produced for. */
  readonly inputHash: Uint8Array;
  /** The response (JSON). */
  readonly result: Record<string, unknown>;
}

/** Longest idempotency key. */
export const MAX_IDEMPOTENCY_KEY = 256;

/**
 * Kept results over a host database.
 *
 * @example
 * ```ts
 * import { IdempotencyStore } from "./idempotency_store.ts";
 * import { openHostDb } from "./host_db.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const store = new IdempotencyStore(openHostDb(":memory:"));
 * const scope = {
 *   zone: "z:work", connectorId: "fcp.fs", operation: "fs_write", principal: "agent:a", key: "k1",
 * };
 * const h = new Uint8Array(32).fill(1);
 * store.put(scope, { requestId: "r1", inputHash: h, result: { ok: true } }, 1);
 * assert.equal(store.lookup(scope, h)?.requestId, "r1");
 * assert.throws(() => store.lookup(scope, new Uint8Array(32)), (e) => isFcpError(e, "FCP-6004"));
 * assert.equal(store.lookup({ ...scope, key: "k2" }, h), undefined);
 * assert.equal(store.lookup({ ...scope, principal: "agent:b" }, h), undefined);
 * ```
 */
export class IdempotencyStore {
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #inflight = new Map<string, Promise<unknown>>();

  /** Use the table of an open host database. */
  constructor(db: DatabaseSync) {
    this.#get = db.prepare(
      `SELECT input_hash, request_id, result_json FROM idempotency
       WHERE zone = ? AND connector_id = ? AND operation = ? AND idem_key = ?`,
    );
    this.#put = db.prepare(
      `INSERT OR IGNORE INTO idempotency (zone, connector_id, operation, idem_key, input_hash,
         request_id, result_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** The kept result for this key and input; `FCP-6004` when the key was used for another input. */
  lookup(s: IdempotencyScope, inputHash: Uint8Array): IdempotentResult | undefined {
    checkKey(s.key);
    const r = this.#get.get(s.zone, s.connectorId, s.operation, storedKey(s)) as
      | { input_hash: Uint8Array; request_id: string; result_json: string }
      | undefined;
    if (r === undefined) return undefined;
    const kept = new Uint8Array(r.input_hash);
    if (!equalBytes(kept, inputHash)) {
      throw new FcpError(
        "FCP-6004",
        `idempotency key ${JSON.stringify(s.key)} was already used for a different input`,
      );
    }
    return {
      requestId: r.request_id,
      inputHash: kept,
      result: JSON.parse(r.result_json) as Record<string, unknown>,
    };
  }

  /** Keep a result (the first one wins). */
  put(s: IdempotencyScope, r: IdempotentResult, now: number): void {
    checkKey(s.key);
    this.#put.run(
      s.zone,
      s.connectorId,
      s.operation,
      storedKey(s),
      r.inputHash,
      r.requestId,
      JSON.stringify(r.result),
      now,
    );
  }

  /**
   * Run `f` unless a call with the same scope is in flight, in which case wait for that one
   * first and then run `f` (which will find the kept result).
   */
  async exclusive<T>(s: IdempotencyScope, f: () => Promise<T>): Promise<T> {
    const k = JSON.stringify([s.zone, s.connectorId, s.operation, s.principal, s.key]);
    for (let prior = this.#inflight.get(k); prior !== undefined; prior = this.#inflight.get(k)) {
      await prior.catch(() => {});
    }
    const p = f();
    this.#inflight.set(k, p);
    try {
      return await p;
    } finally {
      if (this.#inflight.get(k) === p) this.#inflight.delete(k);
    }
  }
}

function checkKey(key: string): void {
  if (
    key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY ||
    [...key].some((c) => c.charCodeAt(0) < 0x20)
  ) {
    throw new FcpError(
      "FCP-1040",
      `an idempotency key is 1..${MAX_IDEMPOTENCY_KEY} characters without control characters`,
    );
  }
}
