/**
 * Operator settings of a node that are not keys or policy: `FCP_HOME/config.json`
 * (`{"format": "fcp.config/1", "egress": {"allow_cidrs": [...], "ca_certs": [...]}}`). Every
 * field is optional; an absent file means the defaults. The egress settings widen what the
 * guard lets connectors reach (spec §11.2.1 step 5 "unless explicitly allowed"): `allow_cidrs`
 * admits addresses in private/loopback ranges (a LAN service, or a local simulator in tests),
 * `ca_certs` names PEM files of extra trusted roots.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { parseCidr } from "./egress_address.ts";

/** The config file name. */
export const NODE_CONFIG_FILE = "config.json";
/** Its format tag. */
export const NODE_CONFIG_FORMAT = "fcp.config/1";

/** The settings. */
export interface NodeConfig {
  /** Egress guard settings. */
  readonly egress: {
    /** CIDRs admitted despite the private/loopback/tailnet rules. */
    readonly allowCidrs: readonly string[];
    /** Extra root certificates (PEM text, read from the listed files). */
    readonly caCerts: readonly string[];
  };
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new FcpError("FCP-1040", `${NODE_CONFIG_FILE}: ${what} must be a list of strings`);
  }
  return v as string[];
}

/**
 * Read a home's config (`FCP-1040` for a malformed file; defaults when absent).
 *
 * @example
 * ```ts
 * import { loadNodeConfig } from "./node_config.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.deepEqual((await loadNodeConfig(home)).egress.allowCidrs, []);
 * await Deno.writeTextFile(`${home}/config.json`,
 *   JSON.stringify({ format: "fcp.config/1", egress: { allow_cidrs: ["127.0.0.1/32"] } }));
 * assert.deepEqual((await loadNodeConfig(home)).egress.allowCidrs, ["127.0.0.1/32"]);
 * await Deno.writeTextFile(`${home}/config.json`, JSON.stringify({ format: "fcp.config/1", egress: { allow_cidrs: ["nope"] } }));
 * await assert.rejects(loadNodeConfig(home), (e) => isFcpError(e, "FCP-1040"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function loadNodeConfig(home: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${home}/${NODE_CONFIG_FILE}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { egress: { allowCidrs: [], caCerts: [] } };
    throw new FcpError("FCP-9002", `cannot read ${NODE_CONFIG_FILE}`, { cause: e });
  }
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new FcpError("FCP-1040", `${NODE_CONFIG_FILE} is not JSON`, { cause });
  }
  if (typeof v !== "object" || v === null || v.format !== NODE_CONFIG_FORMAT) {
    throw new FcpError("FCP-1040", `${NODE_CONFIG_FILE} must have format ${NODE_CONFIG_FORMAT}`);
  }
  const egress = (v.egress ?? {}) as Record<string, unknown>;
  const allowCidrs = strings(egress.allow_cidrs, "egress.allow_cidrs");
  for (const c of allowCidrs) {
    try {
      parseCidr(c);
    } catch (cause) {
      throw new FcpError("FCP-1040", `${NODE_CONFIG_FILE}: ${c} is not a CIDR`, { cause });
    }
  }
  const caCerts: string[] = [];
  for (const f of strings(egress.ca_certs, "egress.ca_certs")) {
    try {
      caCerts.push(await Deno.readTextFile(f.startsWith("/") ? f : `${home}/${f}`));
    } catch (cause) {
      throw new FcpError("FCP-1040", `${NODE_CONFIG_FILE}: cannot read CA file ${f}`, { cause });
    }
  }
  return { egress: { allowCidrs, caCerts } };
}
