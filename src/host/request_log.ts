/**
 * What the invoke pipeline decided for every request, kept for `fcp explain <request-id>` and
 * `GET /v1/explain/{id}` (spec §23.4 "users and developers can answer 'Why was this denied?'"),
 * and the signed objects it made along the way (decision receipts, leases, intents, receipts),
 * in host.db. A record names the stage that decided, the stable reason code, the object that
 * decided it (policy object, token, grant object, revocation head, approval...), the evidence
 * ids and a hint saying what would change the outcome. Records never hold secrets or inputs:
 * only hashes and ids.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { bytesToUuid } from "../authority/mod.ts";
import { FcpError, fromHex } from "../core/mod.ts";
import { type ObjectId, parseObjectId } from "../model/mod.ts";
import type { AuditReference } from "./audit_verify.ts";

/** The pipeline stages, in order (issue 5 §3). */
export const PIPELINE_STAGES = [
  "request",
  "token",
  "zone",
  "policy",
  "revocation",
  "taint",
  "approval",
  "input",
  "idempotency",
  "usage",
  "intent",
  "execute",
  "receipt",
  "audit",
] as const;
/** One stage. */
export type PipelineStage = typeof PIPELINE_STAGES[number];

/** The object that decided a request, for explanations. */
export interface DecidingObject {
  /** What it is: `zone_policy`, `capability_token`, `grant_object`, `revocation_head`, ... */
  readonly kind: string;
  /** Its id (64 hex), when it is an object. */
  readonly id?: string;
}

/** One request's record (JSON-safe). */
export interface RequestRecord {
  /** Request id (UUID text). */
  readonly "request_id": string;
  /** InvokeRequest ObjectId (hex). */
  readonly "request_object_id": string;
  /** Zone. */
  readonly zone: string;
  /** Connector id. */
  readonly "connector_id": string;
  /** Operation id. */
  readonly operation: string;
  /** The principal (from the token; `anonymous` without one). */
  readonly principal: string;
  /** Outcome. */
  readonly decision: "allow" | "deny";
  /** The stage that decided (the last stage for an allowed request). */
  readonly stage: PipelineStage;
  /** Stable reason code, e.g. `policy.default_deny`. */
  readonly "reason_code": string;
  /** The error code of a denial or failure (`FCP-xxxx`). */
  readonly "error_code"?: string;
  /** What happened, in words. */
  readonly message: string;
  /** The object that decided. */
  readonly "decided_by": DecidingObject;
  /** What would change the outcome. */
  readonly hint: string;
  /** Evidence ids (hex). */
  readonly evidence: readonly string[];
  /** Stages passed, in order. */
  readonly "stages_passed": readonly PipelineStage[];
  /** DecisionReceipt id (hex), when one was made. */
  readonly "decision_receipt_id"?: string;
  /** OperationIntent id (hex). */
  readonly "intent_id"?: string;
  /** OperationReceipt id (hex). */
  readonly "receipt_id"?: string;
  /** Audit event id (hex). */
  readonly "audit_event_id"?: string;
  /** Request id whose receipt an idempotent retry returned. */
  readonly "replay_of"?: string;
  /** Unix seconds. */
  readonly "created_at": number;
}

/** Kinds of signed objects the pipeline keeps. */
export type HostObjectKind = "decision_receipt" | "execution_lease" | "intent" | "receipt";

/** A stored signed object. */
export interface HostObject {
  /** ObjectId. */
  readonly id: ObjectId;
  /** Kind. */
  readonly kind: HostObjectKind;
  /** Zone. */
  readonly zone: string;
  /** The request it belongs to. */
  readonly requestId: string;
  /** Canonical bytes. */
  readonly bytes: Uint8Array;
}

/** Longest request id accepted. */
export const MAX_REQUEST_ID = 128;

/**
 * The request log over a host database.
 *
 * @example
 * ```ts
 * import { RequestLog } from "./request_log.ts";
 * import { openHostDb } from "./host_db.ts";
 * import assert from "node:assert/strict";
 * const db = openHostDb(":memory:");
 * const log = new RequestLog(db);
 * log.record({ request_id: "r1", request_object_id: "00".repeat(32), zone: "z:work",
 *   connector_id: "fcp.fs", operation: "fs_list", principal: "agent", decision: "deny",
 *   stage: "policy", reason_code: "policy.default_deny", error_code: "FCP-4003",
 *   message: "denied", decided_by: { kind: "zone_policy" }, hint: "allow it", evidence: [],
 *   stages_passed: ["request", "token", "zone"], created_at: 1 });
 * assert.equal(log.get("r1")?.reason_code, "policy.default_deny");
 * assert.equal(log.get("nope"), undefined);
 * db.close();
 * ```
 */
export class RequestLog {
  readonly #put: StatementSync;
  readonly #get: StatementSync;
  readonly #recent: StatementSync;
  readonly #putObject: StatementSync;
  readonly #getObject: StatementSync;
  readonly #objectsOf: StatementSync;
  readonly #leaseSeq: StatementSync;
  readonly #db: DatabaseSync;

  /** Use the tables of an open host database. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO requests (request_id, zone, connector_id, operation, principal,
         decision, record_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#get = db.prepare("SELECT record_json FROM requests WHERE request_id = ?");
    this.#recent = db.prepare(
      "SELECT record_json FROM requests ORDER BY created_at DESC, rowid DESC LIMIT ?",
    );
    this.#putObject = db.prepare(
      `INSERT OR IGNORE INTO host_objects (object_id, kind, zone, request_id, bytes, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#getObject = db.prepare("SELECT * FROM host_objects WHERE object_id = ?");
    this.#objectsOf = db.prepare(
      "SELECT * FROM host_objects WHERE request_id = ? ORDER BY created_at, rowid",
    );
    this.#leaseSeq = db.prepare(
      `INSERT INTO lease_seq (zone, subject, seq) VALUES (?, ?, 1)
       ON CONFLICT (zone, subject) DO UPDATE SET seq = seq + 1 RETURNING seq`,
    );
  }

  /**
   * The audit events the records name, by zone (each decision was appended to its zone's
   * audit chain before its record was written): what `AuditLog.verify` checks are still there.
   */
  auditReferences(): Map<string, AuditReference[]> {
    // Prepared here, not with the others: only `fcp audit verify` and `fcp doctor` ask.
    const rows = this.#db.prepare(
      `SELECT zone, request_id, json_extract(record_json, '$.audit_event_id') AS event
         FROM requests WHERE event IS NOT NULL ORDER BY zone, created_at, rowid`,
    ).iterate() as Iterable<Record<string, unknown>>;
    const out = new Map<string, AuditReference[]>();
    for (const row of rows) {
      const id = row.event;
      if (typeof id !== "string" || !/^[0-9a-f]{64}$/.test(id)) continue;
      const zone = String(row.zone);
      let list = out.get(zone);
      if (list === undefined) out.set(zone, list = []);
      list.push({ eventId: id, by: `request ${String(row.request_id)}` });
    }
    return out;
  }

  /** The next lease fencing sequence for a subject in a zone (1, 2, ...; spec §15.1). */
  nextLeaseSeq(zone: string, subject: ObjectId): number {
    return Number((this.#leaseSeq.get(zone, subject) as { seq: number | bigint }).seq);
  }

  /**
   * Run `f` in one transaction of the host database (one commit for the writes of a call).
   * Nested calls join the outer transaction.
   */
  atomically<T>(f: () => T): T {
    if (this.#db.isTransaction) return f();
    this.#db.exec("BEGIN");
    try {
      const out = f();
      this.#db.exec("COMMIT");
      return out;
    } catch (e) {
      this.#db.exec("ROLLBACK");
      throw e;
    }
  }

  /** Store (or replace) a request's record. */
  record(r: RequestRecord): void {
    if (r.request_id.length === 0 || r.request_id.length > MAX_REQUEST_ID) {
      throw new FcpError("FCP-1040", "bad request id");
    }
    this.#put.run(
      r.request_id,
      r.zone,
      r.connector_id,
      r.operation,
      r.principal,
      r.decision,
      JSON.stringify(r),
      r.created_at,
    );
  }

  /** A request's record, or `undefined`. */
  get(requestId: string): RequestRecord | undefined {
    const row = this.#get.get(requestId) as { record_json: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.record_json) as RequestRecord;
  }

  /**
   * The record a reference names: the request id (`fcp invoke` prints it); the same id as 32
   * hex digits (an audit event's `correlation_id`); or the 64-hex id of one of the request's
   * signed objects (its OperationReceipt, DecisionReceipt, OperationIntent or ExecutionLease).
   * Upper-case hex is accepted. `undefined` when nothing matches.
   */
  find(ref: string): RequestRecord | undefined {
    const direct = this.get(ref);
    if (direct !== undefined) return direct;
    const hex = ref.toLowerCase();
    if (/^[0-9a-f]{32}$/.test(hex)) return this.get(bytesToUuid(fromHex(hex)));
    if (/^[0-9a-f-]{36}$/.test(hex) && hex !== ref) return this.get(hex);
    if (/^[0-9a-f]{64}$/.test(hex)) {
      const o = this.object(parseObjectId(hex));
      return o === undefined ? undefined : this.get(o.requestId);
    }
    return undefined;
  }

  /** The newest `n` records, newest first. */
  recent(n: number): RequestRecord[] {
    return (this.#recent.all(Math.max(1, Math.min(1000, n))) as { record_json: string }[])
      .map((r) => JSON.parse(r.record_json) as RequestRecord);
  }

  /** Keep a signed object (idempotent by id). */
  putObject(o: HostObject, now: number): void {
    this.#putObject.run(o.id, o.kind, o.zone, o.requestId, o.bytes, now);
  }

  /** A stored object by id. */
  object(id: ObjectId): HostObject | undefined {
    const r = this.#getObject.get(id) as Record<string, unknown> | undefined;
    return r === undefined ? undefined : hostObjectOf(r);
  }

  /** The objects of a request, oldest first. */
  objectsOf(requestId: string): HostObject[] {
    return (this.#objectsOf.all(requestId) as Record<string, unknown>[]).map(hostObjectOf);
  }
}

function hostObjectOf(r: Record<string, unknown>): HostObject {
  return {
    id: new Uint8Array(r.object_id as Uint8Array),
    kind: r.kind as HostObjectKind,
    zone: String(r.zone),
    requestId: String(r.request_id),
    bytes: new Uint8Array(r.bytes as Uint8Array),
  };
}
