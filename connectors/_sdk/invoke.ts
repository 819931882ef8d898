/**
 * Dispatch one invocation to a connector's handler, turning every failure into an
 * {@link OperationError} so the host sees a stable code (spec §24.2) whatever went wrong.
 *
 * @module
 */
import { isOperationError, OperationError } from "./operation_error.ts";
import type { ConnectorContext, ConnectorDefinition } from "./types.ts";

/**
 * Run `def.operations[operationId](input, ctx)`.
 *
 * - an unknown operation id is `FCP-1040`;
 * - an {@link OperationError} passes through unchanged;
 * - a Deno sandbox refusal (`Deno.errors.NotCapable`) is `FCP-3009` (sandbox.denied);
 * - an abort or timeout (`ctx.signal`) is `FCP-6003`;
 * - anything else is `FCP-9001` (its message stays in `cause` for the host's log).
 *
 * @example
 * ```ts
 * import { invokeOperation } from "./invoke.ts";
 * import { isOperationError } from "./operation_error.ts";
 * import assert from "node:assert/strict";
 *
 * const def = {
 *   id: "fcp.t",
 *   version: "0",
 *   operations: { t_ok: () => Promise.resolve(1), t_bug: () => Promise.reject(new Error("x")) },
 * };
 * const ctx = { fetch, fs: { read: [], write: [] }, signal: new AbortController().signal, log() {} };
 * assert.equal(await invokeOperation(def, "t_ok", {}, ctx), 1);
 * await assert.rejects(invokeOperation(def, "t_bug", {}, ctx), (e) => isOperationError(e, "FCP-9001"));
 * await assert.rejects(invokeOperation(def, "toString", {}, ctx), (e) => isOperationError(e, "FCP-1040"));
 * ```
 */
export async function invokeOperation(
  def: ConnectorDefinition,
  operationId: string,
  input: unknown,
  ctx: ConnectorContext,
): Promise<unknown> {
  if (!Object.hasOwn(def.operations, operationId)) {
    throw new OperationError("FCP-1040", `${def.id} has no operation ${operationId}`);
  }
  const handler = def.operations[operationId];
  if (handler === undefined) {
    throw new OperationError("FCP-1040", `${def.id} has no operation ${operationId}`);
  }
  try {
    return await handler(input, ctx);
  } catch (e) {
    throw toOperationError(e, ctx.signal);
  }
}

/** Map any thrown value to an {@link OperationError} (see {@link invokeOperation}). */
function toOperationError(e: unknown, signal: AbortSignal): OperationError {
  if (isOperationError(e)) return e;
  if (e instanceof Deno.errors.NotCapable) {
    return new OperationError("FCP-3009", "the sandbox refused the access", { cause: e });
  }
  const name = e instanceof Error ? e.name : "";
  if (signal.aborted || name === "AbortError" || name === "TimeoutError") {
    return new OperationError("FCP-6003", "the operation was aborted or timed out", {
      retryable: true,
      cause: e,
    });
  }
  return new OperationError("FCP-9001", "the connector failed unexpectedly", { cause: e });
}
