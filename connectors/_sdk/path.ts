/**
 * POSIX path helpers for connectors (no `node:path` in the sandbox). Paths are absolute,
 * `/`-separated; Windows paths are not supported by the filesystem connector.
 *
 * @module
 */

/**
 * Normalize an absolute path lexically: collapse repeated `/`, drop `.` segments and a trailing
 * `/`. Returns `undefined` when the path is not absolute or has a `..` segment (callers refuse
 * those rather than guess what `..` means across a symlink).
 *
 * @example
 * ```ts
 * import { normalizeAbsolute } from "./path.ts";
 * import assert from "node:assert/strict";
 * assert.equal(normalizeAbsolute("/a//b/./c/"), "/a/b/c");
 * assert.equal(normalizeAbsolute("/"), "/");
 * assert.equal(normalizeAbsolute("/a/../b"), undefined);
 * assert.equal(normalizeAbsolute("a/b"), undefined);
 * ```
 */
export function normalizeAbsolute(p: string): string | undefined {
  if (!p.startsWith("/")) return undefined;
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") return undefined;
    out.push(seg);
  }
  return "/" + out.join("/");
}

/**
 * Whether `p` equals `root` or lies below it (both normalized absolute paths).
 *
 * @example
 * ```ts
 * import { isWithin } from "./path.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isWithin("/srv/data", "/srv/data/x.txt"));
 * assert.ok(isWithin("/srv/data", "/srv/data"));
 * assert.ok(!isWithin("/srv/data", "/srv/database"));
 * assert.ok(isWithin("/", "/etc"));
 * ```
 */
export function isWithin(root: string, p: string): boolean {
  if (p === root) return true;
  const prefix = root.endsWith("/") ? root : root + "/";
  return p.startsWith(prefix);
}

/**
 * Split a normalized absolute path into its parent directory and last segment.
 *
 * @example
 * ```ts
 * import { splitParent } from "./path.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitParent("/a/b/c.txt"), { parent: "/a/b", name: "c.txt" });
 * assert.deepEqual(splitParent("/c.txt"), { parent: "/", name: "c.txt" });
 * assert.deepEqual(splitParent("/"), { parent: "/", name: "" });
 * ```
 */
export function splitParent(p: string): { parent: string; name: string } {
  const i = p.lastIndexOf("/");
  return { parent: i <= 0 ? "/" : p.slice(0, i), name: p.slice(i + 1) };
}

/**
 * Join a normalized absolute directory and one segment.
 *
 * @example
 * ```ts
 * import { joinSegment } from "./path.ts";
 * import assert from "node:assert/strict";
 * assert.equal(joinSegment("/a", "b"), "/a/b");
 * assert.equal(joinSegment("/", "b"), "/b");
 * ```
 */
export function joinSegment(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}
