/**
 * The layering checker behind `layering_test.ts` (rules in docs/architecture.md): finds
 * every import of every module and reports those that break the layer ladder.
 *
 * @module
 */
import { posix } from "node:path";

/** Rank of each layer folder under `src/`. A layer may import only strictly lower ranks. */
export const LAYER_RANKS: Readonly<Record<string, number>> = {
  core: 0,
  cbor: 1,
  crypto: 1,
  model: 2,
  authority: 3,
  symbol: 3,
  store: 4,
  mesh: 5,
  host: 5,
  api: 6,
  conformance: 6,
  cli: 7,
};

/** Which rule an import breaks. */
export type LayeringRule =
  | "upward" // imports a layer of equal or higher rank
  | "deep" // imports another layer's file other than its mod.ts
  | "private" // imports a `_`-file from outside its folder
  | "main" // main.ts imports something other than src/cli/mod.ts
  | "outside" // a src/ module imports a file outside src/
  | "unknown-layer"; // a module or target sits in no known layer

/** One broken rule. */
export interface LayeringViolation {
  /** The importing file (repo-relative, `/`-separated). */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** The resolved repo-relative target, or the specifier when it is not relative. */
  target: string;
  /** The rule. */
  rule: LayeringRule;
}

/** Replace comments with spaces, keeping strings and offsets. */
function stripComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < src.length && src[i] !== "\n") {
        out += " ";
        i++;
      }
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORT_PATTERNS: readonly RegExp[] = [
  // import x from "..."; import type { a } from "..."; export { a } from "..."; export * from
  /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(["'])([^"']+)\1/g,
  // import "...";
  /\bimport\s*(["'])([^"']+)\1/g,
  // import("...")
  /\bimport\s*\(\s*(["'])([^"']+)\1\s*[,)]/g,
  // new Worker(new URL("...", import.meta.url)
  /\bnew\s+Worker\s*\(\s*new\s+URL\s*\(\s*(["'])([^"']+)\1\s*,\s*import\.meta\.url/g,
];

/**
 * Every module specifier a source file refers to: static imports and re-exports, side-effect
 * imports, dynamic `import()` of a string literal, and worker URLs. Comments are ignored.
 *
 * @example
 * ```ts
 * import { importSpecifiers } from "./_layering.ts";
 * import assert from "node:assert/strict";
 * const src = `import { a } from "./a.ts";\n// import "./no.ts";\nconst w = await import("./b.ts");`;
 * assert.deepEqual(importSpecifiers(src), ["./a.ts", "./b.ts"]);
 * ```
 */
export function importSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const found: { at: number; spec: string }[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of code.matchAll(pattern)) {
      const spec = m[2]!;
      const at = m.index + m[0].lastIndexOf(spec);
      if (!found.some((f) => f.at === at)) found.push({ at, spec });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.spec);
}

function layerOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "src" && parts.length >= 3 ? parts[1] : undefined;
}

function ruleFor(file: string, spec: string, target: string): LayeringRule | undefined {
  if (file === "main.ts") return target === "src/cli/mod.ts" ? undefined : "main";
  if (!spec.startsWith("./") && !spec.startsWith("../")) return undefined; // npm:, node:, map
  if (!target.startsWith("src/")) return "outside";
  const from = layerOf(file);
  const to = layerOf(target);
  if (
    from === undefined || to === undefined || !(from in LAYER_RANKS) || !(to in LAYER_RANKS)
  ) {
    return "unknown-layer";
  }
  if (posix.basename(target).startsWith("_") && posix.dirname(target) !== posix.dirname(file)) {
    return "private";
  }
  if (from === to) return undefined;
  if (target !== `src/${to}/mod.ts`) return "deep";
  if (LAYER_RANKS[to]! >= LAYER_RANKS[from]!) return "upward";
  return undefined;
}

/**
 * Check a set of modules, given as repo-relative path → source text (`main.ts` and files
 * under `src/`). Relative specifiers are resolved against the importing file.
 *
 * @example
 * ```ts
 * import { findLayeringViolations } from "./_layering.ts";
 * import assert from "node:assert/strict";
 * const bad = findLayeringViolations({
 *   "src/core/bytes.ts": `import { x } from "../cbor/mod.ts";`,
 * });
 * assert.equal(bad[0]!.rule, "upward");
 * ```
 */
export function findLayeringViolations(
  files: Readonly<Record<string, string>>,
): LayeringViolation[] {
  const out: LayeringViolation[] = [];
  for (const [file, source] of Object.entries(files)) {
    for (const specifier of importSpecifiers(source)) {
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      const target = relative
        ? posix.normalize(posix.join(posix.dirname(file), specifier))
        : specifier;
      const rule = ruleFor(file, specifier, target);
      if (rule) out.push({ file, specifier, target, rule });
    }
  }
  return out;
}
