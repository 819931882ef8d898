/**
 * Everything a running node hosts, assembled in one place: host.db, the credential store and
 * egress guard (with the operator's config), the connector host with its workers, and the
 * invoke pipeline over policies, revocation, tokens, request log and idempotency. The node
 * runtime (api layer) creates one at start and shuts it down at stop.
 *
 * @module
 */
import type { Identity, ZoneKeyring } from "../authority/mod.ts";
import type { SymbolStore } from "../store/mod.ts";
import type { AuditLog } from "./audit_log.ts";
import { ConnectorHost, type StartWorker } from "./connector_host.ts";
import { ConnectorWorker } from "./connector_worker.ts";
import { CredentialStore } from "./credential_store.ts";
import { EgressGuard } from "./egress_guard.ts";
import { hostDbPath, openHostDb } from "./host_db.ts";
import { IdempotencyStore } from "./idempotency_store.ts";
import { TokenUsage } from "./token_usage.ts";
import { ApprovalLedger } from "./approval_ledger.ts";
import { InvokePipeline } from "./invoke_pipeline.ts";
import { loadNodeConfig } from "./node_config.ts";
import { PolicyStore } from "./policy_store.ts";
import { RequestLog } from "./request_log.ts";
import { RevocationView } from "./revocation_view.ts";

/** Options of {@link createNodeHost}. */
export interface NodeHostOptions {
  /** The node home. */
  readonly home: string;
  /** This node's identity. */
  readonly identity: Identity;
  /** Zone keys. */
  readonly zones: ZoneKeyring;
  /** The open store. */
  readonly store: SymbolStore;
  /** The audit log. */
  readonly audit: AuditLog;
  /** Clock, Unix seconds. */
  readonly now?: () => number;
  /** Replaces the DNS resolver of the egress guard (tests). */
  readonly resolver?: (hostname: string) => Promise<string[]>;
  /** Replaces the worker starter (default: a sandboxed `ConnectorWorker`). */
  readonly startWorker?: StartWorker;
  /** Start the instances marked active (default true). */
  readonly startActive?: boolean;
  /**
   * Takes host.db's WAL checkpoints off the request path (the node's `WalCheckpointer`).
   * Without it, or when it refuses, host.db checkpoints itself as SQLite does by default.
   */
  readonly walCheckpoints?: {
    manage(path: string, setAutoCheckpoint: (pages: number) => void): Promise<void>;
  };
}

/** The assembled host. */
export interface NodeHost {
  /** The connector host. */
  readonly connectors: ConnectorHost;
  /** The invoke pipeline. */
  readonly pipeline: InvokePipeline;
  /** Host credentials. */
  readonly credentials: CredentialStore;
  /** Instances that failed to start at node start. */
  readonly startFailures: readonly { instance: string; code: string }[];
  /** Stop workers, the guard and host.db (idempotent). */
  shutdown(): Promise<void>;
}

/**
 * Assemble the node's host (see the module comment).
 *
 * @example
 * ```ts
 * import { createNodeHost } from "./node_host.ts";
 * import { AuditLog } from "./audit_log.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import { MemorySymbolStore } from "../store/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const zones = await createStandardZones(identity, identity.keystore, 1_700_000_000);
 * const audit = AuditLog.open({ path: ":memory:", nodeId: "n", signer: identity.signing,
 *   publicKey: identity.signing.publicKey, objectIdKey: (z) => zones.objectIdKey(z).key });
 * const host = await createNodeHost({ home, identity, zones, store: new MemorySymbolStore(), audit });
 * assert.deepEqual(host.connectors.list(), []);
 * await host.shutdown();
 * audit.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function createNodeHost(opts: NodeHostOptions): Promise<NodeHost> {
  const config = await loadNodeConfig(opts.home);
  const db = openHostDb(opts.home);
  let dbOpen = true;
  try {
    await opts.walCheckpoints?.manage(hostDbPath(opts.home), (pages) => {
      if (dbOpen) db.exec(`PRAGMA wal_autocheckpoint = ${Math.trunc(pages)}`);
    });
  } catch { /* host.db keeps its own automatic checkpoints */ }
  const credentials = CredentialStore.open(opts.home);
  const hostRef: { current?: ConnectorHost } = {};
  const egress = new EgressGuard({
    credentials,
    allowCidrs: config.egress.allowCidrs,
    caCerts: config.egress.caCerts,
    ...(opts.resolver === undefined ? {} : { resolver: opts.resolver }),
    onEvent: (e) => hostRef.current?.recordEgress(e),
  });
  const connectors = new ConnectorHost({
    home: opts.home,
    zones: opts.zones,
    nodeId: opts.identity.nodeId,
    store: opts.store,
    db,
    audit: opts.audit,
    egress,
    startWorker: opts.startWorker ?? ((spec) => ConnectorWorker.start(spec)),
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  const revocation = new RevocationView(opts.home, opts.zones, opts.identity.owner.publicKey);
  revocation.prepare();
  const pipeline = new InvokePipeline({
    identity: opts.identity,
    zones: opts.zones,
    audit: opts.audit,
    policies: new PolicyStore(opts.identity, opts.zones),
    revocation,
    requests: new RequestLog(db),
    idempotency: new IdempotencyStore(db),
    usage: new TokenUsage(db),
    approvals: new ApprovalLedger(db),
    connectors,
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  hostRef.current = connectors;
  const host = connectors;
  const startFailures = opts.startActive === false ? [] : await host.startActive();
  let stopped: Promise<void> | undefined;
  return {
    connectors: host,
    pipeline,
    credentials,
    startFailures,
    shutdown: () =>
      stopped ??= (async () => {
        try {
          await host.shutdown();
          await egress.close();
        } finally {
          dbOpen = false;
          db.close();
        }
      })(),
  };
}
