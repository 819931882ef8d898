import assert from "node:assert/strict";
import fc from "fast-check";
import { decodePrefixed, encodePrefixed, isCanonicalCbor } from "../cbor/mod.ts";
import { isFcpError } from "../core/mod.ts";
import {
  type DeviceSelector,
  headerFromCbor,
  headerToCbor,
  type ObjectHeader,
  TAINT_LEVELS,
} from "./object_header.ts";
import { decodeObjectHeader, encodeObjectHeader } from "./object_header.ts";
import { schemaHash } from "./schema.ts";
import { parseZoneId, zoneFromTailscaleTag, zoneToTailscaleTag } from "./zone_id.ts";

const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/).filter((s) => !s.startsWith("proj-"));
const projectName = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);

/** Valid zone ids: plain, nested, and `z:project:<name>` (WIRE.md §3). */
const zoneId: fc.Arbitrary<string> = fc.oneof(
  segment.filter((s) => s !== "project").map((s) => `z:${s}`),
  fc.array(segment, { minLength: 2, maxLength: 4 })
    .filter((p) => p[0] !== "project")
    .map((p) => `z:${p.join(":")}`)
    .filter((z) => z.length <= 64),
  projectName.map((n) => `z:project:${n}`),
);

const uint = fc.maxSafeNat();
const ref = fc.uint8Array({ minLength: 32, maxLength: 32 });
const text = fc.string({ maxLength: 12 });
const schemaPart = fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/);
const version = fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999)).map((v) => v.join("."));

const selector: fc.Arbitrary<DeviceSelector> = fc.oneof(
  text.map((Tag) => ({ Tag })),
  text.map((Class) => ({ Class })),
  text.map((Zone) => ({ Zone })),
  text.map((HasCapability) => ({ HasCapability })),
  uint.map((NodeId) => ({ NodeId })),
);

/** Records with Object.prototype, as the decoder builds them. */
const plain = { noNullPrototype: true } as const;

const header: fc.Arbitrary<ObjectHeader> = fc.record({
  schema: fc.record({ namespace: schemaPart, name: schemaPart, version }, plain),
  zoneId,
  createdAt: uint,
  provenance: fc.record({
    originZone: zoneId,
    chain: fc.array(
      fc.record(
        { timestampMs: uint, zone: zoneId, actor: text, action: text, resource: text },
        plain,
      ),
      { maxLength: 3 },
    ),
    taint: fc.constantFrom(...TAINT_LEVELS),
    elevated: fc.boolean(),
    elevationToken: text,
  }, { ...plain, requiredKeys: ["originZone", "chain", "taint", "elevated"] }),
  refs: fc.array(ref, { maxLength: 3 }),
  foreignRefs: fc.array(ref, { maxLength: 3 }),
  ttlSecs: uint,
  placement: fc.record({
    minNodes: uint,
    maxNodeFractionBps: fc.nat(10_000),
    preferredDevices: fc.array(selector, { maxLength: 3 }),
    excludedDevices: fc.array(selector, { maxLength: 3 }),
    targetCoverageBps: fc.nat(100_000),
    minSourceDiversity: fc.nat(16),
  }, plain),
}, {
  ...plain,
  requiredKeys: ["schema", "zoneId", "createdAt", "provenance", "refs", "foreignRefs"],
});

Deno.test("property: ObjectHeader encode → decode is the identity, and the bytes are canonical", () => {
  fc.assert(
    fc.property(header, (h) => {
      const bytes = encodeObjectHeader(h);
      assert.ok(isCanonicalCbor(bytes));
      assert.deepEqual(decodeObjectHeader(bytes), h);
      // the SchemaHash-prefixed form round-trips through the prefix check
      const H = schemaHash(h.schema);
      const prefixed = encodePrefixed(H, headerToCbor(h));
      assert.deepEqual(headerFromCbor(decodePrefixed(prefixed, H)), h);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: a changed byte of a serialized header is refused or decodes to a header that re-encodes to it", () => {
  fc.assert(
    fc.property(header, fc.nat(), fc.integer({ min: 0, max: 255 }), (h, at, byte) => {
      const H = schemaHash(h.schema);
      const bytes = encodePrefixed(H, headerToCbor(h)).slice();
      bytes[at % bytes.length] = byte;
      let back: ObjectHeader;
      try {
        back = headerFromCbor(decodePrefixed(bytes, H));
      } catch (e) {
        if (!isFcpError(e)) throw e;
        return;
      }
      assert.deepEqual(encodePrefixed(H, headerToCbor(back)), bytes);
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: generated zone ids are valid and their Tailscale tags map back", () => {
  fc.assert(
    fc.property(zoneId, (z) => {
      assert.equal(parseZoneId(z), z);
      const tag = zoneToTailscaleTag(z);
      assert.match(tag, /^tag:fcp-[a-z0-9-]+$/);
      // single-segment and project zones map back on their own; nested ones need `known`
      const nested = z.slice(2).includes(":") && !z.startsWith("z:project:");
      if (!nested) assert.equal(zoneFromTailscaleTag(tag), z);
      assert.equal(zoneFromTailscaleTag(tag, [z]), z);
    }),
    { numRuns: 500 },
  );
});

/** An independent statement of WIRE.md §3 (and D9) to check parseZoneId against. */
function zoneOracle(s: string): boolean {
  if (s.length < 1 || s.length > 64 || !s.startsWith("z:")) return false;
  const parts = s.slice(2).split(":");
  if (parts.some((p) => !/^[a-z0-9-]+$/.test(p))) return false;
  if (s.startsWith("z:proj-")) return false;
  if (parts[0] === "project") {
    return parts.length === 2 && !parts[1]!.startsWith("-") && !parts[1]!.endsWith("-");
  }
  return true;
}

Deno.test("property: parseZoneId accepts exactly what WIRE.md §3 allows, else FCP-4001", () => {
  const near = fc.oneof(
    fc.stringMatching(/^z:[a-zA-Z0-9:_-]{0,10}$/),
    fc.stringMatching(/^z:(project|proj-)[a-z0-9:-]{0,8}$/),
    fc.string({ maxLength: 12 }),
  );
  fc.assert(
    fc.property(near, (s) => {
      let ok: boolean;
      try {
        ok = parseZoneId(s) === s;
      } catch (e) {
        assert.ok(isFcpError(e, "FCP-4001"), String(e));
        ok = false;
      }
      assert.equal(ok, zoneOracle(s), JSON.stringify(s));
    }),
    { numRuns: 2000 },
  );
});
