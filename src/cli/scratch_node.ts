/**
 * A throwaway node for `fcp demo` and the `fcp bench` commands that time the real path: a new
 * home in a temporary directory, initialized as `fcp init` does, a node started in this process
 * on a free loopback port, and helpers that talk to it over real HTTP with its bearer token,
 * the way any LocalAPI client does.
 *
 * @module
 */
import { readApiToken, type RunningNode, startNode } from "../api/mod.ts";
import { loadIdentity, ZoneKeyring, zonePolicy } from "../authority/mod.ts";
import { FcpError, toHex } from "../core/mod.ts";
import { mintCapabilityToken, type MintRequest, setZonePolicy } from "../host/mod.ts";
import type { ZoneId } from "../model/mod.ts";
import { ensureInitialized } from "./commands/node.ts";
import { FCP_VERSION } from "./version.ts";

/** A running scratch node. */
export interface ScratchNode {
  /** Its home. */
  readonly home: string;
  /** The node. */
  readonly node: RunningNode;
  /** Call the LocalAPI; JSON in and out; error bodies become `FcpError`s. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Mint a token (hex) on this node. */
  mint(r: MintRequest): Promise<string>;
  /** Replace a zone's policy (owner-signed) with these allow lists. */
  allow(
    zone: ZoneId,
    lists: { principals: string[]; connectors: string[]; caps: string[] },
  ): Promise<void>;
  /** Stop the node and remove the home (unless kept). */
  close(opts?: { keep?: boolean }): Promise<void>;
}

/**
 * Start a scratch node (home under the system temp directory, or `home` when given).
 *
 * @example
 * ```ts
 * import { startScratchNode } from "./scratch_node.ts";
 * import assert from "node:assert/strict";
 * const s = await startScratchNode();
 * const status = await s.api<{ state: string }>("GET", "/v1/status");
 * assert.equal(status.state, "running");
 * await s.close();
 * ```
 */
export async function startScratchNode(opts: { home?: string } = {}): Promise<ScratchNode> {
  const home = opts.home ?? await Deno.makeTempDir({ prefix: "fcp-scratch-" });
  await ensureInitialized(home, Math.floor(Date.now() / 1000));
  const node = await startNode({ home, version: FCP_VERSION, port: 0 });
  const token = await readApiToken(home);
  const base = `http://127.0.0.1:${node.port}`;
  let identity: Awaited<ReturnType<typeof loadIdentity>> | undefined;
  let ring: ZoneKeyring | undefined;
  return {
    home,
    node,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      const parsed = text === "" ? null : JSON.parse(text);
      if (!res.ok) {
        const details = parsed?.details;
        throw new FcpError(parsed?.code ?? "FCP-9001", parsed?.message ?? `HTTP ${res.status}`, {
          ...(details ? { details } : {}),
        });
      }
      return parsed as T;
    },
    async mint(r) {
      identity ??= await loadIdentity(home);
      ring ??= await ZoneKeyring.load(identity.keystore);
      const t = await mintCapabilityToken(identity, ring, r, Math.floor(Date.now() / 1000));
      return toHex(t.token);
    },
    async allow(zone, lists) {
      identity ??= await loadIdentity(home);
      ring ??= await ZoneKeyring.load(identity.keystore);
      await setZonePolicy(
        identity,
        ring,
        zonePolicy({
          zoneId: zone,
          principalsAllow: lists.principals,
          connectorsAllow: lists.connectors,
          capAllow: lists.caps,
        }),
        Math.floor(Date.now() / 1000),
      );
    },
    async close(c = {}) {
      await node.stop();
      if (!c.keep && opts.home === undefined) await Deno.remove(home, { recursive: true });
    },
  };
}
