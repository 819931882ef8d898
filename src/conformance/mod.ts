/**
 * Conformance (rank 6): the typed loader for vector files (../shared/interop and the golden
 * `vectors/`), the runner that checks them through per-area handlers, the handler registry
 * and the helpers handlers are written with.
 *
 * @example
 * ```ts
 * import { loadVectorDir, runConformance } from "./mod.ts";
 * import { fileURLToPath } from "node:url";
 * import assert from "node:assert/strict";
 * const dir = fileURLToPath(new URL("../../../shared/interop/", import.meta.url));
 * const report = await runConformance((await loadVectorDir(dir)).files);
 * assert.equal(report.failed, 0);
 * assert.ok(report.passed > 0);
 * ```
 *
 * @module
 */
export {
  type InformationalFile,
  type LoadedVectorFile,
  loadVectorDir,
  loadVectorFile,
  parseVectorFile,
  UNVERIFIED_FORMAT,
  VECTOR_FORMAT,
  type VectorDir,
  type VectorReference,
} from "./loader.ts";
export {
  type AreaResult,
  type ConformanceReport,
  runConformance,
  type RunOptions,
  type VectorFailure,
} from "./runner.ts";
export { AREA_HANDLERS } from "./registry.ts";
export {
  type AreaHandler,
  ConformanceMismatch,
  type KindCheck,
  type Vector,
  type VectorFile,
} from "./types.ts";
export * from "./check.ts";
