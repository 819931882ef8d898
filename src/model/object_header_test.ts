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
  const provenance = good.provenance as Record<string, unknown>;
  const cases: Array<Record<string, unknown>> = [
    { ...good, refs: [new Uint8Array(31)] },
    { ...good, refs: [new Uint8Array(33)] },
    { ...good, foreign_refs: ["00".repeat(32)] },
    { ...good, created_at: -1 },
    { ...good, created_at: "now" },
    { ...good, created_at: 2n ** 53n }, // beyond a safe integer: would not round-trip
    { ...good, ttl_secs: 1.5 },
    { ...good, schema: { namespace: "a", name: "b" } },
    { ...good, provenance: { ...provenance, taint: "Clean" } },
    { ...good, provenance: { ...provenance, elevated: 0 } },
    { ...good, provenance: { ...provenance, chain: [{ timestamp_ms: 1 }] } },
    { ...good, placement: { min_nodes: 1 } },
    { ...good, extra: 1 },
    { ...good, refs: undefined },
    // fields omitted when absent may not be null: null would be a second encoding of "absent"
    { ...good, ttl_secs: null },
    { ...good, placement: null },
    { ...good, provenance: { ...provenance, elevation_token: null } },
  ];
  for (const c of cases) {
    const bytes = encodeCbor(c as never);
    assert.throws(
      () => headerFromCbor(decodeCbor(bytes)),
      (e) => isFcpError(e, "FCP-1013"),
      JSON.stringify(Object.keys(c)),
    );
  }
  assert.throws(() => headerFromCbor([1, 2]), (e) => isFcpError(e, "FCP-1013"));
  assert.throws(
    () => headerFromCbor({ ...good, schema: { namespace: "a:b", name: "b", version: "1.0.0" } }),
    (e) => isFcpError(e, "FCP-1012"),
  );
  assert.throws(
    () => headerFromCbor({ ...good, provenance: { ...provenance, origin_zone: "work" } }),
    (e) => isFcpError(e, "FCP-4001"),
  );
});

Deno.test("headerToCbor() refuses what headerFromCbor would refuse (nothing undecodable is written)", () => {
  const step = intentHeader.provenance;
  const bad: Array<[ObjectHeader, string]> = [
    [{ ...intentHeader, createdAt: -1 }, "FCP-1013"],
    [{ ...intentHeader, createdAt: 1.5 }, "FCP-1013"],
    [{ ...intentHeader, createdAt: 2 ** 60 }, "FCP-1013"],
    [{ ...intentHeader, ttlSecs: -5 }, "FCP-1013"],
    [{ ...intentHeader, refs: [new Uint8Array(16)] }, "FCP-1013"],
    [{ ...intentHeader, foreignRefs: [new Uint8Array(64)] }, "FCP-1013"],
    [{ ...intentHeader, provenance: { ...step, originZone: "z:Work" } }, "FCP-4001"],
    [{ ...intentHeader, provenance: { ...step, taint: "Clean" as never } }, "FCP-1013"],
    [{
      ...intentHeader,
      provenance: {
        ...step,
        chain: [{ timestampMs: -1, zone: "z:work", actor: "a", action: "b", resource: "c" }],
      },
    }, "FCP-1013"],
    [{
      ...intentHeader,
      provenance: {
        ...step,
        chain: [{ timestampMs: 1, zone: "work", actor: "a", action: "b", resource: "c" }],
      },
    }, "FCP-4001"],
    [{
      ...intentHeader,
      placement: {
        minNodes: 1,
        maxNodeFractionBps: 5000,
        preferredDevices: [{ Tag: "a", Class: "b" } as never],
        excludedDevices: [],
        targetCoverageBps: 10000,
        minSourceDiversity: 1,
      },
    }, "FCP-1013"],
    [{
      ...intentHeader,
      schema: { namespace: "fcp.operation", name: "intent", version: "1" },
    }, "FCP-1012"],
  ];
  for (const [h, code] of bad) {
    assert.throws(() => encodeObjectHeader(h), (e) => isFcpError(e, code as never), code);
  }
});

Deno.test("headerToCbor() refuses an invalid zone id", () => {
  assert.throws(
    () => encodeObjectHeader({ ...intentHeader, zoneId: "z:Work" }),
    (e) => isFcpError(e, "FCP-4001"),
  );
});
