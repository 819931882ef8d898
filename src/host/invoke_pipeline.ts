/**
 * The invoke pipeline (issue 5 §3; spec §7, §9.5, §15; README "Security Invariants"). Every
 * call goes through these stages in order, and the first that refuses ends it:
 *
 * 1. request: the zone is held here, the connector is installed, the operation exists;
 * 2. token: a capability token is present and verifies (token_gate.ts: signature, issuer, aud,
 *    zone, time, holder, instance, grants backed by stored owner-signed CapabilityObjects,
 *    revocation of grants and issuer);
 * 3. zone: the connector has an active instance bound to this zone, and its manifest accepts
 *    the zone;
 * 4. policy: the zone's owner-signed policy allows (principal, connector, capability); default
 *    deny;
 * 5. revocation: the revocation frontier is fresh enough for the operation's risk tier;
 * 6. taint: the input's provenance may drive this operation (approval for elevation);
 * 7. approval: Dangerous/Critical operations, and those whose manifest requires approval,
 *    present an owner-signed Execution ApprovalToken for this very request;
 * 8. input: the input matches the operation's input schema;
 * 9. idempotency: a kept result for the same key and input is returned without running;
 * 10. intent: Risky and worse operations get an ExecutionLease and a signed OperationIntent,
 *     stored before anything runs;
 * 11. execute: the operation runs in the connector's worker;
 * 12. receipt: a signed OperationReceipt (refs: the intent);
 * 13. audit: an `invoke` event on the zone's hash-linked chain.
 *
 * Every denial is recorded with a signed DecisionReceipt, an `invoke.denied` audit event and a
 * request record for `fcp explain`, then thrown as an `FcpError` whose details carry the
 * request id and reason code.
 *
 * @module
 */
import {
  approvalTokenId,
  checkFreshness,
  checkTaint,
  createDecisionReceipt,
  decisionReceiptId,
  decodeApprovalToken,
  decodeToken,
  encodeDecisionReceipt,
  encodeOperationIntent,
  encodeOperationReceipt,
  evaluatePolicy,
  freshnessPolicyForRisk,
  type Identity,
  OPERATION_INTENT_SCHEMA,
  OPERATION_RECEIPT_SCHEMA,
  operationObjectId,
  originDataProvenance,
  requireApproval,
  signOperationIntent,
  signOperationReceipt,
  taintFromNames,
  uuidToBytes,
  type ZoneKeyring,
} from "../authority/mod.ts";
import { type ErrorCode, FcpError, toHex, utf8 } from "../core/mod.ts";
import {
  type ObjectId,
  objectIdKeyed,
  objectIdUnscoped,
  originProvenance,
  parseZoneId,
  schemaHash,
  type ZoneId,
} from "../model/mod.ts";
import type { AuditLog } from "./audit_log.ts";
import { executionLeaseObject, issueExecutionLease } from "./execution_lease.ts";
import { type IdempotencyScope, IdempotencyStore } from "./idempotency_store.ts";
import type { ApprovalLedger } from "./approval_ledger.ts";
import type { TokenUsage } from "./token_usage.ts";
import { validateInput } from "./input_validator.ts";
import { canonicalJson, measuredInputHash, requestObjectId } from "./invoke_request.ts";
import { manifestAllowsZone } from "./manifest_zones.ts";
import { type ConnectorManifest, type OperationSpec, RISK_TIER_OF } from "./manifest_types.ts";
import type { PolicyStore } from "./policy_store.ts";
import {
  type DecidingObject,
  type HostObjectKind,
  type PipelineStage,
  type RequestLog,
  type RequestRecord,
} from "./request_log.ts";
import type { RevocationState, RevocationView } from "./revocation_view.ts";
import { type GrantedToken, TokenGate } from "./token_gate.ts";

/** One call. */
export interface InvokeCall {
  /** Connector id. */
  readonly connector: string;
  /** Operation id. */
  readonly operation: string;
  /** Zone of the call. */
  readonly zone: ZoneId | string;
  /** Operation input (JSON). */
  readonly input: unknown;
  /** Capability token (COSE_Sign1 bytes). */
  readonly token?: Uint8Array;
  /** Idempotency key. */
  readonly idempotencyKey?: string;
  /** Owner-signed ApprovalTokens (canonical CBOR bytes each). */
  readonly approvals?: readonly Uint8Array[];
  /** Taint of the input (names of TAINT_FLAGS, e.g. `PUBLIC_INPUT`). */
  readonly inputTaint?: readonly string[];
  /** Zone the input came from (default: the call's zone). */
  readonly inputOriginZone?: ZoneId | string;
  /** Cancels the call. */
  readonly signal?: AbortSignal;
}

/** A connector instance as the pipeline runs it. */
export interface ConnectorTarget {
  /** Instance id (token `instance_id` binding). */
  readonly instanceId: string;
  /** The zone it is bound to. */
  readonly zone: ZoneId;
  /** Its manifest. */
  readonly manifest: ConnectorManifest;
  /** Run one operation in the worker. */
  run(operation: string, input: unknown, call: {
    readonly requestId: string;
    readonly signal?: AbortSignal;
    readonly tokenCredentialAllow?: readonly string[];
  }): Promise<unknown>;
}

/** Finds the connector a call names. */
export interface ConnectorResolver {
  /** The installed connector's manifest, or `undefined` when it is not installed. */
  manifest(connectorId: string): ConnectorManifest | undefined;
  /**
   * The active instance in `zone`; when there is none, `undefined` and the zones it is active
   * in (for the explanation).
   */
  target(connectorId: string, zone: ZoneId): ConnectorTarget | { readonly activeIn: ZoneId[] };
}

/** What a successful call returns (JSON). */
export interface InvokeOutcome {
  /** Request id of this call. */
  readonly "request_id": string;
  /** The InvokeRequest ObjectId (hex). */
  readonly "request_object_id": string;
  /** Connector id. */
  readonly connector: string;
  /** Operation id. */
  readonly operation: string;
  /** Zone. */
  readonly zone: string;
  /** The operation's output. */
  readonly output: unknown;
  /** The signed receipt. */
  readonly receipt: {
    readonly "receipt_id": string;
    readonly "intent_id"?: string;
    readonly "executed_at": number;
    readonly "executed_by": string;
    readonly "receipt_hex": string;
  };
  /** The audit event id (hex). */
  readonly "audit_event_id": string;
  /** True when an idempotent retry returned a kept result. */
  readonly replayed: boolean;
  /** The request whose result was returned, for a replay. */
  readonly "replay_of"?: string;
}

/** What the pipeline needs. */
export interface InvokePipelineDeps {
  /** This node. */
  readonly identity: Identity;
  /** Zone keys. */
  readonly zones: ZoneKeyring;
  /** The audit chains. */
  readonly audit: AuditLog;
  /** Zone policies. */
  readonly policies: PolicyStore;
  /** Revocation logs. */
  readonly revocation: RevocationView;
  /** Request records and signed objects. */
  readonly requests: RequestLog;
  /** Kept idempotent results. */
  readonly idempotency: IdempotencyStore;
  /** Spent approvals (each runs its operation once). */
  readonly approvals: ApprovalLedger;
  /** Per-token call counts (`max_calls`). */
  readonly usage: TokenUsage;
  /** Installed connectors and their instances. */
  readonly connectors: ConnectorResolver;
  /** Clock, Unix seconds. */
  readonly now?: () => number;
}

const OUTCOME_SCHEMA_HASH = schemaHash({
  namespace: "fcp.host",
  name: "InvokeOutcome",
  version: "1.0.0",
});
/** `operationObjectId` of a receipt, computed from bytes already encoded. */
const RECEIPT_SCHEMA_HASH = schemaHash(OPERATION_RECEIPT_SCHEMA);
const ZERO_ID = new Uint8Array(32);
const ZERO_JTI = new Uint8Array(16);
/** Errors already recorded (an allowed call whose operation failed): passed through as they are. */
const RECORDED = new WeakSet<FcpError>();
const APPROVAL_MODES_NEEDING_TOKEN = new Set(["interactive", "approval_required"]);

/** A refusal on its way to becoming a decision receipt. */
class Refusal {
  constructor(
    readonly stage: PipelineStage,
    readonly code: ErrorCode,
    readonly reasonCode: string,
    readonly message: string,
    readonly decidedBy: DecidingObject,
    readonly hint: string,
    readonly evidence: readonly ObjectId[] = [],
  ) {}
}

function fromError(
  e: unknown,
  stage: PipelineStage,
  decidedBy: DecidingObject,
  hint: string,
  reasonOf: (code: ErrorCode) => string,
): Refusal {
  if (e instanceof Refusal) return e;
  if (e instanceof FcpError) {
    return new Refusal(stage, e.code, reasonOf(e.code), e.detail, decidedBy, hint);
  }
  return new Refusal(stage, "FCP-9001", "internal.error", "internal error", decidedBy, hint);
}

/** A usage budget (`max_calls`, `max_bytes`) that bounds a call, and whose it is. */
interface UsageLimit {
  /** The counter's key in host.db: the token's jti (or id), or the grant object's id. */
  readonly key: Uint8Array;
  /** "the token" or "grant object <hex>", for the refusal's detail. */
  readonly what: string;
  /** What to ask for instead ("token" or "grant"). */
  readonly noun: string;
  readonly decidedBy: DecidingObject;
  readonly maxCalls?: number | undefined;
  readonly maxBytes?: number | undefined;
}

// The token's own budget, then the admitting grant object's (spec §7, §7.5).
function usageLimits(granted: GrantedToken): UsageLimit[] {
  const out: UsageLimit[] = [];
  const own = granted.verified.constraints;
  if (own?.maxCalls !== undefined || own?.maxBytes !== undefined) {
    out.push({
      // A token without a jti is counted under its own id, not under a jti shared by all such.
      key: granted.verified.jti ?? granted.tokenId,
      what: "the token",
      noun: "token",
      decidedBy: { kind: "capability_token", id: toHex(granted.tokenId) },
      maxCalls: own.maxCalls,
      maxBytes: own.maxBytes,
    });
  }
  const by = granted.verified.admittedBy;
  const theirs = by?.object.constraints;
  if (by !== undefined && (theirs?.maxCalls !== undefined || theirs?.maxBytes !== undefined)) {
    const id = toHex(by.id);
    out.push({
      key: by.id,
      what: `grant object ${id}`,
      noun: "grant",
      decidedBy: { kind: "grant_object", id },
      maxCalls: theirs.maxCalls,
      maxBytes: theirs.maxBytes,
    });
  }
  return out;
}

const TOKEN_REASONS: Partial<Record<ErrorCode, string>> = {
  "FCP-2003": "token.expired",
  "FCP-2004": "token.not_yet_valid",
  "FCP-2005": "token.aud_mismatch",
  "FCP-2006": "token.signature_invalid",
  "FCP-2007": "token.malformed",
  "FCP-2008": "token.unknown_issuer",
  "FCP-2011": "token.holder_mismatch",
  "FCP-3001": "capability.insufficient",
  "FCP-3002": "capability.grant_not_covered",
  "FCP-3003": "capability.constraint_violation",
  "FCP-3004": "revocation.revoked",
  "FCP-4002": "token.zone_mismatch",
};

function tokenHint(code: ErrorCode, call: { zone: string; capability: string; op: string }) {
  const mint =
    `fcp token mint --zone ${call.zone} --cap ${call.capability} --op ${call.op} --ttl 3600`;
  switch (code) {
    case "FCP-3004":
      return "the token (or its grant, issuer or node) was revoked: ask the owner for a new token";
    case "FCP-2011":
      return "the token is bound to another node: mint one for this node (--holder)";
    default:
      return `present a valid token for this zone and operation, e.g. ${mint}`;
  }
}

/**
 * Runs calls through the stages of the module comment.
 *
 * The example below is the smallest pipeline: no connector is installed, so a call is refused
 * at the request stage, and the refusal is recorded for `explain`.
 *
 * @example
 * ```ts
 * import { InvokePipeline } from "./invoke_pipeline.ts";
 * import { AuditLog } from "./audit_log.ts";
 * import { openHostDb } from "./host_db.ts";
 * import { IdempotencyStore } from "./idempotency_store.ts";
 * import { TokenUsage } from "./token_usage.ts";
 * import { ApprovalLedger } from "./approval_ledger.ts";
import type { TokenUsage } from "./token_usage.ts";
 * import { PolicyStore } from "./policy_store.ts";
 * import { RequestLog } from "./request_log.ts";
 * import { RevocationView } from "./revocation_view.ts";
 * import { createStandardZones, initIdentity } from "../authority/mod.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "n" });
 * const zones = await createStandardZones(identity, identity.keystore, 1_700_000_000);
 * const db = openHostDb(":memory:");
 * const audit = AuditLog.open({ path: ":memory:", nodeId: "n", signer: identity.signing,
 *   publicKey: identity.signing.publicKey, objectIdKey: (z) => zones.objectIdKey(z).key });
 * const pipeline = new InvokePipeline({ identity, zones, audit,
 *   policies: new PolicyStore(identity, zones),
 *   revocation: new RevocationView(home, zones, identity.owner.publicKey),
 *   requests: new RequestLog(db), idempotency: new IdempotencyStore(db), usage: new TokenUsage(db),
 *   approvals: new ApprovalLedger(db),
 *   connectors: { manifest: () => undefined, target: () => ({ activeIn: [] }) } });
 * let requestId = "";
 * await assert.rejects(
 *   pipeline.invoke({ connector: "fcp.fs", operation: "fs_list", zone: "z:work", input: {} }),
 *   (e) => { requestId = String((e as { details?: { request_id?: string } }).details?.request_id);
 *     return isFcpError(e, "FCP-5008"); },
 * );
 * assert.equal(pipeline.explain(requestId)?.stage, "request");
 * assert.equal(audit.verify("z:work").ok, true);
 * audit.close(); db.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class InvokePipeline {
  readonly #d: InvokePipelineDeps;
  readonly #tokens: TokenGate;
  readonly #now: () => number;

  /** A pipeline over these parts. */
  constructor(deps: InvokePipelineDeps) {
    this.#d = deps;
    this.#tokens = new TokenGate(deps.identity, deps.zones);
    this.#now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /**
   * The record of a request, by its id or another reference to it (see `RequestLog.find`), or
   * `undefined`.
   */
  explain(ref: string): RequestRecord | undefined {
    return this.#d.requests.find(ref);
  }

  /** Run one call (see the module comment); refusals throw `FcpError`s. */
  async invoke(call: InvokeCall): Promise<InvokeOutcome> {
    const requestId = crypto.randomUUID();
    const now = this.#now();
    const passed: PipelineStage[] = [];
    const ctx: {
      zone?: ZoneId;
      reqId: ObjectId;
      principal: string;
      token?: GrantedToken;
      presentedJti?: Uint8Array;
      op?: OperationSpec;
    } = { reqId: ZERO_ID, principal: "anonymous" };
    try {
      // 1. request
      const zone = parseZoneId(call.zone);
      const d = this.#d;
      if (!d.zones.zoneIds().includes(zone)) {
        throw new Refusal(
          "request",
          "FCP-4005",
          "zone.unknown",
          `this node holds no keys for ${zone}`,
          { kind: "zone_keyring" },
          "use a zone this node belongs to (fcp zone list)",
        );
      }
      ctx.zone = zone;
      const objectIdKey = d.zones.objectIdKey(zone).key;
      let jti: Uint8Array = ZERO_JTI;
      if (call.token !== undefined) {
        try {
          const cti = decodeToken(call.token).claims.cti;
          if (cti !== undefined) jti = cti;
          if (cti?.length === 16) ctx.presentedJti = cti;
        } catch {
          // a malformed token is refused at the token stage
        }
      }
      const { hash, size: inputSize } = measuredInputHash(call.input);
      ctx.reqId = requestObjectId({
        zone,
        connectorId: call.connector,
        operation: call.operation,
        inputHash: hash,
        tokenJti: jti,
        ...(call.idempotencyKey === undefined ? {} : { idempotencyKey: call.idempotencyKey }),
      }, objectIdKey);
      const manifest = d.connectors.manifest(call.connector);
      if (manifest === undefined) {
        throw new Refusal(
          "request",
          "FCP-5008",
          "connector.not_installed",
          `connector ${call.connector} is not installed`,
          { kind: "connector_registry" },
          `install it: fcp connector install ${call.connector}`,
        );
      }
      const op = manifest.operations.find((o) => o.id === call.operation);
      if (op === undefined) {
        throw new Refusal(
          "request",
          "FCP-1040",
          "operation.unknown",
          `${call.connector} has no operation ${call.operation}`,
          { kind: "connector_manifest" },
          `use one of: ${manifest.operations.map((o) => o.id).join(", ")}`,
        );
      }
      ctx.op = op;
      passed.push("request");

      // 2. token (revocation state is loaded once, for the token and the frontier)
      const target = d.connectors.target(call.connector, zone);
      const instanceId = "instanceId" in target ? target.instanceId : `${call.connector}:${zone}`;
      const tokenCtx = { zone, capability: op.capability, op: op.id };
      if (call.token === undefined) {
        throw new Refusal(
          "token",
          "FCP-3001",
          "capability.no_token",
          "no capability token was presented",
          { kind: "capability_token" },
          tokenHint("FCP-3001", tokenCtx),
        );
      }
      let rev: RevocationState;
      try {
        rev = await d.revocation.state(zone, now);
      } catch (e) {
        throw fromError(
          e,
          "token",
          { kind: "revocation_log" },
          "repair the zone's revocation log (fcp doctor)",
          () => "revocation.chain_invalid",
        );
      }
      try {
        ctx.token = await this.#tokens.check({
          token: call.token,
          zone,
          connectorId: call.connector,
          capability: op.capability,
          operation: op.id,
          instanceId,
          requestId,
          now,
          revocation: rev,
        });
      } catch (e) {
        const r = fromError(
          e,
          "token",
          { kind: "capability_token", id: toHex(objectIdUnscoped(call.token)) },
          "",
          (c) => TOKEN_REASONS[c] ?? "capability.denied",
        );
        throw new Refusal(
          r.stage,
          r.code,
          r.reasonCode,
          r.message,
          r.decidedBy,
          tokenHint(r.code, tokenCtx),
          rev.heads,
        );
      }
      const granted = ctx.token;
      ctx.principal = granted.principal;
      const evidence: ObjectId[] = [
        granted.tokenId,
        ...granted.verified.claims.grantObjectIds ?? [],
      ];
      passed.push("token");

      // 3. zone binding
      if (!("instanceId" in target)) {
        const elsewhere = target.activeIn.length > 0;
        throw new Refusal(
          "zone",
          elsewhere ? "FCP-4002" : "FCP-5005",
          elsewhere ? "zone.instance_mismatch" : "connector.not_active",
          elsewhere
            ? `${call.connector} is bound to ${target.activeIn.join(", ")}, not ${zone}`
            : `${call.connector} has no active instance in ${zone}`,
          { kind: "connector_instance" },
          `activate it in this zone: fcp connector activate ${call.connector} --zone ${zone}`,
          evidence,
        );
      }
      if (!manifestAllowsZone(manifest, zone)) {
        throw new Refusal(
          "zone",
          "FCP-4002",
          "zone.connector_forbidden",
          `the ${call.connector} manifest does not accept ${zone}`,
          { kind: "connector_manifest" },
          "use a zone the manifest's [zones] section allows",
          evidence,
        );
      }
      passed.push("zone");

      // 4. policy
      const loaded = await d.policies.get(zone);
      const decision = evaluatePolicy(loaded.policy, {
        principal: granted.principal,
        connectorId: call.connector,
        capability: op.capability,
        operation: op.id,
        zoneId: zone,
      });
      const policyObject: DecidingObject = loaded.objectId === undefined
        ? { kind: "zone_policy" }
        : { kind: "zone_policy", id: toHex(loaded.objectId) };
      if (loaded.objectId !== undefined) evidence.push(loaded.objectId);
      if (!decision.allow) {
        throw new Refusal(
          "policy",
          "FCP-4003",
          decision.reasonCode,
          `denied by the ${zone} policy: ${decision.reasonCode}${
            decision.matchedRule ? ` (${decision.matchedRule})` : ""
          }${loaded.problem ? `; ${loaded.problem}` : ""}`,
          policyObject,
          decision.reasonCode.endsWith("_denied")
            ? `remove the deny rule ${decision.matchedRule ?? ""} from the ${zone} policy`
            : `allow it: fcp policy allow --zone ${zone} --principal '${granted.principal}' ` +
              `--connector ${call.connector} --cap ${op.capability}`,
          evidence,
        );
      }
      passed.push("policy");

      // 5. revocation freshness
      const tier = RISK_TIER_OF[op.safetyTier];
      const chk = granted.verified.claims.chkSeq;
      const fresh = checkFreshness({
        localHeadSeq: rev.headSeq,
        ...(chk === undefined ? {} : { remoteSeq: Number(chk) }),
        lastUpdated: rev.checkedAt,
        now,
        policy: freshnessPolicyForRisk(tier),
      });
      evidence.push(...rev.heads);
      if (!fresh.allowed) {
        throw new Refusal(
          "revocation",
          "FCP-3005",
          "revocation.stale_frontier",
          `the revocation frontier of ${zone} (seq ${rev.headSeq}) is behind the token's ` +
            `checkpoint (seq ${chk ?? "?"}); a ${tier} operation needs it fresh (${fresh.reason})`,
          { kind: "revocation_head", ...(rev.heads[0] ? { id: toHex(rev.heads[0]) } : {}) },
          "sync the zone's revocations from the owner, then retry",
          evidence,
        );
      }
      passed.push("revocation");

      // 6. taint
      const approvals = (call.approvals ?? []).map((b) => {
        try {
          return decodeApprovalToken(b);
        } catch (e) {
          throw fromError(
            e,
            "approval",
            { kind: "approval_token" },
            "present a valid approval",
            () => "approval.malformed",
          );
        }
      });
      const elevation = approvals.find((a) => a.scope.kind === "Elevation");
      const taint = checkTaint(
        originDataProvenance({
          zone: call.inputOriginZone ?? zone,
          now,
          taint: taintFromNames(call.inputTaint ?? []),
          principal: granted.principal,
        }),
        {
          operation: op.id,
          tier,
          targetZone: zone,
          now,
          ...(elevation === undefined ? {} : {
            approval: elevation,
            approvalId: approvalTokenId(elevation, objectIdKey),
            ownerPublicKey: d.identity.owner.publicKey,
          }),
        },
      );
      evidence.push(...taint.evidence);
      if (!taint.allow) {
        throw new Refusal(
          "taint",
          taint.reasonCode === "taint.elevation_required" ? "FCP-3006" : "FCP-4004",
          taint.reasonCode,
          taint.reasonCode === "taint.public_input_dangerous"
            ? `input tainted as public may not drive the ${tier} operation ${op.id}`
            : `input from lower-integrity provenance needs an integrity elevation for ${op.id}`,
          { kind: "provenance" },
          "have the owner approve an elevation for this operation, or sanitize the input",
          evidence,
        );
      }
      passed.push("taint");

      // 7. approval (spent just before the connector runs, in #execute)
      let approvalId: ObjectId | undefined;
      if (
        tier === "Dangerous" || tier === "CriticalWrite" ||
        APPROVAL_MODES_NEEDING_TOKEN.has(op.requiresApproval)
      ) {
        const need = {
          kind: "Execution" as const,
          connectorId: call.connector,
          method: op.id,
          requestObjectId: ctx.reqId,
        };
        const candidates = approvals.filter((a) => a.scope.kind === "Execution");
        let used: ObjectId | undefined;
        let lastError: unknown = new FcpError("FCP-3006", `${op.id} requires an ApprovalToken`);
        for (const a of candidates) {
          try {
            requireApproval(a, need, d.identity.owner.publicKey, now);
            used = approvalTokenId(a, objectIdKey);
            break;
          } catch (e) {
            lastError = e;
          }
        }
        if (used === undefined) {
          const detail = lastError instanceof FcpError ? lastError.detail : "approval refused";
          throw new Refusal(
            "approval",
            "FCP-3006",
            "approval.required",
            `${op.id} is ${op.safetyTier} and needs an owner approval for this request: ${detail}`,
            { kind: "connector_manifest" },
            "the owner approves this request with 'fcp approve <request-id>'; retry the same " +
              "call (same input, token and idempotency key) with --approval FILE",
            evidence,
          );
        }
        evidence.push(used);
        approvalId = used;
      }
      passed.push("approval");

      // 8. input
      try {
        validateInput(op, call.input);
      } catch (e) {
        throw fromError(
          e,
          "input",
          { kind: "operation_input_schema" },
          `fix the input to match the ${op.id} input schema (fcp connector describe ${call.connector})`,
          () => "input.schema_mismatch",
        );
      }
      passed.push("input");

      // 9..13
      const scope = call.idempotencyKey === undefined ? undefined : {
        zone,
        connectorId: call.connector,
        operation: op.id,
        principal: granted.principal,
        key: call.idempotencyKey,
      };
      const runIt = () =>
        this.#execute(call, {
          requestId,
          now,
          zone,
          op,
          target,
          granted,
          reqId: ctx.reqId,
          hash,
          inputSize,
          evidence,
          passed,
          scope,
          approvalId,
        });
      return scope === undefined ? await runIt() : await d.idempotency.exclusive(scope, runIt);
    } catch (e) {
      if (e instanceof FcpError && RECORDED.has(e)) throw e;
      const r = fromError(
        e,
        "request",
        { kind: "request" },
        "fix the request",
        (c) => c === "FCP-4001" ? "zone.id_invalid" : "request.invalid",
      );
      throw await this.#deny(call, requestId, now, ctx, passed, r);
    }
  }

  async #execute(
    call: InvokeCall,
    s: {
      requestId: string;
      now: number;
      zone: ZoneId;
      op: OperationSpec;
      target: ConnectorTarget;
      granted: GrantedToken;
      reqId: ObjectId;
      hash: Uint8Array;
      /** Bytes of the input's canonical JSON (what `max_bytes` counts). */
      inputSize: number;
      evidence: ObjectId[];
      passed: PipelineStage[];
      scope: IdempotencyScope | undefined;
      /** The ApprovalToken that admitted the call (spent once it passes every check). */
      approvalId: ObjectId | undefined;
    },
  ): Promise<InvokeOutcome> {
    const d = this.#d;
    const key = d.zones.objectIdKey(s.zone).key;
    const base = {
      "request_id": s.requestId,
      "request_object_id": toHex(s.reqId),
      zone: s.zone,
      "connector_id": call.connector,
      operation: s.op.id,
      principal: s.granted.principal,
      evidence: s.evidence.map(toHex),
      "created_at": s.now,
    };
    // 9. idempotency
    if (s.scope !== undefined) {
      let kept;
      try {
        kept = d.idempotency.lookup(s.scope, s.hash);
      } catch (e) {
        throw fromError(
          e,
          "idempotency",
          { kind: "idempotency_key" },
          "use a new idempotency key for a different input",
          () => "idempotency.key_reused",
        );
      }
      if (kept !== undefined) {
        s.passed.push("idempotency");
        const prior = kept.result as unknown as InvokeOutcome;
        d.requests.record({
          ...base,
          decision: "allow",
          stage: "idempotency",
          reason_code: "idempotency.replayed",
          message: `returned the kept result of request ${kept.requestId}`,
          decided_by: { kind: "operation_receipt", id: prior.receipt.receipt_id },
          hint: "use a new idempotency key to run the operation again",
          stages_passed: [...s.passed],
          receipt_id: prior.receipt.receipt_id,
          replay_of: kept.requestId,
        });
        return { ...prior, request_id: s.requestId, replayed: true, replay_of: kept.requestId };
      }
    }
    s.passed.push("idempotency");

    // The max_bytes (spec §7: request + response, as canonical JSON) and max_calls of the token
    // and of the grant object that admitted the call (§7.5: a token only narrows its grant, so
    // the object's limits bound every token that names it). Counted only for calls that go on
    // to run (replays above do not), and every limit is checked before any is counted.
    const limited = usageLimits(s.granted);
    for (const l of limited) {
      const used = l.maxBytes === undefined ? 0 : d.usage.bytes(l.key);
      if (l.maxBytes !== undefined && used + s.inputSize > l.maxBytes) {
        throw new Refusal(
          "usage",
          "FCP-3003",
          "capability.bytes_exhausted",
          `${l.what} allows ${l.maxBytes} byte(s); ${used} are used and this request needs ${s.inputSize}`,
          l.decidedBy,
          `ask for a new ${l.noun}; this one has moved all the bytes it allows`,
        );
      }
      if (l.maxCalls !== undefined && d.usage.calls(l.key) >= l.maxCalls) {
        throw new Refusal(
          "usage",
          "FCP-3003",
          "capability.calls_exhausted",
          `${l.what} allows ${l.maxCalls} call(s) and has none left`,
          l.decidedBy,
          `ask for a new ${l.noun}; this one has used all its calls`,
        );
      }
    }
    // An approval runs its operation once (approval_ledger.ts); an idempotent replay of the
    // call it approved was answered above without spending anything.
    if (s.approvalId !== undefined) {
      try {
        d.approvals.spend(s.approvalId, s.requestId, s.now);
      } catch (e) {
        throw fromError(
          e,
          "approval",
          { kind: "approval_token", id: toHex(s.approvalId) },
          "the owner approves this request again with 'fcp approve <request-id>'; to repeat the " +
            "approved call's result instead, retry with the same idempotency key",
          () => "approval.already_used",
        );
      }
    }
    for (const l of limited) {
      if (l.maxCalls !== undefined) d.usage.spend(l.key, l.maxCalls, l.what);
      if (l.maxBytes !== undefined) d.usage.addBytes(l.key, s.inputSize);
    }
    s.passed.push("usage");

    // 10. intent
    const tier = RISK_TIER_OF[s.op.safetyTier];
    const signer = d.identity.signing;
    const nodeId = d.identity.nodeId;
    const keep = (kind: HostObjectKind, id: ObjectId, bytes: Uint8Array) =>
      d.requests.putObject({ id, kind, zone: s.zone, requestId: s.requestId, bytes }, s.now);
    let intentId: ObjectId | undefined;
    if (tier !== "Safe") {
      const leaseSeq = d.requests.nextLeaseSeq(s.zone, s.reqId);
      const lease = issueExecutionLease({
        zone: s.zone,
        subject: s.reqId,
        leaseSeq,
        nodeId,
        now: s.now,
      }, signer);
      const leaseObj = executionLeaseObject(lease, key);
      const intent = signOperationIntent(
        {
          header: {
            schema: OPERATION_INTENT_SCHEMA,
            zoneId: s.zone,
            createdAt: s.now,
            provenance: originProvenance(s.zone),
            refs: [leaseObj.id, s.reqId],
            foreignRefs: [],
          },
          requestObjectId: s.reqId,
          capabilityTokenJti: s.granted.jti,
          ...(call.idempotencyKey === undefined ? {} : { idempotencyKey: call.idempotencyKey }),
          plannedAt: s.now,
          plannedBy: nodeId,
          leaseSeq,
        },
        signer,
        { tier, signedAt: s.now, leaseObjectId: leaseObj.id },
      );
      const id = operationObjectId(intent, key);
      d.requests.atomically(() => {
        keep("execution_lease", leaseObj.id, leaseObj.bytes);
        keep("intent", id, encodeOperationIntent(intent));
      });
      intentId = id;
    }
    s.passed.push("intent");

    // Input from another zone crosses into this one here (spec §6.2): on the chain of the zone
    // it enters, before the operation sees it.
    if (call.inputOriginZone !== undefined && parseZoneId(call.inputOriginZone) !== s.zone) {
      await d.audit.append(s.zone, {
        eventType: "zone.crossing",
        actor: s.granted.principal,
        correlationId: uuidToBytes(s.requestId),
        connectorId: call.connector,
        operation: s.op.id,
        requestObjectId: s.reqId,
        occurredAt: s.now,
      });
    }

    // 11. execute
    let output: unknown;
    try {
      const credentialAllow = s.granted.verified.constraints?.credentialAllow;
      output = await s.target.run(s.op.id, call.input, {
        requestId: s.requestId,
        ...(call.signal === undefined ? {} : { signal: call.signal }),
        ...(credentialAllow === undefined ? {} : { tokenCredentialAllow: credentialAllow }),
      });
    } catch (e) {
      const err = e instanceof FcpError ? e : new FcpError("FCP-9001", "the connector failed");
      const audit = await d.audit.append(s.zone, {
        eventType: "invoke.failed",
        actor: s.granted.principal,
        correlationId: uuidToBytes(s.requestId),
        connectorId: call.connector,
        operation: s.op.id,
        capabilityTokenJti: s.granted.jti,
        requestObjectId: s.reqId,
        ...(intentId === undefined ? {} : { resultObjectId: intentId }),
        occurredAt: s.now,
      });
      d.requests.record({
        ...base,
        decision: "allow",
        stage: "execute",
        reason_code: "execution.failed",
        error_code: err.code,
        message: `allowed, but the operation failed: ${err.detail}`,
        decided_by: { kind: "connector", id: call.connector },
        hint: "see the connector's error; the call was authorized",
        stages_passed: [...s.passed],
        ...(intentId === undefined ? {} : { intent_id: toHex(intentId) }),
        audit_event_id: toHex(audit.id),
      });
      // The request id is named as a refusal names it, so the failure can be explained.
      const failed = new FcpError(err.code, `${err.detail} (request ${s.requestId})`, {
        cause: e,
        details: { ...err.details, request_id: s.requestId, stage: "execute" },
      });
      RECORDED.add(failed);
      throw failed;
    }
    s.passed.push("execute");

    // 12. receipt
    const outputBytes = utf8(canonicalJson(output ?? null));
    const outcomeId = objectIdKeyed(key, s.zone, OUTCOME_SCHEMA_HASH, outputBytes);
    // The response counts against max_bytes after the fact: the operation has run, so its
    // result is returned; the next call finds the budget spent.
    for (const l of limited) {
      if (l.maxBytes !== undefined) d.usage.addBytes(l.key, outputBytes.length);
    }
    const receipt = signOperationReceipt(
      {
        header: {
          schema: OPERATION_RECEIPT_SCHEMA,
          zoneId: s.zone,
          createdAt: s.now,
          provenance: originProvenance(s.zone),
          refs: intentId === undefined ? [s.reqId] : [intentId, s.reqId],
          foreignRefs: [],
        },
        requestObjectId: s.reqId,
        ...(call.idempotencyKey === undefined ? {} : { idempotencyKey: call.idempotencyKey }),
        outcomeObjectIds: [outcomeId],
        resourceObjectIds: [],
        executedAt: s.now,
        executedBy: nodeId,
      },
      signer,
      { signedAt: s.now, ...(intentId === undefined ? {} : { intentId }) },
    );
    const receiptBytes = encodeOperationReceipt(receipt);
    const receiptId = objectIdKeyed(key, s.zone, RECEIPT_SCHEMA_HASH, receiptBytes);
    s.passed.push("receipt");

    // 13. audit
    const audit = await d.audit.append(s.zone, {
      eventType: "invoke",
      actor: s.granted.principal,
      correlationId: uuidToBytes(s.requestId),
      connectorId: call.connector,
      operation: s.op.id,
      capabilityTokenJti: s.granted.jti,
      requestObjectId: s.reqId,
      resultObjectId: receiptId,
      occurredAt: s.now,
    });
    s.passed.push("audit");
    const outcome: InvokeOutcome = {
      "request_id": s.requestId,
      "request_object_id": toHex(s.reqId),
      connector: call.connector,
      operation: s.op.id,
      zone: s.zone,
      output: output ?? null,
      receipt: {
        receipt_id: toHex(receiptId),
        ...(intentId === undefined ? {} : { intent_id: toHex(intentId) }),
        executed_at: s.now,
        executed_by: nodeId,
        receipt_hex: toHex(receiptBytes),
      },
      "audit_event_id": toHex(audit.id),
      replayed: false,
    };
    // One host.db commit for the receipt, the kept result and the request record. The intent,
    // stored before the call ran, is what marks an operation whose receipt a crash lost.
    d.requests.atomically(() => {
      keep("receipt", receiptId, receiptBytes);
      if (s.scope !== undefined) {
        d.idempotency.put(s.scope, {
          requestId: s.requestId,
          inputHash: s.hash,
          result: outcome as unknown as Record<string, unknown>,
        }, s.now);
      }
      d.requests.record({
        ...base,
        decision: "allow",
        stage: "audit",
        "reason_code": "decision.allowed",
        message: `allowed and executed ${call.connector} ${s.op.id}`,
        "decided_by": { kind: "operation_receipt", id: toHex(receiptId) },
        hint: "nothing to change",
        "stages_passed": [...s.passed],
        ...(intentId === undefined ? {} : { "intent_id": toHex(intentId) }),
        "receipt_id": toHex(receiptId),
        "audit_event_id": toHex(audit.id),
      });
    });
    return outcome;
  }

  async #deny(
    call: InvokeCall,
    requestId: string,
    now: number,
    ctx: {
      zone?: ZoneId;
      reqId: ObjectId;
      principal: string;
      token?: GrantedToken;
      presentedJti?: Uint8Array;
    },
    passed: readonly PipelineStage[],
    r: Refusal,
  ): Promise<FcpError> {
    const d = this.#d;
    const zone: ZoneId = ctx.zone ?? "z:owner";
    let receiptId: ObjectId | undefined;
    let auditId: ObjectId | undefined;
    try {
      if (d.zones.zoneIds().includes(zone)) {
        const key = d.zones.objectIdKey(zone).key;
        const receipt = createDecisionReceipt({
          zoneId: zone,
          requestObjectId: ctx.reqId,
          decision: "deny",
          reasonCode: r.reasonCode,
          evidence: r.evidence,
          explanation: r.message.slice(0, 512),
          decidedBy: d.identity.nodeId,
          now,
        }, d.identity.signing);
        receiptId = decisionReceiptId(receipt, key);
        d.requests.putObject({
          id: receiptId,
          kind: "decision_receipt",
          zone,
          requestId,
          bytes: encodeDecisionReceipt(receipt),
        }, now);
        const jti = jtiOf(ctx);
        const entry = await d.audit.append(zone, {
          eventType: "invoke.denied",
          actor: auditActor(ctx.principal),
          correlationId: uuidToBytes(requestId),
          ...(validText(call.connector) ? { connectorId: call.connector } : {}),
          ...(validText(call.operation) ? { operation: call.operation } : {}),
          // A token refused at the token stage still names its jti (unverified: it is what
          // was presented), so attempts with a revoked or expired token can be found by jti.
          // The actor stays `anonymous` until a token verifies: an unverified subject is
          // whatever the caller wrote.
          ...(jti === undefined ? {} : { capabilityTokenJti: jti }),
          requestObjectId: ctx.reqId,
          resultObjectId: receiptId,
          occurredAt: now,
        });
        auditId = entry.id;
      }
    } catch {
      // Recording must not mask the refusal; the record below still says what happened.
    }
    try {
      d.requests.record({
        request_id: requestId,
        request_object_id: toHex(ctx.reqId),
        zone: ctx.zone ?? String(call.zone).slice(0, 64),
        connector_id: String(call.connector).slice(0, 128),
        operation: String(call.operation).slice(0, 128),
        principal: ctx.principal,
        decision: "deny",
        stage: r.stage,
        reason_code: r.reasonCode,
        error_code: r.code,
        message: r.message,
        decided_by: r.decidedBy,
        hint: r.hint,
        evidence: r.evidence.map(toHex),
        stages_passed: [...passed],
        ...(receiptId === undefined ? {} : { decision_receipt_id: toHex(receiptId) }),
        ...(auditId === undefined ? {} : { audit_event_id: toHex(auditId) }),
        created_at: now,
      });
    } catch {
      // as above
    }
    return new FcpError(r.code, `${r.message} (request ${requestId}; fcp explain ${requestId})`, {
      details: { request_id: requestId, reason_code: r.reasonCode, stage: r.stage },
    });
  }
}

function jtiOf(ctx: { token?: GrantedToken; presentedJti?: Uint8Array }): Uint8Array | undefined {
  return ctx.token?.jti ?? ctx.presentedJti;
}

function validText(s: unknown): s is string {
  return typeof s === "string" && s.length > 0 && s.length <= 256;
}

function auditActor(principal: string): string {
  return principal.length > 0 && principal.length <= 256 ? principal : "anonymous";
}
