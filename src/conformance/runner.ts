/**
 * Runs vector files through their area handlers. Every vector of an area with a handler is
 * checked, in file order, and each failure is caught and recorded on its own. An area with no
 * handler is skipped (never counted as passed); a vector whose kind has no check in an
 * implemented area fails as unimplemented.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import type { LoadedVectorFile } from "./loader.ts";
import { AREA_HANDLERS } from "./registry.ts";
import { type AreaHandler, ConformanceMismatch, type KindCheck } from "./types.ts";

/** One vector that did not pass. */
export interface VectorFailure {
  /** The vector id. */
  id: string;
  /** Its kind. */
  kind: string;
  /** Why: the mismatch, the error thrown, or that the kind has no check. */
  error: string;
}

/** The outcome for one vector file. */
export interface AreaResult {
  /** The area (file stem). */
  area: string;
  /** The file. */
  path: string;
  /** Whether a handler exists; when false every vector is skipped. */
  implemented: boolean;
  /** Vectors in the file. */
  total: number;
  /** Vectors that passed. */
  passed: number;
  /** Vectors that failed, in file order. */
  failed: VectorFailure[];
  /** Vectors not run (the area has no handler). */
  skipped: number;
}

/** The outcome of a conformance run. */
export interface ConformanceReport {
  /** One result per file, in the order given. */
  areas: AreaResult[];
  /** Vectors passed. */
  passed: number;
  /** Vectors failed. */
  failed: number;
  /** Vectors skipped. */
  skipped: number;
}

/** Options of {@link runConformance}. */
export interface RunOptions {
  /** The handlers to use; {@link AREA_HANDLERS} by default. */
  handlers?: readonly AreaHandler[];
}

function describe(e: unknown): string {
  if (e instanceof FcpError || e instanceof ConformanceMismatch) return e.message;
  if (e instanceof Error) return e.name === "Error" ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}

function handlerMap(handlers: readonly AreaHandler[]): Map<string, AreaHandler> {
  const map = new Map<string, AreaHandler>();
  for (const h of handlers) {
    if (map.has(h.area)) throw new FcpError("FCP-9001", `two handlers for area ${h.area}`);
    map.set(h.area, h);
  }
  return map;
}

async function runArea(file: LoadedVectorFile, handler: AreaHandler): Promise<AreaResult> {
  const result: AreaResult = {
    area: file.area,
    path: file.path,
    implemented: true,
    total: file.vectors.length,
    passed: 0,
    failed: [],
    skipped: 0,
  };
  for (const v of file.vectors) {
    const check: KindCheck | undefined = Object.hasOwn(handler.kinds, v.kind)
      ? handler.kinds[v.kind]
      : undefined;
    if (!check) {
      result.failed.push({ id: v.id, kind: v.kind, error: `kind ${v.kind} is not implemented` });
      continue;
    }
    try {
      await check(v);
      result.passed++;
    } catch (e) {
      result.failed.push({ id: v.id, kind: v.kind, error: describe(e) });
    }
  }
  return result;
}

/**
 * Check every vector of the given files.
 *
 * @example
 * ```ts
 * import { runConformance } from "./runner.ts";
 * import { expectEqual } from "./check.ts";
 * import assert from "node:assert/strict";
 * const vector = (id: string, kind: string, n: number) => ({
 *   id, kind, provenance: "test", inputs: { n }, expected: { double: 2 * n },
 * });
 * const files = [
 *   {
 *     path: "a.json", format: "fcp2-interop-vectors/1", area: "a", set: "t",
 *     vectors: [vector("a.1", "double", 1), vector("a.2", "triple", 1)],
 *   },
 *   { path: "b.json", format: "fcp2-interop-vectors/1", area: "b", set: "t", vectors: [] },
 * ];
 * const handlers = [{
 *   area: "a",
 *   kinds: { double: (v: { inputs: Record<string, unknown> }) => {
 *     expectEqual(v as never, "double", 2 * Number(v.inputs.n));
 *   } },
 * }];
 * const report = await runConformance(files, { handlers });
 * assert.equal(report.passed, 1);
 * assert.equal(report.failed, 1); // a.2: kind triple has no check
 * assert.equal(report.areas[1]!.implemented, false);
 * ```
 */
export async function runConformance(
  files: readonly LoadedVectorFile[],
  options: RunOptions = {},
): Promise<ConformanceReport> {
  const handlers = handlerMap(options.handlers ?? AREA_HANDLERS);
  const areas: AreaResult[] = [];
  for (const file of files) {
    const handler = handlers.get(file.area);
    areas.push(
      handler ? await runArea(file, handler) : {
        area: file.area,
        path: file.path,
        implemented: false,
        total: file.vectors.length,
        passed: 0,
        failed: [],
        skipped: file.vectors.length,
      },
    );
  }
  return {
    areas,
    passed: areas.reduce((n, a) => n + a.passed, 0),
    failed: areas.reduce((n, a) => n + a.failed.length, 0),
    skipped: areas.reduce((n, a) => n + a.skipped, 0),
  };
}
