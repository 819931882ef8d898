/**
 * The fcp version (kept equal to `deno.json`'s `version` by `tests/version_test.ts`).
 *
 * @module
 */

/**
 * The fcp release version.
 *
 * @example
 * ```ts
 * import { FCP_VERSION } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.match(FCP_VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const FCP_VERSION = "0.1.0";
