/** The host and worker copies of the connector protocol agree (they cannot share a module). */
import assert from "node:assert/strict";
import * as host from "../src/host/worker_protocol.ts";
import * as sdk from "../connectors/_sdk/protocol.ts";
import { ERROR_CODES } from "../src/core/mod.ts";
import { OPERATION_ERROR_CODES } from "../connectors/_sdk/mod.ts";

Deno.test("worker protocol: same version, methods and limits on both sides", () => {
  assert.equal(sdk.WORKER_PROTOCOL_VERSION, host.WORKER_PROTOCOL_VERSION);
  assert.deepEqual([...sdk.WORKER_METHODS], [...host.WORKER_METHODS]);
  assert.equal(sdk.MIN_MESSAGE_BYTES, host.MIN_MESSAGE_BYTES);
});

Deno.test("worker protocol: both sides measure a message the same way", () => {
  const samples: unknown[] = [
    { t: "call", id: 1, method: "invoke", params: { operation: "x", input: { a: [1, "b"] } } },
    {
      t: "egress",
      id: 2,
      call: 1,
      req: { method: "GET", url: "https://e/", headers: [["a", "b"]], body: new Uint8Array(300) },
    },
    { t: "result", id: 1, ok: true, value: "é".repeat(50), heap: 12345 },
  ];
  for (const m of samples) assert.equal(sdk.messageSize(m), host.messageSize(m));
});

Deno.test("the SDK's stable codes are codes of the project, with the same names", () => {
  for (const [code, name] of Object.entries(OPERATION_ERROR_CODES)) {
    assert.equal((ERROR_CODES as Record<string, string>)[code], name, code);
  }
});
