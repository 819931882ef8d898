import assert from "node:assert/strict";
import { decodeCbor } from "../cbor/mod.ts";
import { concatBytes, toHex, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";
import {
  computeInterfaceHash,
  interfaceDescriptor,
  type InterfaceInput,
} from "./manifest_interface_hash.ts";

const op = (id: string, extra: Partial<InterfaceInput["operations"][number]> = {}) => ({
  id,
  capability: "c.read",
  riskLevel: "low",
  safetyTier: "safe",
  idempotency: "strict",
  inputSchema: { type: "object" as const },
  outputSchema: { type: "object" as const, required: ["x"] },
  ...extra,
});

const BASE: InterfaceInput = {
  id: "fcp.c",
  capabilities: { required: ["c.read", "c.a"], optional: [], forbidden: ["system.exec"] },
  operations: [op("c.b"), op("c.a")],
};

Deno.test("the hash is BLAKE3-256 over the domain and the canonical descriptor", () => {
  const expected = toHex(blake3(concatBytes(utf8("fcp.interface.v2"), interfaceDescriptor(BASE))));
  assert.equal(computeInterfaceHash(BASE), `blake3-256:fcp.interface.v2:${expected}`);
});

Deno.test("the descriptor sorts operations and capabilities and defaults requires_approval", () => {
  const d = decodeCbor(interfaceDescriptor(BASE)) as Record<string, unknown>;
  const ops = d.operations as Record<string, unknown>[];
  assert.deepEqual(ops.map((o) => o.id), ["c.a", "c.b"]);
  assert.equal(ops[0]!.requires_approval, "none");
  assert.deepEqual(ops[0]!.output_schema, { type: "object", required: ["x"] });
  assert.deepEqual((d.capabilities as Record<string, unknown>).required, ["c.a", "c.read"]);
  assert.deepEqual(Object.keys(ops[0]!).sort(), [
    "capability",
    "id",
    "idempotency",
    "input_schema",
    "output_schema",
    "requires_approval",
    "risk_level",
    "safety_tier",
  ]);
});

Deno.test("order does not matter; every covered field does", () => {
  const h = computeInterfaceHash(BASE);
  const reordered: InterfaceInput = {
    ...BASE,
    capabilities: { required: ["c.a", "c.read"], optional: [], forbidden: ["system.exec"] },
    operations: [op("c.a"), op("c.b")],
  };
  assert.equal(computeInterfaceHash(reordered), h);
  const variants: InterfaceInput[] = [
    { ...BASE, id: "fcp.d" },
    { ...BASE, capabilities: { ...BASE.capabilities, optional: ["c.write"] } },
    { ...BASE, operations: [op("c.b"), op("c.a", { safetyTier: "risky" })] },
    { ...BASE, operations: [op("c.b"), op("c.a", { requiresApproval: "policy" })] },
    {
      ...BASE,
      operations: [op("c.b"), op("c.a", { inputSchema: { type: "object", minProperties: 1 } })],
    },
    { ...BASE, operations: [op("c.a")] },
  ];
  const hashes = new Set([h, ...variants.map(computeInterfaceHash)]);
  assert.equal(hashes.size, variants.length + 1);
});
