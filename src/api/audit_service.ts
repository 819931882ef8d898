/**
 * The LocalAPI's {@link AuditService} over the host's audit log (spec §23.4): `GET
 * /v1/audit/tail` returns the last events of a zone's hash-linked chain as JSON objects, in
 * the same shape as `fcp audit tail --json`.
 *
 * @module
 */
import { toHex } from "../core/mod.ts";
import { auditDecision, type AuditEntry, type AuditLog, auditRequestId } from "../host/mod.ts";
import type { AuditService, JsonValue } from "./deps.ts";

function hexOrNull(b: Uint8Array | undefined): string | null {
  return b === undefined ? null : toHex(b);
}

/**
 * The JSON object of one audit entry (ids as lowercase hex, absent fields as `null`;
 * `request_id` is the invoke request id for `fcp explain`, see {@link auditRequestId}). The
 * LocalAPI and `fcp audit tail --json` both print this shape.
 *
 * @example
 * ```ts
 * import { auditEntryToJson } from "./audit_service.ts";
 * import { AuditLog } from "../host/mod.ts";
 * import assert from "node:assert/strict";
 * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
 *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32), now: () => 0 });
 * const e = log.appendSync("z:work", { eventType: "invoke.denied", actor: "agent" });
 * const j = auditEntryToJson(e);
 * assert.equal(j.decision, "deny");
 * assert.equal(j.seq, 0);
 * assert.equal(j.prev, null);
 * log.close();
 * ```
 */
export function auditEntryToJson(e: AuditEntry): { [key: string]: JsonValue } {
  const ev = e.event;
  return {
    "zone_id": ev.zoneId,
    seq: e.seq,
    id: toHex(e.id),
    prev: hexOrNull(ev.prev),
    "occurred_at": ev.occurredAt,
    "occurred_at_iso": new Date(ev.occurredAt * 1000).toISOString().replace(/\.000Z$/, "Z"),
    "event_type": ev.eventType,
    decision: auditDecision(ev.eventType),
    actor: ev.actor,
    "connector_id": ev.connectorId ?? null,
    operation: ev.operation ?? null,
    "request_object_id": hexOrNull(ev.requestObjectId),
    "result_object_id": hexOrNull(ev.resultObjectId),
    "capability_token_jti": hexOrNull(ev.capabilityTokenJti),
    "correlation_id": toHex(ev.correlationId),
    "request_id": auditRequestId(ev),
    "node_id": ev.signature.nodeId,
  };
}

/**
 * An audit service reading a log's chains.
 *
 * @example
 * ```ts
 * import { auditLogService } from "./audit_service.ts";
 * import { AuditLog } from "../host/mod.ts";
 * import assert from "node:assert/strict";
 * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
 *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32), now: () => 0 });
 * for (let i = 0; i < 3; i++) log.appendSync("z:work", { eventType: "invoke", actor: "a" });
 * const tail = await auditLogService(log).tail("z:work", 2);
 * assert.deepEqual(tail.map((e) => e.seq), [1, 2]);
 * assert.deepEqual(await auditLogService(log).tail("z:work", 0), []);
 * log.close();
 * ```
 */
export function auditLogService(log: AuditLog): AuditService {
  return {
    tail: (zone, n) => {
      try {
        return Promise.resolve(log.tail(zone, n).map(auditEntryToJson));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}
