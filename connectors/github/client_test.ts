import assert from "node:assert/strict";
import { GithubClient, githubError, parseLinkHeader, parseRateLimit } from "./client.ts";
import { createTestContext } from "../_sdk/testing.ts";
import { isOperationError } from "../_sdk/mod.ts";

Deno.test("parseLinkHeader: GitHub's four rels, quoted or not, several rels in one", () => {
  const base = "https://api.github.com/repositories/1300192/issues";
  const h = `<${base}?page=2>; rel="prev", <${base}?page=4>; rel="next", ` +
    `<${base}?page=515>; rel="last", <${base}?page=1>; rel="first"`;
  assert.deepEqual(parseLinkHeader(h), {
    prev: `${base}?page=2`,
    next: `${base}?page=4`,
    last: `${base}?page=515`,
    first: `${base}?page=1`,
  });
  assert.deepEqual(parseLinkHeader(`<https://x/a>;rel=next`), { next: "https://x/a" });
  assert.deepEqual(parseLinkHeader(`<https://x/a>; title="t"; rel="next last"`), {
    next: "https://x/a",
    last: "https://x/a",
  });
  assert.deepEqual(parseLinkHeader("garbage"), {});
  assert.deepEqual(parseLinkHeader(`<https://x/a>; title="no rel"`), {});
});

Deno.test("parseRateLimit: all headers, a derived used, and absence", () => {
  const h = new Headers({
    "x-ratelimit-limit": "60",
    "x-ratelimit-remaining": "59",
    "x-ratelimit-reset": "1700000000",
  });
  assert.deepEqual(parseRateLimit(h), {
    limit: 60,
    remaining: 59,
    reset: 1700000000,
    used: 1,
    resource: "core",
  });
  h.set("x-ratelimit-remaining", "lots");
  assert.equal(parseRateLimit(h), null);
});

Deno.test("githubError: codes, retry hints and details", () => {
  const now = 1_700_000_000_000;
  const reset = new Headers({
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": String(now / 1000 + 30),
  });
  const rl = githubError(403, reset, { message: "API rate limit exceeded" }, now);
  assert.deepEqual([rl.code, rl.retryAfterMs, rl.details?.retry_after], ["FCP-7004", 30_000, 30]);
  const date = githubError(
    429,
    new Headers({ "retry-after": new Date(now + 5000).toUTCString() }),
    null,
    now,
  );
  assert.deepEqual([date.code, date.retryAfterMs], ["FCP-7004", 5000]);
  const noHint = githubError(403, new Headers(), {
    message: "You have exceeded a secondary rate limit",
  }, now);
  assert.deepEqual([noHint.code, noHint.retryAfterMs], ["FCP-7004", 60_000]);
  const forbidden = githubError(403, new Headers({ "x-ratelimit-remaining": "10" }), {
    message: "Resource not accessible by personal access token",
  }, now);
  assert.equal(forbidden.code, "FCP-7003");
  assert.equal(forbidden.retryable, false);
  const gone = githubError(
    410,
    new Headers(),
    { message: "Issues are disabled for this repo" },
    now,
  );
  assert.equal(gone.code, "FCP-7005");
  const down = githubError(502, new Headers(), "<html>bad gateway</html>", now);
  assert.deepEqual([down.code, down.retryable, down.message], [
    "FCP-7003",
    true,
    "GitHub 502: HTTP 502",
  ]);
  const v = githubError(422, new Headers({ "x-github-request-id": "AB:CD" }), {
    message: "Validation Failed",
    errors: [{ resource: "Label", code: "invalid", field: "name" }, "plain"],
  }, now);
  assert.equal(v.message, "GitHub 422: Validation Failed (Label.name invalid; plain)");
  assert.equal(v.details?.request_id, "AB:CD");
});

function serve(handler: (req: Request) => Response) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("GithubClient refuses a Link that leaves the API root", async () => {
  await using s = serve(() =>
    Response.json([1], { headers: { link: '<http://127.0.0.2:1/steal?page=2>; rel="next"' } })
  );
  const ctx = createTestContext({ credentials: { github: "t" } });
  const gh = new GithubClient(ctx, { baseUrl: `${s.base}/api/v3` });
  await assert.rejects(
    gh.paginate("/repos/o/r/issues", {}, 3),
    (e) => isOperationError(e, "FCP-7003") && /outside the API root/.test(e.message),
  );
  assert.equal(ctx.requests.length, 1);
  assert.equal(ctx.requests[0]?.url, `${s.base}/api/v3/repos/o/r/issues`);
});

Deno.test("GithubClient: non-JSON success bodies and non-array pages are FCP-7003", async () => {
  await using s = serve((req) =>
    new URL(req.url).pathname === "/text"
      ? new Response("<html>")
      : Response.json({ not: "a list" })
  );
  const gh = new GithubClient(createTestContext({ credentials: { github: "t" } }), {
    baseUrl: s.base,
  });
  await assert.rejects(gh.request("GET", "/text"), (e) => isOperationError(e, "FCP-7003"));
  await assert.rejects(gh.paginate("/obj", {}, 1), (e) => isOperationError(e, "FCP-7003"));
});

Deno.test("GithubClient: bad base URLs are FCP-1040; network failures FCP-7003; abort FCP-6003", async () => {
  const ctx = createTestContext({ credentials: { github: "t" } });
  assert.throws(
    () => new GithubClient(ctx, { baseUrl: "not a url" }),
    (e) => isOperationError(e, "FCP-1040"),
  );
  assert.throws(
    () => new GithubClient(ctx, { baseUrl: "ftp://x/" }),
    (e) => isOperationError(e, "FCP-1040"),
  );
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const gh = new GithubClient(ctx, { baseUrl: `http://127.0.0.1:${port}` });
  await assert.rejects(
    gh.request("GET", "/x"),
    (e) => isOperationError(e, "FCP-7003") && e.retryable,
  );
  const ac = new AbortController();
  ac.abort();
  const aborted = new GithubClient(
    createTestContext({ credentials: { github: "t" }, signal: ac.signal }),
    { baseUrl: `http://127.0.0.1:${port}` },
  );
  await assert.rejects(aborted.request("GET", "/x"), (e) => isOperationError(e, "FCP-6003"));
});
