/**
 * `fcp.fs`: list, read, write and delete files inside the directories the manifest grants
 * (issue 5 §6; sandbox paths of spec §11.2). Write and delete are Risky in the manifest.
 *
 * Every path is confined twice: here (lexically, then after resolving symlinks with
 * `Deno.realPath`) and by the worker's Deno `read`/`write` permissions. Rules:
 * - a relative path is taken against the first granted root of the operation's kind;
 * - `..` segments are refused outright (`FCP-3003`), as is any absolute path outside the roots;
 * - an existing path must resolve (symlinks followed) inside a root; a new file's parent
 *   directory must resolve inside a write root, and a symlink at the target must point inside
 *   a write root (a dangling one is refused);
 * - delete never follows the last symlink (it removes the link) and never removes a root.
 * Between the check and the use another process could swap a directory for a symlink; the
 * worker's permissions are the backstop for that race.
 *
 * Schemas: `./schemas.ts`.
 *
 * @module
 */
import {
  type ConnectorContext,
  type ConnectorDefinition,
  decodeUtf8,
  fromBase64,
  type HealthReport,
  isOperationError,
  isWithin,
  joinSegment,
  normalizeAbsolute,
  OperationError,
  readInput,
  readLimited,
  splitParent,
  toBase64,
} from "../_sdk/mod.ts";
import {
  FS_LIST_DEFAULT_MAX_ENTRIES,
  FS_LIST_MAX_ENTRIES,
  FS_MAX_BYTES,
  FS_READ_DEFAULT_MAX_BYTES,
} from "./schemas.ts";

/** The connector id. */
export const FS_CONNECTOR_ID = "fcp.fs";

type EntryType = "file" | "directory" | "symlink" | "other";

function entryType(info: Deno.FileInfo): EntryType {
  if (info.isSymlink) return "symlink";
  if (info.isFile) return "file";
  if (info.isDirectory) return "directory";
  return "other";
}

/** Map a Deno filesystem error to a stable code. */
function fsError(e: unknown, path: string): OperationError {
  if (isOperationError(e)) return e;
  if (e instanceof Deno.errors.NotFound) {
    return new OperationError("FCP-6001", `${path}: no such file or directory`, { cause: e });
  }
  if (e instanceof Deno.errors.NotCapable) {
    return new OperationError(
      "FCP-3009",
      `${path}: the sandbox refused (outside the granted directories)`,
      {
        cause: e,
      },
    );
  }
  if (e instanceof Deno.errors.AlreadyExists) {
    return new OperationError("FCP-6004", `${path}: already exists`, { cause: e });
  }
  if (e instanceof Deno.errors.IsADirectory) {
    return new OperationError("FCP-1040", `${path}: is a directory`, { cause: e });
  }
  if (e instanceof Deno.errors.NotADirectory) {
    return new OperationError("FCP-1040", `${path}: a parent is not a directory`, { cause: e });
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return new OperationError("FCP-9002", `${path}: permission denied by the system`, {
      cause: e,
    });
  }
  return new OperationError("FCP-9002", `${path}: filesystem error`, { cause: e });
}

function outside(path: string, why = "is outside the granted directories"): OperationError {
  return new OperationError("FCP-3003", `${path} ${why}`, { details: { path } });
}

/** The granted roots of one kind, as given (normalized) and as resolved by `realPath`. */
interface Roots {
  lexical: string[];
  real: string[];
}

/**
 * Resolve the granted roots. Synchronous on purpose: it runs inside this connector's own
 * worker thread, and a few `realpath` calls cost microseconds each where async ones cost a
 * thread-pool round trip each.
 */
function loadRoots(given: readonly string[]): Roots {
  const lexical: string[] = [];
  const real: string[] = [];
  for (const g of given) {
    const n = normalizeAbsolute(g);
    if (n === undefined) continue; // a malformed root grants nothing
    lexical.push(n);
    try {
      real.push(Deno.realPathSync(n));
    } catch {
      // a missing or unreadable root grants nothing
    }
  }
  return { lexical, real };
}

/** Reads are allowed in read roots and write roots; writes only in write roots. */
function rootsFor(ctx: ConnectorContext, kind: "read" | "write"): string[] {
  return kind === "read" ? [...ctx.fs.read, ...ctx.fs.write] : [...ctx.fs.write];
}

/**
 * Turn the input path into a normalized absolute path that lies (lexically) inside `roots`.
 * Relative paths are taken against the first root.
 */
function lexicalPath(raw: string, roots: Roots): string {
  const base = roots.lexical[0];
  if (base === undefined) throw outside(raw, "cannot be used: no directory is granted");
  const abs = raw.startsWith("/") ? raw : `${base}/${raw}`;
  const p = normalizeAbsolute(abs);
  if (p === undefined) throw outside(raw, "must not contain `..` segments");
  const inside = [...roots.lexical, ...roots.real].some((r) => isWithin(r, p));
  if (!inside) throw outside(p);
  return p;
}

/** Resolve an existing path (following symlinks) and check it stays inside `roots`. */
async function resolveExisting(p: string, roots: Roots): Promise<string> {
  let real: string;
  try {
    real = await Deno.realPath(p);
  } catch (e) {
    throw fsError(e, p);
  }
  if (!roots.real.some((r) => isWithin(r, real))) {
    throw outside(p, "resolves outside the granted directories");
  }
  return real;
}

/**
 * Resolve the target of a write or delete: the parent directory resolved inside a write root,
 * plus the last segment. `makeParents` creates missing parents (inside the root).
 */
async function resolveChild(p: string, roots: Roots, makeParents: boolean): Promise<string> {
  const { parent, name } = splitParent(p);
  if (name === "") throw outside(p, "is not a file path");
  let realParent: string;
  try {
    realParent = await Deno.realPath(parent);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || !makeParents) throw fsError(e, parent);
    realParent = await createParents(parent, roots);
  }
  if (!roots.real.some((r) => isWithin(r, realParent))) {
    throw outside(p, "resolves outside the granted directories");
  }
  return joinSegment(realParent, name);
}

/** Create the missing tail of `dir` below its nearest existing ancestor, inside a write root. */
async function createParents(dir: string, roots: Roots): Promise<string> {
  const missing: string[] = [];
  let cur = dir;
  while (true) {
    const { parent, name } = splitParent(cur);
    missing.unshift(name);
    try {
      const real = await Deno.realPath(parent);
      if (!roots.real.some((r) => isWithin(r, real))) {
        throw outside(dir, "resolves outside the granted directories");
      }
      let made = real;
      for (const seg of missing) {
        made = joinSegment(made, seg);
        try {
          await Deno.mkdir(made);
        } catch (e) {
          if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
          // something appeared meanwhile (or a dangling symlink sat there): only a real directory
          if (!(await Deno.lstat(made)).isDirectory) {
            throw outside(dir, "has a parent that is not a directory");
          }
        }
      }
      return await Deno.realPath(made);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound) || parent === "/") throw fsError(e, dir);
      cur = parent;
    }
  }
}

async function lstatOrUndefined(p: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(p);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw fsError(e, p);
  }
}

/**
 * `fs_list`: the entries of one directory (not recursive, symlinks not followed). Synchronous
 * file system calls, like {@link loadRoots}: a listing is bounded by `max_entries` and blocks
 * only this connector's worker.
 */
function fsList(input: unknown, ctx: ConnectorContext) {
  const r = readInput(input, ["path", "include_hidden", "max_entries"]);
  const raw = r.string("path");
  const includeHidden = r.bool("include_hidden", true);
  const max = r.int(
    "max_entries",
    { min: 1, max: FS_LIST_MAX_ENTRIES },
    FS_LIST_DEFAULT_MAX_ENTRIES,
  );
  const roots = loadRoots(rootsFor(ctx, "read"));
  const p = lexicalPath(raw, roots);
  let dir: string;
  try {
    dir = Deno.realPathSync(p);
  } catch (e) {
    throw fsError(e, p);
  }
  if (!roots.real.some((root) => isWithin(root, dir))) {
    throw outside(p, "resolves outside the granted directories");
  }
  const entries: { name: string; type: EntryType; size: number; modified: string | null }[] = [];
  let truncated = false;
  try {
    const names: string[] = [];
    for (const e of Deno.readDirSync(dir)) {
      if (!includeHidden && e.name.startsWith(".")) continue;
      names.push(e.name);
    }
    names.sort();
    if (names.length > max) {
      truncated = true;
      names.length = max;
    }
    for (const name of names) {
      let info: Deno.FileInfo;
      try {
        info = Deno.lstatSync(joinSegment(dir, name));
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue; // removed meanwhile
        throw e;
      }
      entries.push({
        name,
        type: entryType(info),
        size: info.size,
        modified: info.mtime?.toISOString() ?? null,
      });
    }
  } catch (e) {
    throw fsError(e, dir);
  }
  return { path: dir, entries, truncated };
}

/** `fs_read`: a regular file's content, refused above `max_bytes` unless `truncate`. */
async function fsRead(input: unknown, ctx: ConnectorContext) {
  const r = readInput(input, ["path", "encoding", "max_bytes", "truncate"]);
  const raw = r.string("path");
  const encoding = r.oneOf("encoding", ["utf8", "base64"] as const, "utf8");
  const max = r.int("max_bytes", { min: 1, max: FS_MAX_BYTES }, FS_READ_DEFAULT_MAX_BYTES);
  const truncate = r.bool("truncate", false);
  const roots = loadRoots(rootsFor(ctx, "read"));
  const path = await resolveExisting(lexicalPath(raw, roots), roots);
  let size: number;
  let bytes: Uint8Array;
  let truncated: boolean;
  try {
    const file = await Deno.open(path, { read: true });
    try {
      const info = await file.stat();
      if (!info.isFile) {
        throw new OperationError("FCP-1040", `${path}: not a regular file`, {
          details: { type: entryType(info) },
        });
      }
      size = info.size;
      ({ bytes, truncated } = await readLimited(new Response(file.readable), max));
    } finally {
      try {
        file.close();
      } catch {
        // the readable stream already closed it
      }
    }
  } catch (e) {
    throw fsError(e, path);
  }
  if (truncated && !truncate) {
    throw new OperationError(
      "FCP-6002",
      `${path}: file is larger than max_bytes (${max}); raise max_bytes (up to ${FS_MAX_BYTES}) or pass truncate: true`,
      { details: { size, max_bytes: max } },
    );
  }
  let content: string;
  if (encoding === "base64") {
    content = toBase64(bytes);
  } else {
    const text = decodeUtf8(bytes, truncated);
    if (text === undefined) {
      throw new OperationError(
        "FCP-1040",
        `${path}: not valid UTF-8; read it with encoding base64`,
      );
    }
    content = text;
  }
  return { path, size, encoding, content, truncated };
}

/** `fs_write`: create, overwrite or append to a file inside a write root. */
async function fsWrite(input: unknown, ctx: ConnectorContext) {
  const r = readInput(input, ["path", "content", "encoding", "mode", "make_parents", "file_mode"]);
  const raw = r.string("path");
  const content = r.optString("content", 4 * FS_MAX_BYTES);
  if (content === undefined) {
    throw new OperationError("FCP-1040", "input.content: is required", {
      details: { field: "content" },
    });
  }
  const encoding = r.oneOf("encoding", ["utf8", "base64"] as const, "utf8");
  const mode = r.oneOf("mode", ["create", "overwrite", "append"] as const, "overwrite");
  const makeParents = r.bool("make_parents", false);
  const fileMode = r.int("file_mode", { min: 0, max: 0o777 }, 0o644);
  let bytes: Uint8Array;
  if (encoding === "base64") {
    const b = fromBase64(content);
    if (b === undefined) {
      throw new OperationError("FCP-1040", "input.content: not valid base64", {
        details: { field: "content" },
      });
    }
    bytes = b;
  } else {
    bytes = new TextEncoder().encode(content);
  }
  if (bytes.length > FS_MAX_BYTES) {
    throw new OperationError("FCP-1041", `content is ${bytes.length} bytes, above ${FS_MAX_BYTES}`);
  }
  const roots = loadRoots(rootsFor(ctx, "write"));
  let target = await resolveChild(lexicalPath(raw, roots), roots, makeParents);
  const existing = await lstatOrUndefined(target);
  if (existing?.isSymlink) {
    if (mode === "create") throw new OperationError("FCP-6004", `${target}: already exists`);
    target = await resolveExisting(target, roots).catch((e) => {
      throw isOperationError(e, "FCP-6001") ? outside(target, "is a dangling symlink") : e;
    });
  }
  const info = existing?.isSymlink ? await lstatOrUndefined(target) : existing;
  if (info !== undefined && !info.isFile) {
    throw new OperationError("FCP-1040", `${target}: not a regular file`, {
      details: { type: entryType(info) },
    });
  }
  if (info !== undefined && mode === "create") {
    throw new OperationError("FCP-6004", `${target}: already exists`);
  }
  if (info !== undefined && info.nlink !== null && info.nlink > 1) {
    // A hard link may share its inode with a file outside the roots.
    throw outside(target, "has several hard links and is not written through");
  }
  try {
    await Deno.writeFile(target, bytes, {
      createNew: mode === "create",
      append: mode === "append",
      mode: fileMode,
    });
  } catch (e) {
    throw fsError(e, target);
  }
  return { path: target, bytes_written: bytes.length, created: info === undefined };
}

/** `fs_delete`: remove a file or symlink, or a directory tree with `recursive`. */
async function fsDelete(input: unknown, ctx: ConnectorContext) {
  const r = readInput(input, ["path", "recursive"]);
  const raw = r.string("path");
  const recursive = r.bool("recursive", false);
  const roots = loadRoots(rootsFor(ctx, "write"));
  const p = lexicalPath(raw, roots);
  if (roots.lexical.includes(p)) throw outside(p, "is a granted directory and cannot be deleted");
  const target = await resolveChild(p, roots, false);
  if (roots.real.includes(target)) {
    throw outside(p, "is a granted directory and cannot be deleted");
  }
  const info = await lstatOrUndefined(target);
  if (info === undefined) {
    throw new OperationError("FCP-6001", `${target}: no such file or directory`);
  }
  const type = entryType(info);
  if (type === "directory" && !recursive) {
    throw new OperationError("FCP-1040", `${target}: is a directory; pass recursive: true`);
  }
  try {
    // Deno.remove does not follow symlinks, neither the last one nor any inside a tree.
    await Deno.remove(target, { recursive: type === "directory" });
  } catch (e) {
    throw fsError(e, target);
  }
  return { path: target, deleted: true as const, type };
}

/** Ready when every granted root exists. */
function fsHealth(ctx: ConnectorContext): Promise<HealthReport> {
  const given = [...new Set(rootsFor(ctx, "read"))];
  if (given.length === 0) return Promise.resolve({ ok: false, detail: "no directory is granted" });
  const roots = loadRoots(given);
  if (roots.real.length < given.length) {
    return Promise.resolve({ ok: false, detail: "a granted directory is missing or unreadable" });
  }
  return Promise.resolve({ ok: true });
}

/**
 * The `fcp.fs` connector.
 *
 * @example
 * ```ts
 * import { fsConnector } from "./operations.ts";
 * import { createTestContext } from "../_sdk/testing.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const ctx = createTestContext({ read: [root], write: [root] });
 * await fsConnector.operations.fs_write!({ path: "hello.txt", content: "hi" }, ctx);
 * const out = await fsConnector.operations.fs_read!({ path: "hello.txt" }, ctx) as { content: string };
 * assert.equal(out.content, "hi");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export const fsConnector: ConnectorDefinition = {
  id: FS_CONNECTOR_ID,
  version: "0.1.0",
  operations: {
    fs_list: (input, ctx) => Promise.resolve().then(() => fsList(input, ctx)),
    fs_read: fsRead,
    fs_write: fsWrite,
    fs_delete: fsDelete,
  },
  health: fsHealth,
};

export default fsConnector;
