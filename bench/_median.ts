/**
 * Median timing for the issue goals stated as medians (`deno bench` reports averages and
 * percentiles of its own choosing). Each sample times `batch` calls; the result is per call.
 *
 * Used by the benches' `FCP_BENCH_MEDIAN=1 deno run -A bench/<file>.ts` mode.
 *
 * @module
 */

/** Per-call timing summary in microseconds. */
export interface MedianResult {
  /** Median of the samples. */
  readonly medianUs: number;
  /** 10th percentile. */
  readonly p10Us: number;
  /** 90th percentile. */
  readonly p90Us: number;
  /** Number of samples. */
  readonly samples: number;
}

/** Options of {@link medianTime}. */
export interface MedianOptions {
  /** Samples taken (default 201). */
  readonly samples?: number;
  /** Calls per sample (default 1). */
  readonly batch?: number;
  /** Untimed warm-up calls (default 2 samples' worth). */
  readonly warmup?: number;
}

/**
 * Time `fn` and return the median (and p10/p90) per call.
 *
 * @example
 * ```ts
 * import { medianTime } from "./_median.ts";
 * import assert from "node:assert/strict";
 * const r = await medianTime(() => JSON.stringify({ a: 1 }), { samples: 11, batch: 10 });
 * assert.equal(r.samples, 11);
 * assert.ok(r.p10Us <= r.medianUs && r.medianUs <= r.p90Us);
 * ```
 */
export async function medianTime(
  fn: () => unknown,
  opts: MedianOptions = {},
): Promise<MedianResult> {
  const samples = opts.samples ?? 201;
  const batch = opts.batch ?? 1;
  const warmup = opts.warmup ?? 2 * batch;
  // Synchronous work is timed in a plain loop: no microtask turn is timed with it.
  const isAsync = fn() instanceof Promise;
  const run = isAsync
    ? async (n: number) => {
      for (let i = 0; i < n; i++) await fn();
    }
    : (n: number) => {
      for (let i = 0; i < n; i++) fn();
    };
  await run(warmup);
  const per: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    const pending = run(batch);
    if (pending !== undefined) await pending;
    per.push(((performance.now() - t0) * 1000) / batch);
  }
  per.sort((a, b) => a - b);
  const at = (q: number) => per[Math.min(per.length - 1, Math.floor(q * (per.length - 1)))]!;
  return { medianUs: at(0.5), p10Us: at(0.1), p90Us: at(0.9), samples };
}

/**
 * One line: `label: median X (p10 Y, p90 Z)` with a unit that suits the size.
 *
 * @example
 * ```ts
 * import { formatMedian } from "./_median.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatMedian("x", { medianUs: 1500, p10Us: 1000, p90Us: 2000, samples: 3 }),
 *   "x: median 1.50 ms (p10 1.00 ms, p90 2.00 ms, 3 samples)",
 * );
 * ```
 */
export function formatMedian(label: string, r: MedianResult): string {
  const f = (us: number) => us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
  return `${label}: median ${f(r.medianUs)} (p10 ${f(r.p10Us)}, p90 ${
    f(r.p90Us)
  }, ${r.samples} samples)`;
}
