import assert from "node:assert/strict";
import { type Schema, Validator } from "@cfworker/json-schema";
import { createGithubConnector, githubConnector } from "./operations.ts";
import { GITHUB_SCHEMAS as SCHEMAS } from "./schemas.ts";
import { createTestContext, type TestContext } from "../_sdk/testing.ts";
import {
  type ConnectorContext,
  type ConnectorDefinition,
  invokeOperation,
  isOperationError,
  type StableCode,
} from "../_sdk/mod.ts";
import { type GithubSim, startGithubSim } from "../../tests/fixtures/github_sim.ts";

const TOKEN = "ghp_testtoken123";

type Out = Record<string, unknown>;
type Issue = { number: number; labels: string[]; comments: number; "is_pull_request": boolean };

function code(c: StableCode) {
  return (e: unknown) => isOperationError(e, c);
}

/** A simulator with octo/hello: issues #1..#7 (#4 closed, odd ones labelled bug) and PR #8. */
function setup(): { sim: GithubSim; gh: ConnectorDefinition; ctx: TestContext } & AsyncDisposable {
  const sim = startGithubSim({ token: TOKEN });
  sim.addRepo("octo", "hello");
  for (let i = 1; i <= 7; i++) {
    sim.addIssue("octo", "hello", {
      title: `Issue ${i}`,
      state: i === 4 ? "closed" : "open",
      labels: i % 2 === 1 ? ["bug"] : [],
      comments: i === 2 ? 3 : 0,
    });
  }
  sim.addPull("octo", "hello", { title: "Feature", head: "feat", labels: ["enhancement"] });
  const gh = createGithubConnector({ baseUrl: sim.url });
  const ctx = createTestContext({ credentials: { github: TOKEN } });
  return { sim, gh, ctx, [Symbol.asyncDispose]: () => sim.close() };
}

/** Invoke; a call that succeeds must have had a schema-valid input and give a schema-valid output. */
async function op(def: ConnectorDefinition, name: string, input: unknown, ctx: ConnectorContext) {
  const schemas = (SCHEMAS as Record<string, { input: unknown; output: unknown }>)[name];
  const out = await invokeOperation(def, name, input, ctx);
  assert.ok(schemas, `no schema for ${name}`);
  const i = new Validator(schemas.input as Schema, "2020-12").validate(input);
  assert.ok(
    i.valid,
    `${name} input accepted by the code but not the schema: ${JSON.stringify(i.errors)}`,
  );
  const o = new Validator(schemas.output as Schema, "2020-12").validate(out);
  assert.ok(o.valid, `${name} output does not match its schema: ${JSON.stringify(o.errors)}`);
  return out as Out;
}

Deno.test("github_list_issues follows Link rel=next across 3 pages", async () => {
  await using t = setup();
  const out = await op(t.gh, "github_list_issues", {
    owner: "octo",
    repo: "hello",
    state: "all",
    per_page: 3,
    max_pages: 3,
  }, t.ctx);
  const items = out.items as Issue[];
  assert.deepEqual(items.map((i) => i.number), [8, 7, 6, 5, 4, 3, 2, 1]);
  assert.equal(out.pages_fetched, 3);
  assert.equal(out.next_page, null);
  assert.equal(out.last_page, 3);
  assert.equal((out.rate_limit as { remaining: number }).remaining, 4997);
  // the first call is built from the input, the next two are GitHub's own Link URLs
  assert.deepEqual(
    t.sim.requests.map((r) => r.path + r.search),
    [
      "/repos/octo/hello/issues?state=all&per_page=3&page=1",
      "/repositories/500000/issues?state=all&per_page=3&page=2",
      "/repositories/500000/issues?state=all&per_page=3&page=3",
    ],
  );
});

Deno.test("github_list_issues stops at max_pages and reports the next page", async () => {
  await using t = setup();
  const out = await op(t.gh, "github_list_issues", {
    owner: "octo",
    repo: "hello",
    state: "all",
    per_page: 3,
    max_pages: 2,
  }, t.ctx);
  assert.equal((out.items as Issue[]).length, 6);
  assert.deepEqual([out.pages_fetched, out.next_page, out.last_page], [2, 3, 3]);
  const rest = await op(t.gh, "github_list_issues", {
    owner: "octo",
    repo: "hello",
    state: "all",
    per_page: 3,
    page: 3,
  }, t.ctx);
  assert.deepEqual((rest.items as Issue[]).map((i) => i.number), [2, 1]);
  assert.deepEqual([rest.next_page, rest.last_page], [null, null]);
});

Deno.test("github_list_issues filters by state and labels; pull requests can be dropped", async () => {
  await using t = setup();
  const nums = async (input: Out) =>
    ((await op(t.gh, "github_list_issues", { owner: "octo", repo: "hello", ...input }, t.ctx))
      .items as Issue[]).map((i) => i.number);
  assert.deepEqual(await nums({}), [8, 7, 6, 5, 3, 2, 1]);
  assert.deepEqual(await nums({ state: "closed" }), [4]);
  assert.deepEqual(await nums({ labels: ["bug"], direction: "asc" }), [1, 3, 5, 7]);
  assert.deepEqual(await nums({ include_pull_requests: false }), [7, 6, 5, 3, 2, 1]);
  const all = await op(t.gh, "github_list_issues", { owner: "octo", repo: "hello" }, t.ctx);
  const pr = (all.items as Issue[])[0]!;
  assert.equal(pr.is_pull_request, true);
  assert.deepEqual(pr.labels, ["enhancement"]);
  assert.equal(t.sim.requests.at(-1)?.search, "?state=open&per_page=30&page=1");
});

Deno.test("github: requests carry GitHub's headers and the credential id, never a token", async () => {
  await using t = setup();
  await op(t.gh, "github_get_issue", { owner: "octo", repo: "hello", issue_number: 1 }, t.ctx);
  const sent = t.ctx.requests[0]!;
  assert.equal(sent.credential, "github");
  assert.equal(sent.headers["authorization"], undefined);
  assert.equal(sent.headers["accept"], "application/vnd.github+json");
  assert.equal(sent.headers["x-github-api-version"], "2022-11-28");
  assert.equal(sent.headers["user-agent"], "fcp");
  // the simulator saw the token the guard injected
  assert.equal(t.sim.requests[0]?.headers["authorization"], `Bearer ${TOKEN}`);
});

Deno.test("github_get_issue returns the normalized issue", async () => {
  await using t = setup();
  const i = await op(
    t.gh,
    "github_get_issue",
    { owner: "octo", repo: "hello", issue_number: 3 },
    t.ctx,
  );
  assert.equal(i.number, 3);
  assert.equal(i.title, "Issue 3");
  assert.equal(i.state, "open");
  assert.deepEqual(i.labels, ["bug"]);
  assert.equal(i.user, "octocat");
  assert.equal(i.html_url, "https://github.com/octo/hello/issues/3");
  assert.equal(i.is_pull_request, false);
  assert.match(String(i.created_at), /Z$/);
});

Deno.test("github: create a comment, then get shows comments + 1", async () => {
  await using t = setup();
  const args = { owner: "octo", repo: "hello", "issue_number": 2 };
  const before = await op(t.gh, "github_get_issue", args, t.ctx);
  assert.equal(before.comments, 3);
  const c = await op(t.gh, "github_create_issue_comment", { ...args, body: "On it." }, t.ctx);
  assert.equal(c.body, "On it.");
  assert.equal(c.user, "fcp-bot");
  assert.match(String(c.html_url), /issues\/2#issuecomment-\d+$/);
  const after = await op(t.gh, "github_get_issue", args, t.ctx);
  assert.equal(after.comments, 4);
  assert.equal(t.sim.requests[1]?.method, "POST");
});

Deno.test("github: add labels, then get shows them", async () => {
  await using t = setup();
  const args = { owner: "octo", repo: "hello", "issue_number": 2 };
  const out = await op(t.gh, "github_add_labels", { ...args, labels: ["bug", "triage"] }, t.ctx);
  assert.deepEqual(out, { labels: ["bug", "triage"] });
  const i = await op(t.gh, "github_get_issue", args, t.ctx);
  assert.deepEqual(i.labels, ["bug", "triage"]);
  assert.deepEqual(t.sim.inspect("octo", "hello", 2)?.labels, ["bug", "triage"]);
});

Deno.test("github: a primary rate limit is FCP-7004 with retry_after from x-ratelimit-reset", async () => {
  await using t = setup();
  t.sim.setRateLimit(0, 90);
  await assert.rejects(
    op(t.gh, "github_get_issue", { owner: "octo", repo: "hello", issue_number: 1 }, t.ctx),
    (e) => {
      assert.ok(isOperationError(e, "FCP-7004"));
      assert.equal(e.retryable, true);
      assert.ok(e.retryAfterMs! > 80_000 && e.retryAfterMs! <= 91_000, String(e.retryAfterMs));
      assert.ok(Number(e.details?.retry_after) > 80);
      assert.match(e.message, /API rate limit exceeded/);
      assert.equal((e.details?.rate_limit as { remaining: number }).remaining, 0);
      return true;
    },
  );
});

Deno.test("github: a secondary rate limit is FCP-7004 with the retry-after header", async () => {
  await using t = setup();
  t.sim.secondaryRateLimitNext(42);
  await assert.rejects(
    op(t.gh, "github_list_pulls", { owner: "octo", repo: "hello" }, t.ctx),
    (e) =>
      isOperationError(e, "FCP-7004") && e.retryAfterMs === 42_000 && e.details?.retry_after === 42,
  );
});

Deno.test("github: a 429 is FCP-7004", async () => {
  const sim = startGithubSim({
    token: TOKEN,
    rateRemaining: 0,
    rateLimitStatus: 429,
    resetInSeconds: 30,
  });
  try {
    sim.addRepo("octo", "hello");
    const gh = createGithubConnector({ baseUrl: sim.url });
    await assert.rejects(
      op(
        gh,
        "github_list_issues",
        { owner: "octo", repo: "hello" },
        createTestContext({ credentials: { github: TOKEN } }),
      ),
      (e) =>
        isOperationError(e, "FCP-7004") && e.retryAfterMs! <= 31_000 && e.retryAfterMs! > 20_000,
    );
  } finally {
    await sim.close();
  }
});

Deno.test("github: 404 is FCP-7005 with GitHub's message", async () => {
  await using t = setup();
  for (
    const [name, input] of [
      ["github_get_issue", { owner: "octo", repo: "hello", issue_number: 99 }],
      ["github_get_issue", { owner: "octo", repo: "nope", issue_number: 1 }],
      ["github_get_pull", { owner: "octo", repo: "hello", pull_number: 1 }],
      ["github_create_issue_comment", {
        owner: "octo",
        repo: "hello",
        issue_number: 99,
        body: "x",
      }],
    ] as const
  ) {
    await assert.rejects(
      op(t.gh, name, input, t.ctx),
      (e) =>
        isOperationError(e, "FCP-7005") && e.message === "GitHub 404: Not Found" &&
        e.details?.documentation_url === "https://docs.github.com/rest",
      name,
    );
  }
});

Deno.test("github: 401 without a usable credential is FCP-7003 Bad credentials", async () => {
  await using t = setup();
  const wrong = createTestContext({ credentials: { github: "ghp_wrong" } });
  await assert.rejects(
    op(t.gh, "github_get_issue", { owner: "octo", repo: "hello", issue_number: 1 }, wrong),
    (e) =>
      isOperationError(e, "FCP-7003") && e.details?.status === 401 &&
      /Bad credentials/.test(e.message) &&
      !e.retryable,
  );
  // a guard that injects nothing: the request goes out without Authorization
  const bare = createTestContext();
  const noInject: ConnectorContext = {
    ...bare,
    fetch: (url, init = {}) => {
      const { credential: _ignored, ...rest } = init;
      return fetch(url, rest);
    },
  };
  await assert.rejects(
    op(t.gh, "github_list_issues", { owner: "octo", repo: "hello" }, noInject),
    (e) => isOperationError(e, "FCP-7003") && e.details?.status === 401,
  );
  assert.equal(t.sim.requests.at(-1)?.headers["authorization"], undefined);
  // a guard that knows no "github" credential refuses before any request
  await assert.rejects(
    op(t.gh, "github_get_issue", { owner: "octo", repo: "hello", issue_number: 1 }, bare),
    code("FCP-3003"),
  );
});

Deno.test("github: validation failures (422) are FCP-7003 with GitHub's errors", async () => {
  await using t = setup();
  await assert.rejects(
    op(t.gh, "github_create_issue_comment", {
      owner: "octo",
      repo: "hello",
      issue_number: 1,
      body: "   ",
    }, t.ctx),
    (e) => {
      assert.ok(isOperationError(e, "FCP-7003"));
      assert.equal(e.details?.status, 422);
      assert.match(e.message, /Validation Failed \(IssueComment\.body missing_field\)/);
      assert.deepEqual(e.details?.errors, [{
        resource: "IssueComment",
        code: "missing_field",
        field: "body",
      }]);
      return true;
    },
  );
  assert.deepEqual(t.sim.inspect("octo", "hello", 1)?.comments, 0);
});

Deno.test("github_list_pulls and github_get_pull return head/base refs", async () => {
  await using t = setup();
  t.sim.addPull("octo", "hello", { title: "Merged", head: "old", state: "closed", merged: true });
  const list = await op(
    t.gh,
    "github_list_pulls",
    { owner: "octo", repo: "hello", state: "all" },
    t.ctx,
  );
  const pulls = list.items as { number: number; head: { ref: string; repo: string } }[];
  assert.deepEqual(pulls.map((p) => p.number), [9, 8]);
  assert.equal(pulls[1]?.head.ref, "feat");
  assert.equal(pulls[1]?.head.repo, "octo/hello");
  const open = await op(t.gh, "github_list_pulls", {
    owner: "octo",
    repo: "hello",
    head: "octo:feat",
  }, t.ctx);
  assert.deepEqual((open.items as { number: number }[]).map((p) => p.number), [8]);
  const p = await op(
    t.gh,
    "github_get_pull",
    { owner: "octo", repo: "hello", pull_number: 9 },
    t.ctx,
  );
  assert.equal(p.merged, true);
  assert.equal(p.state, "closed");
  assert.equal(typeof p.additions, "number");
  assert.match(String((p.base as { sha: string }).sha), /^[0-9a-f]{40}$/);
});

Deno.test("github: inputs are checked before any request (FCP-1040)", async () => {
  await using t = setup();
  const bad: [string, Out][] = [
    ["github_get_issue", { owner: "../x", repo: "hello", issue_number: 1 }],
    ["github_get_issue", { owner: "octo", repo: "..", issue_number: 1 }],
    ["github_get_issue", { owner: "octo", repo: "hello", issue_number: 0 }],
    ["github_get_issue", { owner: "octo", repo: "hello" }],
    ["github_list_issues", { owner: "octo", repo: "hello", per_page: 101 }],
    ["github_list_issues", { owner: "octo", repo: "hello", max_pages: 11 }],
    ["github_list_issues", { owner: "octo", repo: "hello", state: "weird" }],
    ["github_list_issues", { owner: "octo", repo: "hello", labels: ["a,b"] }],
    ["github_list_issues", { owner: "octo", repo: "hello", since: "yesterday" }],
    ["github_add_labels", { owner: "octo", repo: "hello", issue_number: 1, labels: [] }],
    ["github_add_labels", {
      owner: "octo",
      repo: "hello",
      issue_number: 1,
      labels: ["x".repeat(51)],
    }],
    ["github_create_issue_comment", { owner: "octo", repo: "hello", issue_number: 1, body: "" }],
    ["github_get_pull", { owner: "octo", repo: "hello", pull_number: 1, extra: true }],
  ];
  for (const [name, input] of bad) {
    await assert.rejects(op(t.gh, name, input, t.ctx), code("FCP-1040"), JSON.stringify(input));
  }
  assert.equal(t.sim.requests.length, 0);
});

Deno.test("github: the API root comes from ctx.config.base_url when not fixed", async () => {
  await using t = setup();
  const ctx = createTestContext({
    credentials: { github: TOKEN },
    config: { base_url: t.sim.url },
  });
  const i = await op(githubConnector, "github_get_issue", {
    owner: "octo",
    repo: "hello",
    issue_number: 1,
  }, ctx);
  assert.equal(i.number, 1);
  // without configuration the connector targets api.github.com, which the (test) guard refuses
  const plain = createTestContext({ credentials: { github: TOKEN } });
  await assert.rejects(
    op(
      githubConnector,
      "github_get_issue",
      { owner: "octo", repo: "hello", issue_number: 1 },
      plain,
    ),
    code("FCP-3003"),
  );
  assert.equal(plain.requests[0]?.url, "https://api.github.com/repos/octo/hello/issues/1");
});

Deno.test("github: health checks the configuration without a request; a bad api root is unhealthy", async () => {
  await using t = setup();
  const before = t.ctx.requests.length;
  const ok = await t.gh.health!(t.ctx);
  assert.equal(ok.ok, true, ok.detail);
  assert.equal(t.ctx.requests.length, before, "health makes no request");
  const plain = createTestContext({ config: { base_url: "ftp://example.com" } });
  const bad = await githubConnector.health!(plain);
  assert.equal(bad.ok, false);
  assert.match(bad.detail ?? "", /FCP-1040/);
  assert.equal(plain.requests.length, 0);
});
