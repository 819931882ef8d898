/**
 * A pipeline over a real temporary home (identity, zones, policies, audit, host.db) and an
 * in-process connector, for the invoke pipeline tests. The connector runs as a function here;
 * the sandboxed worker path is tested end to end in tests/.
 *
 * @module
 */
import {
  createStandardZones,
  type Identity,
  initIdentity,
  type ZoneKeyring,
  zonePolicy,
} from "../authority/mod.ts";
import type { ZoneId } from "../model/mod.ts";
import { AuditLog } from "./audit_log.ts";
import { openHostDb } from "./host_db.ts";
import { IdempotencyStore } from "./idempotency_store.ts";
import { TokenUsage } from "./token_usage.ts";
import { ApprovalLedger } from "./approval_ledger.ts";
import { type ConnectorTarget, InvokePipeline } from "./invoke_pipeline.ts";
import { lintManifest, parseManifest } from "./manifest.ts";
import { BASE_MANIFEST } from "./_manifest_fixture.ts";
import type { ConnectorManifest } from "./manifest_types.ts";
import { PolicyStore, setZonePolicy, writeDefaultPolicies } from "./policy_store.ts";
import { RequestLog } from "./request_log.ts";
import { RevocationView } from "./revocation_view.ts";
import { mintCapabilityToken, type MintRequest } from "./token_mint.ts";

/** The fixture connector id. */
export const TEST_CONNECTOR = "fcp.test";
/** The fixture clock. */
export const T0 = 1_700_000_000;

const DANGEROUS_OP = `
[[operations]]
id = "test.wipe"
description = "Wipe"
capability = "test.write"
risk_level = "high"
safety_tier = "dangerous"
idempotency = "strict"
input_schema = { type = "object" }
output_schema = { type = "object" }
ai_hints = { when_to_use = "to wipe" }

[sandbox]`;

/** The fixture manifest: test.read (safe), test.write (risky), test.wipe (dangerous). */
export function testManifest(): ConnectorManifest {
  const text = BASE_MANIFEST.replace("\n[sandbox]", DANGEROUS_OP);
  const fixed = text.replace(
    /interface_hash = "[^"]+"/,
    `interface_hash = "${lintManifest(text).computedInterfaceHash}"`,
  );
  return parseManifest(fixed);
}

/** A running fixture. */
export interface PipelineFixture {
  readonly home: string;
  readonly identity: Identity;
  readonly zones: ZoneKeyring;
  readonly audit: AuditLog;
  readonly pipeline: InvokePipeline;
  readonly requests: RequestLog;
  /** The pipeline's usage counters (max_calls, max_bytes). */
  readonly usage: TokenUsage;
  /** Calls the connector received. */
  readonly calls: { operation: string; input: unknown }[];
  /** Replace the connector's behavior. */
  behave(f: (operation: string, input: unknown, requestId: string) => Promise<unknown>): void;
  /** Zones the connector is active in (default z:work). */
  activeZones: ZoneId[];
  /** Allow everything for the connector in z:work (principal agent:*). */
  allowAll(): Promise<void>;
  /** Mint a token (defaults: z:work, test.read / test.read, 600 s, principal agent:t). */
  mint(r?: Partial<MintRequest>): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Build a fixture. */
export async function pipelineFixture(): Promise<PipelineFixture> {
  const home = await Deno.makeTempDir({ prefix: "fcp-pipeline-" });
  const identity = await initIdentity(home, { now: T0, nodeId: "node-t" });
  const zones = await createStandardZones(identity, identity.keystore, T0);
  await writeDefaultPolicies(identity, zones, T0);
  const audit = AuditLog.open({
    path: ":memory:",
    nodeId: identity.nodeId,
    signer: identity.signing,
    publicKey: identity.signing.publicKey,
    objectIdKey: (z) => zones.objectIdKey(z).key,
    now: () => T0,
  });
  const db = openHostDb(":memory:");
  const requests = new RequestLog(db);
  const manifest = testManifest();
  const calls: { operation: string; input: unknown }[] = [];
  let behavior = (_op: string, input: unknown, _requestId: string) =>
    Promise.resolve<unknown>({ echo: input });
  const fixture: PipelineFixture = {
    home,
    identity,
    zones,
    audit,
    requests,
    usage: new TokenUsage(db),
    calls,
    activeZones: ["z:work"],
    behave(f) {
      behavior = f;
    },
    pipeline: undefined as unknown as InvokePipeline,
    async allowAll() {
      await setZonePolicy(
        identity,
        zones,
        zonePolicy({
          zoneId: "z:work",
          principalsAllow: ["agent:*"],
          connectorsAllow: [TEST_CONNECTOR],
          capAllow: ["test.*"],
        }),
        T0,
      );
    },
    async mint(r = {}) {
      return (await mintCapabilityToken(identity, zones, {
        zone: "z:work",
        capability: "test.read",
        operations: ["test.read"],
        ttlSecs: 600,
        principal: "agent:t",
        ...r,
      }, T0)).token;
    },
    async close() {
      audit.close();
      db.close();
      await Deno.remove(home, { recursive: true });
    },
  };
  const target = (zone: ZoneId): ConnectorTarget => ({
    instanceId: `${TEST_CONNECTOR}:${zone}`,
    zone,
    manifest,
    run: (operation, input, c) => {
      calls.push({ operation, input });
      return behavior(operation, input, c.requestId);
    },
  });
  const pipeline = new InvokePipeline({
    identity,
    zones,
    audit,
    policies: new PolicyStore(identity, zones),
    revocation: new RevocationView(home, zones, identity.owner.publicKey),
    requests,
    idempotency: new IdempotencyStore(db),
    usage: fixture.usage,
    approvals: new ApprovalLedger(db),
    connectors: {
      manifest: (id) => (id === TEST_CONNECTOR ? manifest : undefined),
      target: (_id, zone) =>
        fixture.activeZones.includes(zone) ? target(zone) : { activeIn: fixture.activeZones },
    },
    now: () => T0,
  });
  return Object.assign(fixture, { pipeline });
}
