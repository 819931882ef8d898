/**
 * The node's host opened without running the node, for commands that change what a node will
 * do when it runs (`fcp connector install`, `fcp connector activate` while no node runs,
 * `fcp explain` of a stopped node): identity, zones, store, audit log and host.db of the home,
 * with no worker started (an attempt is `FCP-5002`).
 *
 * @module
 */
import { loadIdentity, ZoneKeyring } from "../authority/mod.ts";
import { FcpError } from "../core/mod.ts";
import { createNodeHost, type NodeHost } from "../host/mod.ts";
import { openDefaultStore, openNodeAudit } from "./node_runtime.ts";

/**
 * Run `f` with the home's host; everything is closed afterwards.
 *
 * @example
 * ```ts
 * import { withOfflineHost } from "./offline_host.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const id = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * await createStandardZones(id, id.keystore, 1_700_000_000);
 * const r = await withOfflineHost(home, async (host) => (await host.connectors.install("fcp.http")).id);
 * assert.equal(r, "fcp.http");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function withOfflineHost<T>(
  home: string,
  f: (host: NodeHost) => Promise<T>,
): Promise<T> {
  const now = () => Math.floor(Date.now() / 1000);
  const identity = await loadIdentity(home);
  const zones = await ZoneKeyring.load(identity.keystore);
  const store = openDefaultStore(home);
  let audit;
  let host: NodeHost | undefined;
  try {
    audit = openNodeAudit(home, identity, zones, now);
    host = await createNodeHost({
      home,
      identity,
      zones,
      store,
      audit,
      startActive: false,
      startWorker: () =>
        Promise.reject(
          new FcpError("FCP-5002", "the node is not running: start it with 'fcp node start'"),
        ),
    });
    return await f(host);
  } finally {
    await host?.shutdown();
    audit?.close();
    await store.close();
  }
}
