import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  type AuditEvent,
  auditEventId,
  createAuditEvent,
  encodeAuditEvent,
} from "./audit_event.ts";
import { type AuditHead, createAuditHead, encodeAuditHead, signAuditHead } from "./audit_head.ts";
import {
  assertAuditChainIntact,
  type AuditChainResult,
  type StoredAuditRecord,
  verifyAuditChain,
} from "./audit_verify.ts";

const SEED = new Uint8Array(32).fill(0x31);
const OTHER = new Uint8Array(32).fill(0x32);
const KEY = new Uint8Array(32).fill(0x33);
const keys = (n: string) =>
  n === "node-a" ? ed25519PublicKey(SEED) : n === "node-b" ? ed25519PublicKey(OTHER) : undefined;

/** A chain of `n` events (node-a signs, except the seqs in `byB`) with its head. */
function chain(n: number, byB: number[] = []): { events: AuditEvent[]; head: AuditHead } {
  const events: AuditEvent[] = [];
  let prev: Uint8Array | undefined;
  for (let seq = 0; seq < n; seq++) {
    const b = byB.includes(seq);
    const e = createAuditEvent({
      zoneId: "z:work",
      seq,
      ...(prev === undefined ? {} : { prev }),
      occurredAt: 1000 + seq,
      nodeId: b ? "node-b" : "node-a",
      eventType: seq % 2 === 0 ? "invoke" : "invoke.denied",
      actor: `agent-${seq}`,
    }, b ? OTHER : SEED);
    events.push(e);
    prev = auditEventId(e, KEY);
  }
  const head = signAuditHead(
    createAuditHead({
      zoneId: "z:work",
      headEvent: prev!,
      headSeq: n - 1,
      epochId: "3",
      now: 2000,
    }),
    "node-a",
    SEED,
    2000,
  );
  return { events, head };
}

function records(events: AuditEvent[]): StoredAuditRecord[] {
  return events.map((e) => ({ seq: e.seq, id: auditEventId(e, KEY), bytes: encodeAuditEvent(e) }));
}

function check(recs: StoredAuditRecord[], head?: AuditHead | Uint8Array): AuditChainResult {
  return verifyAuditChain(recs, {
    zoneId: "z:work",
    objectIdKey: KEY,
    resolveKey: keys,
    requireHead: true,
    headMustBeLatest: true,
    ...(head === undefined ? {} : { head }),
  });
}

function finding(r: AuditChainResult): [string, number, string] {
  assert.equal(r.ok, false, "expected a finding");
  if (r.ok) throw new Error("unreachable");
  return [r.finding.kind, r.finding.seq, r.finding.reason];
}

Deno.test("verifyAuditChain: an intact chain (events from two nodes) verifies", () => {
  const { events, head } = chain(6, [2, 3]);
  const r = check(records(events), encodeAuditHead(head));
  assert.equal(r.ok, true);
  assert.equal(r.events, 6);
  assert.equal(r.headSeq, 5);
  assertAuditChainIntact(r);
  // without stored seq/id columns it verifies too
  assert.equal(check(events.map((e) => ({ bytes: encodeAuditEvent(e) })), head).ok, true);
  // an empty chain is intact
  assert.deepEqual(check([]), { ok: true, zoneId: "z:work", events: 0, headSeq: -1 });
});

Deno.test("verifyAuditChain: an edited event is found (id mismatch, or signature)", () => {
  const { events, head } = chain(5);
  const recs = records(events);
  // edited bytes, stored id kept: the bytes no longer hash to the id
  const edited = { ...events[2]!, actor: "agent-X" };
  const bytes = encodeAuditEvent(edited);
  const r1 = [...recs];
  r1[2] = { ...recs[2]!, bytes };
  assert.deepEqual(finding(check(r1, head)), ["edited", 2, "id_mismatch"]);
  // edited with the id recomputed (attacker knows the ObjectIdKey): the signature fails
  const r2 = [...recs];
  r2[2] = { seq: 2, id: auditEventId(edited, KEY), bytes };
  assert.deepEqual(finding(check(r2, head)), ["edited", 2, "signature_invalid"]);
  // re-signed by an attacker key under our node id
  const resigned = createAuditEvent({
    zoneId: "z:work",
    seq: 2,
    prev: events[2]!.prev!,
    occurredAt: 1002,
    nodeId: "node-a",
    eventType: "invoke",
    actor: "agent-X",
  }, new Uint8Array(32).fill(0x66));
  const r3 = [...recs];
  r3[2] = { seq: 2, id: auditEventId(resigned, KEY), bytes: encodeAuditEvent(resigned) };
  assert.deepEqual(finding(check(r3, head)), ["edited", 2, "signature_invalid"]);
  // re-signed by a node nobody knows
  const stranger = createAuditEvent({
    zoneId: "z:work",
    seq: 2,
    prev: events[2]!.prev!,
    occurredAt: 1002,
    nodeId: "node-z",
    eventType: "invoke",
    actor: "agent-2",
  }, new Uint8Array(32).fill(0x67));
  const r4 = [...recs];
  r4[2] = { seq: 2, id: auditEventId(stranger, KEY), bytes: encodeAuditEvent(stranger) };
  assert.deepEqual(finding(check(r4, head)), ["unknown_signer", 2, "unknown_signer"]);
  // garbage bytes
  const r5 = [...recs];
  r5[1] = { ...recs[1]!, bytes: new Uint8Array([0xa0]) };
  assert.deepEqual(finding(check(r5, head)), ["malformed", 1, "decode"]);
});

Deno.test("verifyAuditChain: removed events are found (middle, renumbered, last)", () => {
  const { events, head } = chain(5);
  const recs = records(events);
  const middle = recs.filter((_, i) => i !== 2);
  assert.deepEqual(finding(check(middle, head)), ["removed", 2, "seq_gap"]);
  // storage renumbered to hide the gap: the signed seq still shows it
  const renumbered = middle.map((r, i) => ({ ...r, seq: i }));
  assert.deepEqual(finding(check(renumbered, head)), ["removed", 2, "seq_gap"]);
  // two in a row
  const two = recs.filter((_, i) => i !== 1 && i !== 2);
  const r2 = check(two, head);
  assert.deepEqual(finding(r2), ["removed", 1, "seq_gap"]);
  assert.match(r2.ok ? "" : r2.finding.detail, /events 1\.\.2 are missing/);
  // the genesis event
  assert.deepEqual(finding(check(recs.slice(1), head)), ["removed", 0, "seq_gap"]);
  // the last event: only the signed head can tell
  const last = recs.slice(0, 4);
  assert.deepEqual(finding(check(last, head)), ["truncated", 4, "behind_head"]);
  // ... and without the head it is reported as missing
  assert.deepEqual(finding(check(last)), ["head_missing", 3, "no_head"]);
  // every event gone while the head survives
  assert.deepEqual(finding(check([], head)), ["truncated", 0, "behind_head"]);
});

Deno.test("verifyAuditChain: reordered and duplicated events are found", () => {
  const { events, head } = chain(5);
  const recs = records(events);
  // swap rows 1 and 2 (bytes and ids moved together)
  const swapped = [recs[0]!, { ...recs[2]!, seq: 1 }, { ...recs[1]!, seq: 2 }, recs[3]!, recs[4]!];
  assert.deepEqual(finding(check(swapped, head)), ["reordered", 1, "out_of_order"]);
  // swap only the bytes (ids left in place): still a reorder, not an edit
  const bytesOnly = [
    recs[0]!,
    { ...recs[1]!, bytes: recs[2]!.bytes },
    { ...recs[2]!, bytes: recs[1]!.bytes },
    recs[3]!,
    recs[4]!,
  ];
  assert.deepEqual(finding(check(bytesOnly, head)), ["reordered", 1, "out_of_order"]);
  // swap the last two
  const tail = [recs[0]!, recs[1]!, recs[2]!, recs[4]!, recs[3]!];
  assert.deepEqual(finding(check(tail, head)), ["reordered", 3, "out_of_order"]);
  // an event copied over its successor
  const dup = [recs[0]!, recs[1]!, { ...recs[1]!, seq: 2 }, recs[3]!, recs[4]!];
  assert.deepEqual(finding(check(dup, head)), ["duplicated", 1, "duplicate"]);
  // an event appended again at the end
  const again = [...recs, { ...recs[2]!, seq: 5 }];
  assert.deepEqual(finding(check(again, head)), ["duplicated", 2, "duplicate"]);
});

Deno.test("verifyAuditChain: a validly signed event from another history is a fork", () => {
  const { events, head } = chain(4);
  const other = createAuditEvent({
    zoneId: "z:work",
    seq: 2,
    prev: new Uint8Array(32).fill(0x99),
    occurredAt: 1002,
    nodeId: "node-a",
    eventType: "invoke",
    actor: "agent-2",
  }, SEED);
  const recs = records(events);
  recs[2] = { seq: 2, id: auditEventId(other, KEY), bytes: encodeAuditEvent(other) };
  assert.deepEqual(finding(check(recs, head)), ["forked", 2, "prev_mismatch"]);
  // an event of another zone
  const foreign = createAuditEvent({
    zoneId: "z:private",
    seq: 0,
    occurredAt: 1,
    nodeId: "node-a",
    eventType: "node.start",
    actor: "n",
  }, SEED);
  assert.deepEqual(
    finding(check([{ bytes: encodeAuditEvent(foreign) }])),
    ["malformed", 0, "zone_mismatch"],
  );
});

Deno.test("verifyAuditChain: a tampered, foreign, stale or missing head is found", () => {
  const { events, head } = chain(4);
  const recs = records(events);
  // not re-signed
  assert.deepEqual(finding(check(recs, { ...head, headSeq: 2 })), [
    "head_invalid",
    3,
    "head_invalid",
  ]);
  // re-signed by an attacker under our node id
  const forged = signAuditHead(
    createAuditHead({
      zoneId: "z:work",
      headEvent: head.headEvent,
      headSeq: 3,
      epochId: "3",
      now: 1,
    }),
    "node-a",
    new Uint8Array(32).fill(0x77),
    1,
  );
  assert.equal(finding(check(recs, forged))[0], "head_invalid");
  // bytes that do not decode
  assert.equal(finding(check(recs, new Uint8Array([1, 2, 3])))[0], "head_invalid");
  // unsigned
  assert.equal(
    finding(check(recs, createAuditHead({ ...head, epochId: "3", now: 1 })))[0],
    "head_invalid",
  );
  // a valid head naming another event at its seq
  const wrong = signAuditHead(
    createAuditHead({
      zoneId: "z:work",
      headEvent: new Uint8Array(32).fill(5),
      headSeq: 3,
      epochId: "3",
      now: 1,
    }),
    "node-a",
    SEED,
    1,
  );
  assert.deepEqual(finding(check(recs, wrong)), ["head_mismatch", 3, "head_event_mismatch"]);
  // an older valid head: fine for a checkpoint, not for the node's own latest head
  const older = signAuditHead(
    createAuditHead({
      zoneId: "z:work",
      headEvent: auditEventId(events[1]!, KEY),
      headSeq: 1,
      epochId: "3",
      now: 1,
    }),
    "node-a",
    SEED,
    1,
  );
  assert.deepEqual(finding(check(recs, older)), ["head_mismatch", 2, "after_head"]);
  assert.equal(
    verifyAuditChain(recs, { zoneId: "z:work", objectIdKey: KEY, resolveKey: keys, head: older })
      .ok,
    true,
  );
  // refusal helper
  assert.throws(
    () => assertAuditChainIntact(check(recs.slice(0, 3), head)),
    (e) => isFcpError(e, "FCP-5003"),
  );
});

Deno.test("verifyAuditChain: every referenced event must be in the chain (a cut tail with an older head)", () => {
  const { events } = chain(5);
  const ids = events.map((e) => toHex(auditEventId(e, KEY)));
  // The first three events with a genuine head of seq 2: consistent by itself.
  const short = {
    events: events.slice(0, 3),
    head: signAuditHead(
      createAuditHead({
        zoneId: "z:work",
        headEvent: auditEventId(events[2]!, KEY),
        headSeq: 2,
        epochId: "3",
        now: 1500,
      }),
      "node-a",
      SEED,
      1500,
    ),
  };
  const noHead = {
    zoneId: "z:work",
    objectIdKey: KEY,
    resolveKey: keys,
    requireHead: true,
    headMustBeLatest: true,
  };
  const base = { ...noHead, head: short.head };
  assert.equal(verifyAuditChain(records(short.events), base).ok, true);
  const refs = ids.map((eventId, i) => ({ eventId, by: `request r${i}` }));
  // Referencing only what is there passes (ids in any case).
  const present = refs.slice(0, 3).map((r) => ({ ...r, eventId: r.eventId.toUpperCase() }));
  const withPresent = verifyAuditChain(records(short.events), { ...base, referenced: present });
  assert.equal(withPresent.ok, true, JSON.stringify(withPresent));
  const r = verifyAuditChain(records(short.events), { ...base, referenced: refs });
  assert.deepEqual(finding(r), ["truncated", 3, "referenced_event_missing"]);
  assert.ok(!r.ok && r.finding.detail.includes("request r3"));
  // A chain replaced by an empty one.
  assert.deepEqual(finding(verifyAuditChain([], { ...noHead, referenced: refs })), [
    "truncated",
    0,
    "referenced_event_missing",
  ]);
});
