import assert from "node:assert/strict";
import { encodeCbor } from "../cbor/mod.ts";
import { isFcpError, utf8 } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import { objectIdUnscoped } from "../model/mod.ts";
import {
  checkRevocationLink,
  createRevocationEvent,
  createRevocationHead,
  createRevocationObject,
  decodeRevocationEvent,
  decodeRevocationObject,
  encodeRevocationEvent,
  encodeRevocationObject,
  isRevocationActive,
  revocationEventId,
  revocationHeadFromCbor,
  revocationHeadToCbor,
  revocationObjectId,
  revocationObjectToCbor,
  revocationTargetId,
  signRevocationHead,
  verifyRevocationEvent,
  verifyRevocationHead,
  verifyRevocationObject,
} from "./revocation.ts";

const OWNER = new Uint8Array(32).fill(1);
const OWNER_PK = ed25519PublicKey(OWNER);
const OTHER = new Uint8Array(32).fill(2);
const KEY = new Uint8Array(32).fill(7);
const target = objectIdUnscoped(utf8("token-1"));

function obj(now = 100, extra: { expiresAt?: number; effectiveAt?: number } = {}) {
  return createRevocationObject({
    zoneId: "z:work",
    revoked: [target],
    scope: "Capability",
    reason: "device lost",
    now,
    ...extra,
  }, OWNER);
}

Deno.test("revocation object: round trip, owner signature, wrong signer refused", () => {
  const o = obj();
  verifyRevocationObject(o, OWNER_PK);
  assert.deepEqual(decodeRevocationObject(encodeRevocationObject(o)), o);
  assert.throws(
    () => verifyRevocationObject(o, ed25519PublicKey(OTHER)),
    (e) => isFcpError(e, "FCP-2001"),
  );
  const forged = createRevocationObject({
    zoneId: "z:work",
    revoked: [target],
    scope: "Capability",
    reason: "x",
    now: 1,
  }, OTHER);
  assert.throws(() => verifyRevocationObject(forged, OWNER_PK), (e) => isFcpError(e, "FCP-2001"));
});

Deno.test("revocation object: tampered fields fail verification", () => {
  const o = obj();
  for (
    const t of [
      { ...o, reason: "other" },
      { ...o, scope: "IssuerKey" as const },
      { ...o, revoked: [new Uint8Array(32)] },
      { ...o, expiresAt: 10_000 },
      { ...o, effectiveAt: 99 },
    ]
  ) {
    assert.throws(() => verifyRevocationObject(t, OWNER_PK), (e) => isFcpError(e, "FCP-2001"));
  }
});

Deno.test("revocation object: CBOR shape (null expires_at, bstr ids, key set)", () => {
  const v = revocationObjectToCbor(obj()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(v).sort(), [
    "effective_at",
    "expires_at",
    "header",
    "reason",
    "revoked",
    "scope",
    "signature",
  ]);
  assert.equal(v.expires_at, null);
  assert.equal(v.scope, "Capability");
  assert.ok((v.revoked as unknown[])[0] instanceof Uint8Array);
});

Deno.test("revocation object: active window effective_at <= now < expires_at", () => {
  const o = obj(100, { effectiveAt: 150, expiresAt: 200 });
  assert.equal(isRevocationActive(o, 149), false);
  assert.equal(isRevocationActive(o, 150), true);
  assert.equal(isRevocationActive(o, 199), true);
  assert.equal(isRevocationActive(o, 200), false, "expired revocation is not active");
  assert.equal(isRevocationActive(obj(), 1e12), true, "permanent");
});

Deno.test("revocation object: invalid shapes are refused", () => {
  assert.throws(
    () =>
      createRevocationObject({
        zoneId: "z:work",
        revoked: [],
        scope: "Capability",
        reason: "x",
        now: 1,
      }, OWNER),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(() => obj(100, { expiresAt: 100 }), (e) => isFcpError(e, "FCP-1013"));
  assert.throws(
    () =>
      createRevocationObject({
        zoneId: "z:work",
        revoked: [new Uint8Array(8)],
        scope: "Capability",
        reason: "x",
        now: 1,
      }, OWNER),
    (e) => isFcpError(e, "FCP-1013"),
  );
  const v = revocationObjectToCbor(obj()) as Record<string, unknown>;
  assert.throws(
    () => decodeRevocationObject(encodeCbor({ ...v, scope: "Everything" } as never)),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () => decodeRevocationObject(encodeCbor({ ...v, extra: 1 } as never)),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

Deno.test("revocation event: valid genesis and successor links", () => {
  const oid = revocationObjectId(obj(), KEY);
  const g = createRevocationEvent(
    { zoneId: "z:work", revocationObjectId: oid, seq: 0, now: 100 },
    OWNER,
  );
  verifyRevocationEvent(g, OWNER_PK);
  checkRevocationLink(undefined, undefined, g);
  const gid = revocationEventId(g, KEY);
  const e1 = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: oid,
    seq: 1,
    prev: gid,
    now: 101,
  }, OWNER);
  checkRevocationLink(g, gid, e1);
  assert.deepEqual(e1.header.refs, [oid, gid]);
});

Deno.test("revocation event: bad links are refused with FCP-3007", () => {
  const oid = revocationObjectId(obj(), KEY);
  const mk = (seq: number, prev?: Uint8Array) =>
    createRevocationEvent({
      zoneId: "z:work",
      revocationObjectId: oid,
      seq,
      now: 100,
      ...(prev ? { prev } : {}),
    }, OWNER);
  const g = mk(0);
  const gid = revocationEventId(g, KEY);
  const chain = (e: unknown) => isFcpError(e, "FCP-3007");
  assert.throws(
    () => checkRevocationLink(undefined, undefined, mk(1)),
    chain,
    "genesis with seq 1",
  );
  assert.throws(
    () => checkRevocationLink(undefined, undefined, mk(0, gid)),
    chain,
    "genesis with prev",
  );
  assert.throws(() => checkRevocationLink(g, gid, mk(2, gid)), chain, "wrong seq (gap)");
  assert.throws(() => checkRevocationLink(g, gid, mk(0, gid)), chain, "wrong seq (replay)");
  assert.throws(() => checkRevocationLink(g, gid, mk(1)), chain, "missing prev");
  assert.throws(
    () => checkRevocationLink(g, gid, mk(1, new Uint8Array(32))),
    chain,
    "bad prev link",
  );
  // ids depend on the zone ObjectIdKey: a link computed with another key does not match
  assert.throws(
    () => checkRevocationLink(g, revocationEventId(g, new Uint8Array(32)), mk(1, gid)),
    chain,
  );
});

Deno.test("revocation event: wrong signer and tampering refused", () => {
  const e = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: new Uint8Array(32),
    seq: 0,
    now: 1,
  }, OTHER);
  assert.throws(() => verifyRevocationEvent(e, OWNER_PK), (x) => isFcpError(x, "FCP-2001"));
  const good = createRevocationEvent({
    zoneId: "z:work",
    revocationObjectId: new Uint8Array(32),
    seq: 0,
    now: 1,
  }, OWNER);
  assert.throws(
    () => verifyRevocationEvent({ ...good, occurredAt: 2 }, OWNER_PK),
    (x) => isFcpError(x, "FCP-2001"),
  );
  assert.deepEqual(decodeRevocationEvent(encodeRevocationEvent(good)), good);
});

Deno.test("revocation head: quorum signatures, sorted, verified; epoch text", () => {
  const seeds = { "node-b": new Uint8Array(32).fill(11), "node-a": new Uint8Array(32).fill(12) };
  let h = createRevocationHead({
    zoneId: "z:work",
    headEvent: new Uint8Array(32).fill(4),
    headSeq: 4,
    epochId: "5667",
    now: 10,
  });
  h = signRevocationHead(h, "node-b", seeds["node-b"], 11);
  h = signRevocationHead(h, "node-a", seeds["node-a"], 12);
  assert.deepEqual(h.quorumSignatures.map((s) => s.nodeId), ["node-a", "node-b"]);
  const keys = new Map(Object.entries(seeds).map(([k, s]) => [k, ed25519PublicKey(s)]));
  assert.equal(verifyRevocationHead(h, keys, 2), 2);
  assert.deepEqual(revocationHeadFromCbor(revocationHeadToCbor(h)), h);
  assert.equal((revocationHeadToCbor(h) as Record<string, unknown>).epoch_id, "5667");
  assert.throws(() => verifyRevocationHead(h, keys, 3), (e) => isFcpError(e, "FCP-3007"));
  assert.throws(
    () => verifyRevocationHead({ ...h, headSeq: 5 }, keys, 1),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.throws(
    () => verifyRevocationHead(h, new Map([["node-a", keys.get("node-a")!]]), 1),
    (e) => isFcpError(e, "FCP-2008"),
  );
  assert.throws(
    () => signRevocationHead(h, "node-a", seeds["node-a"], 13),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () =>
      createRevocationHead({
        zoneId: "z:work",
        headEvent: new Uint8Array(32),
        headSeq: 0,
        epochId: "x1",
        now: 1,
      }),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

Deno.test("revocation target ids: object ids pass through, others are domain-separated", () => {
  const id = new Uint8Array(32).fill(3);
  assert.deepEqual(revocationTargetId("object", id), id);
  const kid = revocationTargetId("kid", "0011223344556677");
  assert.deepEqual(
    kid,
    revocationTargetId("kid", new Uint8Array([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77])),
  );
  assert.deepEqual(
    revocationTargetId("node", "n1"),
    objectIdUnscoped(utf8("fcp.revocation.node:n1")),
  );
  assert.throws(() => revocationTargetId("kid", "xyz"), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(
    () => revocationTargetId("object", new Uint8Array(8)),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(() => revocationTargetId("node", ""), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("revocation target ids: a token jti maps to its own domain; bad jti is FCP-1040", () => {
  const jti = new Uint8Array(16).fill(0xab);
  assert.deepEqual(
    revocationTargetId("jti", jti),
    objectIdUnscoped(utf8(`fcp.revocation.jti:${"ab".repeat(16)}`)),
  );
  assert.deepEqual(revocationTargetId("jti", "ab".repeat(16)), revocationTargetId("jti", jti));
  // Same hex text under another kind is another id.
  assert.notDeepEqual(
    revocationTargetId("jti", "00".repeat(16)),
    revocationTargetId("node", "00".repeat(16)),
  );
  assert.throws(
    () => revocationTargetId("jti", new Uint8Array(8)),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(() => revocationTargetId("jti", "AB".repeat(16)), (e) => isFcpError(e, "FCP-1040"));
});
