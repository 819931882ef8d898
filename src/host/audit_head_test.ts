import assert from "node:assert/strict";
import { encodeCbor } from "../cbor/mod.ts";
import { isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  auditHeadSignatureCount,
  auditHeadToCbor,
  createAuditHead,
  decodeAuditHead,
  encodeAuditHead,
  signAuditHead,
  verifyAuditHead,
} from "./audit_head.ts";

const A = new Uint8Array(32).fill(1);
const B = new Uint8Array(32).fill(2);
const keys = (n: string) =>
  n === "node-a" ? ed25519PublicKey(A) : n === "node-b" ? ed25519PublicKey(B) : undefined;

function head(headSeq = 4) {
  return createAuditHead({
    zoneId: "z:work",
    headEvent: new Uint8Array(32).fill(7),
    headSeq,
    epochId: "5666667",
    now: 1_700_000_000,
  });
}

Deno.test("AuditHead: coverage is an f64 (WIRE.md D11), shortest float encoding", () => {
  const bytes = encodeAuditHead(head());
  // "coverage" key followed by f9 3c00 (1.0 as the shortest lossless float)
  assert.ok(toHex(bytes).includes(toHex(new TextEncoder().encode("coverage")) + "f93c00"));
  const half = createAuditHead({
    zoneId: "z:work",
    headEvent: new Uint8Array(32),
    headSeq: 0,
    coverage: 0.5,
    epochId: "1",
    now: 1,
  });
  assert.equal(decodeAuditHead(encodeAuditHead(half)).coverage, 0.5);
  assert.throws(
    () => decodeAuditHead(encodeCbor({ ...(auditHeadToCbor(half) as object), coverage: 1 })),
    (e) => isFcpError(e, "FCP-1013"),
  );
});

Deno.test("AuditHead: quorum signatures sorted, verified, counted", () => {
  const h = signAuditHead(signAuditHead(head(), "node-b", B, 10), "node-a", A, 11);
  assert.deepEqual(h.quorumSignatures.map((s) => s.nodeId), ["node-a", "node-b"]);
  const round = decodeAuditHead(encodeAuditHead(h));
  assert.deepEqual(round, h);
  assert.equal(auditHeadSignatureCount(round, keys), 2);
  verifyAuditHead(round, keys, 2);
  assert.throws(() => verifyAuditHead(round, keys, 3), (e) => isFcpError(e, "FCP-5003"));
  assert.throws(() => signAuditHead(h, "node-a", A, 12), (e) => isFcpError(e, "FCP-1013"));
});

Deno.test("AuditHead: tampering is refused", () => {
  const h = signAuditHead(head(), "node-a", A, 10);
  for (
    const bad of [
      { ...h, headSeq: 3 },
      { ...h, headEvent: new Uint8Array(32).fill(8) },
      { ...h, epochId: "1" },
      { ...h, coverage: 0.5 },
    ]
  ) {
    assert.throws(() => verifyAuditHead(bad, keys), (e) => isFcpError(e, "FCP-2001"));
  }
  // signed by an attacker under our node id
  const forged = signAuditHead(head(), "node-a", new Uint8Array(32).fill(9), 10);
  assert.throws(() => verifyAuditHead(forged, keys), (e) => isFcpError(e, "FCP-2001"));
  const stranger = signAuditHead(head(), "node-x", A, 10);
  assert.throws(() => verifyAuditHead(stranger, keys), (e) => isFcpError(e, "FCP-2008"));
});

Deno.test("AuditHead: shape refusals", () => {
  assert.throws(
    () =>
      createAuditHead({
        zoneId: "z:work",
        headEvent: new Uint8Array(32),
        headSeq: 0,
        epochId: "01",
        now: 1,
      }),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () =>
      createAuditHead({
        zoneId: "z:work",
        headEvent: new Uint8Array(31),
        headSeq: 0,
        epochId: "1",
        now: 1,
      }),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () =>
      createAuditHead({
        zoneId: "z:work",
        headEvent: new Uint8Array(32),
        headSeq: 0,
        coverage: 1.5,
        epochId: "1",
        now: 1,
      }),
    (e) => isFcpError(e, "FCP-1013"),
  );
  const m = auditHeadToCbor(head()) as Record<string, unknown>;
  assert.throws(
    () => decodeAuditHead(encodeCbor({ ...m, zone_id: "z:private" } as never)),
    (e) => isFcpError(e, "FCP-1013"),
  );
});
