/**
 * `fcp audit tail --zone Z [-n N] [--follow]` and `fcp audit verify --zone Z`: the node's
 * per-zone audit chain (spec §23.4) in `FCP_HOME/audit/audit.db`.
 *
 * @module
 */
import { auditEntryToJson } from "../../api/mod.ts";
import { toHex } from "../../core/mod.ts";
import {
  auditDecision,
  type AuditEntry,
  AuditLog,
  auditRequestId,
  readAuditReferences,
} from "../../host/mod.ts";
import { parseZoneId, type ZoneId } from "../../model/mod.ts";
import { EXIT_CHECK_FAILED } from "../exit_codes.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

function hexOrNull(b: Uint8Array | undefined): string | null {
  return b === undefined ? null : toHex(b);
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/**
 * One text line of `fcp audit tail`: seq, time, type, actor, connector/operation, the request
 * id that `fcp explain` takes (for events about a connector call), decision.
 *
 * @example
 * ```ts
 * import { auditEntryLine } from "./audit.ts";
 * import { AuditLog } from "../../host/mod.ts";
 * import assert from "node:assert/strict";
 * const log = AuditLog.open({ path: ":memory:", nodeId: "n", signer: new Uint8Array(32),
 *   publicKey: new Uint8Array(32), objectIdKey: () => new Uint8Array(32), now: () => 0 });
 * const e = log.appendSync("z:work", { eventType: "invoke", actor: "agent",
 *   connectorId: "fcp.fs", operation: "read" });
 * assert.equal(auditEntryLine(e).replace(/[0-9a-f-]{36}/, "ID"),
 *   "0  1970-01-01T00:00:00Z  invoke  agent  fcp.fs/read  ID  allow");
 * log.close();
 * ```
 */
export function auditEntryLine(e: AuditEntry): string {
  const ev = e.event;
  const target = ev.connectorId === undefined && ev.operation === undefined
    ? "-"
    : `${ev.connectorId ?? "-"}/${ev.operation ?? "-"}`;
  const req = auditRequestId(ev) ?? "-";
  return [
    e.seq,
    iso(ev.occurredAt),
    ev.eventType,
    ev.actor,
    target,
    req,
    auditDecision(ev.eventType),
  ].join("  ");
}

function zoneOption(ctx: CommandContext): ZoneId {
  const z = ctx.string("zone");
  if (z === undefined) throw new UsageError("--zone is required");
  return parseZoneId(z);
}

function countOption(ctx: CommandContext): number {
  const n = ctx.string("lines");
  if (n === undefined) return 20;
  if (!/^(0|[1-9][0-9]{0,6})$/.test(n)) throw new UsageError("-n must be a number of events");
  return Number(n);
}

/** Abort on SIGINT/SIGTERM while following (where the platform lets us listen). */
function stopSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const added: Deno.Signal[] = [];
  for (const s of signals) {
    try {
      Deno.addSignalListener(s, stop);
      added.push(s);
    } catch { /* not supported here */ }
  }
  return {
    signal: ac.signal,
    dispose: () => added.forEach((s) => Deno.removeSignalListener(s, stop)),
  };
}

/** `fcp audit tail`. */
export const auditTail: CliCommand = {
  path: ["audit", "tail"],
  summary: "Show the latest audit events of a zone (optionally follow new ones)",
  usage: "fcp audit tail --zone ZONE [-n N] [--follow] [--json]",
  description: [
    "Prints the last N (default 20) events of the zone's audit chain, oldest first, one per",
    "line: seq, time, event type, actor, connector/operation, request id, decision.",
    "--follow keeps printing new events as they are appended until interrupted.",
    "--json prints one JSON object per event per line. Events are decoded strictly but not",
    "verified here; use fcp audit verify.",
  ].join("\n"),
  options: {
    zone: { type: "string", valueName: "ZONE", description: "zone of the chain (required)" },
    lines: { type: "string", short: "n", valueName: "N", description: "how many events" },
    follow: { type: "boolean", short: "f", description: "keep printing new events" },
  },
  async run(ctx) {
    const zone = zoneOption(ctx);
    const n = countOption(ctx);
    const log = await AuditLog.openHome(ctx.home);
    try {
      const print = (e: AuditEntry) =>
        ctx.json ? ctx.printJson(auditEntryToJson(e)) : ctx.out(auditEntryLine(e));
      const entries = log.tail(zone, n);
      entries.forEach(print);
      if (!ctx.flag("follow")) {
        if (entries.length === 0 && n > 0 && !ctx.json) ctx.err(`no audit events in ${zone}`);
        return;
      }
      const stop = stopSignal();
      try {
        const after = entries.at(-1)?.seq ?? log.head(zone)?.headSeq ?? -1;
        for await (const e of log.follow(zone, { signal: stop.signal, afterSeq: after })) print(e);
      } finally {
        stop.dispose();
      }
    } finally {
      log.close();
    }
  },
};

/** `fcp audit verify`. */
export const auditVerify: CliCommand = {
  path: ["audit", "verify"],
  summary: "Verify a zone's audit chain and its signed head",
  usage: "fcp audit verify --zone ZONE [--json]",
  description: [
    "Checks every event of the zone's audit chain: canonical bytes, stored id, node",
    "signature, seq and prev links from genesis, and that the chain ends at the signed",
    "AuditHead, and that every event the request records in host.db name is still in it (a",
    "tail cut off with an older head put back, or a replaced log). Exit 0 when intact; exit 1",
    "with the first finding (edited, removed, reordered, duplicated, forked, unknown_signer,",
    "truncated, head_invalid, head_missing, head_mismatch, malformed) and its seq otherwise",
    "(code FCP-5003 audit.chain_broken).",
  ].join("\n"),
  options: {
    zone: { type: "string", valueName: "ZONE", description: "zone of the chain (required)" },
  },
  async run(ctx) {
    const zone = zoneOption(ctx);
    // The request records first: each names an event appended before it was written.
    const referenced = readAuditReferences(ctx.home).get(zone) ?? [];
    const log = await AuditLog.openHome(ctx.home);
    try {
      const r = log.verify(zone, { referenced });
      if (r.ok) {
        if (ctx.json) {
          ctx.printJson({
            zone_id: zone,
            ok: true,
            events: r.events,
            head_seq: r.headSeq,
            head_event: hexOrNull(r.headEvent),
          });
        } else {
          ctx.out(
            r.events === 0
              ? `audit chain of ${zone}: empty`
              : `audit chain of ${zone}: intact, ${r.events} events, head seq ${r.headSeq}`,
          );
        }
        return;
      }
      if (ctx.json) {
        ctx.printJson({
          zone_id: zone,
          ok: false,
          code: "FCP-5003",
          events: r.events,
          head_seq: r.headSeq,
          finding: r.finding,
        });
      } else {
        ctx.out(`audit chain of ${zone}: BROKEN — ${r.finding.kind} at seq ${r.finding.seq}`);
        ctx.err(`FCP-5003 audit.chain_broken: ${r.finding.detail} (${r.finding.reason})`);
      }
      return EXIT_CHECK_FAILED;
    } finally {
      log.close();
    }
  },
};
