/**
 * Connector manifests (spec §11.1): parse `manifest.toml` with smol-toml, validate it, report
 * every problem with its line, and produce the typed {@link ConnectorManifest}.
 *
 * Layout (spec §11.1 names where the spec has them; see docs/wire.md):
 *
 * - `[manifest]` `format = "fcp-connector-manifest"`, `schema_version = "2.1"`,
 *   `interface_hash` (see `manifest_interface_hash.ts`), optional `min_mesh_version` (SemVer),
 *   `min_protocol`, `protocol_features`, `max_datagram_bytes`.
 * - `[connector]` `id` (canonical, §3.4.2), `name`, `version` (SemVer), `description`, optional
 *   `archetypes`, `format`; `[connector.state]` `model` = stateless | singleton_writer | crdt,
 *   `crdt_type` (crdt only), `state_schema_version` (unless stateless), snapshot thresholds
 *   (§10.4, revision proposal 7). Legacy `singleton_writer = true` must agree with `model`.
 * - `[zones]` `home`, `allowed_sources`, `allowed_targets`, `forbidden` (zone ids). An instance
 *   may be bound to `home` or an `allowed_targets` zone, never a `forbidden` one.
 * - `[capabilities]` `required`, `optional`, `forbidden`: `system.exec` is always forbidden.
 * - `[[operations]]` `id`, `description`, `capability`, `risk_level`, `safety_tier`,
 *   `idempotency`, optional `requires_approval`, `rate_limit`; `input_schema` and
 *   `output_schema` are JSON Schema objects written either as TOML tables or as JSON strings;
 *   `network_constraints` (spec §7.3 names, `host_allow` entries are `host:port`) and `ai_hints`.
 * - `[sandbox]` `profile` (strict | strict_plus | moderate | permissive), `memory_mb`,
 *   `wall_clock_timeout_ms`, `max_message_bytes`, `fs_readonly_paths`, `fs_writable_paths`,
 *   `env`; `run`/`ffi`/`sys`/`import`/`net`/`hrtime` must be false or absent. Paths are
 *   relative (under the connector's data directory), `$CONNECTOR_STATE[/sub]`, `$GRANTED`
 *   (the roots the operator grants at activation) or, in moderate/permissive profiles only,
 *   absolute; strict profiles grant no environment variables. See `manifest_sandbox.ts`.
 *
 * Lines: smol-toml reports line and column of syntax errors; for the semantic rules the line
 * is found by scanning the text for the key or its table header (`_manifest_locate.ts`); a
 * value inside an inline table or a multi-line array points at its key's line.
 *
 * @module
 */
import { parse, TomlError } from "smol-toml";
import { FcpError } from "../core/mod.ts";
import { locateToml } from "./_manifest_locate.ts";
import type { Table } from "./_manifest_reader.ts";
import { validateManifestDocument } from "./_manifest_schema.ts";
import type { ConnectorManifest } from "./manifest_types.ts";

/** Severity of a lint problem: errors fail `fcp manifest lint`, warnings do not. */
export type ManifestSeverity = "error" | "warning";

/** One problem in a manifest, with the line it is on. */
export interface ManifestProblem {
  /** 1-based line. */
  line: number;
  /** 1-based column, for TOML syntax errors. */
  column?: number;
  /** `error` fails lint; `warning` does not. */
  severity: ManifestSeverity;
  /** Stable rule code, e.g. `capability.exec_not_forbidden` or `toml.syntax`. */
  code: string;
  /** What is wrong. */
  message: string;
  /** Key path, e.g. `operations[0].safety_tier` (empty for syntax errors). */
  path: string;
  /** Whether `fcp manifest fix` repairs it. */
  fixable: boolean;
}

/** What {@link lintManifest} found. */
export interface ManifestLint {
  /** Every problem, ordered by line. */
  problems: ManifestProblem[];
  /** The typed manifest when there is no error. */
  manifest?: ConnectorManifest;
  /** The interface hash of the file's operations, when everything else validated. */
  computedInterfaceHash?: string;
  /** The parsed TOML document (absent on a syntax error). */
  document?: Record<string, unknown>;
}

/**
 * Lint manifest text: every problem with its line. Never throws for bad input.
 *
 * @example
 * ```ts
 * import { lintManifest } from "./manifest.ts";
 * import assert from "node:assert/strict";
 * const r = lintManifest("[connector]\nid = \"Bad Id\"\n");
 * assert.equal(r.manifest, undefined);
 * const bad = r.problems.find((p) => p.code === "connector.id_invalid");
 * assert.equal(bad?.line, 2);
 * assert.equal(lintManifest("a = ").problems[0]?.code, "toml.syntax");
 * ```
 */
export function lintManifest(text: string): ManifestLint {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      const message = e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      return {
        problems: [{
          line: e.line,
          column: e.column,
          severity: "error",
          code: "toml.syntax",
          message,
          path: "",
          fixable: false,
        }],
      };
    }
    throw new FcpError("FCP-9001", "TOML parser failed", { cause: e });
  }
  const loc = locateToml(text);
  const r = validateManifestDocument(doc);
  const problems = r.sink.problems
    .map((p) => ({ ...p, line: loc.line(p.path) }))
    .sort((a, b) => a.line - b.line);
  const out: ManifestLint = { problems, document: doc };
  if (r.manifest !== undefined) out.manifest = r.manifest;
  if (r.computedHash !== undefined) out.computedInterfaceHash = r.computedHash;
  return out;
}

/**
 * One problem as `PATH:LINE: code message` (warnings say so after the code).
 *
 * @example
 * ```ts
 * import { formatProblem } from "./manifest.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatProblem("m.toml", { line: 3, severity: "error", code: "x.y", message: "bad", path: "", fixable: false }),
 *   "m.toml:3: x.y bad",
 * );
 * ```
 */
export function formatProblem(file: string, p: ManifestProblem): string {
  return `${file}:${p.line}: ${p.code}${p.severity === "warning" ? " (warning)" : ""} ${p.message}`;
}

/**
 * Parse and validate manifest text; throws `FCP-5004` listing every error (with lines).
 *
 * @example
 * ```ts
 * import { parseManifest } from "./manifest.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseManifest("[connector]\n"), (e) => isFcpError(e, "FCP-5004"));
 * ```
 */
export function parseManifest(text: string): ConnectorManifest {
  const r = lintManifest(text);
  if (r.manifest !== undefined) return r.manifest;
  const errors = r.problems.filter((p) => p.severity === "error");
  const shown = errors.slice(0, 20).map((p) => `line ${p.line}: ${p.code} ${p.message}`);
  if (errors.length > shown.length) shown.push(`(${errors.length - shown.length} more)`);
  throw new FcpError("FCP-5004", `connector manifest is invalid:\n${shown.join("\n")}`);
}
