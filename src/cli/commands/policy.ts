/**
 * `fcp policy show | allow | deny | reset`: the owner-signed zone policies the invoke pipeline
 * enforces (spec §5.3; default deny). `allow` and `deny` add patterns (glob grammar of the
 * revision proposals: `*`, `?`, ASCII, at most 128 bytes) to a zone's lists; `reset` puts the
 * default-deny policy back. Each change is a new ZonePolicyObject whose `prev` names the old
 * one, takes effect on the next call of a running node, and is recorded on the zone's audit
 * chain (`policy.change`).
 *
 * @module
 */
import { openNodeAudit } from "../../api/mod.ts";
import { loadIdentity, ZoneKeyring, type ZonePolicy, zonePolicy } from "../../authority/mod.ts";
import { toHex } from "../../core/mod.ts";
import { loadZonePolicies, setZonePolicy } from "../../host/mod.ts";
import { parseZoneId, type ZoneId } from "../../model/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

function zoneOption(ctx: CommandContext): ZoneId {
  const z = ctx.string("zone");
  if (z === undefined) throw new UsageError("--zone is required");
  return parseZoneId(z);
}

/**
 * A policy as JSON (spec §5.3 field names).
 *
 * @example
 * ```ts
 * import { policyJson } from "./policy.ts";
 * import { defaultPolicy } from "../../authority/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(policyJson(defaultPolicy("z:work")).default_deny, true);
 * ```
 */
export function policyJson(p: ZonePolicy): Record<string, unknown> {
  return {
    zone_id: p.zoneId,
    principals_allow: p.principalsAllow,
    principals_deny: p.principalsDeny,
    connectors_allow: p.connectorsAllow,
    connectors_deny: p.connectorsDeny,
    cap_allow: p.capAllow,
    cap_deny: p.capDeny,
    default_deny: p.defaultDeny,
  };
}

const PATTERN_OPTIONS = {
  zone: { type: "string", valueName: "Z", description: "zone" },
  principal: { type: "string", multiple: true, valueName: "P", description: "principal pattern" },
  connector: { type: "string", multiple: true, valueName: "C", description: "connector pattern" },
  cap: { type: "string", multiple: true, valueName: "CAP", description: "capability pattern" },
} as const;

async function change(
  ctx: CommandContext,
  edit: (p: ZonePolicy) => ZonePolicy,
): Promise<void> {
  const zone = zoneOption(ctx);
  const now = Math.floor(Date.now() / 1000);
  const identity = await loadIdentity(ctx.home);
  const ring = await ZoneKeyring.load(identity.keystore);
  const current = (await loadZonePolicies(identity, ring)).get(zone);
  if (current === undefined) throw new UsageError(`this node holds no keys for ${zone}`);
  const next = edit(current.policy);
  const id = await setZonePolicy(identity, ring, next, now);
  const audit = openNodeAudit(ctx.home, identity, ring, () => now);
  try {
    await audit.append(zone, { eventType: "policy.change", actor: "owner", occurredAt: now });
  } finally {
    audit.close();
  }
  if (ctx.json) {
    ctx.printJson({ zone, policy_object_id: id, policy: policyJson(next) });
    return;
  }
  ctx.out(`${zone} policy is now ${id.slice(0, 16)}`);
  for (const [k, v] of Object.entries(policyJson(next))) {
    if (Array.isArray(v) && v.length > 0) ctx.out(`  ${k.padEnd(17)}${v.join(", ")}`);
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** `fcp policy show`. */
export const policyShow: CliCommand = {
  path: ["policy", "show"],
  summary: "Show the zone policies in force (verified owner-signed objects)",
  usage: "fcp policy show [--zone Z] [--json]",
  options: { zone: PATTERN_OPTIONS.zone },
  async run(ctx) {
    const identity = await loadIdentity(ctx.home);
    const ring = await ZoneKeyring.load(identity.keystore);
    const all = await loadZonePolicies(identity, ring);
    const only = ctx.string("zone");
    const rows = [...all].filter(([z]) => only === undefined || z === parseZoneId(only)).map((
      [zone, l],
    ) => ({
      zone,
      policy_object_id: l.objectId === undefined ? null : toHex(l.objectId),
      problem: l.problem ?? null,
      policy: policyJson(l.policy),
    }));
    if (ctx.json) {
      ctx.printJson({ policies: rows });
      return;
    }
    for (const r of rows) {
      ctx.out(
        `${r.zone}  ${r.policy_object_id?.slice(0, 16) ?? "(none)"}${
          r.problem ? `  ${r.problem}` : ""
        }`,
      );
      for (const [k, v] of Object.entries(r.policy)) {
        if (Array.isArray(v) && v.length > 0) ctx.out(`  ${k.padEnd(17)}${v.join(", ")}`);
      }
      if (r.policy.default_deny) ctx.out("  default deny");
    }
  },
};

function patternCommand(kind: "allow" | "deny"): CliCommand {
  return {
    path: ["policy", kind],
    summary: `Add principals, connectors and capabilities to a zone's ${kind} lists`,
    usage:
      `fcp policy ${kind} --zone Z [--principal P]... [--connector C]... [--cap CAP]... [--json]`,
    options: PATTERN_OPTIONS,
    async run(ctx) {
      const p = ctx.strings("principal");
      const c = ctx.strings("connector");
      const k = ctx.strings("cap");
      if (p.length + c.length + k.length === 0) {
        throw new UsageError("give at least one --principal, --connector or --cap");
      }
      await change(ctx, (old) =>
        zonePolicy(
          kind === "allow"
            ? {
              ...old,
              principalsAllow: union(old.principalsAllow, p),
              connectorsAllow: union(old.connectorsAllow, c),
              capAllow: union(old.capAllow, k),
            }
            : {
              ...old,
              principalsDeny: union(old.principalsDeny, p),
              connectorsDeny: union(old.connectorsDeny, c),
              capDeny: union(old.capDeny, k),
            },
        ));
    },
  };
}

/** `fcp policy allow`. */
export const policyAllow: CliCommand = patternCommand("allow");

/** `fcp policy deny` (deny rules override allow rules). */
export const policyDeny: CliCommand = patternCommand("deny");

/** `fcp policy reset`. */
export const policyReset: CliCommand = {
  path: ["policy", "reset"],
  summary: "Put a zone's default-deny policy back",
  usage: "fcp policy reset --zone Z [--json]",
  options: { zone: PATTERN_OPTIONS.zone },
  async run(ctx) {
    await change(ctx, (p) => zonePolicy({ zoneId: p.zoneId, defaultDeny: true }));
  },
};
