/**
 * The one loader for vector files (../shared/interop/README.md, "File envelope"): reads and
 * validates every field, so checks can trust a {@link Vector}'s shape. Malformed files fail
 * with `FCP-1030` naming the file and, where known, the vector.
 *
 * @module
 */
import { basename, join } from "node:path";
import { FcpError } from "../core/mod.ts";
import type { Vector, VectorFile } from "./types.ts";

/** The envelope format of vector files. */
export const VECTOR_FORMAT = "fcp2-interop-vectors/1";
/** The format of the informational list of vectors left out of a set (`unverified.json`). */
export const UNVERIFIED_FORMAT = "fcp2-interop-unverified/1";

/** The reference implementation a set was taken from. */
export interface VectorReference {
  /** Repository name. */
  repo: string;
  /** Commit id. */
  commit: string;
}

/** A validated vector file and where it came from. */
export interface LoadedVectorFile extends VectorFile {
  /** The file it was read from. */
  path: string;
  /** The reference implementation, when the envelope names one. */
  reference?: VectorReference;
}

/** A file of the set that holds no vectors to run (e.g. `unverified.json`). */
export interface InformationalFile {
  /** The file. */
  path: string;
  /** Its format string. */
  format: string;
  /** How many entries it lists. */
  entries: number;
}

/** Everything found in a vector folder. */
export interface VectorDir {
  /** The folder. */
  dir: string;
  /** Vector files, sorted by file name. */
  files: LoadedVectorFile[];
  /** Informational files, sorted by file name. */
  informational: InformationalFile[];
}

type Json = Record<string, unknown>;

const FILE_FIELDS = new Set(["format", "area", "set", "reference", "vectors"]);
const VECTOR_FIELDS = new Set([
  "id",
  "kind",
  "provenance",
  "description",
  "source",
  "inputs",
  "expected",
  "derived_fields",
  "notes",
]);

function malformed(path: string, where: string, what: string): FcpError {
  return new FcpError("FCP-1030", `${path}: ${where}${what}`);
}

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isStringList(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === "string");
}

function checkFields(o: Json, allowed: Set<string>, fail: (what: string) => FcpError): void {
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) throw fail(`unknown field '${key}'`);
  }
}

function parseVector(x: unknown, index: number, path: string): Vector {
  const at = (id?: unknown) =>
    typeof id === "string" && id.length > 0 ? `vector ${id}: ` : `vectors[${index}]: `;
  if (!isObject(x)) throw malformed(path, at(), "must be an object");
  const fail = (what: string) => malformed(path, at(x.id), what);
  checkFields(x, VECTOR_FIELDS, fail);
  for (const key of ["id", "kind", "provenance"]) {
    const v = x[key];
    if (typeof v !== "string" || v.length === 0) throw fail(`'${key}' must be a non-empty string`);
  }
  for (const key of ["description", "notes"]) {
    if (key in x && typeof x[key] !== "string") throw fail(`'${key}' must be a string`);
  }
  if ("source" in x && typeof x.source !== "string" && !isStringList(x.source)) {
    throw fail("'source' must be a string or a list of strings");
  }
  if (!isObject(x.inputs)) throw fail("'inputs' must be an object");
  if (!isObject(x.expected)) throw fail("'expected' must be an object");
  if ("derived_fields" in x && !isStringList(x.derived_fields)) {
    throw fail("'derived_fields' must be a list of strings");
  }
  return x as unknown as Vector;
}

/**
 * Validate a parsed vector file. `path` names the file in errors; `area` must equal the file
 * stem and vector ids must be unique within the file.
 *
 * @example
 * ```ts
 * import { parseVectorFile } from "./loader.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const v = { id: "a.1", kind: "k", provenance: "p", inputs: {}, expected: {} };
 * const file = { format: "fcp2-interop-vectors/1", area: "a", set: "given", vectors: [v] };
 * assert.equal(parseVectorFile(file, "dir/a.json").vectors.length, 1);
 * assert.throws(
 *   () => parseVectorFile({ ...file, vectors: [{ ...v, inputs: [] }] }, "dir/a.json"),
 *   (e) => isFcpError(e, "FCP-1030") && /a\.json: vector a\.1: 'inputs'/.test(e.message),
 * );
 * ```
 */
export function parseVectorFile(json: unknown, path: string): LoadedVectorFile {
  if (!isObject(json)) throw malformed(path, "", "must hold a JSON object");
  const fail = (what: string) => malformed(path, "", what);
  checkFields(json, FILE_FIELDS, fail);
  if (json.format !== VECTOR_FORMAT) {
    throw fail(`'format' must be "${VECTOR_FORMAT}", got ${JSON.stringify(json.format)}`);
  }
  const stem = basename(path).replace(/\.json$/, "");
  if (typeof json.area !== "string" || json.area !== stem) {
    throw fail(`'area' must be the file stem "${stem}", got ${JSON.stringify(json.area)}`);
  }
  if (typeof json.set !== "string" || json.set.length === 0) {
    throw fail("'set' must be a non-empty string");
  }
  const ref = json.reference;
  if (
    ref !== undefined &&
    !(isObject(ref) && typeof ref.repo === "string" && typeof ref.commit === "string")
  ) {
    throw fail("'reference' must be {repo: string, commit: string}");
  }
  if (!Array.isArray(json.vectors)) throw fail("'vectors' must be a list");
  const vectors = json.vectors.map((v, i) => parseVector(v, i, path));
  const seen = new Set<string>();
  for (const v of vectors) {
    if (seen.has(v.id)) throw malformed(path, `vector ${v.id}: `, "duplicate id");
    seen.add(v.id);
  }
  return {
    path,
    format: VECTOR_FORMAT,
    area: json.area,
    set: json.set,
    ...(ref !== undefined ? { reference: ref as unknown as VectorReference } : {}),
    vectors,
  };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-6001", `${path}: no such file`, { cause });
    }
    throw new FcpError("FCP-9002", `${path}: cannot read`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FcpError("FCP-1030", `${path}: not valid JSON`, { cause });
  }
}

/**
 * Read and validate one vector file.
 *
 * @example
 * ```ts
 * import { loadVectorFile } from "./loader.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * const area = path.split(/[\\/]/).at(-1)!.replace(".json", "");
 * await Deno.writeTextFile(path, JSON.stringify({
 *   format: "fcp2-interop-vectors/1", area, set: "given", vectors: [],
 * }));
 * assert.equal((await loadVectorFile(path)).area, area);
 * await Deno.remove(path);
 * ```
 */
export async function loadVectorFile(path: string): Promise<LoadedVectorFile> {
  return parseVectorFile(await readJson(path), path);
}

/**
 * Read every `*.json` file of a folder: vector files are validated and returned in file-name
 * order; `fcp2-interop-unverified/1` files are listed as informational. Any other JSON file
 * is malformed (`FCP-1030`); a missing folder is `FCP-6001`.
 *
 * @example
 * ```ts
 * import { loadVectorDir } from "./loader.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/unverified.json`, JSON.stringify({
 *   format: "fcp2-interop-unverified/1", unverified: [],
 * }));
 * const loaded = await loadVectorDir(dir);
 * assert.equal(loaded.files.length, 0);
 * assert.equal(loaded.informational[0]!.entries, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadVectorDir(dir: string): Promise<VectorDir> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
    }
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-6001", `vector folder ${dir} does not exist`, { cause });
    }
    throw new FcpError("FCP-9002", `cannot list vector folder ${dir}`, { cause });
  }
  names.sort();
  const files: LoadedVectorFile[] = [];
  const informational: InformationalFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const json = await readJson(path);
    if (isObject(json) && json.format === UNVERIFIED_FORMAT) {
      if (!Array.isArray(json.unverified)) {
        throw malformed(path, "", "'unverified' must be a list");
      }
      informational.push({ path, format: UNVERIFIED_FORMAT, entries: json.unverified.length });
    } else {
      files.push(parseVectorFile(json, path));
    }
  }
  return { dir, files, informational };
}
