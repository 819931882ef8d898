/**
 * Source lines of TOML keys, for lint messages. smol-toml returns plain values without
 * positions, so this scans the text: it tracks the current `[table]` / `[[array]]` header and
 * records the line of every header and of every `key = ...` that starts a line. Paths look
 * like `operations[1].network_constraints.host_allow`. Keys inside inline tables and
 * elements of arrays resolve to the line of their nearest recorded ancestor — good enough to
 * point a person at the right spot. Quoted keys that contain dots are not split correctly.
 *
 * @module
 */

/** Key paths to 1-based line numbers, plus header lines for textual patches. */
export interface TomlLocator {
  /** The line of `path`, or of its nearest recorded ancestor (1 when none). */
  line(path: string): number;
  /** The exact line of `path` when it starts a line or is a header. */
  exact(path: string): number | undefined;
  /** The lines of all table headers, ascending. */
  headers: number[];
}

const HEADER = /^\[(\[)?\s*([^\]]+?)\s*\](\])?\s*(#.*)?$/;
const KEY =
  /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/;

/** Split a dotted TOML key into its segments (quotes removed). */
export function splitKey(key: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:([A-Za-z0-9_-]+)|"([^"]*)"|'([^']*)')\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null && m[0].length > 0) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

/** Build a locator over `text`. */
export function locateToml(text: string): TomlLocator {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  const headers: number[] = [];
  let current = "";
  let inMultiline: string | null = null;
  const src = text.split(/\r?\n/);
  const record = (path: string, n: number) => {
    if (!lines.has(path)) lines.set(path, n);
  };
  // Resolve a header's segments, inserting the current index of array tables on the way.
  const resolve = (segs: string[], isArray: boolean): string => {
    let path = "";
    segs.forEach((seg, i) => {
      path = path === "" ? seg : `${path}.${seg}`;
      const last = i === segs.length - 1;
      if (last && isArray) {
        const idx = arrayCounts.get(path) ?? 0;
        arrayCounts.set(path, idx + 1);
        path = `${path}[${idx}]`;
      } else if (arrayCounts.has(path)) {
        path = `${path}[${arrayCounts.get(path)! - 1}]`;
      }
    });
    return path;
  };
  src.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (inMultiline !== null) {
      if (line.includes(inMultiline)) inMultiline = null;
      return;
    }
    if (line === "" || line.startsWith("#")) return;
    const h = HEADER.exec(line);
    if (h && !line.includes("=")) {
      const isArray = h[1] === "[" && h[3] === "]";
      current = resolve(splitKey(h[2] ?? ""), isArray);
      record(current, n);
      headers.push(n);
      return;
    }
    const k = KEY.exec(line);
    if (k) {
      const segs = splitKey(k[1] ?? "");
      const path = [current, ...segs].filter((s) => s !== "").join(".");
      record(path, n);
      const rest = line.slice(k[0].length);
      for (const q of ['"""', "'''"]) {
        const count = rest.split(q).length - 1;
        if (count % 2 === 1) inMultiline = q;
      }
    }
  });
  return {
    exact: (path) => lines.get(path),
    headers,
    line(path) {
      let p = path;
      while (p !== "") {
        const hit = lines.get(p);
        if (hit !== undefined) return hit;
        const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
        p = cut <= 0 ? "" : p.slice(0, cut);
      }
      // A table defined only implicitly (`[a.b]` defines `a`): its first descendant.
      let first: number | undefined;
      for (const [k, n] of lines) {
        if (k.startsWith(`${path}.`) || k.startsWith(`${path}[`)) {
          if (first === undefined || n < first) first = n;
        }
      }
      return first ?? 1;
    },
  };
}
