import assert from "node:assert/strict";
import { invokeOperation } from "./invoke.ts";
import { isOperationError, OperationError } from "./operation_error.ts";
import { createTestContext } from "./testing.ts";
import type { ConnectorDefinition } from "./types.ts";

const def: ConnectorDefinition = {
  id: "fcp.t",
  version: "0",
  operations: {
    t_echo: (input) => Promise.resolve(input),
    t_coded: () => Promise.reject(new OperationError("FCP-7005", "gone")),
    t_sandbox: () => Promise.reject(new Deno.errors.NotCapable("Requires read access")),
    t_abort: () => Promise.reject(new DOMException("aborted", "AbortError")),
    t_throw: () => {
      throw new TypeError("secret-ish detail");
    },
  },
};

Deno.test("invokeOperation maps every failure to a stable code", async () => {
  const ctx = createTestContext();
  assert.deepEqual(await invokeOperation(def, "t_echo", { a: 1 }, ctx), { a: 1 });
  await assert.rejects(
    invokeOperation(def, "t_coded", {}, ctx),
    (e) => isOperationError(e, "FCP-7005"),
  );
  await assert.rejects(
    invokeOperation(def, "t_sandbox", {}, ctx),
    (e) => isOperationError(e, "FCP-3009"),
  );
  await assert.rejects(
    invokeOperation(def, "t_abort", {}, ctx),
    (e) => isOperationError(e, "FCP-6003"),
  );
  await assert.rejects(
    invokeOperation(def, "t_throw", {}, ctx),
    (e) =>
      isOperationError(e, "FCP-9001") && !e.message.includes("secret") &&
      e.cause instanceof TypeError,
  );
  for (const name of ["nope", "__proto__", "constructor", "hasOwnProperty"]) {
    await assert.rejects(
      invokeOperation(def, name, {}, ctx),
      (e) => isOperationError(e, "FCP-1040"),
      name,
    );
  }
});
