/**
 * Problem collection and typed field readers over parsed TOML, used by the manifest validator.
 * Every reader records a problem at a key path instead of throwing, so one pass reports every
 * problem in the file.
 *
 * @module
 */
import { validateCanonicalId } from "../model/mod.ts";

/** Severity of a lint problem: errors fail `fcp manifest lint`, warnings do not. */
export type Severity = "error" | "warning";

/** One problem found in a manifest, before its line is looked up. */
export interface RawProblem {
  /** Key path, e.g. `operations[0].risk_level`. */
  path: string;
  /** Stable rule code, e.g. `capability.exec_not_forbidden`. */
  code: string;
  /** Error or warning. */
  severity: Severity;
  /** What is wrong and how to fix it. */
  message: string;
  /** Whether `fcp manifest fix` repairs it. */
  fixable: boolean;
}

/** A TOML table as smol-toml returns it. */
export type Table = Record<string, unknown>;

/** Join a key path. */
export const at = (base: string, key: string | number): string =>
  typeof key === "number" ? `${base}[${key}]` : base === "" ? key : `${base}.${key}`;

/** True for a plain TOML table (not an array, not a date). */
export function isTable(v: unknown): v is Table {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const typeName = (v: unknown): string =>
  Array.isArray(v)
    ? "array"
    : v instanceof Date
    ? "date"
    : isTable(v)
    ? "table"
    : typeof v === "number" && Number.isInteger(v)
    ? "integer"
    : typeof v === "number"
    ? "float"
    : typeof v;

/** Collects problems and reads typed fields, recording a problem for each bad one. */
export class ProblemSink {
  /** Everything found so far. */
  readonly problems: RawProblem[] = [];

  /** Record an error. */
  error(path: string, code: string, message: string, fixable = false): void {
    this.problems.push({ path, code, severity: "error", message, fixable });
  }

  /** Record a warning. */
  warn(path: string, code: string, message: string, fixable = false): void {
    this.problems.push({ path, code, severity: "warning", message, fixable });
  }

  /** Number of errors (optionally only those whose code passes `filter`). */
  errorCount(filter?: (code: string) => boolean): number {
    return this.problems.filter((p) => p.severity === "error" && (!filter || filter(p.code)))
      .length;
  }

  /** Warn about keys of `t` not in `allowed` (typos are the usual cause). */
  unknownKeys(t: Table, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(t)) {
      if (!allowed.includes(k)) {
        this.warn(at(path, k), "field.unknown", `unknown key '${at(path, k)}' is ignored`);
      }
    }
  }

  private present(t: Table, key: string, path: string, required: boolean): boolean {
    if (t[key] !== undefined) return true;
    if (required) {
      this.error(at(path, key), "field.missing", `'${at(path, key)}' is required`);
    }
    return false;
  }

  private wrong(path: string, want: string, v: unknown): undefined {
    this.error(path, "field.type", `'${path}' must be ${want}, not ${typeName(v)}`);
    return undefined;
  }

  /** A sub-table. */
  table(t: Table, key: string, path: string, required = false): Table | undefined {
    if (!this.present(t, key, path, required)) return undefined;
    const v = t[key];
    return isTable(v) ? v : this.wrong(at(path, key), "a table", v);
  }

  /** A string (non-empty when required). */
  str(t: Table, key: string, path: string, required = false): string | undefined {
    if (!this.present(t, key, path, required)) return undefined;
    const v = t[key];
    if (typeof v !== "string") return this.wrong(at(path, key), "a string", v);
    if (required && v.trim() === "") {
      this.error(at(path, key), "field.missing", `'${at(path, key)}' must not be empty`);
      return undefined;
    }
    return v;
  }

  /** A list of strings (absent → `[]`). */
  strList(t: Table, key: string, path: string, required = false): string[] {
    if (!this.present(t, key, path, required)) return [];
    const v = t[key];
    if (!Array.isArray(v)) return this.wrong(at(path, key), "an array of strings", v) ?? [];
    const out: string[] = [];
    v.forEach((x, i) => {
      if (typeof x === "string") out.push(x);
      else this.wrong(at(at(path, key), i), "a string", x);
    });
    return out;
  }

  /** A boolean. */
  bool(t: Table, key: string, path: string): boolean | undefined {
    if (!this.present(t, key, path, false)) return undefined;
    const v = t[key];
    return typeof v === "boolean" ? v : this.wrong(at(path, key), "true or false", v);
  }

  /** A safe integer. */
  int(t: Table, key: string, path: string): number | undefined {
    if (!this.present(t, key, path, false)) return undefined;
    const v = t[key];
    return typeof v === "number" && Number.isSafeInteger(v)
      ? v
      : this.wrong(at(path, key), "an integer", v);
  }

  /** One of `values`. */
  oneOf<T extends string>(
    t: Table,
    key: string,
    path: string,
    values: readonly T[],
    required = false,
  ): T | undefined {
    const v = this.str(t, key, path, required);
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    this.error(
      at(path, key),
      "field.enum",
      `'${at(path, key)}' is "${v}"; expected one of ${values.map((x) => `"${x}"`).join(", ")}`,
    );
    return undefined;
  }
}

/** Check a canonical id (§3.4.2), recording `code` at `path` when it is not. */
export function canonical(sink: ProblemSink, id: string, path: string, code: string, what: string) {
  try {
    validateCanonicalId(id, what);
    return true;
  } catch {
    sink.error(
      path,
      code,
      `${what} "${id}" is not canonical (§3.4.2: lowercase [a-z0-9][a-z0-9._:-]*, ≤128 bytes)`,
    );
    return false;
  }
}

/** Read an integer within `bounds`; a missing one is an error only when `missingCode` is set. */
export function bounded(
  sink: ProblemSink,
  t: Table,
  key: string,
  path: string,
  bounds: readonly [number, number],
  missingCode: string | null,
  rangeCode: string,
): number | undefined {
  const v = sink.int(t, key, path);
  if (v === undefined) {
    if (t[key] === undefined && missingCode !== null) {
      sink.error(
        at(path, key),
        missingCode,
        `'${at(path, key)}' is required (fix fills a default)`,
        true,
      );
    }
    return undefined;
  }
  if (v < bounds[0] || v > bounds[1]) {
    sink.error(
      at(path, key),
      rangeCode,
      `'${at(path, key)}' = ${v} is outside ${bounds[0]}..${bounds[1]}`,
    );
    return undefined;
  }
  return v;
}
