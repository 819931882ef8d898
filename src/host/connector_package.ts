/**
 * Connector packages: everything a connector runs, as one content-addressed object (issue 5
 * §2, spec §13 "Registry and Supply Chain" in miniature). A package holds the manifest text and
 * every module file the worker loads, the connector SDK included, under paths relative to the
 * package root (`fs/manifest.toml`, `fs/worker.ts`, `_sdk/mod.ts`, ...). Its stored form is
 * `SchemaHash(ConnectorPackage) ‖ C(package)` (canonical CBOR), kept in the `z:owner` zone of
 * the symbol store; the ObjectId of those bytes is the package id, so what runs is exactly what
 * was installed.
 *
 * @module
 */
import { type CborValue, decodePrefixed, encodePrefixed } from "../cbor/mod.ts";
import { FcpError, fromUtf8 } from "../core/mod.ts";
import { schemaHash, type SchemaId } from "../model/mod.ts";
import { parseManifest } from "./manifest.ts";
import type { ConnectorManifest } from "./manifest_types.ts";

/** Schema of a stored connector package. */
export const CONNECTOR_PACKAGE_SCHEMA: SchemaId = {
  namespace: "fcp.host",
  name: "ConnectorPackage",
  version: "1.0.0",
};

/** Largest package (all files together): 8 MiB. */
export const MAX_PACKAGE_BYTES = 8 * 1024 * 1024;
/** Most files in a package. */
export const MAX_PACKAGE_FILES = 512;
/** The module a connector's worker starts from, relative to its folder. */
export const WORKER_ENTRY = "worker.ts";
/** The folder of the SDK inside a package. */
export const SDK_FOLDER = "_sdk";

/** A connector package in memory. */
export interface ConnectorPackage {
  /** The connector folder name inside the package (e.g. `fs`). */
  readonly folder: string;
  /** The manifest (`<folder>/manifest.toml`), parsed and validated. */
  readonly manifest: ConnectorManifest;
  /** Its text. */
  readonly manifestText: string;
  /** Files by package-relative path (`/`-separated), sorted. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const PATH_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

function checkPath(p: string): void {
  if (p.length > 256 || !PATH_RE.test(p) || p.split("/").some((s) => s === "." || s === "..")) {
    throw new FcpError(
      "FCP-1040",
      `package path ${JSON.stringify(p)} is not a plain relative path`,
    );
  }
}

/**
 * Assemble and validate a package from its files: `<folder>/manifest.toml` must parse
 * (`FCP-5004` otherwise), `<folder>/worker.ts` must exist, paths must be plain relative paths,
 * and the total must stay within {@link MAX_PACKAGE_BYTES} / {@link MAX_PACKAGE_FILES}
 * (`FCP-6002`).
 *
 * @example
 * ```ts
 * import { buildPackage } from "./connector_package.ts";
 * import { isFcpError, utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const manifest = await Deno.readTextFile(new URL("../../connectors/fs/manifest.toml", import.meta.url));
 * const files = new Map([["fs/manifest.toml", utf8(manifest)], ["fs/worker.ts", utf8("//")]]);
 * const pkg = buildPackage("fs", files);
 * assert.equal(pkg.manifest.id, "fcp.fs");
 * files.delete("fs/worker.ts");
 * assert.throws(() => buildPackage("fs", files), (e) => isFcpError(e, "FCP-5004"));
 * ```
 */
export function buildPackage(
  folder: string,
  files: ReadonlyMap<string, Uint8Array>,
): ConnectorPackage {
  checkPath(folder);
  if (folder.includes("/") || folder === SDK_FOLDER) {
    throw new FcpError("FCP-1040", `connector folder ${folder} is not a plain folder name`);
  }
  if (files.size > MAX_PACKAGE_FILES) {
    throw new FcpError(
      "FCP-6002",
      `package has ${files.size} files (at most ${MAX_PACKAGE_FILES})`,
    );
  }
  let total = 0;
  for (const [p, bytes] of files) {
    checkPath(p);
    total += bytes.length;
  }
  if (total > MAX_PACKAGE_BYTES) {
    throw new FcpError("FCP-6002", `package is ${total} bytes (at most ${MAX_PACKAGE_BYTES})`);
  }
  const manifestBytes = files.get(`${folder}/manifest.toml`);
  if (manifestBytes === undefined) {
    throw new FcpError("FCP-5004", `package has no ${folder}/manifest.toml`);
  }
  if (!files.has(`${folder}/${WORKER_ENTRY}`)) {
    throw new FcpError("FCP-5004", `package has no ${folder}/${WORKER_ENTRY} (the worker entry)`);
  }
  const manifestText = fromUtf8(manifestBytes);
  const manifest = parseManifest(manifestText);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { folder, manifest, manifestText, files: sorted };
}

/**
 * The stored bytes of a package: `SchemaHash ‖ C({format, folder, files})`.
 *
 * @example
 * ```ts
 * import { buildPackage, decodePackage, encodePackage } from "./connector_package.ts";
 * import { utf8 } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const manifest = await Deno.readTextFile(new URL("../../connectors/fs/manifest.toml", import.meta.url));
 * const pkg = buildPackage("fs", new Map([["fs/manifest.toml", utf8(manifest)], ["fs/worker.ts", utf8("//")]]));
 * const back = decodePackage(encodePackage(pkg));
 * assert.equal(back.manifest.id, "fcp.fs");
 * assert.deepEqual([...back.files.keys()], ["fs/manifest.toml", "fs/worker.ts"]);
 * ```
 */
export function encodePackage(pkg: ConnectorPackage): Uint8Array {
  const files: { [k: string]: CborValue } = {};
  for (const [p, b] of pkg.files) files[p] = b;
  return encodePrefixed(schemaHash(CONNECTOR_PACKAGE_SCHEMA), {
    format: "fcp.connector-package/1",
    folder: pkg.folder,
    files,
  }, { maxBytes: MAX_PACKAGE_BYTES + 64 * 1024 });
}

/**
 * Read stored package bytes (schema prefix `FCP-1011`, shape `FCP-1013`, then the checks of
 * {@link buildPackage}).
 *
 * @example
 * ```ts
 * import { decodePackage } from "./connector_package.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodePackage(new Uint8Array(40)), (e) => isFcpError(e, "FCP-1011"));
 * ```
 */
export function decodePackage(bytes: Uint8Array): ConnectorPackage {
  const v = decodePrefixed(bytes, schemaHash(CONNECTOR_PACKAGE_SCHEMA), {
    maxBytes: MAX_PACKAGE_BYTES + 64 * 1024,
  });
  const shape = (detail: string): never => {
    throw new FcpError("FCP-1013", `connector package: ${detail}`);
  };
  if (typeof v !== "object" || v === null || v instanceof Map || Array.isArray(v)) {
    return shape("not a map");
  }
  const m = v as { [k: string]: CborValue };
  if (m.format !== "fcp.connector-package/1") shape("unknown format");
  if (typeof m.folder !== "string") shape("folder is not text");
  const f = m.files;
  if (typeof f !== "object" || f === null || f instanceof Map || Array.isArray(f)) {
    return shape("files is not a map");
  }
  const files = new Map<string, Uint8Array>();
  for (const [p, b] of Object.entries(f as { [k: string]: CborValue })) {
    if (!(b instanceof Uint8Array)) shape(`file ${p} is not bytes`);
    files.set(p, b as Uint8Array);
  }
  return buildPackage(m.folder as string, files);
}

/**
 * Read a connector folder from disk (or from a compiled binary's embedded files) into a
 * package: every `.ts`, `.js`, `.json` and `.toml` file below `dir` except `*_test.ts`, under
 * `<folder>/...`, plus the SDK folder given (the connector's `../_sdk` by default).
 *
 * @example
 * ```ts
 * import { readPackageDir } from "./connector_package.ts";
 * import assert from "node:assert/strict";
 * const pkg = await readPackageDir(new URL("../../connectors/http/", import.meta.url));
 * assert.equal(pkg.manifest.id, "fcp.http");
 * assert.ok(pkg.files.has("_sdk/mod.ts"));
 * assert.ok(![...pkg.files.keys()].some((p) => p.endsWith("_test.ts")));
 * ```
 */
export async function readPackageDir(dir: URL, sdkDir?: URL): Promise<ConnectorPackage> {
  const base = dir.href.endsWith("/") ? dir : new URL(dir.href + "/");
  const folder = decodeURIComponent(base.pathname.split("/").filter((s) => s !== "").at(-1) ?? "");
  const files = new Map<string, Uint8Array>();
  const sdk = sdkDir ?? new URL(`../${SDK_FOLDER}/`, base);
  try {
    await collect(base, folder, files);
    await collect(sdk, SDK_FOLDER, files);
  } catch (e) {
    if (e instanceof FcpError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-6001", `no connector folder at ${base.pathname}`, { cause: e });
    }
    throw new FcpError("FCP-9002", `cannot read connector folder ${base.pathname}`, { cause: e });
  }
  return buildPackage(folder, files);
}

const SOURCE_RE = /\.(ts|js|mjs|json|toml)$/;

async function collect(dir: URL, prefix: string, out: Map<string, Uint8Array>): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const rel = `${prefix}/${e.name}`;
    if (e.isDirectory) {
      await collect(new URL(`${encodeURIComponent(e.name)}/`, dir), rel, out);
    } else if (e.isFile && SOURCE_RE.test(e.name) && !e.name.endsWith("_test.ts")) {
      if (out.size >= MAX_PACKAGE_FILES) {
        throw new FcpError("FCP-6002", `connector folder has more than ${MAX_PACKAGE_FILES} files`);
      }
      out.set(rel, await Deno.readFile(new URL(encodeURIComponent(e.name), dir)));
    }
  }
}
