import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  checkFreshness,
  type FreshnessInput,
  freshnessPolicyForRisk,
  requireFresh,
  type RiskTier,
} from "./freshness.ts";

const base = { localHeadSeq: 10, lastUpdated: 1000 } as const;

Deno.test("freshness: fresh state is allowed under every policy", () => {
  for (const policy of ["strict", "warn", "best_effort"] as const) {
    const r = checkFreshness({ ...base, remoteSeq: 10, now: 1100, policy });
    assert.deepEqual([r.allowed, r.fresh, r.reason], [true, true, "fresh"]);
  }
});

Deno.test("freshness: behind the remote seq under strict is stale_data and refused with FCP-3005", () => {
  const r = checkFreshness({ ...base, remoteSeq: 11, now: 1001, policy: "strict" });
  assert.deepEqual([r.allowed, r.fresh, r.reason], [false, false, "stale_data"]);
  assert.throws(() => requireFresh(r), (e) => isFcpError(e, "FCP-3005"));
});

Deno.test("freshness: too old under strict is stale even with matching seq (spec §14.3.1)", () => {
  const r = checkFreshness({ ...base, remoteSeq: 10, now: 1301, policy: "strict" });
  assert.deepEqual([r.allowed, r.reason], [false, "stale_data"]);
  const edge = checkFreshness({ ...base, remoteSeq: 10, now: 1300, policy: "strict" });
  assert.equal(edge.allowed, true);
});

Deno.test("freshness: warn allows stale state within max age, refuses beyond", () => {
  const young = checkFreshness({ ...base, remoteSeq: 12, now: 1300, policy: "warn" });
  assert.deepEqual([young.allowed, young.reason], [true, "stale_but_within_max_age"]);
  const old = checkFreshness({ ...base, remoteSeq: 12, now: 1301, policy: "warn" });
  assert.deepEqual([old.allowed, old.reason], [false, "stale_data"]);
  assert.throws(() => requireFresh(old), (e) => isFcpError(e, "FCP-3005"));
});

Deno.test("freshness: custom max age is honoured", () => {
  const r = checkFreshness({ ...base, remoteSeq: 12, now: 1031, policy: "warn", maxAgeSecs: 30 });
  assert.equal(r.allowed, false);
});

Deno.test("freshness: best_effort always allows, marking stale_but_allowed", () => {
  const r = checkFreshness({
    localHeadSeq: -1,
    remoteSeq: 99,
    lastUpdated: undefined,
    now: 5,
    policy: "best_effort",
  });
  assert.deepEqual([r.allowed, r.fresh, r.reason, r.ageSecs], [
    true,
    false,
    "stale_but_allowed",
    Infinity,
  ]);
  assert.equal(requireFresh(r), r);
});

Deno.test("freshness: never-synced state is stale under strict", () => {
  const r = checkFreshness({ localHeadSeq: -1, lastUpdated: undefined, now: 5, policy: "strict" });
  assert.equal(r.allowed, false);
});

Deno.test("freshness: policy per risk tier", () => {
  const got = (["Safe", "Risky", "Dangerous", "CriticalWrite"] as RiskTier[]).map(
    freshnessPolicyForRisk,
  );
  assert.deepEqual(got, ["best_effort", "warn", "strict", "strict"]);
  assert.throws(
    () => freshnessPolicyForRisk("Forbidden" as RiskTier),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("freshness: unknown policy and bad input are refused", () => {
  const bad = { ...base, now: 1001, policy: "lenient" } as unknown as FreshnessInput;
  assert.throws(() => checkFreshness({ ...bad, remoteSeq: 99 }), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(
    () => checkFreshness({ ...base, now: NaN, policy: "strict" }),
    (e) => isFcpError(e, "FCP-1040"),
  );
});
