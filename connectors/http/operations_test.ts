import assert from "node:assert/strict";
import { type Schema, Validator } from "@cfworker/json-schema";
import { httpConnector as CONNECTOR } from "./operations.ts";
import { HTTP_SCHEMAS as SCHEMAS } from "./schemas.ts";
import { createTestContext } from "../_sdk/testing.ts";
import {
  type ConnectorContext,
  invokeOperation,
  isOperationError,
  type StableCode,
} from "../_sdk/mod.ts";

type Out = {
  status: number;
  "status_text": string;
  url: string;
  redirected: boolean;
  headers: Record<string, string>;
  body: string;
  "body_encoding": string;
  bytes: number;
  truncated: boolean;
};

function op(name: string, input: unknown, ctx: ConnectorContext): Promise<Out> {
  return checked(name, input, ctx) as Promise<Out>;
}

/** Invoke; a call that succeeds must have had a schema-valid input and give a schema-valid output. */
async function checked(name: string, input: unknown, ctx: ConnectorContext): Promise<unknown> {
  const schemas = (SCHEMAS as Record<string, { input: unknown; output: unknown }>)[name];
  const out = await invokeOperation(CONNECTOR, name, input, ctx);
  assert.ok(schemas, `no schema for ${name}`);
  const i = new Validator(schemas.input as Schema, "2020-12").validate(input);
  assert.ok(
    i.valid,
    `${name} input accepted by the code but not the schema: ${JSON.stringify(i.errors)}`,
  );
  const o = new Validator(schemas.output as Schema, "2020-12").validate(out);
  assert.ok(o.valid, `${name} output does not match its schema: ${JSON.stringify(o.errors)}`);
  return out;
}

function code(c: StableCode) {
  return (e: unknown) => isOperationError(e, c);
}

/** A loopback server with the routes the tests need. */
function serve() {
  const pending = new Set<() => void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const u = new URL(req.url);
    switch (u.pathname) {
      case "/hello":
        return new Response("hello", {
          headers: {
            "content-type": "text/plain; charset=utf-8",
            "set-cookie": "session=abc",
            "x-internal": "hidden",
            "x-ratelimit-remaining": "9",
            etag: '"v1"',
          },
        });
      case "/echo":
        return Response.json({
          method: req.method,
          headers: Object.fromEntries(req.headers),
          body: req.body ? await req.text() : null,
        });
      case "/bin":
        return new Response(new Uint8Array([0, 1, 2, 0xff]), {
          headers: { "content-type": "application/octet-stream" },
        });
      case "/big":
        return new Response("x".repeat(2 * 1024 * 1024), {
          headers: { "content-type": "text/plain" },
        });
      case "/slow":
        await new Promise<void>((resolve) => {
          const id = setTimeout(resolve, 5000);
          pending.add(() => {
            clearTimeout(id);
            resolve();
          });
        });
        return new Response("late");
      case "/redirect":
        return new Response(null, {
          status: Number(u.searchParams.get("status") ?? 302),
          headers: { location: u.searchParams.get("to") ?? "/echo" },
        });
      case "/loop":
        return new Response(null, { status: 302, headers: { location: "/loop" } });
      case "/nf":
        return new Response("missing", { status: 404, statusText: "Not Found" });
      default:
        return new Response("?", { status: 400 });
    }
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    base,
    [Symbol.asyncDispose]: async () => {
      for (const release of pending) release();
      await server.shutdown();
    },
  };
}

Deno.test("http_get returns status, a safe header subset and a text body", async () => {
  await using s = serve();
  const ctx = createTestContext();
  const out = await op("http_get", { url: `${s.base}/hello#frag` }, ctx);
  assert.equal(out.status, 200);
  assert.equal(out.url, `${s.base}/hello`);
  assert.equal(out.body, "hello");
  assert.equal(out.body_encoding, "text");
  assert.equal(out.bytes, 5);
  assert.equal(out.truncated, false);
  assert.equal(out.redirected, false);
  assert.equal(out.headers["content-type"], "text/plain; charset=utf-8");
  assert.equal(out.headers["etag"], '"v1"');
  assert.equal(out.headers["x-ratelimit-remaining"], "9");
  assert.equal(out.headers["set-cookie"], undefined);
  assert.equal(out.headers["x-internal"], undefined);
  assert.deepEqual(ctx.requests.map((r) => [r.method, r.url]), [["GET", `${s.base}/hello`]]);
});

Deno.test("http: non-2xx statuses are results, not errors", async () => {
  await using s = serve();
  const out = await op("http_get", { url: `${s.base}/nf` }, createTestContext());
  assert.equal(out.status, 404);
  assert.equal(out.body, "missing");
});

Deno.test("http: binary bodies come back as base64; response_encoding forces a form", async () => {
  await using s = serve();
  const ctx = createTestContext();
  const bin = await op("http_get", { url: `${s.base}/bin` }, ctx);
  assert.deepEqual([bin.body, bin.body_encoding], ["AAEC/w==", "base64"]);
  const b64 = await op("http_get", { url: `${s.base}/hello`, response_encoding: "base64" }, ctx);
  assert.deepEqual([b64.body, b64.body_encoding], ["aGVsbG8=", "base64"]);
  const text = await op("http_get", { url: `${s.base}/bin`, response_encoding: "text" }, ctx);
  assert.equal(text.body_encoding, "text");
});

Deno.test("http: bodies above max_bytes are truncated (default 1 MiB)", async () => {
  await using s = serve();
  const ctx = createTestContext();
  const small = await op("http_get", { url: `${s.base}/big`, max_bytes: 10 }, ctx);
  assert.deepEqual([small.body, small.bytes, small.truncated], ["x".repeat(10), 10, true]);
  const dflt = await op("http_get", { url: `${s.base}/big` }, ctx);
  assert.deepEqual([dflt.bytes, dflt.truncated], [1024 * 1024, true]);
  await assert.rejects(
    op("http_get", { url: `${s.base}/big`, max_bytes: 16 * 1024 * 1024 + 1 }, ctx),
    code("FCP-1040"),
  );
});

Deno.test("http_post sends the body, content type and allowed headers", async () => {
  await using s = serve();
  const ctx = createTestContext();
  const out = await op("http_post", {
    url: `${s.base}/echo`,
    body: '{"a":1}',
    content_type: "application/json",
    headers: { "X-Trace": "t1", Accept: "application/json" },
  }, ctx);
  assert.equal(out.status, 200);
  const echo = JSON.parse(out.body);
  assert.equal(echo.method, "POST");
  assert.equal(echo.body, '{"a":1}');
  assert.equal(echo.headers["content-type"], "application/json");
  assert.equal(echo.headers["x-trace"], "t1");
  const b = await op(
    "http_post",
    { url: `${s.base}/echo`, body: "aGk=", body_encoding: "base64" },
    ctx,
  );
  assert.equal(JSON.parse(b.body).body, "hi");
});

Deno.test("http: request bodies above 1 MiB are refused with FCP-1041", async () => {
  await using s = serve();
  const ctx = createTestContext();
  await assert.rejects(
    op("http_post", { url: `${s.base}/echo`, body: "x".repeat(1024 * 1024 + 1) }, ctx),
    code("FCP-1041"),
  );
  await assert.rejects(
    op("http_post", { url: `${s.base}/echo`, body: "!!", body_encoding: "base64" }, ctx),
    code("FCP-1040"),
  );
  assert.equal(ctx.requests.length, 0);
});

Deno.test("http: only http/https URLs without user info", async () => {
  const ctx = createTestContext();
  for (
    const url of [
      "file:///etc/passwd",
      "ftp://127.0.0.1/",
      "data:text/plain,hi",
      "not a url",
      "/relative",
    ]
  ) {
    await assert.rejects(op("http_get", { url }, ctx), code("FCP-1040"), url);
  }
  await assert.rejects(op("http_get", { url: "http://user:pw@127.0.0.1/" }, ctx), code("FCP-1040"));
  assert.equal(ctx.requests.length, 0);
});

Deno.test("http: Host, Authorization, Cookie, Proxy-* and hop-by-hop headers are refused", async () => {
  const ctx = createTestContext();
  for (
    const name of [
      "Host",
      "authorization",
      "Cookie",
      "Proxy-Authorization",
      "Transfer-Encoding",
      "Content-Length",
      "Connection",
    ]
  ) {
    await assert.rejects(
      op("http_get", { url: "http://127.0.0.1:1/", headers: { [name]: "x" } }, ctx),
      code("FCP-3003"),
      name,
    );
  }
  await assert.rejects(
    op("http_get", { url: "http://127.0.0.1:1/", headers: { "bad name": "x" } }, ctx),
    code("FCP-1040"),
  );
  await assert.rejects(
    op("http_get", { url: "http://127.0.0.1:1/", headers: { "X-A": "a\r\nHost: evil" } }, ctx),
    code("FCP-1040"),
  );
  assert.equal(ctx.requests.length, 0);
});

Deno.test("http: a credential id is passed to the guard, which injects the secret", async () => {
  await using s = serve();
  const ctx = createTestContext({ credentials: { api: "s3cret" } });
  const out = await op("http_get", { url: `${s.base}/echo`, credential: "api" }, ctx);
  assert.equal(JSON.parse(out.body).headers.authorization, "Bearer s3cret");
  assert.equal(ctx.requests[0]?.credential, "api");
  assert.equal(ctx.requests[0]?.headers["authorization"], undefined);
  await assert.rejects(
    op("http_get", { url: `${s.base}/echo`, credential: "other" }, ctx),
    code("FCP-3003"),
  );
  await assert.rejects(
    op("http_get", { url: `${s.base}/echo`, credential: "a b" }, ctx),
    code("FCP-1040"),
  );
});

Deno.test("http: redirects are followed hop by hop through the guard, at most 5", async () => {
  await using s = serve();
  const ctx = createTestContext();
  const out = await op("http_get", { url: `${s.base}/redirect?to=/hello` }, ctx);
  assert.equal(out.body, "hello");
  assert.equal(out.redirected, true);
  assert.equal(out.url, `${s.base}/hello`);
  assert.equal(ctx.requests.length, 2);
  const manual = await op("http_get", {
    url: `${s.base}/redirect?to=/hello`,
    follow_redirects: false,
  }, ctx);
  assert.equal(manual.status, 302);
  assert.equal(manual.headers["location"], "/hello");
  await assert.rejects(op("http_get", { url: `${s.base}/loop` }, ctx), code("FCP-7003"));
  // 303 turns a POST into a GET without body; 307 keeps both
  const see = await op(
    "http_post",
    { url: `${s.base}/redirect?status=303&to=/echo`, body: "b" },
    ctx,
  );
  assert.deepEqual([JSON.parse(see.body).method, JSON.parse(see.body).body], ["GET", null]);
  const keep = await op(
    "http_post",
    { url: `${s.base}/redirect?status=307&to=/echo`, body: "b" },
    ctx,
  );
  assert.deepEqual([JSON.parse(keep.body).method, JSON.parse(keep.body).body], ["POST", "b"]);
  await assert.rejects(
    op(
      "http_get",
      { url: `${s.base}/redirect?to=${encodeURIComponent("file:///etc/passwd")}` },
      ctx,
    ),
    code("FCP-7003"),
  );
});

Deno.test("http: a redirect to another origin drops the credential", async () => {
  await using a = serve();
  await using b = serve();
  const ctx = createTestContext({ credentials: { api: "s3cret" } });
  const out = await op("http_get", {
    url: `${a.base}/redirect?to=${encodeURIComponent(`${b.base}/echo`)}`,
    credential: "api",
  }, ctx);
  assert.equal(JSON.parse(out.body).headers.authorization, undefined);
  assert.deepEqual(ctx.requests.map((r) => r.credential), ["api", undefined]);
  const same = await op("http_get", { url: `${a.base}/redirect?to=/echo`, credential: "api" }, ctx);
  assert.equal(JSON.parse(same.body).headers.authorization, "Bearer s3cret");
});

Deno.test("http: guard refusals pass through with their code", async () => {
  const ctx = createTestContext();
  await assert.rejects(op("http_get", { url: "https://example.com/" }, ctx), code("FCP-3003"));
});

Deno.test("http: timeouts and cancellation are FCP-6003; connection failures FCP-7003", async () => {
  await using s = serve();
  const t0 = Date.now();
  await assert.rejects(
    op("http_get", { url: `${s.base}/slow`, timeout_ms: 100 }, createTestContext()),
    (e) => isOperationError(e, "FCP-6003") && e.retryable,
  );
  assert.ok(Date.now() - t0 < 3000);
  const ac = new AbortController();
  const p = op("http_get", { url: `${s.base}/slow` }, createTestContext({ signal: ac.signal }));
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, code("FCP-6003"));
  // a port nobody listens on
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  await assert.rejects(
    op("http_get", { url: `http://127.0.0.1:${port}/` }, createTestContext()),
    code("FCP-7003"),
  );
});
