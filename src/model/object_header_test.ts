import assert from "node:assert/strict";
import { decodeCbor, encodeCbor } from "../cbor/mod.ts";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import {
  decodeObjectHeader,
  encodeObjectHeader,
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  originProvenance,
} from "./object_header.ts";

const VECTOR_HEADER_HEX =
  "a664726566738066736368656d61a3646e616d6566696e74656e746776657273696f6e65312e302e30696e616d6573706163656d6663702e6f7065726174696f6e677a6f6e655f6964667a3a776f726b6a637265617465645f61741a659200806a70726f76656e616e6365a465636861696e80657461696e7469556e7461696e74656468656c657661746564f46b6f726967696e5f7a6f6e65667a3a776f726b6c666f726569676e5f7265667380";

const intentHeader: ObjectHeader = {
  schema: { namespace: "fcp.operation", name: "intent", version: "1.0.0" },
  zoneId: "z:work",
  createdAt: 1704067200,
  provenance: originProvenance("z:work"),
  refs: [],
  foreignRefs: [],
};

Deno.test("encodeObjectHeader() matches the reference header bytes (operation.json)", () => {
  assert.equal(toHex(encodeObjectHeader(intentHeader)), VECTOR_HEADER_HEX);
  assert.deepEqual(decodeObjectHeader(fromHex(VECTOR_HEADER_HEX)), intentHeader);
});

Deno.test("ObjectHeader round-trips every optional field", () => {
  const full: ObjectHeader = {
    ...intentHeader,
    refs: [new Uint8Array(32).fill(1)],
    foreignRefs: [new Uint8Array(32).fill(2)],
    ttlSecs: 3600,
    provenance: {
      originZone: "z:public",
      chain: [{
        timestampMs: 1704067200123,
        zone: "z:work",
        actor: "agent",
        action: "invoke",
        resource: "fcp.http:get",
      }],
      taint: "Tainted",
      elevated: true,
      elevationToken: "approval-1",
    },
    placement: {
      minNodes: 2,
      maxNodeFractionBps: 5000,
      preferredDevices: [{ Tag: "fcp-work" }, { NodeId: 7 }],
      excludedDevices: [{ Class: "mobile" }],
      targetCoverageBps: 15000,
      minSourceDiversity: 2,
    },
  };
  const bytes = encodeObjectHeader(full);
  assert.deepEqual(decodeObjectHeader(bytes), full);
  // Canonical: keys sorted bytewise, so `refs` (4 chars) precedes `schema` (6 chars).
  assert.equal(toHex(bytes.slice(0, 6)), "a8" + "64" + toHex(new TextEncoder().encode("refs")));
});

Deno.test("headerFromCbor() refuses wrong shapes with FCP-1013", () => {
  const good = headerToCbor(intentHeader) as Record<string, unknown>;
  const cases: Array<Record<string, unknown>> = [
    { ...good, refs: [new Uint8Array(31)] },
    { ...good, created_at: -1 },
    { ...good, created_at: "now" },
    { ...good, schema: { namespace: "a", name: "b" } },
    { ...good, provenance: { ...(good.provenance as object), taint: "Clean" } },
    { ...good, extra: 1 },
    { ...good, refs: undefined },
  ];
  for (const c of cases) {
    const bytes = encodeCbor(c as never);
    assert.throws(
      () => headerFromCbor(decodeCbor(bytes)),
      (e) => isFcpError(e),
      JSON.stringify(Object.keys(c)),
    );
  }
});

Deno.test("headerToCbor() refuses an invalid zone id", () => {
  assert.throws(
    () => encodeObjectHeader({ ...intentHeader, zoneId: "z:Work" }),
    (e) => isFcpError(e, "FCP-4001"),
  );
});
