/**
 * `fcp demo`: the main job on its embedded defaults (issue 5 §8). In a throwaway home it
 * starts a node, installs and activates fcp.fs and fcp.http, lets the owner allow the agent
 * the filesystem, mints a token, runs allowed invokes (list and read in a granted directory),
 * shows a call the policy denies with its explanation and one the egress guard refuses, puts
 * and gets an object, verifies the audit chain, and reports. Everything goes over the node's
 * real LocalAPI; nothing leaves loopback.
 *
 * @module
 */
import { FcpError, isFcpError } from "../../core/mod.ts";
import { AuditLog } from "../../host/mod.ts";
import { startScratchNode } from "../scratch_node.ts";
import type { CliCommand } from "../types.ts";

/** One step of the demo report. */
export interface DemoStep {
  /** What was done. */
  readonly step: string;
  /** Whether it went as the demo expects (a refusal that was expected counts as ok). */
  readonly ok: boolean;
  /** What came back, in a few words. */
  readonly detail: string;
  /** Structured facts (ids, codes). */
  readonly data?: Record<string, unknown>;
}

const ZONE = "z:work";
const AGENT = "agent:demo";

/** Run the demo; returns its steps (the last failure stops it). */
export async function runDemo(opts: { keep?: boolean } = {}): Promise<{
  home: string;
  steps: DemoStep[];
}> {
  const steps: DemoStep[] = [];
  const s = await startScratchNode();
  const files = await Deno.makeTempDir({ prefix: "fcp-demo-files-" });
  const add = (step: DemoStep) => steps.push(step);
  try {
    add({
      step: "start node",
      ok: true,
      detail: `node ${s.node.nodeId} on 127.0.0.1:${s.node.port}`,
    });
    // The directory the agent may use: outside the node home, which is never granted.
    await Deno.mkdir(files, { recursive: true });
    await Deno.writeTextFile(`${files}/hello.txt`, "Hello from a sandboxed connector.\n");

    for (const id of ["fcp.fs", "fcp.http"]) {
      const r = await s.api("POST", "/v1/connectors/install", { source: id });
      add({
        step: `install ${id}`,
        ok: true,
        detail: `package ${String(r.package_id).slice(0, 16)}`,
      });
    }
    const fs = await s.api("POST", "/v1/connectors/fcp.fs/activate", {
      zone: ZONE,
      grant_read: [files],
      grant_write: [files],
    });
    add({ step: "activate fcp.fs", ok: true, detail: `${ZONE}, granted ${files} (${fs.state})` });
    const http = await s.api("POST", "/v1/connectors/fcp.http/activate", { zone: ZONE });
    add({ step: "activate fcp.http", ok: true, detail: `${ZONE} (${http.state})` });

    await s.allow(ZONE, {
      principals: [AGENT],
      connectors: ["fcp.fs"],
      caps: ["fs.list", "fs.read"],
    });
    add({
      step: "policy",
      ok: true,
      detail: `${ZONE} allows ${AGENT} fcp.fs fs.list/fs.read only`,
    });

    const fsToken = await s.mint({
      zone: ZONE,
      capability: "fs.list",
      operations: ["fs_list"],
      ttlSecs: 600,
      principal: AGENT,
      holder: s.node.nodeId,
    });
    const readToken = await s.mint({
      zone: ZONE,
      capability: "fs.read",
      operations: ["fs_read"],
      ttlSecs: 600,
      principal: AGENT,
    });
    const httpToken = await s.mint({
      zone: ZONE,
      capability: "http.get",
      operations: ["http_get"],
      ttlSecs: 600,
      principal: AGENT,
    });
    add({ step: "mint tokens", ok: true, detail: "fs_list (holder-bound), fs_read, http_get" });

    const list = await s.api<Record<string, unknown>>("POST", "/v1/invoke", {
      connector: "fcp.fs",
      operation: "fs_list",
      zone: ZONE,
      input: { path: files },
      token: fsToken,
    });
    const entries = ((list.output as { entries?: { name: string }[] }).entries ?? []).map((e) =>
      e.name
    );
    add({
      step: "invoke fcp.fs fs_list",
      ok: entries.includes("hello.txt"),
      detail: `allowed: ${entries.join(", ")}`,
      data: {
        request_id: list.request_id,
        receipt_id: (list.receipt as { receipt_id: string }).receipt_id,
      },
    });
    const read = await s.api<Record<string, unknown>>("POST", "/v1/invoke", {
      connector: "fcp.fs",
      operation: "fs_read",
      zone: ZONE,
      input: { path: `${files}/hello.txt` },
      token: readToken,
    });
    const content = String((read.output as { content?: string }).content ?? "").trim();
    add({
      step: "invoke fcp.fs fs_read",
      ok: content.startsWith("Hello"),
      detail: `allowed: "${content}"`,
    });

    const denied = await expectRefusal(() =>
      s.api("POST", "/v1/invoke", {
        connector: "fcp.http",
        operation: "http_get",
        zone: ZONE,
        input: { url: "https://example.com/" },
        token: httpToken,
      })
    );
    const why = denied.id
      ? await s.api<Record<string, unknown>>("GET", `/v1/explain/${denied.id}`)
      : undefined;
    add({
      step: "invoke fcp.http http_get (denied)",
      ok: denied.code === "FCP-4003" && why?.decision === "deny" && why?.stage === "policy",
      detail: `${denied.code} ${why?.reason_code ?? ""} at stage ${why?.stage ?? "?"}, decided ` +
        `by ${decider(why?.decided_by)}; to change it: ${why?.hint ?? denied.message}`,
      data: { request_id: denied.id, explanation: why },
    });

    await s.allow(ZONE, {
      principals: [AGENT],
      connectors: ["fcp.fs", "fcp.http"],
      caps: ["fs.list", "fs.read", "http.get"],
    });
    const guarded = await expectRefusal(() =>
      s.api("POST", "/v1/invoke", {
        connector: "fcp.http",
        operation: "http_get",
        zone: ZONE,
        input: { url: "http://169.254.169.254/latest/meta-data/" },
        token: httpToken,
      })
    );
    add({
      step: "invoke fcp.http to the cloud metadata address (refused)",
      ok: guarded.code === "FCP-3008",
      detail: `${guarded.code}: ${guarded.message.replace(/ \(request .*$/, "")}`,
      data: { request_id: guarded.id },
    });

    const put = await fetchObject(s, "PUT", "Objects are RaptorQ symbols sealed per zone.");
    const got = await fetchObject(s, "GET", put);
    add({
      step: "put and get an object",
      ok: got === "Objects are RaptorQ symbols sealed per zone.",
      detail: `object ${put.slice(0, 16)}`,
    });
  } catch (e) {
    add({
      step: "unexpected failure",
      ok: false,
      detail: e instanceof FcpError ? `${e.code} ${e.detail}` : "internal error",
    });
  } finally {
    await s.node.stop();
  }
  const log = await AuditLog.openHome(s.home);
  try {
    const v = log.verify(ZONE);
    add({
      step: `verify the ${ZONE} audit chain`,
      ok: v.ok && v.events > 0,
      detail: v.ok
        ? `intact, ${v.events} events, head seq ${v.headSeq}`
        : `broken: ${v.finding.kind}`,
    });
  } finally {
    log.close();
  }
  if (!opts.keep) {
    await Deno.remove(s.home, { recursive: true });
    await Deno.remove(files, { recursive: true });
  }
  return { home: s.home, steps };
}

/** "zone_policy 1a2b3c4d5e6f7a8b" from an explanation's `decided_by`. */
function decider(d: unknown): string {
  if (typeof d !== "object" || d === null) return "?";
  const { kind, id } = d as { kind?: unknown; id?: unknown };
  return `${String(kind ?? "?")}${typeof id === "string" ? ` ${id.slice(0, 16)}` : ""}`;
}

async function expectRefusal(
  f: () => Promise<unknown>,
): Promise<{ code: string; message: string; id?: string }> {
  try {
    await f();
  } catch (e) {
    if (isFcpError(e)) {
      const id = e.details?.request_id;
      return { code: e.code, message: e.detail, ...(typeof id === "string" ? { id } : {}) };
    }
    throw e;
  }
  return { code: "none", message: "it was not refused" };
}

async function fetchObject(
  s: Awaited<ReturnType<typeof startScratchNode>>,
  method: "PUT" | "GET",
  arg: string,
): Promise<string> {
  const token = (await Deno.readTextFile(`${s.home}/api.token`)).trim();
  const base = `http://127.0.0.1:${s.node.port}/v1/objects`;
  const res = method === "PUT"
    ? await fetch(`${base}?zone=${ZONE}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      body: arg,
    })
    : await fetch(`${base}/${arg}?zone=${ZONE}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new FcpError("FCP-9001", `object ${method} answered ${res.status}`);
  return method === "PUT" ? String((await res.json()).object_id) : await res.text();
}

/** `fcp demo`. */
export const command: CliCommand = {
  path: ["demo"],
  summary: "Run the end-to-end demo in a throwaway home (node, connectors, invoke, audit)",
  usage: "fcp demo [--keep] [--json]",
  description: [
    "Starts a node in a temporary home, installs and activates fcp.fs and fcp.http, sets a",
    "policy, mints tokens, runs allowed invokes, shows a policy denial with its explanation and",
    "an egress refusal, puts and gets an object, verifies the audit chain. Exit 0 when every",
    "step went as expected. --keep leaves the home for inspection.",
  ].join("\n"),
  options: { keep: { type: "boolean", description: "keep the demo home" } },
  async run(ctx) {
    const { home, steps } = await runDemo({ keep: ctx.flag("keep") });
    const ok = steps.every((s) => s.ok);
    if (ctx.json) {
      ctx.printJson({ ok, ...(ctx.flag("keep") ? { home } : {}), steps });
      return ok ? 0 : 1;
    }
    ctx.out("fcp demo: one node, sandboxed connectors, explicit authority");
    for (const s of steps) {
      ctx.out(`${s.ok ? "  ok  " : "  FAIL"} ${s.step.padEnd(56)} ${s.detail}`);
    }
    ctx.out(ok ? "demo succeeded" : "demo FAILED");
    if (ctx.flag("keep")) ctx.out(`home kept at ${home}`);
    return ok ? 0 : 1;
  },
};
