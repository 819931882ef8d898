/**
 * Validation of `[sandbox]` (spec §11.2): profile, limits, paths, environment and the
 * permissions a connector never gets.
 *
 * @module
 */
import { at, bounded, type ProblemSink, type Table } from "./_manifest_reader.ts";
import {
  MANIFEST_BOUNDS,
  MANIFEST_DEFAULTS,
  type ManifestSandbox,
  SANDBOX_PROFILES,
} from "./manifest_types.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_PERMISSIONS = ["run", "ffi", "sys", "import", "net", "hrtime"];
const STATE_PLACEHOLDER = "$CONNECTOR_STATE";
const GRANTED_PLACEHOLDER = "$GRANTED";

function readPaths(
  sink: ProblemSink,
  s: Table,
  key: string,
  profile: ManifestSandbox["profile"],
  writable: boolean,
): string[] {
  const out: string[] = [];
  sink.strList(s, key, "sandbox").forEach((raw, i) => {
    const path = at(at("sandbox", key), i);
    const bad = (why: string) => sink.error(path, "sandbox.path_invalid", `path "${raw}": ${why}`);
    if (raw === "") return bad("empty");
    if (raw.split(/[\\/]/).includes("..")) return bad(`".." segments are not allowed`);
    if (raw.startsWith("$")) {
      if (
        raw !== GRANTED_PLACEHOLDER && raw !== STATE_PLACEHOLDER &&
        !raw.startsWith(`${STATE_PLACEHOLDER}/`)
      ) {
        return bad(
          `the only placeholders are ${STATE_PLACEHOLDER}[/sub] and ${GRANTED_PLACEHOLDER}`,
        );
      }
    } else if (raw.startsWith("/") || /^[A-Za-z]:[\\/]/.test(raw)) {
      if (profile === "strict" || profile === "strict_plus") {
        return bad(
          `absolute paths need a moderate or permissive profile; use ${GRANTED_PLACEHOLDER} or a relative path`,
        );
      }
      if (writable && profile === "moderate") {
        return bad("absolute writable paths need the permissive profile");
      }
    }
    if (!out.includes(raw)) out.push(raw);
  });
  return out;
}

/** Read `[sandbox]` with defaults applied. */
export function readSandbox(sink: ProblemSink, root: Table): ManifestSandbox {
  const D = MANIFEST_DEFAULTS;
  const B = MANIFEST_BOUNDS;
  const s = sink.table(root, "sandbox", "");
  const fallback: ManifestSandbox = {
    profile: D.profile,
    memoryMb: D.memoryMb,
    wallClockTimeoutMs: D.wallClockTimeoutMs,
    maxMessageBytes: D.maxMessageBytes,
    readPaths: [],
    writePaths: [],
    env: [],
  };
  if (s === undefined) {
    if (root.sandbox === undefined) {
      sink.error(
        "sandbox",
        "sandbox.missing",
        "[sandbox] is missing (fix adds a strict one)",
        true,
      );
    }
    return fallback;
  }
  sink.unknownKeys(s, [
    "profile",
    "memory_mb",
    "cpu_percent",
    "wall_clock_timeout_ms",
    "max_message_bytes",
    "fs_readonly_paths",
    "fs_writable_paths",
    "env",
    "deny_exec",
    "deny_ptrace",
    ...FORBIDDEN_PERMISSIONS,
  ], "sandbox");
  if (s.profile === undefined) {
    sink.error(
      "sandbox.profile",
      "sandbox.profile_missing",
      `sandbox.profile is missing (fix sets "${D.profile}")`,
      true,
    );
  }
  const profile = sink.oneOf(s, "profile", "sandbox", SANDBOX_PROFILES) ?? D.profile;
  if (s.profile === "permissive") {
    sink.warn(
      "sandbox.profile",
      "sandbox.profile_weak",
      "the permissive profile is only for highly trusted connectors (§11.2)",
    );
  } else if (s.profile === "strict_plus") {
    sink.warn(
      "sandbox.profile",
      "sandbox.unenforced",
      "strict_plus (microVM) is not available under Deno workers; it runs as strict",
    );
  }
  for (const key of FORBIDDEN_PERMISSIONS) {
    if (s[key] !== undefined && s[key] !== false) {
      sink.error(
        at("sandbox", key),
        "sandbox.forbidden_permission",
        key === "net"
          ? "sandbox.net cannot be granted; network access comes from operations' network_constraints"
          : `sandbox.${key} must be false or absent: connectors never get ${key} permission`,
      );
    }
  }
  if (s.deny_exec !== undefined && s.deny_exec !== true) {
    sink.error(
      "sandbox.deny_exec",
      "sandbox.forbidden_permission",
      "sandbox.deny_exec must be true or absent",
    );
  }
  sink.bool(s, "deny_ptrace", "sandbox");
  const lim = (key: string, bounds: readonly [number, number]) =>
    bounded(sink, s, key, "sandbox", bounds, "sandbox.limit_missing", "sandbox.limit_range");
  const out: ManifestSandbox = {
    profile,
    memoryMb: lim("memory_mb", B.memoryMb) ?? D.memoryMb,
    wallClockTimeoutMs: lim("wall_clock_timeout_ms", B.wallClockTimeoutMs) ?? D.wallClockTimeoutMs,
    maxMessageBytes: lim("max_message_bytes", B.maxMessageBytes) ?? D.maxMessageBytes,
    readPaths: readPaths(sink, s, "fs_readonly_paths", profile, false),
    writePaths: readPaths(sink, s, "fs_writable_paths", profile, true),
    env: [],
  };
  const cpu = bounded(sink, s, "cpu_percent", "sandbox", B.cpuPercent, null, "sandbox.limit_range");
  if (cpu !== undefined) {
    out.cpuPercent = cpu;
    sink.warn(
      "sandbox.cpu_percent",
      "sandbox.unenforced",
      "Deno workers cannot cap CPU share; cpu_percent is recorded but not enforced",
    );
  }
  sink.strList(s, "env", "sandbox").forEach((name, i) => {
    const path = at(at("sandbox", "env"), i);
    if (!ENV_NAME.test(name)) {
      sink.error(path, "sandbox.env_invalid", `"${name}" is not an environment variable name`);
    } else if (name.toUpperCase().startsWith("FCP_")) {
      sink.error(
        path,
        "sandbox.env_invalid",
        `${name}: FCP_* variables belong to the node and are never granted`,
      );
    } else if (profile === "strict" || profile === "strict_plus") {
      sink.error(
        path,
        "sandbox.env_invalid",
        `${name}: strict profiles grant no environment variables (use credential_allow)`,
      );
    } else if (!out.env.includes(name)) out.env.push(name);
  });
  return out;
}
