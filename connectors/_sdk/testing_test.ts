import assert from "node:assert/strict";
import { createTestContext } from "./testing.ts";
import { isOperationError } from "./operation_error.ts";

Deno.test("test context: loopback only, credential injection by id, config passed through", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => new Response(req.headers.get("authorization") ?? "none"),
  );
  try {
    const ctx = createTestContext({ credentials: { c1: "tok" }, config: { a: 1 } });
    assert.deepEqual(ctx.config, { a: 1 });
    const url = `http://127.0.0.1:${server.addr.port}/`;
    assert.equal(await (await ctx.fetch(url, { credential: "c1" })).text(), "Bearer tok");
    assert.equal(await (await ctx.fetch(url)).text(), "none");
    await assert.rejects(
      ctx.fetch(url, { credential: "c2" }),
      (e) => isOperationError(e, "FCP-3003"),
    );
    await assert.rejects(ctx.fetch("http://10.0.0.1/"), (e) => isOperationError(e, "FCP-3003"));
    assert.deepEqual(ctx.requests.map((r) => r.credential), ["c1", undefined, "c2", undefined]);
    assert.equal(createTestContext().config, undefined);
  } finally {
    await server.shutdown();
  }
});
