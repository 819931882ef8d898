/**
 * The connector SDK: the interface a connector module implements and the helpers it may use.
 * Connector modules import only this folder and Deno/web APIs (they run sandboxed, spec §11.2).
 *
 * @example
 * ```ts
 * import { type ConnectorDefinition, OperationError, readInput } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const c: ConnectorDefinition = {
 *   id: "fcp.example",
 *   version: "0.1.0",
 *   operations: {
 *     example_hello: (input) => {
 *       const name = readInput(input, ["name"]).string("name", 64);
 *       return Promise.resolve({ greeting: `hello ${name}` });
 *     },
 *   },
 * };
 * assert.ok(c.operations.example_hello);
 * assert.equal(new OperationError("FCP-1040", "x").code, "FCP-1040");
 * ```
 *
 * @module
 */
export type {
  ConnectorContext,
  ConnectorDefinition,
  ConnectorFetchInit,
  ConnectorFsRoots,
  HealthReport,
  OperationHandler,
} from "./types.ts";
export {
  isOperationError,
  OPERATION_ERROR_CODES,
  OperationError,
  type OperationErrorCode,
  type OperationErrorJSON,
  type OperationErrorOptions,
  type StableCode,
} from "./operation_error.ts";
export { InputReader, type IntBounds, readInput } from "./input.ts";
export { decodeUtf8, fromBase64, readLimited, toBase64 } from "./encoding.ts";
export { isWithin, joinSegment, normalizeAbsolute, splitParent } from "./path.ts";
export { invokeOperation } from "./invoke.ts";
