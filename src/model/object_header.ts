/**
 * ObjectHeader, Provenance and placement policy with their CBOR form (spec §3.6, §6.1;
 * WIRE.md §4). Key names and optional-field handling mirror the reference's serde output:
 * `refs`, `foreign_refs`, provenance `chain`/`taint`/`elevated` are always emitted;
 * `ttl_secs`, `placement` and `elevation_token` are omitted when absent.
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor } from "../cbor/mod.ts";
import {
  readArray,
  readBool,
  readBytes,
  readEnum,
  readOmittable,
  readRecord,
  readText,
  readUint,
} from "./cbor_shape.ts";
import type { ObjectId } from "./object_id.ts";
import { type SchemaId, validateSchemaId } from "./schema.ts";
import { parseZoneId, type ZoneId } from "./zone_id.ts";

/** Taint levels of the reference encoding (unit enum variants as text). */
export const TAINT_LEVELS = ["Untainted", "Tainted", "HighlyTainted"] as const;
/** A taint level. */
export type Taint = typeof TAINT_LEVELS[number];

/** One step of a provenance chain. */
export interface ProvenanceStep {
  /** Milliseconds since the Unix epoch. */
  readonly timestampMs: number;
  /** Zone the step happened in. */
  readonly zone: ZoneId;
  /** Who acted. */
  readonly actor: string;
  /** What was done. */
  readonly action: string;
  /** On what. */
  readonly resource: string;
}

/** Provenance carried by every object (spec §6.1). */
export interface Provenance {
  /** Zone the data originated in. */
  readonly originZone: ZoneId;
  /** Steps the data went through. */
  readonly chain: readonly ProvenanceStep[];
  /** Taint level. */
  readonly taint: Taint;
  /** Whether an approval elevated this data. */
  readonly elevated: boolean;
  /** The elevation token, when elevated. */
  readonly elevationToken?: string;
}

/** A typed device selector (spec §3.6). */
export type DeviceSelector =
  | { readonly Tag: string }
  | { readonly Class: string }
  | { readonly Zone: string }
  | { readonly HasCapability: string }
  | { readonly NodeId: number };

/** Symbol placement policy (spec §3.6). */
export interface PlacementPolicy {
  /** Minimum distinct nodes. */
  readonly minNodes: number;
  /** Maximum fraction of symbols on one node, in basis points. */
  readonly maxNodeFractionBps: number;
  /** Preferred devices. */
  readonly preferredDevices: readonly DeviceSelector[];
  /** Excluded devices. */
  readonly excludedDevices: readonly DeviceSelector[];
  /** Target coverage in basis points (10000 = K symbols). */
  readonly targetCoverageBps: number;
  /** Minimum distinct sources (reference-code field, always emitted). */
  readonly minSourceDiversity: number;
}

/** The universal object header (spec §3.6). */
export interface ObjectHeader {
  /** Schema of the object. */
  readonly schema: SchemaId;
  /** Zone the object belongs to. */
  readonly zoneId: ZoneId;
  /** Creation time, Unix seconds. */
  readonly createdAt: number;
  /** Provenance. */
  readonly provenance: Provenance;
  /** Same-zone strong references (GC edges). */
  readonly refs: readonly ObjectId[];
  /** Cross-zone references (audit only). */
  readonly foreignRefs: readonly ObjectId[];
  /** Optional TTL in seconds. */
  readonly ttlSecs?: number;
  /** Optional placement policy. */
  readonly placement?: PlacementPolicy;
}

/**
 * A fresh, untainted provenance originating in `zone`.
 *
 * @example
 * ```ts
 * import { originProvenance } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * assert.equal(originProvenance("z:work").taint, "Untainted");
 * ```
 */
export function originProvenance(zone: ZoneId | string): Provenance {
  return { originZone: parseZoneId(zone), chain: [], taint: "Untainted", elevated: false };
}

/**
 * The CBOR value of a SchemaId: `{namespace, name, version}`.
 *
 * @example
 * ```ts
 * import { schemaToCbor } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(schemaToCbor({ namespace: "a", name: "b", version: "1.0.0" }), {
 *   namespace: "a", name: "b", version: "1.0.0",
 * });
 * ```
 */
export function schemaToCbor(s: SchemaId): CborValue {
  validateSchemaId(s);
  return { namespace: s.namespace, name: s.name, version: s.version };
}

/**
 * Read a SchemaId from its CBOR value.
 *
 * @example
 * ```ts
 * import { schemaFromCbor } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * assert.equal(schemaFromCbor({ namespace: "a", name: "b", version: "1.0.0" }, "schema").name, "b");
 * ```
 */
export function schemaFromCbor(v: CborValue | undefined, what = "schema"): SchemaId {
  const m = readRecord(v, what, ["namespace", "name", "version"]);
  return validateSchemaId({
    namespace: readText(m.namespace, `${what}.namespace`),
    name: readText(m.name, `${what}.name`),
    version: readText(m.version, `${what}.version`),
  });
}

/**
 * The CBOR value of a Provenance (WIRE.md §4).
 *
 * @example
 * ```ts
 * import { originProvenance, provenanceToCbor } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(provenanceToCbor(originProvenance("z:work")), {
 *   origin_zone: "z:work", chain: [], taint: "Untainted", elevated: false,
 * });
 * ```
 */
export function provenanceToCbor(p: Provenance, what = "provenance"): CborValue {
  // Checked like the decoder checks, so that nothing is encoded that decoding would refuse.
  return {
    origin_zone: zoneField(p.originZone, `${what}.origin_zone`),
    chain: p.chain.map((s, i) => {
      const w = `${what}.chain[${i}]`;
      return {
        timestamp_ms: readUint(s.timestampMs, `${w}.timestamp_ms`),
        zone: zoneField(s.zone, `${w}.zone`),
        actor: readText(s.actor, `${w}.actor`),
        action: readText(s.action, `${w}.action`),
        resource: readText(s.resource, `${w}.resource`),
      };
    }),
    taint: readEnum(p.taint, `${what}.taint`, TAINT_LEVELS),
    elevated: readBool(p.elevated, `${what}.elevated`),
    ...(p.elevationToken === undefined
      ? {}
      : { elevation_token: readText(p.elevationToken, `${what}.elevation_token`) }),
  };
}

/**
 * Read a Provenance from its CBOR value.
 *
 * @example
 * ```ts
 * import { originProvenance, provenanceFromCbor, provenanceToCbor } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * const p = originProvenance("z:work");
 * assert.deepEqual(provenanceFromCbor(provenanceToCbor(p)), p);
 * ```
 */
export function provenanceFromCbor(v: CborValue | undefined, what = "provenance"): Provenance {
  const m = readRecord(v, what, ["origin_zone", "chain", "taint", "elevated", "elevation_token"]);
  const token = readOmittable(m.elevation_token, `${what}.elevation_token`, readText);
  const p: Provenance = {
    originZone: zoneField(m.origin_zone, `${what}.origin_zone`),
    chain: readArray(m.chain, `${what}.chain`, (x, w) => {
      const s = readRecord(x, w, ["timestamp_ms", "zone", "actor", "action", "resource"]);
      return {
        timestampMs: readUint(s.timestamp_ms, `${w}.timestamp_ms`),
        zone: zoneField(s.zone, `${w}.zone`),
        actor: readText(s.actor, `${w}.actor`),
        action: readText(s.action, `${w}.action`),
        resource: readText(s.resource, `${w}.resource`),
      };
    }),
    taint: readEnum(m.taint, `${what}.taint`, TAINT_LEVELS),
    elevated: readBool(m.elevated, `${what}.elevated`),
  };
  return token === undefined ? p : { ...p, elevationToken: token };
}

function zoneField(v: CborValue | undefined, what: string): ZoneId {
  return parseZoneId(readText(v, what));
}

function selectorToCbor(s: DeviceSelector, what: string): CborValue {
  // The decoder is the one definition of a valid selector: run it on the value to encode.
  return { ...selectorFromCbor({ ...s }, what) };
}

const SELECTOR_KINDS = ["Tag", "Class", "Zone", "HasCapability", "NodeId"] as const;

function selectorFromCbor(v: CborValue, what: string): DeviceSelector {
  const m = readRecord(v, what, SELECTOR_KINDS);
  const keys = Object.keys(m);
  if (keys.length !== 1) readEnum(undefined, what, SELECTOR_KINDS);
  const k = keys[0] as typeof SELECTOR_KINDS[number];
  if (k === "NodeId") return { NodeId: readUint(m.NodeId, `${what}.NodeId`) };
  return { [k]: readText(m[k], `${what}.${k}`) } as DeviceSelector;
}

/**
 * The CBOR value of an ObjectHeader (WIRE.md §4).
 *
 * @example
 * ```ts
 * import { headerToCbor, originProvenance } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * const v = headerToCbor({
 *   schema: { namespace: "fcp.core", name: "X", version: "1.0.0" }, zoneId: "z:work",
 *   createdAt: 1, provenance: originProvenance("z:work"), refs: [], foreignRefs: [],
 * }) as Record<string, unknown>;
 * assert.equal(v.zone_id, "z:work");
 * assert.ok(!("ttl_secs" in v));
 * ```
 */
export function headerToCbor(h: ObjectHeader): CborValue {
  // Every field is checked as headerFromCbor checks it (FCP-1013, FCP-4001, FCP-1012).
  const p = h.placement;
  const w = "header.placement";
  return {
    refs: h.refs.map((r, i) => readBytes(r, `header.refs[${i}]`, 32)),
    schema: schemaToCbor(h.schema),
    zone_id: parseZoneId(h.zoneId),
    ...(h.ttlSecs === undefined ? {} : { ttl_secs: readUint(h.ttlSecs, "header.ttl_secs") }),
    ...(p === undefined ? {} : {
      placement: {
        min_nodes: readUint(p.minNodes, `${w}.min_nodes`),
        max_node_fraction_bps: readUint(p.maxNodeFractionBps, `${w}.max_node_fraction_bps`),
        preferred_devices: p.preferredDevices.map((d, i) =>
          selectorToCbor(d, `${w}.preferred_devices[${i}]`)
        ),
        excluded_devices: p.excludedDevices.map((d, i) =>
          selectorToCbor(d, `${w}.excluded_devices[${i}]`)
        ),
        target_coverage_bps: readUint(p.targetCoverageBps, `${w}.target_coverage_bps`),
        min_source_diversity: readUint(p.minSourceDiversity, `${w}.min_source_diversity`),
      },
    }),
    created_at: readUint(h.createdAt, "header.created_at"),
    provenance: provenanceToCbor(h.provenance, "header.provenance"),
    foreign_refs: h.foreignRefs.map((r, i) => readBytes(r, `header.foreign_refs[${i}]`, 32)),
  };
}

/**
 * Read an ObjectHeader from its CBOR value, checking every field (`FCP-1013`).
 *
 * @example
 * ```ts
 * import { headerFromCbor, headerToCbor, originProvenance } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * const h = {
 *   schema: { namespace: "fcp.core", name: "X", version: "1.0.0" }, zoneId: "z:work",
 *   createdAt: 1, provenance: originProvenance("z:work"), refs: [], foreignRefs: [],
 * };
 * assert.deepEqual(headerFromCbor(headerToCbor(h)), h);
 * ```
 */
export function headerFromCbor(v: CborValue | undefined, what = "header"): ObjectHeader {
  const m = readRecord(v, what, [
    "refs",
    "schema",
    "zone_id",
    "ttl_secs",
    "placement",
    "created_at",
    "provenance",
    "foreign_refs",
  ]);
  const ttl = readOmittable(m.ttl_secs, `${what}.ttl_secs`, readUint);
  const placement = readOmittable(m.placement, `${what}.placement`, (x, w): PlacementPolicy => {
    const pm = readRecord(x, w, [
      "min_nodes",
      "max_node_fraction_bps",
      "preferred_devices",
      "excluded_devices",
      "target_coverage_bps",
      "min_source_diversity",
    ]);
    return {
      minNodes: readUint(pm.min_nodes, `${w}.min_nodes`),
      maxNodeFractionBps: readUint(pm.max_node_fraction_bps, `${w}.max_node_fraction_bps`),
      preferredDevices: readArray(pm.preferred_devices, `${w}.preferred_devices`, selectorFromCbor),
      excludedDevices: readArray(pm.excluded_devices, `${w}.excluded_devices`, selectorFromCbor),
      targetCoverageBps: readUint(pm.target_coverage_bps, `${w}.target_coverage_bps`),
      minSourceDiversity: readUint(pm.min_source_diversity, `${w}.min_source_diversity`),
    };
  });
  const h: ObjectHeader = {
    schema: schemaFromCbor(m.schema, `${what}.schema`),
    zoneId: zoneField(m.zone_id, `${what}.zone_id`),
    // A safe integer (seconds), so that the number decoded is the number re-encoded.
    createdAt: readUint(m.created_at, `${what}.created_at`),
    provenance: provenanceFromCbor(m.provenance, `${what}.provenance`),
    refs: readArray(m.refs, `${what}.refs`, (x, w) => readBytes(x, w, 32)),
    foreignRefs: readArray(m.foreign_refs, `${what}.foreign_refs`, (x, w) => readBytes(x, w, 32)),
  };
  return {
    ...h,
    ...(ttl === undefined ? {} : { ttlSecs: ttl }),
    ...(placement === undefined ? {} : { placement }),
  };
}

/**
 * Canonical CBOR bytes of a header (no SchemaHash prefix), as embedded in transcripts.
 *
 * @example
 * ```ts
 * import { decodeObjectHeader, encodeObjectHeader, originProvenance } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * const h = {
 *   schema: { namespace: "fcp.core", name: "X", version: "1.0.0" }, zoneId: "z:work",
 *   createdAt: 1, provenance: originProvenance("z:work"), refs: [], foreignRefs: [],
 * };
 * assert.deepEqual(decodeObjectHeader(encodeObjectHeader(h)), h);
 * ```
 */
export function encodeObjectHeader(h: ObjectHeader): Uint8Array {
  return encodeCbor(headerToCbor(h));
}

/**
 * Strictly decode canonical header bytes.
 *
 * @example
 * ```ts
 * import { decodeObjectHeader } from "./object_header.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeObjectHeader(new Uint8Array([0xa0])), /FCP-1013/);
 * ```
 */
export function decodeObjectHeader(bytes: Uint8Array): ObjectHeader {
  return headerFromCbor(decodeCbor(bytes));
}
