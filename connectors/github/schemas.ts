/**
 * JSON Schemas (draft 2020-12) of the `fcp.github` operations' inputs and outputs, for the
 * manifest's `input_schema` / `output_schema` (spec §11.1). Outputs are a normalized subset of
 * GitHub's objects (logins and label names instead of nested objects). `operations.ts` enforces
 * the same input rules again.
 *
 * @module
 */

/** A JSON Schema object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Most pages one list call follows. */
export const GITHUB_MAX_PAGES = 10;

const owner: JsonSchema = {
  type: "string",
  pattern: "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$",
  description: "user or organization login",
};
const repo: JsonSchema = {
  type: "string",
  pattern: "^[A-Za-z0-9._-]{1,100}$",
  not: { enum: [".", ".."] },
  description: "repository name",
};
const number: JsonSchema = { type: "integer", minimum: 1, maximum: 2147483647 };
const state: JsonSchema = { enum: ["open", "closed", "all"], default: "open" };
const direction: JsonSchema = { enum: ["asc", "desc"] };
const paging: Record<string, JsonSchema> = {
  "per_page": { type: "integer", minimum: 1, maximum: 100, default: 30 },
  page: { type: "integer", minimum: 1, maximum: 100000, default: 1 },
  "max_pages": {
    type: "integer",
    minimum: 1,
    maximum: GITHUB_MAX_PAGES,
    default: 1,
    description: 'pages to fetch by following Link rel="next"',
  },
};
const nullableString: JsonSchema = { type: ["string", "null"] };

const rateLimit: JsonSchema = {
  type: ["object", "null"],
  properties: {
    limit: { type: "integer" },
    remaining: { type: "integer" },
    reset: { type: "integer", description: "epoch seconds" },
    used: { type: "integer" },
    resource: { type: "string" },
  },
};

const issue: JsonSchema = {
  type: "object",
  required: [
    "number",
    "title",
    "state",
    "labels",
    "user",
    "comments",
    "html_url",
    "is_pull_request",
  ],
  properties: {
    id: { type: "integer" },
    node_id: { type: "string" },
    number,
    title: { type: "string" },
    state: { enum: ["open", "closed"] },
    state_reason: nullableString,
    locked: { type: "boolean" },
    labels: { type: "array", items: { type: "string" } },
    user: nullableString,
    assignees: { type: "array", items: { type: "string" } },
    comments: { type: "integer" },
    html_url: { type: "string" },
    url: { type: "string" },
    created_at: { type: "string" },
    updated_at: { type: "string" },
    closed_at: nullableString,
    body: nullableString,
    is_pull_request: { type: "boolean" },
  },
};

const ref: JsonSchema = {
  type: "object",
  properties: {
    label: { type: "string" },
    ref: { type: "string" },
    sha: { type: "string" },
    repo: { type: ["string", "null"], description: "full name, null for a deleted fork" },
  },
};

const pull: JsonSchema = {
  type: "object",
  required: ["number", "title", "state", "draft", "head", "base", "html_url"],
  properties: {
    id: { type: "integer" },
    node_id: { type: "string" },
    number,
    title: { type: "string" },
    state: { enum: ["open", "closed"] },
    draft: { type: "boolean" },
    locked: { type: "boolean" },
    user: nullableString,
    labels: { type: "array", items: { type: "string" } },
    head: ref,
    base: ref,
    html_url: { type: "string" },
    url: { type: "string" },
    created_at: { type: "string" },
    updated_at: { type: "string" },
    closed_at: nullableString,
    merged_at: nullableString,
    body: nullableString,
    merged: { type: "boolean", description: "single-pull form only" },
    mergeable: { type: ["boolean", "null"] },
    mergeable_state: { type: "string" },
    comments: { type: "integer" },
    review_comments: { type: "integer" },
    commits: { type: "integer" },
    additions: { type: "integer" },
    deletions: { type: "integer" },
    changed_files: { type: "integer" },
  },
};

function list(item: JsonSchema): JsonSchema {
  return {
    type: "object",
    required: ["items", "pages_fetched", "next_page", "last_page", "rate_limit"],
    additionalProperties: false,
    properties: {
      items: { type: "array", items: item },
      pages_fetched: { type: "integer", minimum: 1 },
      next_page: { type: ["integer", "null"], description: "page to ask for next, if any" },
      last_page: { type: ["integer", "null"] },
      rate_limit: rateLimit,
    },
  };
}

/**
 * Input and output schema of every `fcp.github` operation, by operation id.
 *
 * @example
 * ```ts
 * import { GITHUB_SCHEMAS } from "./schemas.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Object.keys(GITHUB_SCHEMAS), [
 *   "github_list_issues", "github_get_issue", "github_create_issue_comment",
 *   "github_add_labels", "github_list_pulls", "github_get_pull",
 * ]);
 * ```
 */
export const GITHUB_SCHEMAS = {
  github_list_issues: {
    input: {
      type: "object",
      required: ["owner", "repo"],
      additionalProperties: false,
      properties: {
        owner,
        repo,
        state,
        labels: {
          type: "array",
          maxItems: 20,
          items: { type: "string", minLength: 1, maxLength: 50, pattern: "^[^,]+$" },
          description: "only issues carrying all of these labels",
        },
        sort: { enum: ["created", "updated", "comments"] },
        direction,
        since: { type: "string", format: "date-time" },
        include_pull_requests: {
          type: "boolean",
          default: true,
          description: "GitHub lists pull requests as issues; false drops them",
        },
        ...paging,
      },
    },
    output: list(issue),
  },
  github_get_issue: {
    input: {
      type: "object",
      required: ["owner", "repo", "issue_number"],
      additionalProperties: false,
      properties: { owner, repo, issue_number: number },
    },
    output: issue,
  },
  github_create_issue_comment: {
    input: {
      type: "object",
      required: ["owner", "repo", "issue_number", "body"],
      additionalProperties: false,
      properties: {
        owner,
        repo,
        issue_number: number,
        body: { type: "string", minLength: 1, maxLength: 65536 },
      },
    },
    output: {
      type: "object",
      required: ["id", "html_url", "body", "user", "created_at"],
      properties: {
        id: { type: "integer" },
        node_id: { type: "string" },
        url: { type: "string" },
        html_url: { type: "string" },
        body: { type: "string" },
        user: nullableString,
        created_at: { type: "string" },
      },
    },
  },
  github_add_labels: {
    input: {
      type: "object",
      required: ["owner", "repo", "issue_number", "labels"],
      additionalProperties: false,
      properties: {
        owner,
        repo,
        issue_number: number,
        labels: {
          type: "array",
          minItems: 1,
          maxItems: 100,
          items: { type: "string", minLength: 1, maxLength: 50 },
        },
      },
    },
    output: {
      type: "object",
      required: ["labels"],
      additionalProperties: false,
      properties: {
        labels: {
          type: "array",
          items: { type: "string" },
          description: "every label now on the issue",
        },
      },
    },
  },
  github_list_pulls: {
    input: {
      type: "object",
      required: ["owner", "repo"],
      additionalProperties: false,
      properties: {
        owner,
        repo,
        state,
        head: { type: "string", maxLength: 300, description: "user:ref-name" },
        base: { type: "string", maxLength: 255 },
        sort: { enum: ["created", "updated", "popularity", "long-running"] },
        direction,
        ...paging,
      },
    },
    output: list(pull),
  },
  github_get_pull: {
    input: {
      type: "object",
      required: ["owner", "repo", "pull_number"],
      additionalProperties: false,
      properties: { owner, repo, pull_number: number },
    },
    output: pull,
  },
} as const satisfies Record<string, { input: JsonSchema; output: JsonSchema }>;
