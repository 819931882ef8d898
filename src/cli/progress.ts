/**
 * A progress bar for long operations (issue 4 §4): drawn on stderr only when stdout is an
 * interactive terminal and `--json` was not given; otherwise every call is a no-op, so piped
 * output and JSON stay clean.
 *
 * @module
 */
import type { CliIo } from "./types.ts";

/** A progress display. */
export interface Progress {
  /** Whether anything is drawn. */
  readonly visible: boolean;
  /** Report `done` units of `total` (total unknown: only the count is shown). */
  update(done: number, total?: number): void;
  /** Finish: clear the bar's line. */
  done(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** `--json` was given: never draw. */
  readonly json: boolean;
  /** Label before the bar, e.g. `put`. */
  readonly label: string;
  /** Least milliseconds between redraws (default 100); the final 100% is always drawn. */
  readonly minIntervalMs?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** Bar width in cells (default 30). */
  readonly width?: number;
}

const MIB = 1024 * 1024;

function mib(n: number): string {
  return (n / MIB).toFixed(1);
}

/**
 * A progress bar on `io.stderr`, or a silent one when `io.isTerminal` is false or `json`.
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * import { memoryIo } from "./io.ts";
 * import assert from "node:assert/strict";
 * const piped = memoryIo();
 * const quiet = createProgress(piped, { json: false, label: "put" });
 * quiet.update(1, 2);
 * quiet.done();
 * assert.equal(piped.err(), "");
 * const tty = { ...memoryIo(), isTerminal: true };
 * let err = "";
 * tty.stderr = (t: string) => void (err += t);
 * const bar = createProgress(tty, { json: false, label: "put", width: 10 });
 * bar.update(2 * 1024 * 1024, 4 * 1024 * 1024);
 * assert.match(err, /put \[#####-----\]  50% 2\.0\/4\.0 MiB/);
 * ```
 */
export function createProgress(io: CliIo, opts: ProgressOptions): Progress {
  if (!io.isTerminal || opts.json) {
    return { visible: false, update() {}, done() {} };
  }
  const now = opts.now ?? (() => performance.now());
  const interval = opts.minIntervalMs ?? 100;
  const width = opts.width ?? 30;
  let last = -Infinity;
  let drawn = false;
  return {
    visible: true,
    update(done, total) {
      const finished = total !== undefined && done >= total;
      const t = now();
      if (!finished && t - last < interval) return;
      last = t;
      let line: string;
      if (total !== undefined && total > 0) {
        const frac = Math.min(1, done / total);
        const cells = Math.round(frac * width);
        const pct = String(Math.floor(frac * 100)).padStart(3);
        line = `${opts.label} [${"#".repeat(cells)}${"-".repeat(width - cells)}] ${pct}% ` +
          `${mib(done)}/${mib(total)} MiB`;
      } else {
        line = `${opts.label} ${mib(done)} MiB`;
      }
      io.stderr(`\r\x1b[2K${line}`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr("\r\x1b[2K");
      drawn = false;
    },
  };
}
