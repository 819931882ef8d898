/**
 * A client of the running node's LocalAPI, for `fcp node status`, `fcp doctor` and tests: finds
 * the node through its lock (`run/node.lock.json`, trusted only while the lock is held), reads
 * the token from `FCP_HOME/api.token`, and turns JSON error bodies back into `FcpError`s.
 *
 * @module
 */
import { ERROR_CODES, type ErrorCode, FcpError } from "../core/mod.ts";
import { readApiToken } from "./api_token.ts";
import type { NodeStatus } from "./deps.ts";
import { type NodeLockInfo, runningNode } from "./node_lock.ts";

/** A JSON answer of the running node. */
export interface NodeReply<T> {
  /** Where the node was found. */
  readonly node: NodeLockInfo;
  /** The decoded body. */
  readonly body: T;
}

/**
 * The `FcpError` of a LocalAPI error body (`{code, name, message}`), or `FCP-9001` when the
 * body is not one.
 *
 * @example
 * ```ts
 * import { errorFromBody } from "./node_client.ts";
 * import assert from "node:assert/strict";
 * const e = errorFromBody({ code: "FCP-6001", name: "resource.not_found", message: "gone" }, 404);
 * assert.equal(e.code, "FCP-6001");
 * assert.equal(e.detail, "gone");
 * assert.equal(errorFromBody("nonsense", 500).code, "FCP-9001");
 * ```
 */
export function errorFromBody(body: unknown, status: number): FcpError {
  if (typeof body === "object" && body !== null) {
    const { code, message, details } = body as {
      code?: unknown;
      message?: unknown;
      details?: unknown;
    };
    if (typeof code === "string" && Object.hasOwn(ERROR_CODES, code)) {
      const flat: Record<string, string | number | boolean> = {};
      if (typeof details === "object" && details !== null) {
        for (const [k, v] of Object.entries(details)) {
          if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
            flat[k] = v;
          }
        }
      }
      return new FcpError(
        code as ErrorCode,
        typeof message === "string" ? message : "",
        Object.keys(flat).length === 0 ? undefined : { details: flat },
      );
    }
  }
  return new FcpError("FCP-9001", `the node answered HTTP ${status} without an error body`);
}

/**
 * Call the running node of `home`: `FCP-5002` when no node runs there or it cannot be reached;
 * an error answer is thrown as its `FcpError`.
 *
 * @example
 * ```ts
 * import { requestNode } from "./node_client.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * await assert.rejects(requestNode(home, "/v1/status"), (e) => isFcpError(e, "FCP-5002"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function requestNode<T = unknown>(
  home: string,
  path: string,
  init: RequestInit = {},
): Promise<NodeReply<T>> {
  const node = await runningNode(home);
  const token = await readApiToken(home);
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  const host = node.hostname.includes(":") ? `[${node.hostname}]` : node.hostname;
  let res: Response;
  try {
    res = await fetch(`http://${host}:${node.port}${path}`, { ...init, headers });
  } catch (cause) {
    throw new FcpError(
      "FCP-5002",
      `the node on ${home} (pid ${node.pid}) does not answer on port ${node.port}`,
      { cause },
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) throw errorFromBody(body, res.status);
  return { node, body: body as T };
}

/**
 * `GET /v1/status` of the running node of `home`.
 *
 * @example
 * ```ts
 * import { fetchNodeStatus } from "./node_client.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * await assert.rejects(fetchNodeStatus(home), (e) => isFcpError(e, "FCP-5002"));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function fetchNodeStatus(home: string): Promise<NodeStatus> {
  return (await requestNode<NodeStatus>(home, "/v1/status")).body;
}
