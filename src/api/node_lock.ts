/**
 * Single-instance lock of a node home: an exclusive advisory lock (`FsFile.tryLock(true)`, an
 * OS file lock released by the kernel when the process dies) on `FCP_HOME/run/node.lock`, and
 * the running node's address in `FCP_HOME/run/node.lock.json`. The JSON file alone proves
 * nothing: a node counts as running only while the lock is held, so a file left by a killed
 * node is recognised as stale and replaced.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";

/** The run directory under `FCP_HOME`. */
export const RUN_DIR = "run";
/** The lock file name in {@link RUN_DIR}. */
export const NODE_LOCK_FILE = "node.lock";
/** The running node's info file name in {@link RUN_DIR}. */
export const NODE_LOCK_INFO_FILE = "node.lock.json";

/** What a running node writes to `run/node.lock.json`. */
export interface NodeLockInfo {
  /** `"fcp.node-lock/1"`. */
  readonly format: "fcp.node-lock/1";
  /** The node's process id. */
  readonly pid: number;
  /** The node id. */
  readonly "node_id": string;
  /** The LocalAPI address. */
  readonly hostname: string;
  /** The LocalAPI port. */
  readonly port: number;
  /** Start time, Unix seconds. */
  readonly "started_at": number;
  /** fcp version of the node. */
  readonly version: string;
}

/**
 * Paths of the lock files under a home.
 *
 * @example
 * ```ts
 * import { nodeLockPaths } from "./node_lock.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(nodeLockPaths("/h"), {
 *   dir: "/h/run",
 *   lock: "/h/run/node.lock",
 *   info: "/h/run/node.lock.json",
 * });
 * ```
 */
export function nodeLockPaths(home: string): { dir: string; lock: string; info: string } {
  const dir = `${home}/${RUN_DIR}`;
  return { dir, lock: `${dir}/${NODE_LOCK_FILE}`, info: `${dir}/${NODE_LOCK_INFO_FILE}` };
}

function isLockInfo(v: unknown): v is NodeLockInfo {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.format === "fcp.node-lock/1" && Number.isInteger(o.pid) &&
    typeof o.node_id === "string" && typeof o.hostname === "string" &&
    Number.isInteger(o.port) && Number.isInteger(o.started_at) && typeof o.version === "string";
}

/**
 * The info file's content, or `undefined` when absent or unreadable. It may be stale: check
 * {@link isNodeLockHeld} (or use {@link runningNode}).
 *
 * @example
 * ```ts
 * import { readNodeLockInfo } from "./node_lock.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.equal(await readNodeLockInfo(home), undefined);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function readNodeLockInfo(home: string): Promise<NodeLockInfo | undefined> {
  try {
    const v: unknown = JSON.parse(await Deno.readTextFile(nodeLockPaths(home).info));
    return isLockInfo(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether some process holds the home's node lock. Probes with a non-blocking exclusive lock
 * that is released at once.
 *
 * @example
 * ```ts
 * import { isNodeLockHeld, NodeLock } from "./node_lock.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * assert.equal(await isNodeLockHeld(home), false);
 * const lock = await NodeLock.acquire(home);
 * assert.equal(await isNodeLockHeld(home), true);
 * await lock.release();
 * assert.equal(await isNodeLockHeld(home), false);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function isNodeLockHeld(home: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(nodeLockPaths(home).lock, { read: true, write: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw new FcpError("FCP-9002", "cannot open the node lock file", { cause: e });
  }
  try {
    const got = await file.tryLock(true);
    if (got) await file.unlock();
    return !got;
  } finally {
    file.close();
  }
}

/**
 * The running node of a home: its info when the lock is held, else `FCP-5002` (not running; a
 * leftover info file is reported as stale).
 *
 * @example
 * ```ts
 * import { runningNode } from "./node_lock.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * await assert.rejects(runningNode(home), (e) => isFcpError(e, "FCP-5002"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function runningNode(home: string): Promise<NodeLockInfo> {
  const info = await readNodeLockInfo(home);
  const held = await isNodeLockHeld(home);
  if (held && info !== undefined) return info;
  if (held) throw new FcpError("FCP-5002", `the node on ${home} is starting or stopping`);
  const stale = info === undefined ? "" : ` (stale lock file of pid ${info.pid})`;
  throw new FcpError("FCP-5002", `no node is running on ${home}${stale}`);
}

/**
 * The held lock of a home. {@link NodeLock.acquire} refuses with `FCP-5001` while another
 * process (or another handle in this one) holds it.
 *
 * @example
 * ```ts
 * import { NodeLock } from "./node_lock.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const lock = await NodeLock.acquire(home);
 * await assert.rejects(NodeLock.acquire(home), (e) => isFcpError(e, "FCP-5001"));
 * await lock.release();
 * await (await NodeLock.acquire(home)).release();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class NodeLock {
  /** The home it locks. */
  readonly home: string;
  #file: Deno.FsFile | undefined;

  private constructor(home: string, file: Deno.FsFile) {
    this.home = home;
    this.#file = file;
  }

  /** Take the lock of `home` (creating `run/`, mode 0700), or refuse with `FCP-5001`. */
  static async acquire(home: string): Promise<NodeLock> {
    const paths = nodeLockPaths(home);
    let file: Deno.FsFile;
    try {
      await Deno.mkdir(paths.dir, { recursive: true, mode: 0o700 });
      file = await Deno.open(paths.lock, { read: true, write: true, create: true, mode: 0o600 });
    } catch (e) {
      throw new FcpError("FCP-9002", `cannot open ${paths.lock}`, { cause: e });
    }
    let got = false;
    try {
      got = await file.tryLock(true);
    } catch (e) {
      file.close();
      throw new FcpError("FCP-9002", `cannot lock ${paths.lock}`, { cause: e });
    }
    if (!got) {
      file.close();
      const info = await readNodeLockInfo(home);
      const who = info === undefined
        ? ""
        : ` (pid ${info.pid}, http://${info.hostname}:${info.port})`;
      throw new FcpError(
        "FCP-5001",
        `a node is already running on ${home}${who}; stop it (SIGINT/SIGTERM) before starting another`,
      );
    }
    return new NodeLock(home, file);
  }

  /** Whether the lock is still held by this object. */
  get held(): boolean {
    return this.#file !== undefined;
  }

  /** Write the running node's info (atomically: temp file, then rename). */
  async writeInfo(info: Omit<NodeLockInfo, "format">): Promise<void> {
    if (!this.held) throw new FcpError("FCP-5002", "the node lock was released");
    const paths = nodeLockPaths(this.home);
    const tmp = `${paths.info}.${Deno.pid}.tmp`;
    const body: NodeLockInfo = { format: "fcp.node-lock/1", ...info };
    try {
      await Deno.writeTextFile(tmp, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
      await Deno.rename(tmp, paths.info);
    } catch (e) {
      throw new FcpError("FCP-9002", `cannot write ${paths.info}`, { cause: e });
    }
  }

  /** Remove the info file and release the lock. Idempotent. */
  async release(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return;
    this.#file = undefined;
    try {
      await Deno.remove(nodeLockPaths(this.home).info);
    } catch {
      // absent already: nothing to remove
    }
    try {
      await file.unlock();
    } finally {
      file.close();
    }
  }
}
