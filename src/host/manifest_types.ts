/**
 * The typed connector manifest (spec §11.1) with its enums, defaults and limits. The TOML
 * layout, the lint rules and the interface hash are documented in `manifest.ts`.
 *
 * @module
 */
import type { RiskTier } from "../authority/mod.ts";

/** The `[manifest].format` every manifest declares (spec §11.1). */
export const MANIFEST_FORMAT = "fcp-connector-manifest";
/** The manifest schema versions this implementation reads (spec §11.1). */
export const MANIFEST_SCHEMA_VERSIONS: readonly string[] = ["2.1"];

/** The capability every manifest must list in `capabilities.forbidden` (issue 5 §2). */
export const EXEC_CAPABILITY = "system.exec";

/** Operation risk level for UI and triage (spec §7.2 `RiskLevel`). */
export type RiskLevel = "low" | "medium" | "high" | "critical";
/** The risk levels in ascending order. */
export const RISK_LEVELS: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

/**
 * Safety tier of an operation: spec §7.2 `SafetyTier` Safe/Risky/Dangerous plus `critical`,
 * the manifest class of the reference implementation (WIRE.md §11 "manifest class
 * critical|risky|safe") that maps to the `CriticalWrite` risk tier. The spec's `Forbidden`
 * ("never allowed") is refused in a manifest (lint `operation.tier_forbidden`).
 */
export type SafetyTier = "safe" | "risky" | "dangerous" | "critical";
/** The safety tiers in ascending order. */
export const SAFETY_TIERS: readonly SafetyTier[] = ["safe", "risky", "dangerous", "critical"];

/**
 * The authority layer's risk tier (WIRE.md §11, `RiskTier` in src/authority) of a manifest
 * safety tier: safe → Safe, risky → Risky, dangerous → Dangerous, critical → CriticalWrite.
 *
 * @example
 * ```ts
 * import { RISK_TIER_OF } from "./manifest_types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(RISK_TIER_OF.critical, "CriticalWrite");
 * ```
 */
export const RISK_TIER_OF: Readonly<
  Record<SafetyTier, "Safe" | "Risky" | "Dangerous" | "CriticalWrite">
> = {
  safe: "Safe",
  risky: "Risky",
  dangerous: "Dangerous",
  critical: "CriticalWrite",
} as const satisfies Record<SafetyTier, RiskTier>;

/**
 * The lowest safety tier an operation of each risk level may declare (our rule, documented in
 * docs/wire.md): low → safe, medium → risky, high → dangerous, critical → critical.
 *
 * @example
 * ```ts
 * import { MIN_TIER_FOR_RISK } from "./manifest_types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(MIN_TIER_FOR_RISK.high, "dangerous");
 * ```
 */
export const MIN_TIER_FOR_RISK: Readonly<Record<RiskLevel, SafetyTier>> = {
  low: "safe",
  medium: "risky",
  high: "dangerous",
  critical: "critical",
};

/** Idempotency expectation (spec §7.2 `IdempotencyClass`). */
export type IdempotencyClass = "none" | "best_effort" | "strict";
/** All idempotency classes. */
export const IDEMPOTENCY_CLASSES: readonly IdempotencyClass[] = ["none", "best_effort", "strict"];

/** Approval mode (spec §7.2 `ApprovalMode`). */
export type ApprovalMode = "none" | "policy" | "interactive" | "approval_required";
/** All approval modes. */
export const APPROVAL_MODES: readonly ApprovalMode[] = [
  "none",
  "policy",
  "interactive",
  "approval_required",
];

/** CRDT type of a multi-writer connector (spec §10.4 `CrdtType`). */
export type CrdtType = "lww_map" | "or_set" | "g_counter" | "pn_counter";
/** All CRDT types. */
export const CRDT_TYPES: readonly CrdtType[] = ["lww_map", "or_set", "g_counter", "pn_counter"];

/** Connector state model (spec §10.4 `ConnectorStateModel`, revision proposal 7). */
export type StateModelKind = "stateless" | "singleton_writer" | "crdt";
/** All state models. */
export const STATE_MODELS: readonly StateModelKind[] = ["stateless", "singleton_writer", "crdt"];

/** `[connector.state]` (spec §10.4). */
export interface ConnectorState {
  /** The state model. */
  model: StateModelKind;
  /** Set exactly when `model` is `crdt`. */
  crdtType?: CrdtType;
  /** State schema version, required unless stateless (spec §10.4 "NORMATIVE"). */
  stateSchemaVersion?: string;
  /** Optional migration hint. */
  migrationHint?: string;
  /** Snapshot every N updates (spec §10.4 compaction rule). */
  snapshotEveryUpdates?: number;
  /** Snapshot every N bytes. */
  snapshotEveryBytes?: number;
}

/** Sandbox profile (spec §11.2 `SandboxProfile`). */
export type SandboxProfile = "strict" | "strict_plus" | "moderate" | "permissive";
/** All sandbox profiles, most restrictive first. */
export const SANDBOX_PROFILES: readonly SandboxProfile[] = [
  "strict",
  "strict_plus",
  "moderate",
  "permissive",
];

/** `[sandbox]` (spec §11.2), with defaults applied. */
export interface ManifestSandbox {
  /** The profile. */
  profile: SandboxProfile;
  /** Heap budget of the connector's worker, MiB. */
  memoryMb: number;
  /** Wall-clock budget of one call, ms (spec `wall_clock_timeout_ms`). */
  wallClockTimeoutMs: number;
  /** Largest host ↔ connector message, bytes. */
  maxMessageBytes: number;
  /** Declared CPU share; Deno workers cannot enforce it (lint warning). */
  cpuPercent?: number;
  /** Paths the connector may read (spec `fs_readonly_paths`), as written. */
  readPaths: string[];
  /** Paths the connector may read and write (spec `fs_writable_paths`), as written. */
  writePaths: string[];
  /** Environment variable names the connector may read. */
  env: string[];
}

/** Network constraints of one operation (spec §7.3 `NetworkConstraints`), defaults applied. */
export interface OperationNetworkConstraints {
  /** `host:port` entries, lowercase, no wildcards (Deno net permissions cannot express them). */
  hostAllow: string[];
  /** Extra CIDR blocks to deny. */
  cidrDeny: string[];
  /** Deny loopback addresses (default true). */
  denyLocalhost: boolean;
  /** Deny RFC 1918 / ULA / link-local ranges (default true). */
  denyPrivateRanges: boolean;
  /** Deny 100.64.0.0/10 and the tailnet IPv6 range (default true). */
  denyTailnetRanges: boolean;
  /** Deny IP literals in requests (default true). */
  denyIpLiterals: boolean;
  /** Require the TLS SNI to match the host (default true). */
  requireSni: boolean;
  /** SPKI pins, `base64(sha256(SPKI_DER))`. */
  spkiPins: string[];
  /** Credentials the guard may inject for this operation (spec `credential_allow`). */
  credentialAllow: string[];
  /** Max A/AAAA answers (default 16). */
  dnsMaxIps: number;
  /** Max redirects (default 5). */
  maxRedirects: number;
  /** Connect timeout, ms (required; `fix` fills 10 000). */
  connectTimeoutMs: number;
  /** Whole-request budget, ms (required; `fix` fills 60 000). */
  totalTimeoutMs: number;
  /** Response body cap, bytes (required; `fix` fills 10 MiB). */
  maxResponseBytes: number;
}

/** Hints for agents (spec §7.2 `AgentHint`). */
export interface AiHints {
  /** When an agent should use the operation. */
  whenToUse: string;
  /** Common mistakes. */
  commonMistakes: string[];
  /** Example usages. */
  examples: string[];
  /** Related capability ids. */
  related: string[];
}

/** A JSON value (what an operation schema is made of). */
export type ManifestJsonValue =
  | null
  | boolean
  | number
  | string
  | ManifestJsonValue[]
  | { [key: string]: ManifestJsonValue };

/** A JSON Schema document (an object; `true`/`false` schemas are not accepted here). */
export type OperationJsonSchema = { [key: string]: ManifestJsonValue };

/** One `[[operations]]` entry. */
export interface OperationSpec {
  /** Canonical operation id (§3.4.2), unique in the manifest. */
  id: string;
  /** What it does. */
  description: string;
  /** The capability that authorizes it; declared in `required` or `optional`. */
  capability: string;
  /** Risk level. */
  riskLevel: RiskLevel;
  /** Safety tier. */
  safetyTier: SafetyTier;
  /** Idempotency class. */
  idempotency: IdempotencyClass;
  /** Approval mode (default `none`). */
  requiresApproval: ApprovalMode;
  /** Rate limit as written, e.g. `60/min`. */
  rateLimit?: string;
  /** JSON Schema of the input (top-level `type = "object"`). */
  inputSchema: OperationJsonSchema;
  /** JSON Schema of the output. */
  outputSchema: OperationJsonSchema;
  /** Network constraints; absent means the operation makes no network calls. */
  network?: OperationNetworkConstraints;
  /** Agent hints. */
  aiHints?: AiHints;
}

/** `[zones]` (spec §11.1). */
export interface ManifestZones {
  /** The zone the connector normally runs in. */
  home?: string;
  /** Zones whose principals may invoke it. */
  allowedSources: string[];
  /** Zones an instance may be bound to (plus `home`). */
  allowedTargets: string[];
  /** Zones it must never serve or be bound to. */
  forbidden: string[];
}

/** The validated connector manifest. */
export interface ConnectorManifest {
  /** `[manifest].schema_version`. */
  schemaVersion: string;
  /** `[manifest].interface_hash` as written (`blake3-256:fcp.interface.v2:<hex>`). */
  interfaceHash: string;
  /** `[manifest].min_mesh_version` (SemVer), if given. */
  minMeshVersion?: string;
  /** Canonical connector id (§3.4.2). */
  id: string;
  /** Human-readable name. */
  name: string;
  /** SemVer version. */
  version: string;
  /** Description. */
  description: string;
  /** Archetypes (spec §10.1), lowercase. */
  archetypes: string[];
  /** The state model. */
  state: ConnectorState;
  /** Zone declarations. */
  zones: ManifestZones;
  /** Capability declarations; `forbidden` always contains `system.exec`. */
  capabilities: { required: string[]; optional: string[]; forbidden: string[] };
  /** Operations in file order. */
  operations: OperationSpec[];
  /** The sandbox. */
  sandbox: ManifestSandbox;
}

/** Defaults `fcp manifest fix` writes and the validator's bounds (documented in docs/wire.md). */
export const MANIFEST_DEFAULTS = {
  /** `[sandbox].profile` written by `fix`. */
  profile: "strict" as SandboxProfile,
  /** `[sandbox].memory_mb`. */
  memoryMb: 128,
  /** `[sandbox].wall_clock_timeout_ms`. */
  wallClockTimeoutMs: 30_000,
  /** `[sandbox].max_message_bytes`. */
  maxMessageBytes: 1_048_576,
  /** `network_constraints.connect_timeout_ms` (spec §7.3 default). */
  connectTimeoutMs: 10_000,
  /** `network_constraints.total_timeout_ms` (spec §7.3 default). */
  totalTimeoutMs: 60_000,
  /** `network_constraints.max_response_bytes` (spec §7.3 default, 10 MiB). */
  maxResponseBytes: 10_485_760,
  /** `network_constraints.dns_max_ips` (spec §7.3 default). */
  dnsMaxIps: 16,
  /** `network_constraints.max_redirects` (spec §7.3 default). */
  maxRedirects: 5,
} as const;

/**
 * Network constraints with every deny flag on, no hosts, credentials, pins or CIDR denies,
 * and the spec's default limits (§7.3), overridden by `over`. A fresh object each call.
 *
 * @example
 * ```ts
 * import { strictNetworkConstraints } from "./manifest_types.ts";
 * import assert from "node:assert/strict";
 * const c = strictNetworkConstraints({ hostAllow: ["api.test:443"] });
 * assert.equal(c.denyPrivateRanges, true);
 * assert.deepEqual(c.hostAllow, ["api.test:443"]);
 * assert.equal(c.maxRedirects, 5);
 * ```
 */
export function strictNetworkConstraints(
  over: Partial<OperationNetworkConstraints> = {},
): OperationNetworkConstraints {
  return {
    hostAllow: [],
    cidrDeny: [],
    denyLocalhost: true,
    denyPrivateRanges: true,
    denyTailnetRanges: true,
    denyIpLiterals: true,
    requireSni: true,
    spkiPins: [],
    credentialAllow: [],
    dnsMaxIps: MANIFEST_DEFAULTS.dnsMaxIps,
    maxRedirects: MANIFEST_DEFAULTS.maxRedirects,
    connectTimeoutMs: MANIFEST_DEFAULTS.connectTimeoutMs,
    totalTimeoutMs: MANIFEST_DEFAULTS.totalTimeoutMs,
    maxResponseBytes: MANIFEST_DEFAULTS.maxResponseBytes,
    ...over,
  };
}

/** Inclusive bounds of the numeric limits. */
export const MANIFEST_BOUNDS = {
  memoryMb: [16, 4096],
  wallClockTimeoutMs: [1, 600_000],
  maxMessageBytes: [1024, 67_108_864],
  cpuPercent: [1, 100],
  connectTimeoutMs: [1, 120_000],
  totalTimeoutMs: [1, 600_000],
  maxResponseBytes: [1, 1_073_741_824],
  dnsMaxIps: [1, 64],
  maxRedirects: [0, 20],
} as const satisfies Record<string, readonly [number, number]>;
