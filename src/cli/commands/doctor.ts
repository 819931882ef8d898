/**
 * `fcp doctor [--json]`: check this home and its node — identity keys present with mode 0600,
 * the attestation fresh, the store readable, each zone's revocation chain verified and fresh,
 * the node and its connectors healthy — each finding with a fix hint. Exit 0 without failures,
 * 1 with any.
 *
 * @module
 */
import {
  ATTESTATION_RENEW_MARGIN_SECS,
  type Identity,
  IDENTITY_SECRETS,
  isInitialized,
  loadIdentity,
  loadRevocationLog,
  revocationLogPath,
  verifyAttestation,
  ZoneKeyring,
} from "../../authority/mod.ts";
import { API_TOKEN_FILE, type ConnectorSummary, requestNode, runningNode } from "../../api/mod.ts";
import { FcpError, isFcpError } from "../../core/mod.ts";
import { auditDbPath, AuditLog, readAuditReferences } from "../../host/mod.ts";
import { defaultStorePath, openSqliteStore, type SqliteSymbolStore } from "../../store/mod.ts";
import { EXIT_CHECK_FAILED } from "../exit_codes.ts";
import type { CliCommand } from "../types.ts";

/** The outcome of one check. */
export type FindingStatus = "ok" | "warn" | "fail";

/** One finding of `fcp doctor`. */
export interface Finding {
  /** What was checked, e.g. `keys`, `revocation:z:work`. */
  readonly check: string;
  /** ok, warn or fail. */
  readonly status: FindingStatus;
  /** What was found. */
  readonly message: string;
  /** How to fix it (empty when ok). */
  readonly fix: string;
}

const ok = (check: string, message: string): Finding => ({ check, status: "ok", message, fix: "" });
const warn = (check: string, message: string, fix: string): Finding => ({
  check,
  status: "warn",
  message,
  fix,
});
const fail = (check: string, message: string, fix: string): Finding => ({
  check,
  status: "fail",
  message,
  fix,
});

function describe(e: unknown): string {
  return e instanceof FcpError ? `${e.code} ${e.codeName}: ${e.detail}` : "internal error";
}

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mode ?? undefined;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function checkKeys(home: string): Promise<Finding[]> {
  const out: Finding[] = [];
  const keysDir = `${home}/keys`;
  const missing: string[] = [];
  for (const name of Object.values(IDENTITY_SECRETS)) {
    if (await modeOf(`${keysDir}/${name}`) === undefined) missing.push(name);
  }
  if (missing.length > 0) {
    out.push(fail(
      "keys",
      `missing secret key files in ${keysDir}: ${missing.join(", ")}`,
      "restore FCP_HOME/keys from a backup, or re-create the identity with 'fcp init --force'",
    ));
  }
  if (Deno.build.os === "windows") {
    if (missing.length === 0) {
      out.push(ok("keys", "identity keys present (modes not checked on Windows)"));
    }
    return out;
  }
  const loose: string[] = [];
  const files: string[] = [];
  for await (const e of Deno.readDir(keysDir)) if (e.isFile) files.push(`${keysDir}/${e.name}`);
  const token = `${home}/${API_TOKEN_FILE}`;
  if (await modeOf(token) !== undefined) files.push(token);
  for (const f of files.sort()) {
    const mode = await modeOf(f);
    if (mode !== undefined && (mode & 0o777) !== 0o600) {
      loose.push(`${f} (${(mode & 0o777).toString(8)})`);
    }
  }
  if (loose.length > 0) {
    out.push(fail(
      "key-modes",
      `secret files readable by others: ${loose.join(", ")}`,
      `chmod 600 ${loose.map((l) => l.split(" ")[0]).join(" ")}`,
    ));
  }
  const dirMode = await modeOf(keysDir);
  if (dirMode !== undefined && (dirMode & 0o077) !== 0) {
    out.push(
      warn(
        "keys-dir",
        `${keysDir} has mode ${(dirMode & 0o777).toString(8)}`,
        `chmod 700 ${keysDir}`,
      ),
    );
  }
  if (missing.length === 0 && loose.length === 0) {
    out.push(ok("keys", `${files.length} secret files present, all mode 0600`));
  }
  return out;
}

function checkAttestation(identity: Identity, now: number): Finding {
  const a = identity.attestation;
  const renew = "start the node ('fcp node start' renews it and keeps it fresh) or run " +
    "'fcp token mint', which renews it";
  try {
    verifyAttestation(a, { ownerPublicKey: identity.owner.publicKey, now });
  } catch (e) {
    if (isFcpError(e, "FCP-2009")) {
      return fail("attestation", `the node key attestation expired at ${a.expiresAt}`, renew);
    }
    return fail("attestation", describe(e), "re-create the identity with 'fcp init --force'");
  }
  const left = a.expiresAt - now;
  if (left < ATTESTATION_RENEW_MARGIN_SECS) {
    return warn("attestation", `the node key attestation expires in ${left} s`, renew);
  }
  return ok("attestation", `valid until ${new Date(a.expiresAt * 1000).toISOString()}`);
}

async function checkStore(home: string): Promise<Finding> {
  const path = defaultStorePath(home);
  if (await modeOf(path) === undefined) {
    return ok("store", `no store yet (${path} is created when the node first starts)`);
  }
  let store: SqliteSymbolStore | undefined;
  try {
    store = openSqliteStore(path);
    const verdict = await store.integrityCheck();
    const stats = await store.stats();
    if (verdict !== "ok") {
      return fail(
        "store",
        `PRAGMA integrity_check: ${verdict.split("\n")[0]}`,
        `stop the node, move ${path} away and restore a backup`,
      );
    }
    return ok("store", `integrity ok, ${stats.objects} objects, ${stats.bytes} bytes`);
  } catch (e) {
    return fail("store", describe(e), `check ${path} (owner, permissions, disk space)`);
  } finally {
    await store?.close();
  }
}

async function checkRevocations(
  home: string,
  identity: Identity,
  ring: ZoneKeyring,
): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const zone of ring.zoneIds()) {
    const check = `revocation:${zone}`;
    try {
      const log = await loadRevocationLog(home, zone, {
        objectIdKey: ring.objectIdKey(zone).key,
        ownerPublicKey: identity.owner.publicKey,
      });
      const reg = log.registry;
      const last = reg.lastUpdated === undefined
        ? "no revocations yet"
        : `last change ${new Date(reg.lastUpdated * 1000).toISOString()}`;
      // Every identity holds the owner key (loadIdentity requires it), so this node's log is
      // the zone's revocation authority: no newer frontier can exist elsewhere, and the log is
      // fresh by construction once its chain verifies (spec §14.3.1). A node without the owner
      // key (mesh issue) will compare against its peers' heads here instead.
      out.push(
        ok(
          check,
          `chain verified, head seq ${reg.headSeq}, ${last}; authoritative (owner key held)`,
        ),
      );
    } catch (e) {
      out.push(fail(
        check,
        describe(e),
        `restore ${revocationLogPath(home, zone)} from a backup (the chain must verify)`,
      ));
    }
  }
  if (ring.zoneIds().length === 0) {
    out.push(warn("zones", "this node holds no zones", "run 'fcp init' (or 'fcp zone' commands)"));
  }
  return out;
}

async function checkAudit(home: string): Promise<Finding[]> {
  const path = auditDbPath(home);
  let log: AuditLog | undefined;
  try {
    // The request records first: each names an event appended before it was written.
    const referenced = readAuditReferences(home);
    if (await modeOf(path) === undefined) {
      if (referenced.size === 0) {
        return [ok("audit", `no audit log yet (${path} is created when the node first starts)`)];
      }
      return [fail(
        "audit",
        `${path} is missing, but ${[...referenced.keys()].join(", ")} recorded audit events`,
        `restore ${path} from a backup; the request records in host.db are evidence`,
      )];
    }
    log = await AuditLog.openHome(home);
    const out: Finding[] = [];
    const zones = [...new Set([...log.zones(), ...referenced.keys()])].sort();
    for (const zone of zones) {
      const r = log.verify(zone, { referenced: referenced.get(zone) ?? [] });
      if (r.ok) {
        out.push(ok(`audit:${zone}`, `chain verified, ${r.events} events, head seq ${r.headSeq}`));
      } else {
        out.push(fail(
          `audit:${zone}`,
          `chain broken at seq ${r.finding.seq}: ${r.finding.kind} (${r.finding.detail})`,
          `run 'fcp audit verify --zone ${zone}'; keep ${path} as evidence and restore a backup`,
        ));
      }
    }
    if (out.length === 0) out.push(ok("audit", "audit log present, no events yet"));
    return out;
  } catch (e) {
    return [fail("audit", describe(e), `check ${path} (owner, permissions, disk space)`)];
  } finally {
    log?.close();
  }
}

async function checkNode(home: string): Promise<Finding[]> {
  try {
    const node = await runningNode(home);
    const out = [ok("node", `running: pid ${node.pid}, http://${node.hostname}:${node.port}`)];
    try {
      const reply = await requestNode<{ connectors: ConnectorSummary[] }>(home, "/v1/connectors");
      const list = reply.body.connectors;
      if (list.length === 0) out.push(ok("connectors", "no connectors installed"));
      for (const c of list) {
        const check = `connector:${c.id}`;
        const msg = `${c.version} ${c.state}, health ${c.health}`;
        const failedInstance = (c.instances ?? []).some((i) =>
          i.desired === "active" && i.state === "failed"
        );
        if (c.health === "ok" && !failedInstance) out.push(ok(check, msg));
        else if (c.state !== "active" && !failedInstance) out.push(ok(check, msg));
        else if (c.health === "failed") {
          out.push(
            fail(
              check,
              msg,
              `fcp connector activate ${c.id} --zone ${c.zones[0] ?? "ZONE"} (restarts its worker)`,
            ),
          );
        } else out.push(warn(check, msg, `fcp connector health ${c.id}`));
      }
    } catch (e) {
      if (isFcpError(e, "FCP-6001")) {
        out.push(
          warn(
            "connectors",
            "the running node serves no connector routes (no connector host)",
            "restart the node with the connector host enabled",
          ),
        );
      } else out.push(fail("connectors", describe(e), "restart the node"));
    }
    return out;
  } catch (e) {
    if (isFcpError(e, "FCP-5002")) {
      return [
        ok("node", e.detail),
        warn("connectors", "node not running: connector health unknown", "fcp node start"),
      ];
    }
    return [fail("node", describe(e), "check FCP_HOME/run")];
  }
}

/**
 * Run every check on a home.
 *
 * @example
 * ```ts
 * import { runDoctor } from "./doctor.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const findings = await runDoctor(home, 1_700_000_000);
 * assert.equal(findings[0]!.check, "identity");
 * assert.equal(findings[0]!.status, "fail");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function runDoctor(home: string, now: number): Promise<Finding[]> {
  if (!await isInitialized(home)) {
    return [fail("identity", `${home} is not initialized`, "fcp init (or fcp node start)")];
  }
  const findings: Finding[] = [];
  findings.push(...await checkKeys(home));
  let identity: Identity | undefined;
  try {
    identity = await loadIdentity(home);
    findings.push(ok("identity", `node ${identity.nodeId}`));
  } catch (e) {
    findings.push(fail(
      "identity",
      describe(e),
      "fix the key findings above; else restore FCP_HOME from a backup or 'fcp init --force'",
    ));
  }
  if (identity) findings.push(checkAttestation(identity, now));
  findings.push(await checkStore(home));
  if (identity) findings.push(...await checkAudit(home));
  if (identity) {
    try {
      const ring = await ZoneKeyring.load(identity.keystore);
      findings.push(...await checkRevocations(home, identity, ring));
    } catch (e) {
      findings.push(fail(
        "zones",
        describe(e),
        "restore FCP_HOME/keys/zonekeys.* and FCP_HOME/zone-keys.json from a backup (together)",
      ));
    }
  }
  findings.push(...await checkNode(home));
  return findings;
}

/** `fcp doctor`. */
export const command: CliCommand = {
  path: ["doctor"],
  summary: "Check keys, attestation, store, revocation freshness, node and connectors",
  usage: "fcp doctor [--json]",
  description: [
    "Each finding is {check, status: ok|warn|fail, message, fix}. Exit 0 when nothing failed,",
    "1 otherwise. --json prints {ok, findings}.",
  ].join("\n"),
  async run(ctx) {
    const findings = await runDoctor(ctx.home, Math.floor(Date.now() / 1000));
    const failed = findings.some((f) => f.status === "fail");
    if (ctx.json) {
      ctx.printJson({ ok: !failed, home: ctx.home, findings });
    } else {
      for (const f of findings) {
        ctx.out(`${f.status.padEnd(4)}  ${f.check}: ${f.message}`);
        if (f.fix) ctx.out(`      fix: ${f.fix}`);
      }
    }
    return failed ? EXIT_CHECK_FAILED : 0;
  },
};
