import assert from "node:assert/strict";
import {
  appendRevocation,
  createApprovalToken,
  decodeDecisionReceipt,
  decodeOperationIntent,
  decodeOperationReceipt,
  decodeToken,
  encodeApprovalToken,
  mintToken,
  revocationTargetId,
  verifyDecisionReceipt,
  verifyOperationReceipt,
  zonePolicy,
} from "../authority/mod.ts";
import { type ErrorCode, FcpError, fromHex, isFcpError, toHex } from "../core/mod.ts";
import { objectIdUnscoped } from "../model/mod.ts";
import { auditRequestId } from "./audit_event.ts";
import { pipelineFixture, T0, TEST_CONNECTOR } from "./_pipeline_fixture.ts";
import type { InvokeCall } from "./invoke_pipeline.ts";
import { setZonePolicy } from "./policy_store.ts";
import { inputHash, requestObjectId } from "./invoke_request.ts";
import { mintCapabilityToken } from "./token_mint.ts";

type Fixture = Awaited<ReturnType<typeof pipelineFixture>>;

async function withFixture(f: (fx: Fixture) => Promise<void>): Promise<void> {
  const fx = await pipelineFixture();
  try {
    await f(fx);
  } finally {
    await fx.close();
  }
}

function call(over: Partial<InvokeCall> = {}): InvokeCall {
  return {
    connector: TEST_CONNECTOR,
    operation: "test.read",
    zone: "z:work",
    input: { q: "x" },
    ...over,
  };
}

/** Run a call that must be refused with `code`; return its request id. */
async function refused(fx: Fixture, c: InvokeCall, code: ErrorCode): Promise<string> {
  let requestId = "";
  await assert.rejects(fx.pipeline.invoke(c), (e) => {
    assert.ok(isFcpError(e), String(e));
    assert.equal(e.code, code, e.message);
    requestId = String((e as FcpError).details?.request_id);
    return true;
  });
  return requestId;
}

Deno.test("pipeline: an allowed call runs once and leaves a verifiable receipt and audit event", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const out = await fx.pipeline.invoke(call({ token: await fx.mint() }));
    assert.deepEqual(out.output, { echo: { q: "x" } });
    assert.equal(fx.calls.length, 1);
    const receipt = decodeOperationReceipt(fromHex(out.receipt.receipt_hex));
    verifyOperationReceipt(receipt, fx.identity.signing.publicKey);
    assert.equal(toHex(receipt.requestObjectId), out.request_object_id);
    assert.equal(out.receipt.intent_id, undefined, "a Safe operation needs no intent");
    const events = fx.audit.tail("z:work", 10);
    assert.equal(events.at(-1)?.event.eventType, "invoke");
    assert.equal(toHex(events.at(-1)!.event.resultObjectId!), out.receipt.receipt_id);
    assert.equal(fx.audit.verify("z:work").ok, true);
    const rec = fx.pipeline.explain(out.request_id)!;
    assert.equal(rec.decision, "allow");
    assert.deepEqual(rec.stages_passed.at(-1), "audit");
    // The receipt id leads to the same record; an unknown or malformed reference to none.
    assert.equal(fx.pipeline.explain(out.receipt.receipt_id)?.request_id, out.request_id);
    assert.equal(fx.pipeline.explain("ab".repeat(32)), undefined);
    assert.equal(fx.pipeline.explain("ab".repeat(16)), undefined);
    assert.equal(fx.pipeline.explain("zz".repeat(32)), undefined);
  });
});

Deno.test("pipeline: every denial leaves a signed DecisionReceipt, an audit event and an explanation", async () => {
  await withFixture(async (fx) => {
    const id = await refused(fx, call({ token: await fx.mint() }), "FCP-4003");
    const rec = fx.pipeline.explain(id)!;
    assert.equal(rec.decision, "deny");
    assert.equal(rec.stage, "policy");
    assert.equal(fx.pipeline.explain(rec.decision_receipt_id!)?.request_id, id);
    assert.equal(rec.reason_code, "policy.default_deny");
    assert.equal(rec.decided_by.kind, "zone_policy");
    assert.match(rec.decided_by.id ?? "", /^[0-9a-f]{64}$/);
    assert.match(rec.hint, /fcp policy allow --zone z:work/);
    const obj = fx.requests.object(fromHex(rec.decision_receipt_id!))!;
    const receipt = decodeDecisionReceipt(obj.bytes);
    verifyDecisionReceipt(receipt, fx.identity.signing.publicKey);
    assert.equal(receipt.decision, "deny");
    assert.equal(receipt.reasonCode, "policy.default_deny");
    const last = fx.audit.tail("z:work", 1)[0]!.event;
    assert.equal(last.eventType, "invoke.denied");
    assert.equal(toHex(last.resultObjectId!), rec.decision_receipt_id);
    assert.equal(fx.calls.length, 0, "nothing ran");
  });
});

Deno.test("pipeline: refuses a call without a token", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const id = await refused(fx, call(), "FCP-3001");
    assert.equal(fx.pipeline.explain(id)?.stage, "token");
    assert.equal(fx.calls.length, 0);
    assert.equal(fx.audit.tail("z:work", 1)[0]!.event.capabilityTokenJti, undefined);
  });
});

Deno.test("pipeline: refuses a token for another zone", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const id = await refused(fx, call({ token: await fx.mint({ zone: "z:private" }) }), "FCP-2005");
    assert.equal(fx.pipeline.explain(id)?.reason_code, "token.aud_mismatch");
  });
});

Deno.test("pipeline: refuses an expired token and a token for another operation", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    // The fixture clock is fixed at T0; this token expired long before.
    const expired = await mintCapabilityToken(
      fx.identity,
      fx.zones,
      { zone: "z:work", capability: "test.read", operations: ["test.read"], ttlSecs: 1 },
      T0 - 10_000,
    );
    await refused(fx, call({ token: expired.token }), "FCP-2003");
    assert.deepEqual(
      fx.audit.tail("z:work", 1)[0]!.event.capabilityTokenJti,
      decodeToken(expired.token).claims.cti,
    );
    await refused(fx, call({ operation: "test.write", token: await fx.mint() }), "FCP-3001");
  });
});

Deno.test("pipeline: refuses a token bound to another node", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    await refused(fx, call({ token: await fx.mint({ holder: "node-other" }) }), "FCP-2011");
    const ok = await fx.pipeline.invoke(call({ token: await fx.mint({ holder: "node-t" }) }));
    assert.equal(ok.replayed, false);
  });
});

Deno.test("pipeline: refuses a revoked grant on the next call", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint();
    await fx.pipeline.invoke(call({ token }));
    const grant = decodeToken(token).claims.grantObjectIds![0]!;
    await appendRevocation(fx.home, {
      zoneId: "z:work",
      revoked: [grant],
      scope: "Capability",
      reason: "test",
      now: T0,
      objectIdKey: fx.zones.objectIdKey("z:work").key,
      ownerPublicKey: fx.identity.owner.publicKey,
      owner: fx.identity.owner,
    });
    const id = await refused(fx, call({ token }), "FCP-3004");
    assert.equal(fx.pipeline.explain(id)?.reason_code, "revocation.revoked");
    assert.equal(fx.calls.length, 1);
  });
});

Deno.test("pipeline: binds a connector instance to one zone", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    fx.activeZones = [];
    await refused(fx, call({ token: await fx.mint() }), "FCP-5005");
    fx.activeZones = ["z:private"];
    const id = await refused(fx, call({ token: await fx.mint() }), "FCP-4002");
    assert.match(fx.pipeline.explain(id)!.message, /bound to z:private/);
  });
});

Deno.test("pipeline: a deny rule overrides the allow list and is named", async () => {
  await withFixture(async (fx) => {
    await setZonePolicy(
      fx.identity,
      fx.zones,
      zonePolicy({
        zoneId: "z:work",
        principalsAllow: ["agent:*"],
        connectorsAllow: [TEST_CONNECTOR],
        capAllow: ["test.*"],
        capDeny: ["test.read"],
      }),
      T0,
    );
    const id = await refused(fx, call({ token: await fx.mint() }), "FCP-4003");
    const rec = fx.pipeline.explain(id)!;
    assert.equal(rec.reason_code, "policy.capability_denied");
    assert.match(rec.hint, /remove the deny rule/);
  });
});

Deno.test("pipeline: a stale revocation frontier refuses a Dangerous call (strict)", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({
      capability: "test.write",
      operations: ["test.wipe"],
      checkpointSeq: 5,
    });
    const id = await refused(fx, call({ operation: "test.wipe", token, input: {} }), "FCP-3005");
    assert.equal(fx.pipeline.explain(id)?.reason_code, "revocation.stale_frontier");
  });
});

Deno.test("pipeline: a Dangerous operation needs an owner approval for this very request", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({ capability: "test.write", operations: ["test.wipe"] });
    const c = call({ operation: "test.wipe", token, input: { all: true } });
    const id = await refused(fx, c, "FCP-3006");
    const rec = fx.pipeline.explain(id)!;
    assert.equal(rec.reason_code, "approval.required");
    assert.match(rec.hint, /fcp approve/);
    const approve = (requestObjectId: Uint8Array) =>
      encodeApprovalToken(createApprovalToken({
        zoneId: "z:work",
        scope: {
          kind: "Execution",
          connectorId: TEST_CONNECTOR,
          methodPattern: "test.wipe",
          requestObjectId,
        },
        justification: "test",
        approvedBy: "owner",
        now: T0,
      }, fx.identity.owner));
    // An approval for another request does not count.
    await refused(fx, { ...c, approvals: [approve(new Uint8Array(32).fill(9))] }, "FCP-3006");
    assert.equal(fx.calls.length, 0);
    const out = await fx.pipeline.invoke({
      ...c,
      approvals: [approve(fromHex(rec.request_object_id))],
    });
    assert.equal(fx.calls.length, 1);
    assert.ok(out.receipt.intent_id, "a Dangerous operation has an intent");
  });
});

Deno.test("pipeline: public-tainted input may not drive a Dangerous operation", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({ capability: "test.write", operations: ["test.wipe"] });
    const id = await refused(
      fx,
      call({ operation: "test.wipe", token, input: {}, inputTaint: ["PUBLIC_INPUT"] }),
      "FCP-4004",
    );
    assert.equal(fx.pipeline.explain(id)?.reason_code, "taint.public_input_dangerous");
  });
});

Deno.test("pipeline: refuses input that fails the operation's schema", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const id = await refused(fx, call({ token: await fx.mint(), input: { q: 5 } }), "FCP-1040");
    const rec = fx.pipeline.explain(id)!;
    assert.equal(rec.stage, "input");
    assert.match(rec.message, /\/q/);
    assert.equal(fx.calls.length, 0);
  });
});

Deno.test("pipeline: a Risky call stores a leased intent before it runs, and the receipt names it", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({ capability: "test.write", operations: ["test.write"] });
    let intentSeen = false;
    fx.behave((_op, _input, requestId) => {
      // When the connector runs, the lease and the intent are already stored.
      const kinds = fx.requests.objectsOf(requestId).map((o) => o.kind);
      intentSeen = kinds.includes("intent") && kinds.includes("execution_lease");
      return Promise.resolve({ done: true });
    });
    const out = await fx.pipeline.invoke(call({ operation: "test.write", token, input: {} }));
    assert.ok(intentSeen);
    const intent = decodeOperationIntent(
      fx.requests.object(fromHex(out.receipt.intent_id!))!.bytes,
    );
    assert.equal(intent.leaseSeq, 1);
    const receipt = decodeOperationReceipt(fromHex(out.receipt.receipt_hex));
    assert.ok(receipt.header.refs.some((r) => toHex(r) === out.receipt.intent_id));
  });
});

Deno.test("pipeline: the same idempotency key returns the prior receipt without running again", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({ capability: "test.write", operations: ["test.write"] });
    const c = call({ operation: "test.write", token, input: { n: 1 }, idempotencyKey: "k-1" });
    const [a, b] = await Promise.all([fx.pipeline.invoke(c), fx.pipeline.invoke(c)]);
    const c2 = await fx.pipeline.invoke(c);
    assert.equal(fx.calls.length, 1, "ran once");
    assert.equal([a, b].filter((o) => o.replayed).length, 1);
    assert.equal(c2.replayed, true);
    assert.equal(c2.receipt.receipt_id, a.replayed ? b.receipt.receipt_id : a.receipt.receipt_id);
    const id = await refused(fx, { ...c, input: { n: 2 } }, "FCP-6004");
    assert.equal(fx.pipeline.explain(id)?.stage, "idempotency");
  });
});

Deno.test("pipeline: a connector failure is audited as invoke.failed and keeps its code", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    fx.behave(() => Promise.reject(new FcpError("FCP-7003", "upstream said no")));
    let message = "";
    await assert.rejects(fx.pipeline.invoke(call({ token: await fx.mint() })), (e) => {
      message = (e as Error).message;
      return isFcpError(e, "FCP-7003");
    });
    const id = await refused(fx, call({ token: await fx.mint() }), "FCP-7003");
    const last = fx.audit.tail("z:work", 1)[0]!;
    assert.equal(last.event.eventType, "invoke.failed");
    assert.equal(fx.pipeline.explain(id)?.stage, "execute");
    // The failure names its request, as a refusal does, and so does its audit event.
    assert.match(message, /upstream said no \(request [0-9a-f-]{36}\)/);
    assert.equal(auditRequestId(last.event), id);
    // explain also finds it by the audit event's correlation id, upper or lower case.
    const correlation = toHex(last.event.correlationId);
    assert.equal(fx.pipeline.explain(correlation)?.request_id, id);
    assert.equal(fx.pipeline.explain(correlation.toUpperCase())?.request_id, id);
    assert.equal(fx.pipeline.explain(id.toUpperCase())?.request_id, id);
  });
});

Deno.test("pipeline: unknown zone, connector and operation are refused at the request stage", async () => {
  await withFixture(async (fx) => {
    await refused(fx, call({ zone: "z:elsewhere" }), "FCP-4005");
    await refused(fx, call({ connector: "fcp.nope" }), "FCP-5008");
    await refused(fx, call({ operation: "test.nope" }), "FCP-1040");
    await assert.rejects(
      fx.pipeline.invoke(call({ zone: "Z:BAD" })),
      (e) => isFcpError(e, "FCP-4001"),
    );
  });
});

Deno.test("request object ids are stable for the same request and differ otherwise", () => {
  const key = new Uint8Array(32).fill(1);
  const f = {
    zone: "z:work" as const,
    connectorId: "c",
    operation: "o",
    inputHash: inputHash({ a: [1, 2] }),
    tokenJti: objectIdUnscoped(new Uint8Array([1])).subarray(0, 16),
  };
  assert.deepEqual(
    requestObjectId(f, key),
    requestObjectId({ ...f, inputHash: inputHash({ a: [1, 2] }) }, key),
  );
  assert.notDeepEqual(
    requestObjectId(f, key),
    requestObjectId({ ...f, inputHash: inputHash({ a: [2, 1] }) }, key),
  );
});

Deno.test("pipeline: input from another zone is recorded as a zone crossing on the target chain", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    await fx.pipeline.invoke(call({ token: await fx.mint(), inputOriginZone: "z:private" }));
    const types = fx.audit.tail("z:work", 5).map((e) => e.event.eventType);
    assert.deepEqual(types.slice(-2), ["zone.crossing", "invoke"]);
    await fx.pipeline.invoke(call({ token: await fx.mint(), inputOriginZone: "z:work" }));
    assert.equal(fx.audit.tail("z:work", 1)[0]?.event.eventType, "invoke");
    assert.equal(fx.audit.tail("z:work", 2)[0]?.event.eventType, "invoke");
  });
});

Deno.test("pipeline: refuses a token revoked by its jti", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint();
    await fx.pipeline.invoke(call({ token }));
    await appendRevocation(fx.home, {
      zoneId: "z:work",
      revoked: [revocationTargetId("jti", decodeToken(token).claims.cti!)],
      scope: "Capability",
      reason: "leaked",
      now: T0,
      objectIdKey: fx.zones.objectIdKey("z:work").key,
      ownerPublicKey: fx.identity.owner.publicKey,
      owner: fx.identity.owner,
    });
    await refused(fx, call({ token }), "FCP-3004");
    // The attempt names the revoked token's jti in the audit chain (the actor stays anonymous:
    // nothing about the presented token was accepted).
    const attempt = fx.audit.tail("z:work", 1)[0]!.event;
    assert.equal(attempt.eventType, "invoke.denied");
    assert.deepEqual(attempt.capabilityTokenJti, decodeToken(token).claims.cti);
    assert.equal(attempt.actor, "anonymous");
    // Another token of the same grant is not affected.
    const other = await fx.mint();
    assert.equal((await fx.pipeline.invoke(call({ token: other }))).replayed, false);
  });
});

Deno.test("pipeline: max_bytes counts request + response; a request over what is left is refused", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    fx.behave(() => Promise.resolve({ ok: "y".repeat(40) }));
    // input {"q":"x"} is 9 bytes; output {"ok":"yyyy…"} is 49
    const token = await fx.mint({ maxBytes: 120 });
    await fx.pipeline.invoke(call({ token })); // 58
    await fx.pipeline.invoke(call({ token })); // 116: the response is returned though over
    const big = await refused(fx, call({ token, input: { q: "x".repeat(10) } }), "FCP-3003");
    assert.equal(fx.pipeline.explain(big)?.reason_code, "capability.bytes_exhausted");
    assert.equal(fx.calls.length, 2);
    // A request that still fits goes through; then nothing fits.
    await fx.pipeline.invoke(call({ token, input: {} })); // 118, then 167
    await refused(fx, call({ token, input: {} }), "FCP-3003");
    assert.equal(fx.calls.length, 3);
    // Another token is counted on its own.
    await fx.pipeline.invoke(call({ token: await fx.mint({ maxBytes: 120 }) }));
    // A bytes refusal does not spend a call: max_calls 1 still has its call afterwards.
    const both = await fx.mint({ maxBytes: 20, maxCalls: 1 });
    await refused(fx, call({ token: both, input: { q: "x".repeat(30) } }), "FCP-3003");
    await fx.pipeline.invoke(call({ token: both }));
  });
});

Deno.test("pipeline: max_calls is counted per token; replays do not count", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({ maxCalls: 2 });
    await fx.pipeline.invoke(call({ token, idempotencyKey: "a" }));
    await fx.pipeline.invoke(call({ token, idempotencyKey: "a" })); // replay: not counted
    await fx.pipeline.invoke(call({ token }));
    const id = await refused(fx, call({ token }), "FCP-3003");
    assert.equal(fx.pipeline.explain(id)?.reason_code, "capability.calls_exhausted");
    assert.equal(fx.calls.length, 2);
  });
});

// A second token over the grant object of `first` (as a delegate would mint), with no limits of
// its own.
function sibling(fx: Fixture, first: Uint8Array): Uint8Array {
  const c = decodeToken(first).claims;
  return mintToken({
    iss: fx.identity.nodeId,
    issNode: fx.identity.nodeId,
    cti: new Uint8Array(16).fill(7),
    zoneId: "z:work",
    capabilityId: "test.read",
    operations: ["test.read"],
    iat: T0,
    nbf: T0,
    exp: c.exp!,
    grantObjectIds: c.grantObjectIds!,
    principalId: "agent:t",
  }, fx.identity.issuance);
}

Deno.test("pipeline: a grant object's max_calls bounds every token that names it (§7.5)", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const first = await fx.mint({ maxCalls: 2 }); // its grant object: max_calls 2 as well
    const second = sibling(fx, first);
    await fx.pipeline.invoke(call({ token: first }));
    await fx.pipeline.invoke(call({ token: second }));
    const id = await refused(fx, call({ token: second }), "FCP-3003");
    const why = fx.pipeline.explain(id)!;
    assert.equal(why.reason_code, "capability.calls_exhausted");
    assert.equal(why.decided_by.kind, "grant_object");
    assert.equal(why.decided_by.id, toHex(decodeToken(first).claims.grantObjectIds![0]!));
    // `first` has a call of its own left, but its grant has none.
    const again = await refused(fx, call({ token: first }), "FCP-3003");
    assert.equal(fx.pipeline.explain(again)!.decided_by.kind, "grant_object");
    assert.equal(fx.calls.length, 2);
    // Another grant is counted on its own.
    await fx.pipeline.invoke(call({ token: await fx.mint({ maxCalls: 1 }) }));
  });
});

Deno.test("pipeline: a grant object's max_bytes bounds every token that names it; a refusal counts nothing", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    fx.behave(() => Promise.resolve({ ok: "y".repeat(40) }));
    // input {"q":"x"} is 9 bytes; output {"ok":"yyyy…"} is 49: 58 a call
    const first = await fx.mint({ maxBytes: 120, maxCalls: 5 });
    const second = sibling(fx, first);
    await fx.pipeline.invoke(call({ token: second })); // grant: 58
    await fx.pipeline.invoke(call({ token: second })); // grant: 116
    const id = await refused(fx, call({ token: first }), "FCP-3003"); // token alone: 0 used
    const why = fx.pipeline.explain(id)!;
    assert.equal(why.reason_code, "capability.bytes_exhausted");
    assert.equal(why.decided_by.kind, "grant_object");
    // The refused call spent none of the token's own calls or bytes.
    assert.equal(fx.usage.calls(decodeToken(first).claims.cti!), 0);
    assert.equal(fx.usage.bytes(decodeToken(first).claims.cti!), 0);
    assert.equal(fx.calls.length, 2);
  });
});

Deno.test("pipeline: an approval runs its Dangerous operation once; an idempotent retry replays without spending", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const token = await fx.mint({ capability: "test.write", operations: ["test.wipe"] });
    const approve = (requestObjectId: Uint8Array, now = T0) =>
      encodeApprovalToken(createApprovalToken({
        zoneId: "z:work",
        scope: {
          kind: "Execution",
          connectorId: TEST_CONNECTOR,
          methodPattern: "test.wipe",
          requestObjectId,
        },
        justification: "test",
        approvedBy: "owner",
        now,
      }, fx.identity.owner));
    const c = call({ operation: "test.wipe", token, input: { all: true } });
    const first = fx.pipeline.explain(await refused(fx, c, "FCP-3006"))!;
    const approval = approve(fromHex(first.request_object_id));
    await fx.pipeline.invoke({ ...c, approvals: [approval] });
    assert.equal(fx.calls.length, 1);
    // The same approval again: refused, and the connector is not called.
    const again = await refused(fx, { ...c, approvals: [approval] }, "FCP-3006");
    const why = fx.pipeline.explain(again)!;
    assert.equal(why.reason_code, "approval.already_used");
    assert.equal(why.decided_by.kind, "approval_token");
    assert.equal(fx.calls.length, 1);
    // Another approval (made a second earlier) runs it once more.
    await fx.pipeline.invoke({
      ...c,
      approvals: [approve(fromHex(first.request_object_id), T0 - 1)],
    });
    assert.equal(fx.calls.length, 2);

    // With an idempotency key: the retry returns the kept result and spends nothing.
    const k = call({
      operation: "test.wipe",
      token,
      input: { all: true },
      idempotencyKey: "wipe-1",
    });
    const rec = fx.pipeline.explain(await refused(fx, k, "FCP-3006"))!;
    const once = approve(fromHex(rec.request_object_id));
    const ran = await fx.pipeline.invoke({ ...k, approvals: [once] });
    const replay = await fx.pipeline.invoke({ ...k, approvals: [once] });
    assert.equal(replay.replayed, true);
    assert.equal(replay.receipt.receipt_id, ran.receipt.receipt_id);
    assert.equal(fx.calls.length, 3);
  });
});

Deno.test("pipeline: an idempotency key is the caller's own: another principal's same key runs anew", async () => {
  await withFixture(async (fx) => {
    await fx.allowAll();
    const a = await fx.mint({ principal: "agent:a" });
    const b = await fx.mint({ principal: "agent:b" });
    const first = await fx.pipeline.invoke(call({ token: a, idempotencyKey: "k" }));
    const other = await fx.pipeline.invoke(call({ token: b, idempotencyKey: "k" }));
    assert.equal(other.replayed, false);
    assert.notEqual(other.receipt.receipt_id, first.receipt.receipt_id);
    assert.equal(fx.calls.length, 2);
    // Each principal's own retry replays its own result.
    const againA = await fx.pipeline.invoke(call({ token: a, idempotencyKey: "k" }));
    const againB = await fx.pipeline.invoke(call({ token: b, idempotencyKey: "k" }));
    assert.equal(againA.receipt.receipt_id, first.receipt.receipt_id);
    assert.equal(againB.receipt.receipt_id, other.receipt.receipt_id);
    assert.equal(fx.calls.length, 2);
  });
});
