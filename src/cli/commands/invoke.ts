/**
 * `fcp invoke CONNECTOR OPERATION --zone Z --input JSON ...`: one call through the running
 * node's invoke pipeline (`POST /v1/invoke`, issue 5 §3). A refusal exits with its code's
 * category and names the request id for `fcp explain`.
 *
 * @module
 */
import { requestNode } from "../../api/mod.ts";
import { FcpError, fromUtf8, toHex } from "../../core/mod.ts";
import { parseZoneId } from "../../model/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";
import { UsageError } from "../usage_error.ts";

/**
 * The hex text of a token or approval file: hex as `fcp token mint` writes it, or raw CBOR
 * (a COSE_Sign1 array starts with 0x84, an ApprovalToken map with 0xa0..0xbf).
 *
 * @example
 * ```ts
 * import { hexOfObjectFile } from "./invoke.ts";
 * import assert from "node:assert/strict";
 * assert.equal(hexOfObjectFile(new TextEncoder().encode("84a1\n")), "84a1");
 * assert.equal(hexOfObjectFile(new Uint8Array([0x84, 0x01])), "8401");
 * assert.throws(() => hexOfObjectFile(new TextEncoder().encode("zz")), /FCP-1040/);
 * ```
 */
export function hexOfObjectFile(bytes: Uint8Array): string {
  const b0 = bytes[0] ?? 0;
  if (b0 === 0x84 || (b0 >= 0xa0 && b0 <= 0xbf)) return toHex(bytes);
  const text = fromUtf8(bytes).replace(/\s+/g, "");
  if (!/^([0-9a-f]{2})+$/i.test(text)) throw new UsageError("the file holds neither hex nor CBOR");
  return text.toLowerCase();
}

async function readObjectFile(path: string, what: string): Promise<string> {
  try {
    return hexOfObjectFile(await Deno.readFile(path));
  } catch (cause) {
    if (cause instanceof FcpError) throw cause;
    throw new UsageError(`cannot read ${what} file ${path}`, { cause });
  }
}

async function readJsonInput(ctx: CommandContext): Promise<unknown> {
  const raw = ctx.string("input");
  if (raw === undefined) return null;
  const text = raw === "-"
    ? await ctx.readInput("-")
    : raw.startsWith("@")
    ? await Deno.readTextFile(raw.slice(1)).catch((cause) => {
      throw new UsageError(`cannot read input file ${raw.slice(1)}`, { cause });
    })
    : raw;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UsageError("--input is not valid JSON", { cause });
  }
}

/** `fcp invoke`. */
export const command: CliCommand = {
  path: ["invoke"],
  summary: "Invoke a connector operation through the running node's pipeline",
  usage:
    "fcp invoke CONNECTOR OPERATION --zone Z [--input JSON|@FILE|-] [--token FILE] [--idempotency-key K] [--approval FILE]... [--taint NAME]... [--json]",
  description: [
    "Stages, in order: token verification, zone binding, policy (default deny), revocation",
    "freshness, taint and approval checks, input validation, OperationIntent for Risky and",
    "Dangerous operations, the sandboxed call, OperationReceipt, audit event. The same",
    "--idempotency-key returns the prior receipt without running again. A refusal prints the",
    "request id; 'fcp explain ID' says why and what would change it.",
  ].join("\n"),
  args: [
    { name: "CONNECTOR", description: "connector id, e.g. fcp.fs" },
    { name: "OPERATION", description: "operation id, e.g. fs_list" },
  ],
  options: {
    zone: { type: "string", valueName: "Z", description: "zone of the call" },
    input: { type: "string", valueName: "JSON", description: "input JSON, @FILE or - (stdin)" },
    token: { type: "string", valueName: "FILE", description: "capability token file" },
    "idempotency-key": { type: "string", valueName: "K", description: "idempotency key" },
    approval: {
      type: "string",
      multiple: true,
      valueName: "FILE",
      description: "ApprovalToken file",
    },
    taint: {
      type: "string",
      multiple: true,
      valueName: "NAME",
      description: "input taint, e.g. PUBLIC_INPUT",
    },
  },
  async run(ctx) {
    const [connector, operation] = ctx.positionals as [string, string];
    const zoneText = ctx.string("zone");
    if (zoneText === undefined) throw new UsageError("--zone is required");
    const zone = parseZoneId(zoneText);
    const tokenFile = ctx.string("token");
    const key = ctx.string("idempotency-key");
    const approvals = await Promise.all(
      ctx.strings("approval").map((f) => readObjectFile(f, "approval")),
    );
    const taint = ctx.strings("taint");
    const body = {
      connector,
      operation,
      zone,
      input: await readJsonInput(ctx),
      ...(tokenFile === undefined ? {} : { token: await readObjectFile(tokenFile, "token") }),
      ...(key === undefined ? {} : { idempotency_key: key }),
      ...(approvals.length ? { approvals } : {}),
      ...(taint.length ? { input_taint: taint } : {}),
    };
    const r = (await requestNode<Record<string, unknown>>(ctx.home, "/v1/invoke", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })).body;
    if (ctx.json) {
      ctx.printJson(r);
      return;
    }
    const receipt = r.receipt as Record<string, unknown>;
    ctx.out(
      `${r.replayed ? "replayed" : "ok"} ${connector} ${operation} in ${zone}  ` +
        `(request ${r.request_id}, receipt ${String(receipt.receipt_id).slice(0, 16)})`,
    );
    ctx.out(JSON.stringify(r.output, null, 2));
  },
};
