/**
 * Validation of `[[operations]]` entries: ids, capabilities, risk and safety tiers,
 * idempotency, schemas, network constraints (spec §7.3) and AI hints.
 *
 * @module
 */
import { readOperationSchema } from "./_manifest_json_schema.ts";
import {
  at,
  bounded,
  canonical,
  isTable,
  type ProblemSink,
  type Table,
} from "./_manifest_reader.ts";
import {
  type AiHints,
  APPROVAL_MODES,
  type ConnectorManifest,
  IDEMPOTENCY_CLASSES,
  MANIFEST_BOUNDS,
  MANIFEST_DEFAULTS,
  MIN_TIER_FOR_RISK,
  type OperationJsonSchema,
  type OperationNetworkConstraints,
  type OperationSpec,
  RISK_LEVELS,
  SAFETY_TIERS,
} from "./manifest_types.ts";

const RATE_LIMIT = /^[1-9]\d*\/(sec|min|hour|day)$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-f:]+\/\d{1,3})$/;

function readHost(
  sink: ProblemSink,
  entry: string,
  path: string,
  flags: { denyIpLiterals: boolean; denyLocalhost: boolean },
): string | undefined {
  const bad = (why: string) => {
    sink.error(path, "network.host_invalid", `host_allow entry "${entry}": ${why}`);
    return undefined;
  };
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
  if (!m) {
    return bad(`must be "host:port" (the port is required; Deno permissions are per host:port)`);
  }
  const host = m[1]!;
  const port = Number(m[2]);
  if (port < 1 || port > 65_535) return bad("port must be 1..65535");
  if (host.includes("*")) {
    return bad("wildcards are not supported: Deno worker permissions cannot express them");
  }
  const isIp = host.startsWith("[") || IPV4.test(host);
  if (isIp) {
    if (flags.denyIpLiterals) return bad("IP literals need deny_ip_literals = false (§7.3)");
    return `${host}:${port}`;
  }
  if (host !== host.toLowerCase()) return bad("hosts must be lowercase (canonical form, §7.3)");
  if (host.endsWith(".")) return bad("no trailing dot (canonical form, §7.3)");
  if (host.length > 253 || !host.split(".").every((l) => HOST_LABEL.test(l))) {
    return bad("not a valid ASCII (A-label) host name");
  }
  if (flags.denyLocalhost && (host === "localhost" || host.endsWith(".localhost"))) {
    return bad("localhost is refused while deny_localhost is true");
  }
  return `${host}:${port}`;
}

function readNetwork(sink: ProblemSink, n: Table, p: string): OperationNetworkConstraints {
  sink.unknownKeys(n, [
    "host_allow",
    "cidr_deny",
    "deny_localhost",
    "deny_private_ranges",
    "deny_tailnet_ranges",
    "deny_ip_literals",
    "require_sni",
    "require_host_canonicalization",
    "spki_pins",
    "credential_allow",
    "dns_max_ips",
    "max_redirects",
    "connect_timeout_ms",
    "total_timeout_ms",
    "max_response_bytes",
    "port_allow",
    "ip_allow",
  ], p);
  if (n.port_allow !== undefined) {
    sink.error(
      at(p, "port_allow"),
      "field.unsupported",
      `put ports into host_allow entries as "host:port"`,
    );
  }
  if (n.ip_allow !== undefined) {
    sink.error(
      at(p, "ip_allow"),
      "field.unsupported",
      "ip_allow is not supported; allow hosts by name",
    );
  }
  const flag = (key: string) => {
    const v = sink.bool(n, key, p);
    if (v === false && key !== "require_sni") {
      sink.warn(
        at(p, key),
        "network.guard_relaxed",
        `${key} = false weakens the egress guard (§11.2.1)`,
      );
    }
    return v ?? true;
  };
  const denyLocalhost = flag("deny_localhost");
  const denyPrivateRanges = flag("deny_private_ranges");
  const denyTailnetRanges = flag("deny_tailnet_ranges");
  const denyIpLiterals = flag("deny_ip_literals");
  const requireSni = sink.bool(n, "require_sni", p) ?? true;
  if (n.require_host_canonicalization === false) {
    sink.error(
      at(p, "require_host_canonicalization"),
      "network.guard_relaxed",
      "host canonicalization cannot be turned off",
    );
  }
  const hostAllow: string[] = [];
  const hosts = sink.strList(n, "host_allow", p, true);
  if (n.host_allow !== undefined && hosts.length === 0 && Array.isArray(n.host_allow)) {
    sink.error(
      at(p, "host_allow"),
      "network.host_invalid",
      "host_allow is empty; drop network_constraints if the operation makes no network calls",
    );
  }
  hosts.forEach((h, i) => {
    const ok = readHost(sink, h, at(at(p, "host_allow"), i), { denyIpLiterals, denyLocalhost });
    if (ok !== undefined && !hostAllow.includes(ok)) hostAllow.push(ok);
  });
  const cidrDeny = sink.strList(n, "cidr_deny", p);
  cidrDeny.forEach((c, i) => {
    if (!CIDR.test(c)) {
      sink.error(at(at(p, "cidr_deny"), i), "network.cidr_invalid", `"${c}" is not a CIDR block`);
    }
  });
  const credentialAllow = sink.strList(n, "credential_allow", p).filter((c, i) =>
    canonical(
      sink,
      c,
      at(at(p, "credential_allow"), i),
      "network.credential_invalid",
      "credential id",
    )
  );
  const spkiPins = sink.strList(n, "spki_pins", p);
  spkiPins.forEach((pin, i) => {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(pin)) {
      sink.error(
        at(at(p, "spki_pins"), i),
        "network.pin_invalid",
        "SPKI pins are base64(sha256(SPKI_DER)), 44 characters",
      );
    }
  });
  const B = MANIFEST_BOUNDS;
  const D = MANIFEST_DEFAULTS;
  const lim = (key: string, bounds: readonly [number, number], required: boolean) =>
    bounded(
      sink,
      n,
      key,
      p,
      bounds,
      required ? "network.limit_missing" : null,
      "network.limit_range",
    );
  return {
    hostAllow,
    cidrDeny,
    denyLocalhost,
    denyPrivateRanges,
    denyTailnetRanges,
    denyIpLiterals,
    requireSni,
    spkiPins,
    credentialAllow,
    dnsMaxIps: lim("dns_max_ips", B.dnsMaxIps, false) ?? D.dnsMaxIps,
    maxRedirects: lim("max_redirects", B.maxRedirects, false) ?? D.maxRedirects,
    connectTimeoutMs: lim("connect_timeout_ms", B.connectTimeoutMs, true) ?? D.connectTimeoutMs,
    totalTimeoutMs: lim("total_timeout_ms", B.totalTimeoutMs, true) ?? D.totalTimeoutMs,
    maxResponseBytes: lim("max_response_bytes", B.maxResponseBytes, true) ?? D.maxResponseBytes,
  };
}

function readHints(sink: ProblemSink, h: Table, p: string): AiHints {
  sink.unknownKeys(h, ["when_to_use", "common_mistakes", "examples", "related"], p);
  const related = sink.strList(h, "related", p);
  related.forEach((r, i) =>
    canonical(sink, r, at(at(p, "related"), i), "capability.id_invalid", "related capability id")
  );
  return {
    whenToUse: sink.str(h, "when_to_use", p, true) ?? "",
    commonMistakes: sink.strList(h, "common_mistakes", p),
    examples: sink.strList(h, "examples", p),
    related,
  };
}

const EMPTY_SCHEMA: OperationJsonSchema = {};

function readOperation(
  sink: ProblemSink,
  o: Table,
  p: string,
  caps: ConnectorManifest["capabilities"],
): OperationSpec {
  sink.unknownKeys(o, [
    "id",
    "description",
    "capability",
    "risk_level",
    "safety_tier",
    "idempotency",
    "requires_approval",
    "rate_limit",
    "input_schema",
    "output_schema",
    "network_constraints",
    "ai_hints",
  ], p);
  const id = sink.str(o, "id", p, true) ?? "";
  if (id !== "") canonical(sink, id, at(p, "id"), "operation.id_invalid", "operation id");
  const capability = sink.str(o, "capability", p, true) ?? "";
  if (
    capability !== "" &&
    canonical(sink, capability, at(p, "capability"), "capability.id_invalid", "capability id")
  ) {
    if (caps.forbidden.includes(capability)) {
      sink.error(
        at(p, "capability"),
        "capability.forbidden_used",
        `operation ${id} uses forbidden capability ${capability}`,
      );
    } else if (!caps.required.includes(capability) && !caps.optional.includes(capability)) {
      sink.error(
        at(p, "capability"),
        "capability.undeclared",
        `operation ${id} uses capability ${capability}, which is not in capabilities.required or .optional`,
      );
    }
  }
  const riskLevel = sink.oneOf(o, "risk_level", p, RISK_LEVELS, true);
  const safetyTier = o.safety_tier === "forbidden"
    ? undefined
    : sink.oneOf(o, "safety_tier", p, SAFETY_TIERS, true);
  const idempotency = sink.oneOf(o, "idempotency", p, IDEMPOTENCY_CLASSES, true);
  const requiresApproval = sink.oneOf(o, "requires_approval", p, APPROVAL_MODES) ?? "none";
  if (o.safety_tier === "forbidden") {
    sink.error(
      at(p, "safety_tier"),
      "operation.tier_forbidden",
      `safety tier "forbidden" can never run; remove the operation`,
    );
  } else if (riskLevel !== undefined && safetyTier !== undefined) {
    const min = MIN_TIER_FOR_RISK[riskLevel];
    if (SAFETY_TIERS.indexOf(safetyTier) < SAFETY_TIERS.indexOf(min)) {
      sink.error(
        at(p, "safety_tier"),
        "operation.tier_understates_risk",
        `risk_level "${riskLevel}" needs safety_tier "${min}" or higher, not "${safetyTier}"`,
      );
    }
  }
  const severe = safetyTier === "dangerous" || safetyTier === "critical";
  if (severe && idempotency !== undefined && idempotency !== "strict") {
    sink.error(
      at(p, "idempotency"),
      "operation.idempotency_required",
      `${safetyTier} operations must be idempotency = "strict" (§15 OperationReceipt)`,
    );
  } else if (safetyTier === "risky" && idempotency !== undefined && idempotency !== "strict") {
    sink.warn(
      at(p, "idempotency"),
      "operation.idempotency_weak",
      `Risky operations should be idempotency = "strict" (§15)`,
    );
  }
  const rateLimit = sink.str(o, "rate_limit", p);
  if (rateLimit !== undefined && !RATE_LIMIT.test(rateLimit)) {
    sink.error(
      at(p, "rate_limit"),
      "operation.rate_limit_invalid",
      `rate_limit "${rateLimit}" must be "<n>/sec|min|hour|day"`,
    );
  }
  const schema = (key: string, mustBeObject: boolean): OperationJsonSchema => {
    if (o[key] === undefined) {
      sink.error(at(p, key), "field.missing", `'${at(p, key)}' is required`);
      return EMPTY_SCHEMA;
    }
    const r = readOperationSchema(o[key], at(p, key), mustBeObject);
    if ("schema" in r) return r.schema;
    for (const msg of r.problems) sink.error(at(p, key), "operation.schema_invalid", msg);
    return EMPTY_SCHEMA;
  };
  const op: OperationSpec = {
    id,
    description: sink.str(o, "description", p, true) ?? "",
    capability,
    riskLevel: riskLevel ?? "critical",
    safetyTier: safetyTier ?? "critical",
    idempotency: idempotency ?? "none",
    requiresApproval,
    inputSchema: schema("input_schema", true),
    outputSchema: schema("output_schema", false),
  };
  if (rateLimit !== undefined) op.rateLimit = rateLimit;
  const net = sink.table(o, "network_constraints", p);
  if (net !== undefined) op.network = readNetwork(sink, net, at(p, "network_constraints"));
  const hints = sink.table(o, "ai_hints", p);
  if (hints !== undefined) op.aiHints = readHints(sink, hints, at(p, "ai_hints"));
  else if (o.ai_hints === undefined) {
    sink.warn(
      at(p, "ai_hints"),
      "operation.ai_hints_missing",
      `operation ${id} has no ai_hints (when_to_use helps agents pick it)`,
    );
  }
  return op;
}

/** Read `[[operations]]`, checking each against the declared capabilities. */
export function readOperations(
  sink: ProblemSink,
  root: Table,
  caps: ConnectorManifest["capabilities"],
) {
  const ops: OperationSpec[] = [];
  const list = root.operations;
  if (list === undefined) {
    sink.error("operations", "operation.none", "no [[operations]] declared");
    return ops;
  }
  if (!Array.isArray(list)) {
    sink.error(
      "operations",
      "field.type",
      "'operations' must be an array of tables ([[operations]])",
    );
    return ops;
  }
  if (list.length === 0) sink.error("operations", "operation.none", "no [[operations]] declared");
  const ids = new Set<string>();
  list.forEach((o, i) => {
    const p = at("operations", i);
    if (!isTable(o)) {
      sink.error(p, "field.type", `'${p}' must be a table`);
      return;
    }
    const op = readOperation(sink, o, p, caps);
    if (op.id !== "" && ids.has(op.id)) {
      sink.error(at(p, "id"), "operation.id_duplicate", `operation id ${op.id} is declared twice`);
    }
    ids.add(op.id);
    ops.push(op);
  });
  return ops;
}
