/**
 * The connectors shipped with fcp. Their folders (and the SDK) sit in `connectors/` beside
 * `src/`; `deno compile --include connectors/` embeds them in the binary, where they are read
 * with the same `Deno.readFile(URL)` calls and started as Workers from the same URLs
 * (scripts/compile.ts). Nothing here imports connector code: connectors only ever run inside
 * their sandboxed workers.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { type ConnectorPackage, readPackageDir, WORKER_ENTRY } from "./connector_package.ts";

/** Shipped connectors: connector id → folder under `connectors/`. */
export const BUILTIN_CONNECTORS: Readonly<Record<string, string>> = {
  "fcp.fs": "fs",
  "fcp.http": "http",
  "fcp.github": "github",
};

/** Root of the shipped connector folders (a `file:` URL, also inside a compiled binary). */
export const BUILTIN_CONNECTORS_ROOT: URL = new URL("../../connectors/", import.meta.url);

/**
 * The folder of a shipped connector, by id or folder name, or `undefined`.
 *
 * @example
 * ```ts
 * import { builtinFolder } from "./builtin_connectors.ts";
 * import assert from "node:assert/strict";
 * assert.equal(builtinFolder("fcp.fs"), "fs");
 * assert.equal(builtinFolder("http"), "http");
 * assert.equal(builtinFolder("fcp.nope"), undefined);
 * ```
 */
export function builtinFolder(idOrFolder: string): string | undefined {
  if (Object.hasOwn(BUILTIN_CONNECTORS, idOrFolder)) return BUILTIN_CONNECTORS[idOrFolder];
  return Object.values(BUILTIN_CONNECTORS).includes(idOrFolder) ? idOrFolder : undefined;
}

/**
 * Read a shipped connector's package (`FCP-5008` for an unknown one).
 *
 * @example
 * ```ts
 * import { readBuiltinPackage } from "./builtin_connectors.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal((await readBuiltinPackage("fcp.fs")).manifest.id, "fcp.fs");
 * await assert.rejects(readBuiltinPackage("fcp.nope"), (e) => isFcpError(e, "FCP-5008"));
 * ```
 */
export async function readBuiltinPackage(idOrFolder: string): Promise<ConnectorPackage> {
  const folder = builtinFolder(idOrFolder);
  if (folder === undefined) {
    throw new FcpError("FCP-5008", `${idOrFolder} is not a connector shipped with fcp`);
  }
  const pkg = await readPackageDir(new URL(`${folder}/`, BUILTIN_CONNECTORS_ROOT));
  if (BUILTIN_CONNECTORS[pkg.manifest.id] !== folder) {
    throw new FcpError("FCP-5004", `connectors/${folder} declares id ${pkg.manifest.id}`);
  }
  return pkg;
}

/**
 * The worker entry URL of a shipped connector folder.
 *
 * @example
 * ```ts
 * import { builtinEntryUrl } from "./builtin_connectors.ts";
 * import assert from "node:assert/strict";
 * assert.ok(builtinEntryUrl("fs").endsWith("/connectors/fs/worker.ts"));
 * ```
 */
export function builtinEntryUrl(folder: string): string {
  return new URL(`${folder}/${WORKER_ENTRY}`, BUILTIN_CONNECTORS_ROOT).href;
}
