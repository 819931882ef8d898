/**
 * `fcp manifest fix`: fill the interface hash and safe defaults in a manifest's text.
 *
 * smol-toml's `stringify` drops comments and reorders tables, so fixes are minimal textual
 * patches: a missing key is inserted on the line after its table header (or inside a one-line
 * inline table before its closing `}`), `system.exec` is inserted at the start of the
 * `forbidden` array, a wrong `interface_hash` value is replaced in place, and a missing table
 * is appended (`[sandbox]`, `[capabilities]`) or inserted at the top (`[manifest]`, after the
 * leading comments). Everything else in the file — comments, order, spacing — is kept. After
 * each patch the text is linted again; the interface hash is filled last, once nothing else
 * is wrong, so fixing is idempotent (a second run changes nothing).
 *
 * What it fills: `[manifest]` format and schema_version, `interface_hash`,
 * `system.exec` in `capabilities.forbidden`, `[sandbox]` with profile `strict` and the default
 * limits of {@link MANIFEST_DEFAULTS}, and the required network limits (`connect_timeout_ms`,
 * `total_timeout_ms`, `max_response_bytes`) of each operation's network constraints.
 *
 * @module
 */
import { lintManifest, type ManifestLint, type ManifestProblem } from "./manifest.ts";
import { locateToml } from "./_manifest_locate.ts";
import {
  EXEC_CAPABILITY,
  MANIFEST_DEFAULTS,
  MANIFEST_FORMAT,
  MANIFEST_SCHEMA_VERSIONS,
} from "./manifest_types.ts";

/** What {@link fixManifest} did. */
export interface ManifestFix {
  /** The fixed text (the input when nothing applied). */
  text: string;
  /** Whether `text` differs from the input. */
  changed: boolean;
  /** One line per applied fix, e.g. `added system.exec to capabilities.forbidden`. */
  applied: string[];
  /** Lint of the fixed text (what is left to fix by hand). */
  lint: ManifestLint;
}

const D = MANIFEST_DEFAULTS;
const SANDBOX_DEFAULTS: Readonly<Record<string, number | string>> = {
  profile: D.profile,
  "memory_mb": D.memoryMb,
  "wall_clock_timeout_ms": D.wallClockTimeoutMs,
  "max_message_bytes": D.maxMessageBytes,
};
const NETWORK_DEFAULTS: Readonly<Record<string, number>> = {
  "connect_timeout_ms": D.connectTimeoutMs,
  "total_timeout_ms": D.totalTimeoutMs,
  "max_response_bytes": D.maxResponseBytes,
};

const tomlValue = (v: number | string): string =>
  typeof v === "number" ? String(v) : JSON.stringify(v);

/** A text being patched line by line. */
class Lines {
  readonly eol: string;
  readonly lines: string[];
  constructor(text: string) {
    this.eol = text.includes("\r\n") ? "\r\n" : "\n";
    this.lines = text.split(/\r?\n/);
  }
  get text(): string {
    return this.lines.join(this.eol);
  }
  /** Insert `text` lines after 1-based line `n` (0 = at the top). */
  insertAfter(n: number, ...text: string[]): void {
    this.lines.splice(n, 0, ...text);
  }
  /** Append a block at the end, separated by one blank line. */
  append(...block: string[]): void {
    while (this.lines.length > 0 && this.lines[this.lines.length - 1]!.trim() === "") {
      this.lines.pop();
    }
    this.lines.push("", ...block, "");
  }
}

/** Insert `key = value` into the table whose header is at `path`; false when it has none. */
function insertKey(l: Lines, text: string, path: string, entry: string): boolean {
  const loc = locateToml(text);
  const n = loc.exact(path);
  if (n === undefined) return false;
  const line = l.lines[n - 1]!;
  if (line.trim().startsWith("[")) {
    // After the table's last value; comments right above the next header stay with it.
    let end = (loc.headers.find((h) => h > n) ?? l.lines.length + 1) - 1;
    while (end > n) {
      const t = l.lines[end - 1]!.trim();
      if (t !== "" && !t.startsWith("#")) break;
      end--;
    }
    l.insertAfter(end, entry);
    return true;
  }
  // `key = { ... }` on one line: insert before the closing brace.
  const close = line.lastIndexOf("}");
  const open = line.indexOf("{");
  if (open < 0 || close < open) return false;
  const inner = line.slice(open + 1, close).trim();
  const before = line.slice(0, close).replace(/\s+$/, "");
  l.lines[n - 1] = `${before}${inner === "" ? " " : ", "}${entry} ${line.slice(close)}`;
  return true;
}

function topInsertionLine(l: Lines): number {
  let n = 0;
  while (n < l.lines.length) {
    const t = l.lines[n]!.trim();
    if (t !== "" && !t.startsWith("#")) break;
    n++;
  }
  return n;
}

/** Try to patch one problem; returns a description when the text changed. */
function patch(l: Lines, text: string, p: ManifestProblem, lint: ManifestLint): string | null {
  const key = p.path.slice(p.path.lastIndexOf(".") + 1);
  switch (p.code) {
    case "manifest.missing": {
      const at = topInsertionLine(l);
      l.insertAfter(
        at,
        "[manifest]",
        `format = ${tomlValue(MANIFEST_FORMAT)}`,
        `schema_version = ${tomlValue(MANIFEST_SCHEMA_VERSIONS[0]!)}`,
        "",
      );
      return "added the [manifest] table";
    }
    case "manifest.format":
      return insertKey(l, text, "manifest", `format = ${tomlValue(MANIFEST_FORMAT)}`)
        ? "added manifest.format"
        : null;
    case "manifest.schema_version":
      return insertKey(
          l,
          text,
          "manifest",
          `schema_version = ${tomlValue(MANIFEST_SCHEMA_VERSIONS[0]!)}`,
        )
        ? "added manifest.schema_version"
        : null;
    case "interface_hash.missing": {
      const h = lint.computedInterfaceHash;
      if (h === undefined) return null;
      return insertKey(l, text, "manifest", `interface_hash = ${tomlValue(h)}`)
        ? "filled manifest.interface_hash"
        : null;
    }
    case "interface_hash.invalid":
    case "interface_hash.mismatch": {
      const h = lint.computedInterfaceHash;
      const n = locateToml(text).exact("manifest.interface_hash");
      if (h === undefined || n === undefined) return null;
      const line = l.lines[n - 1]!;
      const next = line.replace(
        /^(\s*interface_hash\s*=\s*)("[^"]*"|'[^']*')/,
        (_m, lhs: string) => `${lhs}${tomlValue(h)}`,
      );
      if (next === line) return null;
      l.lines[n - 1] = next;
      return "updated manifest.interface_hash";
    }
    case "capability.exec_not_forbidden": {
      const loc = locateToml(text);
      if (loc.exact("capabilities") === undefined) {
        l.append("[capabilities]", `forbidden = [${tomlValue(EXEC_CAPABILITY)}]`);
        return 'added [capabilities] with forbidden = ["system.exec"]';
      }
      const n = loc.exact("capabilities.forbidden");
      if (n === undefined) {
        return insertKey(l, text, "capabilities", `forbidden = [${tomlValue(EXEC_CAPABILITY)}]`)
          ? 'added capabilities.forbidden = ["system.exec"]'
          : null;
      }
      const line = l.lines[n - 1]!;
      const m = /^(\s*forbidden\s*=\s*\[)(\s*)(\]?)/.exec(line);
      if (!m) return null;
      const sep = m[3] === "]" ? "" : ", ";
      l.lines[n - 1] = `${m[1]}${tomlValue(EXEC_CAPABILITY)}${sep}${line.slice(m[1]!.length)}`;
      return "added system.exec to capabilities.forbidden";
    }
    case "sandbox.missing":
      l.append(
        "[sandbox]",
        ...Object.entries(SANDBOX_DEFAULTS).map(([k, v]) => `${k} = ${tomlValue(v)}`),
      );
      return `added [sandbox] with profile "${D.profile}" and default limits`;
    case "sandbox.profile_missing":
    case "sandbox.limit_missing": {
      const v = SANDBOX_DEFAULTS[key];
      if (v === undefined) return null;
      return insertKey(l, text, "sandbox", `${key} = ${tomlValue(v)}`)
        ? `set sandbox.${key} = ${tomlValue(v)}`
        : null;
    }
    case "network.limit_missing": {
      const v = NETWORK_DEFAULTS[key];
      const table = p.path.slice(0, p.path.lastIndexOf("."));
      if (v === undefined) return null;
      return insertKey(l, text, table, `${key} = ${v}`) ? `set ${table}.${key} = ${v}` : null;
    }
    default:
      return null;
  }
}

/**
 * Apply every automatic fix to manifest text, keeping comments and layout (see module doc).
 *
 * @example
 * ```ts
 * import { fixManifest } from "./manifest_fix.ts";
 * import assert from "node:assert/strict";
 * const text = [
 *   "# demo connector",
 *   "[connector]",
 *   'id = "fcp.demo"',
 *   'name = "Demo"',
 *   'version = "1.0.0"',
 *   'description = "d"',
 *   "[connector.state]",
 *   'model = "stateless"',
 *   "[zones]",
 *   'home = "z:work"',
 *   "[capabilities]",
 *   'required = ["demo.read"]',
 *   "forbidden = []",
 *   "[[operations]]",
 *   'id = "demo.read"',
 *   'description = "read"',
 *   'capability = "demo.read"',
 *   'risk_level = "low"',
 *   'safety_tier = "safe"',
 *   'idempotency = "strict"',
 *   'input_schema = { type = "object" }',
 *   'output_schema = { type = "object" }',
 *   'ai_hints = { when_to_use = "always" }',
 *   "",
 * ].join("\n");
 * const fixed = fixManifest(text);
 * assert.ok(fixed.changed);
 * assert.ok(fixed.text.startsWith("# demo connector\n[manifest]\n"));
 * assert.match(fixed.text, /forbidden = \["system\.exec"\]/);
 * assert.ok(fixed.lint.manifest !== undefined);
 * assert.equal(fixManifest(fixed.text).changed, false);
 * ```
 */
export function fixManifest(text: string): ManifestFix {
  const applied: string[] = [];
  let current = text;
  let lint = lintManifest(current);
  // Each problem is patched at most once, so a patch that does not cure it cannot loop.
  const tried = new Set<string>();
  for (let round = 0; round < 64; round++) {
    let done: string | null = null;
    for (const p of lint.problems) {
      const key = `${p.code}@${p.path}`;
      if (!p.fixable || tried.has(key)) continue;
      const l = new Lines(current);
      done = patch(l, current, p, lint);
      if (done !== null) {
        tried.add(key);
        current = l.text;
        break;
      }
    }
    if (done === null) break;
    applied.push(done);
    lint = lintManifest(current);
  }
  return { text: current, changed: current !== text, applied, lint };
}
