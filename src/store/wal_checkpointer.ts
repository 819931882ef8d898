/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever
 * `COMMIT` crosses the WAL threshold (1000 pages), and with `synchronous=NORMAL` a checkpoint is
 * the one step that fsyncs: one invoke in a few hundred paid a multi-millisecond commit. The
 * {@link WalCheckpointer} instead runs `PRAGMA wal_checkpoint(PASSIVE)` from its own connection
 * in a background worker thread, every `intervalMs`; a managed connection turns its automatic
 * checkpoint off only once the worker holds the database, and back on when the worker fails or
 * stops, so a WAL is never left without anyone checkpointing it.
 *
 * A PASSIVE checkpoint never blocks a writer or a reader; it copies what no reader still needs
 * and leaves the rest for the next round. Under a steady stream of commits that is not enough:
 * SQLite starts a WAL over only when a writer finds it fully copied, which a background copy
 * never leaves it, so the file would grow for as long as the load lasts (measured: 125 MB after
 * 8000 audit appends, each commit slower as the file grew). A round that finds all of a long
 * WAL copied therefore asks for `RESTART` at once, with no busy wait: it takes the write lock
 * only if it is free, holds it for the header reset (plus copying any frame committed in the
 * microseconds between the two pragmas), and otherwise reports busy and tries again next round.
 * The worker is a module built from source text (it
 * works the same inside a compiled binary) with `read`/`write` limited to the given directories
 * and every other permission denied.
 *
 * @module
 */
import { resolve } from "node:path";
import { FcpError } from "../core/mod.ts";

/** Default checkpoint interval (ms). */
export const DEFAULT_WAL_CHECKPOINT_INTERVAL_MS = 250;

/** The automatic checkpoint threshold SQLite uses by default (pages), restored on failure. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** One checkpoint that moved frames (what `PRAGMA wal_checkpoint` answered). */
export interface WalCheckpoint {
  /** The database file. */
  readonly path: string;
  /** Frames in the WAL. */
  readonly log: number;
  /** Frames copied into the database. */
  readonly checkpointed: number;
  /** 1 when a lock kept the checkpoint from finishing (it resumes next round). */
  readonly busy: number;
  /** Whether this round also restarted the WAL (the next commit writes from its start). */
  readonly restarted: boolean;
}

/** Options of {@link WalCheckpointer.start}. */
export interface WalCheckpointerOptions {
  /**
   * Directories holding the managed databases: the worker's only read/write permission.
   * Relative ones are taken from the working directory.
   */
  readonly dirs: readonly string[];
  /** Checkpoint interval (ms, default {@link DEFAULT_WAL_CHECKPOINT_INTERVAL_MS}). */
  readonly intervalMs?: number;
  /**
   * A WAL at least this long (frames) whose frames are all copied is restarted (`PRAGMA
   * wal_checkpoint(RESTART)`, never waiting on a lock). Default
   * {@link SQLITE_DEFAULT_AUTOCHECKPOINT}, the length at which SQLite itself checkpoints.
   */
  readonly restartFrames?: number;
  /** Called after each checkpoint that found frames in a WAL. */
  readonly onCheckpoint?: (c: WalCheckpoint) => void;
  /** Called once when the worker fails (the managed connections checkpoint themselves again). */
  readonly onFailure?: (why: string) => void;
  /** @internal Replaces the worker's module source (tests of the failure paths). */
  readonly _workerSource?: string;
}

/** Sets a managed connection's `PRAGMA wal_autocheckpoint` (pages; 0 = off). */
export type SetAutoCheckpoint = (pages: number) => void;

const WORKER_SOURCE = `
import { DatabaseSync } from "node:sqlite";
const dbs = new Map();
let timer;
let report = false;
let restartFrames = 1000;
const round = () => {
  for (const [path, db] of dbs) {
    try {
      let r = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
      let restarted = false;
      if (r.busy === 0 && r.log >= restartFrames && r.checkpointed === r.log) {
        // Everything is copied: RESTART makes the next writer start the WAL over. Under a
        // steady stream of commits no writer ever finds the WAL fully copied by itself, and it
        // would grow without end. busy_timeout is 0: the attempt never waits for a writer or a
        // reader, it just reports busy and is retried next round.
        const x = db.prepare("PRAGMA wal_checkpoint(RESTART)").get();
        restarted = x.busy === 0;
        if (restarted) r = x;
      }
      if (report && r.log > 0) self.postMessage({ t: "checkpoint", path, log: r.log, checkpointed: r.checkpointed, busy: r.busy, restarted });
    } catch (e) {
      dbs.delete(path);
      try { db.close(); } catch { /* already failing */ }
      self.postMessage({ t: "lost", path, error: String(e && e.message || e) });
    }
  }
};
self.onmessage = (e) => {
  const m = e.data;
  if (m.t === "start") {
    report = m.report;
    restartFrames = m.restartFrames;
    timer = setInterval(round, m.intervalMs);
  } else if (m.t === "add") {
    try {
      // Never create a database: the owner opened it first.
      if (!Deno.statSync(m.path).isFile) throw new Error("not a file");
      const db = new DatabaseSync(m.path);
      db.exec("PRAGMA busy_timeout = 0");
      const mode = db.prepare("PRAGMA journal_mode").get().journal_mode;
      if (mode !== "wal") throw new Error("not in WAL mode (" + mode + ")");
      dbs.set(m.path, db);
      self.postMessage({ t: "added", id: m.id, ok: true });
    } catch (err) {
      self.postMessage({ t: "added", id: m.id, ok: false, error: String(err && err.message || err) });
    }
  } else if (m.t === "stop") {
    clearInterval(timer);
    for (const db of dbs.values()) { try { db.close(); } catch { /* closing anyway */ } }
    dbs.clear();
    self.postMessage({ t: "stopped" });
  }
};
`;

type FromWorker =
  | {
    t: "checkpoint";
    path: string;
    log: number;
    checkpointed: number;
    busy: number;
    restarted: boolean;
  }
  | { t: "lost"; path: string; error: string }
  | { t: "added"; id: number; ok: boolean; error?: string }
  | { t: "stopped" };

function within(path: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => {
    const dir = d.endsWith("/") ? d : `${d}/`;
    return path.startsWith(dir) && !path.slice(dir.length).split("/").includes("..");
  });
}

/**
 * Checkpoints the WALs of managed SQLite databases from a background worker (see the module
 * comment).
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { WalCheckpointer } from "./wal_checkpointer.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * const db = new DatabaseSync(`${dir}/x.db`);
 * db.exec("PRAGMA journal_mode = WAL");
 * const cp = WalCheckpointer.start({ dirs: [dir] });
 * await cp.manage(`${dir}/x.db`, (n) => db.exec(`PRAGMA wal_autocheckpoint = ${n}`));
 * assert.equal((db.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint, 0);
 * await cp.close(); // automatic checkpoints are back on
 * assert.equal((db.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint, 1000);
 * db.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class WalCheckpointer {
  readonly #opts: WalCheckpointerOptions;
  #worker: Worker | undefined;
  readonly #managed = new Map<string, SetAutoCheckpoint>();
  readonly #waits = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  #seq = 0;
  #failed = false;
  #stopped: (() => void) | undefined;

  private constructor(opts: WalCheckpointerOptions, worker: Worker) {
    this.#opts = opts;
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.#fail(`the checkpoint worker failed: ${e.message}`);
    };
    worker.onmessageerror = () => this.#fail("unreadable message from the checkpoint worker");
  }

  /**
   * Start the worker. Throws `FCP-1040` for an interval that is not 10–60000 ms or no
   * directory.
   */
  static start(opts: WalCheckpointerOptions): WalCheckpointer {
    const intervalMs = opts.intervalMs ?? DEFAULT_WAL_CHECKPOINT_INTERVAL_MS;
    if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 60_000) {
      throw new FcpError("FCP-1040", "the checkpoint interval must be 10–60000 ms");
    }
    const restartFrames = opts.restartFrames ?? SQLITE_DEFAULT_AUTOCHECKPOINT;
    if (!Number.isInteger(restartFrames) || restartFrames < 1 || restartFrames > 1_000_000) {
      throw new FcpError("FCP-1040", "the WAL restart threshold must be 1–1000000 frames");
    }
    if (opts.dirs.length === 0 || opts.dirs.some((d) => d === "")) {
      throw new FcpError("FCP-1040", "the checkpointer needs its directories");
    }
    opts = { ...opts, dirs: opts.dirs.map((d) => resolve(d)) };
    const url = URL.createObjectURL(
      new Blob([opts._workerSource ?? WORKER_SOURCE], { type: "text/javascript" }),
    );
    let worker: Worker;
    try {
      worker = new Worker(url, {
        type: "module",
        name: "fcp-wal-checkpointer",
        deno: {
          permissions: {
            read: [...opts.dirs],
            write: [...opts.dirs],
            net: false,
            env: false,
            run: false,
            ffi: false,
            sys: false,
            import: false,
          },
        },
      } as WorkerOptions);
    } finally {
      URL.revokeObjectURL(url);
    }
    // Rounds are reported only to a listener: an idle node posts nothing.
    worker.postMessage({
      t: "start",
      intervalMs,
      restartFrames,
      report: opts.onCheckpoint !== undefined,
    });
    return new WalCheckpointer(opts, worker);
  }

  /** Whether the worker runs and checkpoints. */
  get running(): boolean {
    return this.#worker !== undefined && !this.#failed;
  }

  /** The databases the worker checkpoints now. */
  get managed(): readonly string[] {
    return [...this.#managed.keys()];
  }

  /**
   * Have the worker checkpoint `path` (a WAL database already open by the caller, inside one
   * of the directories; a relative path is taken from the working directory, `..` is
   * refused); once it holds the file, `setAutoCheckpoint(0)` turns the caller's own
   * automatic checkpoint off. Refused with `FCP-1040` outside the directories, `FCP-9002`
   * when the worker cannot open it or is not running (the caller keeps checkpointing itself).
   */
  async manage(file: string, setAutoCheckpoint: SetAutoCheckpoint): Promise<void> {
    const path = resolve(file);
    if (file.split("/").includes("..") || !within(path, this.#opts.dirs)) {
      throw new FcpError("FCP-1040", "the database is outside the checkpointer's directories");
    }
    const worker = this.#worker;
    if (worker === undefined || this.#failed) {
      throw new FcpError("FCP-9002", "the checkpoint worker is not running");
    }
    const id = ++this.#seq;
    await new Promise<void>((resolve, reject) => {
      this.#waits.set(id, { resolve, reject });
      worker.postMessage({ t: "add", id, path });
    });
    if (this.#failed) throw new FcpError("FCP-9002", "the checkpoint worker is not running");
    this.#managed.set(path, setAutoCheckpoint);
    setAutoCheckpoint(0);
  }

  #onMessage(m: FromWorker): void {
    switch (m.t) {
      case "checkpoint":
        this.#opts.onCheckpoint?.({
          path: m.path,
          log: m.log,
          checkpointed: m.checkpointed,
          busy: m.busy,
          restarted: m.restarted,
        });
        return;
      case "lost":
        this.#restore(m.path);
        return;
      case "added": {
        const w = this.#waits.get(m.id);
        this.#waits.delete(m.id);
        if (m.ok) w?.resolve();
        else {
          // The worker's message may name a path; only the code and a fixed text go on.
          w?.reject(new FcpError("FCP-9002", "the checkpoint worker cannot open the database"));
        }
        return;
      }
      case "stopped":
        this.#stopped?.();
        return;
    }
  }

  #restore(path: string): void {
    const set = this.#managed.get(path);
    this.#managed.delete(path);
    try {
      set?.(SQLITE_DEFAULT_AUTOCHECKPOINT);
    } catch { /* the connection is closed: nothing left to checkpoint */ }
  }

  #fail(why: string): void {
    if (this.#failed) return;
    this.#failed = true;
    for (const path of [...this.#managed.keys()]) this.#restore(path);
    for (const w of this.#waits.values()) {
      w.reject(new FcpError("FCP-9002", "the checkpoint worker is not running"));
    }
    this.#waits.clear();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#stopped?.();
    this.#opts.onFailure?.(why);
  }

  /**
   * Stop: the managed connections get their automatic checkpoint back first, then the worker
   * closes its connections and ends. Idempotent.
   */
  async close(): Promise<void> {
    for (const path of [...this.#managed.keys()]) this.#restore(path);
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    if (!this.#failed) {
      // The worker closes its connections; one that cannot answer is terminated anyway.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#stopped = resolve;
        timer = setTimeout(resolve, 2000);
        worker.postMessage({ t: "stop" });
      });
      clearTimeout(timer);
    }
    worker.terminate();
  }
}
