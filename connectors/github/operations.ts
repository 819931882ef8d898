/**
 * `fcp.github`: issues and pull requests over the GitHub REST API (issue 5 §6): list and get
 * issues, comment on an issue, add labels, list and get pull requests.
 *
 * The token never reaches this code: the client names the credential id `"github"` and the
 * host's egress guard injects it (spec §11.2.1). The API root is `https://api.github.com`
 * unless `ctx.config.base_url` (set by the `configure` method, spec §10.3) says otherwise;
 * {@link createGithubConnector} fixes it in code (tests use a local simulator).
 *
 * Outputs are normalized: logins and label names instead of nested objects. Schemas:
 * `./schemas.ts`.
 *
 * @module
 */
import {
  type ConnectorContext,
  type ConnectorDefinition,
  type HealthReport,
  type InputReader,
  isOperationError,
  OperationError,
  readInput,
} from "../_sdk/mod.ts";
import { GithubClient, type GithubPages } from "./client.ts";
import { GITHUB_MAX_PAGES } from "./schemas.ts";

/** The connector id. */
export const GITHUB_CONNECTOR_ID = "fcp.github";

const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_RE = /^[A-Za-z0-9._-]{1,100}$/;

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Json : {};
}
function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function int(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}
function login(v: unknown): string | null {
  return str(obj(v).login);
}
function names(v: unknown, key: "name" | "login"): string[] {
  return Array.isArray(v)
    ? v.map((x) => str(obj(x)[key])).filter((x): x is string => x !== null)
    : [];
}

function expectObject(data: unknown, what: string): Json {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new OperationError("FCP-7003", `GitHub returned an unexpected ${what}`);
  }
  return data as Json;
}

/** GitHub issue → normalized issue (see schemas.ts). */
function issueOut(v: unknown) {
  const o = obj(v);
  return {
    id: int(o.id),
    node_id: str(o.node_id) ?? "",
    number: int(o.number),
    title: str(o.title) ?? "",
    state: str(o.state) ?? "",
    state_reason: str(o.state_reason),
    locked: o.locked === true,
    labels: names(o.labels, "name"),
    user: login(o.user),
    assignees: names(o.assignees, "login"),
    comments: int(o.comments),
    html_url: str(o.html_url) ?? "",
    url: str(o.url) ?? "",
    created_at: str(o.created_at) ?? "",
    updated_at: str(o.updated_at) ?? "",
    closed_at: str(o.closed_at),
    body: str(o.body),
    is_pull_request: o.pull_request !== undefined && o.pull_request !== null,
  };
}

function refOut(v: unknown) {
  const o = obj(v);
  return {
    label: str(o.label) ?? "",
    ref: str(o.ref) ?? "",
    sha: str(o.sha) ?? "",
    repo: str(obj(o.repo).full_name),
  };
}

/** GitHub pull request → normalized pull (list form; `full` adds the single-pull fields). */
function pullOut(v: unknown, full: boolean) {
  const o = obj(v);
  const base = {
    id: int(o.id),
    "node_id": str(o.node_id) ?? "",
    number: int(o.number),
    title: str(o.title) ?? "",
    state: str(o.state) ?? "",
    draft: o.draft === true,
    locked: o.locked === true,
    user: login(o.user),
    labels: names(o.labels, "name"),
    head: refOut(o.head),
    base: refOut(o.base),
    "html_url": str(o.html_url) ?? "",
    url: str(o.url) ?? "",
    "created_at": str(o.created_at) ?? "",
    "updated_at": str(o.updated_at) ?? "",
    "closed_at": str(o.closed_at),
    "merged_at": str(o.merged_at),
    body: str(o.body),
  };
  if (!full) return base;
  return {
    ...base,
    merged: o.merged === true,
    mergeable: typeof o.mergeable === "boolean" ? o.mergeable : null,
    mergeable_state: str(o.mergeable_state) ?? "unknown",
    comments: int(o.comments),
    review_comments: int(o.review_comments),
    commits: int(o.commits),
    additions: int(o.additions),
    deletions: int(o.deletions),
    changed_files: int(o.changed_files),
  };
}

function bad(field: string, what: string): OperationError {
  return new OperationError("FCP-1040", `input.${field}: ${what}`, { details: { field } });
}

/** `owner` and `repo`, checked, as an encoded `/repos/{owner}/{repo}` path. */
function repoPath(r: InputReader): string {
  const owner = r.string("owner", 39);
  const repo = r.string("repo", 100);
  if (!OWNER_RE.test(owner)) throw bad("owner", "is not a GitHub login");
  if (!REPO_RE.test(repo) || repo === "." || repo === "..") {
    throw bad("repo", "is not a GitHub repository name");
  }
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

function itemNumber(r: InputReader, key: string): number {
  const n = r.int(key, { min: 1, max: 2147483647 });
  if (n === undefined) throw bad(key, "is required");
  return n;
}

function paging(r: InputReader) {
  return {
    perPage: r.int("per_page", { min: 1, max: 100 }, 30),
    page: r.int("page", { min: 1, max: 100000 }, 1),
    maxPages: r.int("max_pages", { min: 1, max: GITHUB_MAX_PAGES }, 1),
  };
}

function listOut<T>(
  pages: GithubPages,
  map: (v: unknown) => T,
  keep: (t: T) => boolean = () => true,
) {
  return {
    items: pages.items.map(map).filter(keep),
    pages_fetched: pages.pagesFetched,
    next_page: pages.nextPage,
    last_page: pages.lastPage,
    rate_limit: pages.rateLimit,
  };
}

const PAGING_FIELDS = ["per_page", "page", "max_pages"];

/** The operations, over a client factory (so the base URL can be fixed or configured). */
function operations(client: (ctx: ConnectorContext) => GithubClient) {
  return {
    /** GET /repos/{owner}/{repo}/issues (pull requests included unless asked otherwise). */
    async github_list_issues(input: unknown, ctx: ConnectorContext) {
      const r = readInput(input, [
        "owner",
        "repo",
        "state",
        "labels",
        "sort",
        "direction",
        "since",
        "include_pull_requests",
        ...PAGING_FIELDS,
      ]);
      const path = `${repoPath(r)}/issues`;
      const labels = r.stringArray("labels", 20, 50);
      if (labels?.some((l) => l.includes(","))) {
        throw bad("labels", "names must not contain commas");
      }
      const since = r.optString("since", 64);
      if (since !== undefined && Number.isNaN(Date.parse(since))) {
        throw bad("since", "must be an ISO 8601 timestamp");
      }
      const { perPage, page, maxPages } = paging(r);
      const includePulls = r.bool("include_pull_requests", true);
      const query = {
        state: r.oneOf("state", ["open", "closed", "all"] as const, "open"),
        labels: labels?.join(","),
        sort: r.has("sort")
          ? r.oneOf("sort", ["created", "updated", "comments"] as const, "created")
          : undefined,
        direction: r.has("direction")
          ? r.oneOf("direction", ["asc", "desc"] as const, "desc")
          : undefined,
        since,
        "per_page": perPage,
        page,
      };
      const pages = await client(ctx).paginate(path, query, maxPages);
      return listOut(pages, issueOut, (i) => includePulls || !i.is_pull_request);
    },

    /** GET /repos/{owner}/{repo}/issues/{issue_number}. */
    async github_get_issue(input: unknown, ctx: ConnectorContext) {
      const r = readInput(input, ["owner", "repo", "issue_number"]);
      const path = `${repoPath(r)}/issues/${itemNumber(r, "issue_number")}`;
      const res = await client(ctx).request("GET", path);
      return issueOut(expectObject(res.data, "issue"));
    },

    /** POST /repos/{owner}/{repo}/issues/{issue_number}/comments. */
    async github_create_issue_comment(input: unknown, ctx: ConnectorContext) {
      const r = readInput(input, ["owner", "repo", "issue_number", "body"]);
      const path = `${repoPath(r)}/issues/${itemNumber(r, "issue_number")}/comments`;
      const body = r.string("body", 65536);
      const res = await client(ctx).request("POST", path, { body: { body } });
      const o = expectObject(res.data, "comment");
      return {
        id: int(o.id),
        node_id: str(o.node_id) ?? "",
        url: str(o.url) ?? "",
        html_url: str(o.html_url) ?? "",
        body: str(o.body) ?? "",
        user: login(o.user),
        created_at: str(o.created_at) ?? "",
      };
    },

    /** POST /repos/{owner}/{repo}/issues/{issue_number}/labels (creates missing labels). */
    async github_add_labels(input: unknown, ctx: ConnectorContext) {
      const r = readInput(input, ["owner", "repo", "issue_number", "labels"]);
      const path = `${repoPath(r)}/issues/${itemNumber(r, "issue_number")}/labels`;
      const labels = r.stringArray("labels", 100, 50);
      if (labels === undefined || labels.length === 0) {
        throw bad("labels", "needs at least one label");
      }
      const res = await client(ctx).request("POST", path, { body: { labels } });
      if (!Array.isArray(res.data)) {
        throw new OperationError("FCP-7003", "GitHub returned an unexpected label list");
      }
      return { labels: names(res.data, "name") };
    },

    /** GET /repos/{owner}/{repo}/pulls. */
    async github_list_pulls(input: unknown, ctx: ConnectorContext) {
      const r = readInput(input, [
        "owner",
        "repo",
        "state",
        "head",
        "base",
        "sort",
        "direction",
        ...PAGING_FIELDS,
      ]);
      const path = `${repoPath(r)}/pulls`;
      const { perPage, page, maxPages } = paging(r);
      const query = {
        state: r.oneOf("state", ["open", "closed", "all"] as const, "open"),
        head: r.optString("head", 300),
        base: r.optString("base", 255),
        sort: r.has("sort")
          ? r.oneOf(
            "sort",
            ["created", "updated", "popularity", "long-running"] as const,
            "created",
          )
          : undefined,
        direction: r.has("direction")
          ? r.oneOf("direction", ["asc", "desc"] as const, "desc")
          : undefined,
        "per_page": perPage,
        page,
      };
      const pages = await client(ctx).paginate(path, query, maxPages);
      return listOut(pages, (v) => pullOut(v, false));
    },

    /** GET /repos/{owner}/{repo}/pulls/{pull_number}. */
    async github_get_pull(input: unknown, ctx: ConnectorContext) {
      const r = readInput(input, ["owner", "repo", "pull_number"]);
      const path = `${repoPath(r)}/pulls/${itemNumber(r, "pull_number")}`;
      const res = await client(ctx).request("GET", path);
      return pullOut(expectObject(res.data, "pull request"), true);
    },
  };
}

/** Options of {@link createGithubConnector}. */
export interface GithubConnectorOptions {
  /** API root; when absent, `ctx.config.base_url` or https://api.github.com. */
  baseUrl?: string;
}

function configuredBase(ctx: ConnectorContext): string | undefined {
  const v = ctx.config?.["base_url"];
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    throw new OperationError("FCP-1040", "config.base_url must be a string");
  }
  return v;
}

/**
 * Build the `fcp.github` connector, optionally with a fixed API root.
 *
 * @example
 * ```ts
 * import { createGithubConnector } from "./operations.ts";
 * import assert from "node:assert/strict";
 * const c = createGithubConnector({ baseUrl: "http://127.0.0.1:9" });
 * assert.equal(c.id, "fcp.github");
 * assert.ok(c.operations.github_list_issues);
 * ```
 */
export function createGithubConnector(opts: GithubConnectorOptions = {}): ConnectorDefinition {
  const client = (ctx: ConnectorContext) => {
    const baseUrl = opts.baseUrl ?? configuredBase(ctx);
    return new GithubClient(ctx, baseUrl === undefined ? {} : { baseUrl });
  };
  return {
    id: GITHUB_CONNECTOR_ID,
    version: "0.1.0",
    operations: operations(client),
    /**
     * Ready when its configuration is (a valid API root). Health makes no request: the host
     * polls it every few seconds, outside any call, where the egress guard lets nothing out;
     * the network and the credential are checked by each call, which fails with their codes.
     */
    health(ctx: ConnectorContext): Promise<HealthReport> {
      try {
        return Promise.resolve({ ok: true, detail: `api root ${client(ctx).baseUrl}` });
      } catch (e) {
        return Promise.resolve({
          ok: false,
          detail: isOperationError(e) ? `${e.code} ${e.message}` : "misconfigured",
        });
      }
    },
  };
}

/**
 * The `fcp.github` connector against https://api.github.com (or `ctx.config.base_url`).
 *
 * @example
 * ```ts
 * import { githubConnector } from "./operations.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Object.keys(githubConnector.operations), [
 *   "github_list_issues", "github_get_issue", "github_create_issue_comment",
 *   "github_add_labels", "github_list_pulls", "github_get_pull",
 * ]);
 * ```
 */
export const githubConnector: ConnectorDefinition = createGithubConnector();

export default githubConnector;
