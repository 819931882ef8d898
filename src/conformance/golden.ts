/**
 * The project's own golden vectors (`vectors/*.json`): objects and mappings the interop set
 * does not cover, computed by this implementation and pinned so that any change to their
 * bytes is deliberate. Same envelope as ../shared/interop (set `fcp-golden`), so the same
 * loader and runner check them. `deno task vectors` rewrites the files from this module;
 * `golden_test.ts` fails when the committed files differ.
 *
 * @module
 */
import { toHex, utf8 } from "../core/mod.ts";
import {
  encodeObjectHeader,
  type ObjectHeader,
  objectIdUnscoped,
  originProvenance,
  schemaHash,
  STANDARD_ZONES,
  zoneIdHash,
  zoneToTailscaleTag,
} from "../model/mod.ts";
import type { Vector, VectorFile } from "./types.ts";

/** Envelope format shared with the interop set. */
export const GOLDEN_FORMAT = "fcp2-interop-vectors/1";

const SCHEMAS = [
  ["fcp.core", "CapabilityObject", "1.0.0"],
  ["fcp.core", "ObjectHeader", "1.0.0"],
  ["fcp.core", "AuditEvent", "1.0.0"],
  ["fcp.core", "RevocationObject", "1.0.0"],
  ["fcp.operation", "intent", "1.0.0"],
  ["fcp.operation", "receipt", "1.0.0"],
  ["fcp.zone", "ZoneKeyManifest", "1.0.0"],
] as const;

function computed(
  id: string,
  kind: string,
  description: string,
  inputs: Record<string, unknown>,
  expected: Record<string, unknown>,
): Vector {
  return {
    id,
    kind,
    provenance: "fcp-computed",
    description,
    source: "src/conformance/golden.ts",
    inputs,
    expected,
  };
}

function headerVector(id: string, h: ObjectHeader, description: string): Vector {
  return computed(id, "object_header_cbor", description, {
    header: {
      schema: { ...h.schema },
      zone_id: h.zoneId,
      created_at: h.createdAt,
      ttl_secs: h.ttlSecs ?? null,
      provenance: {
        origin_zone: h.provenance.originZone,
        chain: h.provenance.chain.map((s) => ({
          timestamp_ms: s.timestampMs,
          zone: s.zone,
          actor: s.actor,
          action: s.action,
          resource: s.resource,
        })),
        taint: h.provenance.taint,
        elevated: h.provenance.elevated,
        elevation_token: h.provenance.elevationToken ?? null,
      },
      refs_hex: h.refs.map(toHex),
      foreign_refs_hex: h.foreignRefs.map(toHex),
    },
  }, { header_cbor_hex: toHex(encodeObjectHeader(h)) });
}

/**
 * Build every golden vector file, keyed by file name.
 *
 * @example
 * ```ts
 * import { goldenVectorFiles } from "./golden.ts";
 * import assert from "node:assert/strict";
 * const files = goldenVectorFiles();
 * assert.ok(files["model.json"]!.vectors.length > 0);
 * ```
 */
export function goldenVectorFiles(): Record<string, VectorFile> {
  const vectors: Vector[] = [];
  for (const z of STANDARD_ZONES) {
    vectors.push(
      computed(`model.zone_id_hash.${z}`, "zone_id_hash", "ZoneIdHash of a standard zone", {
        zone_id: z,
      }, { zone_id_hash_hex: toHex(zoneIdHash(z)) }),
    );
  }
  for (const z of [...STANDARD_ZONES, "z:project:apollo", "z:lab-2"]) {
    vectors.push(
      computed(`model.tailscale_tag.${z}`, "zone_tailscale_tag", "Zone to Tailscale ACL tag", {
        zone_id: z,
      }, { tag: zoneToTailscaleTag(z) }),
    );
  }
  for (const [namespace, name, version] of SCHEMAS) {
    vectors.push(
      computed(
        `model.schema_hash.${namespace}.${name}.${version}`,
        "schema_hash_only",
        "SchemaHash (code formula, WIRE.md D1) of a schema fcp uses",
        { schema: { namespace, name, version } },
        { schema_hash_hex: toHex(schemaHash({ namespace, name, version })) },
      ),
    );
  }
  const ref = objectIdUnscoped(utf8("golden-ref"));
  vectors.push(headerVector(
    "model.header.minimal",
    {
      schema: { namespace: "fcp.core", name: "AuditEvent", version: "1.0.0" },
      zoneId: "z:work",
      createdAt: 1_767_225_600,
      provenance: originProvenance("z:work"),
      refs: [],
      foreignRefs: [],
    },
    "ObjectHeader with only required fields",
  ));
  vectors.push(headerVector(
    "model.header.ttl_refs_chain",
    {
      schema: { namespace: "fcp.core", name: "AuditEvent", version: "1.0.0" },
      zoneId: "z:private",
      createdAt: 1_767_225_600,
      ttlSecs: 86_400,
      provenance: {
        originZone: "z:public",
        chain: [{
          timestampMs: 1_767_225_600_123,
          zone: "z:private",
          actor: "node-a",
          action: "import",
          resource: "fcp.http:get",
        }],
        taint: "Tainted",
        elevated: true,
        elevationToken: "approval-7",
      },
      refs: [ref],
      foreignRefs: [objectIdUnscoped(utf8("golden-foreign"))],
    },
    "ObjectHeader with ttl, refs, foreign refs, a provenance step and elevation",
  ));
  return {
    "model.json": {
      format: GOLDEN_FORMAT,
      area: "model",
      set: "fcp-golden",
      vectors,
    },
  };
}

/**
 * The exact text written for a golden file (stable formatting, trailing newline).
 *
 * @example
 * ```ts
 * import { goldenFileText, goldenVectorFiles } from "./golden.ts";
 * import assert from "node:assert/strict";
 * assert.ok(goldenFileText(goldenVectorFiles()["model.json"]!).endsWith("}\n"));
 * ```
 */
export function goldenFileText(file: VectorFile): string {
  return JSON.stringify(file, null, 2) + "\n";
}
