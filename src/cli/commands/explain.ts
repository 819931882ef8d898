/**
 * `fcp explain REF`: why a request was allowed or denied (spec §23.4 DecisionReceipt;
 * issue 5 §3): the stage that decided, the stable reason code, the object that decided it, the
 * evidence, and what would change the outcome. Asks the running node, or reads host.db when no
 * node runs.
 *
 * @module
 */
import { isNodeLockHeld, requestNode } from "../../api/mod.ts";
import { FcpError } from "../../core/mod.ts";
import { hostDbPath, openHostDb, RequestLog, type RequestRecord } from "../../host/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";

async function findRecord(home: string, id: string): Promise<RequestRecord> {
  if (await isNodeLockHeld(home)) {
    return (await requestNode<RequestRecord>(home, `/v1/explain/${encodeURIComponent(id)}`)).body;
  }
  const exists = await Deno.stat(hostDbPath(home)).then(() => true, () => false);
  if (exists) {
    const db = openHostDb(home);
    try {
      const rec = new RequestLog(db).find(id);
      if (rec !== undefined) return rec;
    } finally {
      db.close();
    }
  }
  throw new FcpError("FCP-6001", `no decision for request ${id}`);
}

/**
 * The text form of a request record.
 *
 * @example
 * ```ts
 * import { explainLines } from "./explain.ts";
 * import assert from "node:assert/strict";
 * const lines = explainLines({ request_id: "r", request_object_id: "00", zone: "z:work",
 *   connector_id: "fcp.fs", operation: "fs_list", principal: "agent:a", decision: "deny",
 *   stage: "policy", reason_code: "policy.default_deny", error_code: "FCP-4003", message: "m",
 *   decided_by: { kind: "zone_policy", id: "ab" }, hint: "h", evidence: [], stages_passed: [],
 *   created_at: 0 });
 * assert.ok(lines.some((l) => l.startsWith("decision") && l.includes("DENY")));
 * assert.ok(lines.some((l) => l.includes("zone_policy ab")));
 * ```
 */
export function explainLines(r: RequestRecord): string[] {
  const lines = [
    `request     ${r.request_id}  ${r.connector_id} ${r.operation} in ${r.zone}`,
    `principal   ${r.principal}`,
    `decision    ${r.decision.toUpperCase()} at stage ${r.stage}: ${r.reason_code}` +
    (r.error_code ? ` (${r.error_code})` : ""),
    `why         ${r.message}`,
    `decided by  ${r.decided_by.kind}${r.decided_by.id ? ` ${r.decided_by.id}` : ""}`,
    `to change   ${r.hint}`,
    `passed      ${r.stages_passed.length ? r.stages_passed.join(" → ") : "(none)"}`,
  ];
  if (r.evidence.length > 0) lines.push(`evidence    ${r.evidence.join("\n            ")}`);
  if (r.decision_receipt_id) lines.push(`receipt     decision ${r.decision_receipt_id}`);
  if (r.receipt_id) lines.push(`receipt     operation ${r.receipt_id}`);
  if (r.audit_event_id) lines.push(`audit       ${r.audit_event_id}`);
  if (r.replay_of) lines.push(`replay of   ${r.replay_of}`);
  return lines;
}

/** `fcp explain`. */
export const command: CliCommand = {
  path: ["explain"],
  summary: "Why a request was allowed or denied, and what would change it",
  usage: "fcp explain REF [--json]",
  description: [
    "REF is the request id 'fcp invoke' printed (also shown by 'fcp audit tail'), the same",
    "id as 32 hex digits (an audit event's correlation_id), or the id of one of the",
    "request's receipts, its intent or its execution lease.",
  ].join("\n"),
  args: [{ name: "REF", description: "request id, correlation id or receipt id" }],
  async run(ctx: CommandContext) {
    const rec = await findRecord(ctx.home, ctx.positionals[0]!);
    if (ctx.json) {
      ctx.printJson(rec);
      return;
    }
    for (const l of explainLines(rec)) ctx.out(l);
  },
};
