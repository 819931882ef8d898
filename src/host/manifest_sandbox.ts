/**
 * The Deno Worker permissions of a connector, derived from its manifest (spec §11.2, issue 5
 * §2 "Sandbox"). Never `"inherit"`: every permission is listed explicitly.
 *
 * - `net`: exactly the `host:port` entries of all operations' `network_constraints`
 *   (deduplicated, first-seen order); `false` when there are none. Deno checks these before
 *   DNS; the host-side egress guard (§11.2.1) still checks resolved addresses.
 * - `read` / `write`: the declared `fs_readonly_paths` / `fs_writable_paths`, resolved:
 *   a relative path is under the connector's data directory, `$CONNECTOR_STATE[/sub]` is the
 *   data directory (or a path below it), `$GRANTED` expands to the directories the operator
 *   granted at activation (in `fs_readonly_paths` the granted read roots, in
 *   `fs_writable_paths` the granted write roots), an absolute path (moderate/permissive
 *   profiles only) stays as is.
 *   Writable paths are readable too. `false` when empty.
 * - `env`: the declared variable names, or `false`.
 * - `run`, `ffi`, `sys`, `import`: always `false` (a worker still loads its own local modules
 *   with `import: false` and `read: false`; checked on Deno 2.9).
 *
 * @module
 */
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { FcpError } from "../core/mod.ts";
import type { ConnectorManifest } from "./manifest_types.ts";

/** The `deno.permissions` object for a connector's Worker. */
export interface ConnectorWorkerPermissions {
  /** Readable paths (absolute), or `false`. */
  read: string[] | false;
  /** Writable paths (absolute), or `false`. */
  write: string[] | false;
  /** `host:port` entries, or `false`. */
  net: string[] | false;
  /** Environment variable names, or `false`. */
  env: string[] | false;
  /** Never granted. */
  run: false;
  /** Never granted. */
  ffi: false;
  /** Never granted. */
  sys: false;
  /** Never granted (remote module imports). */
  import: false;
}

/** Where the connector's paths resolve. */
export interface SandboxPathOptions {
  /** The connector instance's data directory (absolute). */
  dataDir: string;
  /**
   * Directories the operator granted at activation (absolute): `read` roots replace `$GRANTED`
   * in `fs_readonly_paths`, `write` roots replace it in `fs_writable_paths`.
   */
  granted?: { readonly read?: readonly string[]; readonly write?: readonly string[] };
  /**
   * Paths the connector must never reach (the node home, the store, key files): a resolved
   * path that contains one, or lies inside one outside `dataDir`, is refused.
   */
  protect?: readonly string[];
}

const inside = (child: string, parent: string): boolean => {
  const r = relative(parent, child);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r) && r.split(sep)[0] !== "..");
};

function absolute(p: string, what: string): string {
  if (!isAbsolute(p)) throw new FcpError("FCP-1040", `${what} must be an absolute path`);
  if (p.split(/[\\/]/).includes("..")) {
    throw new FcpError("FCP-1040", `${what} must not contain ".." segments`);
  }
  return normalize(p);
}

/**
 * The Worker permissions of a validated manifest. Throws `FCP-1040` for a relative `dataDir`
 * or granted path, or granted paths the manifest does not accept (no `$GRANTED`), and
 * `FCP-3003` when a path would reach a protected path.
 *
 * @example
 * ```ts
 * import { sandboxPermissions } from "./manifest_sandbox.ts";
 * import { parseManifest } from "./manifest.ts";
 * import assert from "node:assert/strict";
 * const m = parseManifest(await Deno.readTextFile(new URL("../../connectors/fs/manifest.toml", import.meta.url)));
 * const p = sandboxPermissions(m, {
 *   dataDir: "/var/fcp/c/fs",
 *   granted: { read: ["/home/me/docs"], write: ["/home/me/notes"] },
 * });
 * assert.deepEqual(p.read, ["/home/me/docs", "/home/me/notes"]);
 * assert.deepEqual(p.write, ["/home/me/notes"]);
 * assert.equal(p.net, false);
 * assert.equal(p.run, false);
 * ```
 */
export function sandboxPermissions(
  manifest: ConnectorManifest,
  options: SandboxPathOptions,
): ConnectorWorkerPermissions {
  const dataDir = absolute(options.dataDir, "dataDir");
  const grantedRead = (options.granted?.read ?? []).map((g) => absolute(g, "granted path"));
  const grantedWrite = (options.granted?.write ?? []).map((g) => absolute(g, "granted path"));
  const { readPaths, writePaths } = manifest.sandbox;
  if (
    (grantedRead.length > 0 && !readPaths.includes("$GRANTED")) ||
    (grantedWrite.length > 0 && !writePaths.includes("$GRANTED"))
  ) {
    throw new FcpError("FCP-1040", `connector ${manifest.id} does not accept these granted paths`);
  }
  const protect = (options.protect ?? []).map((p) => absolute(p, "protected path"));
  const resolveAll = (paths: readonly string[], granted: readonly string[]): string[] => {
    const out: string[] = [];
    const add = (p: string) => {
      for (const guard of protect) {
        if (inside(guard, p) || (inside(p, guard) && !inside(p, dataDir))) {
          throw new FcpError("FCP-3003", `sandbox path ${p} would reach a protected path`);
        }
      }
      if (!out.includes(p)) out.push(p);
    };
    for (const raw of paths) {
      if (raw === "$GRANTED") granted.forEach(add);
      else if (raw === "$CONNECTOR_STATE") add(dataDir);
      else if (raw.startsWith("$CONNECTOR_STATE/")) add(join(dataDir, raw.slice(17)));
      else if (isAbsolute(raw)) add(normalize(raw));
      else add(join(dataDir, raw));
    }
    return out;
  };
  const write = resolveAll(writePaths, grantedWrite);
  const read = resolveAll(readPaths, grantedRead);
  for (const w of write) if (!read.includes(w)) read.push(w);
  // Spec §11.2 (NORMATIVE): in the strict and moderate profiles a connector gets no raw
  // sockets; its network goes through the host's egress guard (ctx.fetch), which enforces the
  // same host:port list and vets the resolved address. Only a permissive sandbox gets Deno
  // `net` for its hosts:ports — checked by name before DNS, so not guarded against a name that
  // resolves to a private address.
  const net: string[] = [];
  if (manifest.sandbox.profile === "permissive") {
    for (const op of manifest.operations) {
      for (const h of op.network?.hostAllow ?? []) if (!net.includes(h)) net.push(h);
    }
  }
  const env = [...manifest.sandbox.env];
  return {
    read: read.length > 0 ? read : false,
    write: write.length > 0 ? write : false,
    net: net.length > 0 ? net : false,
    env: env.length > 0 ? env : false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}
