/**
 * `fcp approve REQUEST_ID`: the owner approves one recorded request (spec §5.2.1 ApprovalToken,
 * Execution scope): the token names the connector, the operation and the request's ObjectId, so
 * it approves that request and no other. The caller retries the same call (same input, token
 * and idempotency key, hence the same request object id) with `--approval FILE`.
 *
 * @module
 */
import { isNodeLockHeld, openNodeAudit, requestNode } from "../../api/mod.ts";
import {
  approvalTokenId,
  createApprovalToken,
  encodeApprovalToken,
  loadIdentity,
  ZoneKeyring,
} from "../../authority/mod.ts";
import { FcpError, fromHex, toHex } from "../../core/mod.ts";
import { hostDbPath, openHostDb, RequestLog, type RequestRecord } from "../../host/mod.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/** Longest approval lifetime: one day. */
export const MAX_APPROVAL_TTL_SECS = 86_400;

async function record(home: string, id: string): Promise<RequestRecord | undefined> {
  if (await isNodeLockHeld(home)) {
    return (await requestNode<RequestRecord>(home, `/v1/explain/${encodeURIComponent(id)}`)).body;
  }
  if (!(await Deno.stat(hostDbPath(home)).then(() => true, () => false))) return undefined;
  const db = openHostDb(home);
  try {
    return new RequestLog(db).get(id);
  } finally {
    db.close();
  }
}

/** `fcp approve`. */
export const command: CliCommand = {
  path: ["approve"],
  summary: "Approve one recorded request as the owner (an Execution ApprovalToken)",
  usage: "fcp approve REQUEST_ID [--ttl SECONDS] [--justification TEXT] [--out FILE] [--json]",
  description: [
    "Signs, with the owner key of this home, an ApprovalToken for exactly the request's",
    "connector, operation and request object id, valid for --ttl seconds (default 300).",
    "Retry the same call with 'fcp invoke ... --approval FILE'.",
  ].join("\n"),
  args: [{ name: "REQUEST_ID", description: "the refused request's id" }],
  options: {
    ttl: { type: "string", valueName: "SECONDS", description: "lifetime (default 300)" },
    justification: { type: "string", valueName: "TEXT", description: "why (audit)" },
    out: { type: "string", valueName: "FILE", description: "write the approval here" },
  },
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const ttlText = ctx.string("ttl") ?? "300";
    const ttl = Number(ttlText);
    if (!/^[0-9]+$/.test(ttlText) || ttl < 1 || ttl > MAX_APPROVAL_TTL_SECS) {
      throw new UsageError(`--ttl must be 1..${MAX_APPROVAL_TTL_SECS} seconds`);
    }
    const rec = await record(ctx.home, id);
    if (rec === undefined) throw new FcpError("FCP-6001", `no recorded request ${id}`);
    const now = Math.floor(Date.now() / 1000);
    const identity = await loadIdentity(ctx.home);
    const ring = await ZoneKeyring.load(identity.keystore);
    const token = createApprovalToken({
      zoneId: rec.zone,
      scope: {
        kind: "Execution",
        connectorId: rec.connector_id,
        methodPattern: rec.operation,
        requestObjectId: fromHex(rec.request_object_id, 32, "request object id"),
      },
      justification: (ctx.string("justification") ?? `approved request ${id}`).slice(0, 256),
      approvedBy: "owner",
      now,
      ttlSecs: ttl,
    }, identity.owner);
    const hex = toHex(encodeApprovalToken(token));
    const approvalId = toHex(approvalTokenId(token, ring.objectIdKey(rec.zone).key));
    const audit = openNodeAudit(ctx.home, identity, ring, () => now);
    try {
      await audit.append(rec.zone, {
        eventType: "approval.granted",
        actor: "owner",
        connectorId: rec.connector_id,
        operation: rec.operation,
        requestObjectId: fromHex(rec.request_object_id, 32),
        resultObjectId: fromHex(approvalId, 32),
        occurredAt: now,
      });
    } finally {
      audit.close();
    }
    const out = ctx.string("out");
    if (out !== undefined) await Deno.writeTextFile(out, hex + "\n", { mode: 0o600 });
    if (ctx.json) {
      ctx.printJson({
        approval_id: approvalId,
        expires_at: token.expiresAt,
        ...(out === undefined ? { approval_hex: hex } : { file: out }),
      });
      return;
    }
    if (out === undefined) ctx.out(hex);
    else {
      ctx.err(
        `approved ${rec.connector_id} ${rec.operation} (request ${id}) until ${token.expiresAt}`,
      );
    }
  },
};
