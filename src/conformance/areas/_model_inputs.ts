/**
 * Shared readers for vector inputs describing model values (schema ids, headers).
 *
 * @module
 */
import { fromHex } from "../../core/mod.ts";
import type {
  DeviceSelector,
  ObjectHeader,
  PlacementPolicy,
  Provenance,
  ProvenanceStep,
  SchemaId,
} from "../../model/mod.ts";
import { num, obj, str } from "../check.ts";

/** Read `{namespace, name, version}`. */
export function schemaInput(o: Record<string, unknown>, key = "schema"): SchemaId {
  const s = obj(o, key);
  return { namespace: str(s, "namespace"), name: str(s, "name"), version: str(s, "version") };
}

function stepInput(x: unknown): ProvenanceStep {
  const s = x as Record<string, unknown>;
  return {
    timestampMs: num(s, "timestamp_ms"),
    zone: str(s, "zone"),
    actor: str(s, "actor"),
    action: str(s, "action"),
    resource: str(s, "resource"),
  };
}

function selectorInput(x: unknown): DeviceSelector {
  if (typeof x !== "object" || x === null || Array.isArray(x)) {
    throw new TypeError("a device selector must be an object");
  }
  return x as DeviceSelector; // checked by the header encoder
}

function placementInput(p: Record<string, unknown>): PlacementPolicy {
  const list = (key: string): DeviceSelector[] => {
    const a = p[key];
    if (!Array.isArray(a)) throw new TypeError(`placement.${key} must be a list`);
    return a.map(selectorInput);
  };
  return {
    minNodes: num(p, "min_nodes"),
    maxNodeFractionBps: num(p, "max_node_fraction_bps"),
    preferredDevices: list("preferred_devices"),
    excludedDevices: list("excluded_devices"),
    targetCoverageBps: num(p, "target_coverage_bps"),
    minSourceDiversity: num(p, "min_source_diversity"),
  };
}

/**
 * Read a vector's `header` input (refs given as `refs_hex`; null or a missing `ttl_secs`,
 * `placement` or `elevation_token` means absent).
 */
export function headerInput(o: Record<string, unknown>, key = "header"): ObjectHeader {
  const h = obj(o, key);
  const p = obj(h, "provenance");
  if (!Array.isArray(p.chain)) throw new TypeError("provenance.chain must be a list");
  const token = p.elevation_token;
  const provenance: Provenance = {
    originZone: str(p, "origin_zone"),
    chain: p.chain.map(stepInput),
    taint: str(p, "taint") as Provenance["taint"],
    elevated: p.elevated === true,
    ...(typeof token === "string" ? { elevationToken: token } : {}),
  };
  const ttl = h.ttl_secs;
  const placement = h.placement;
  return {
    schema: schemaInput(h),
    zoneId: str(h, "zone_id"),
    createdAt: num(h, "created_at"),
    provenance,
    refs: hexList(h.refs_hex),
    foreignRefs: hexList(h.foreign_refs_hex),
    ...(typeof ttl === "number" ? { ttlSecs: ttl } : {}),
    ...(placement === undefined || placement === null
      ? {}
      : { placement: placementInput(obj(h, "placement")) }),
  };
}

/** Read a list of hex strings as bytes. */
export function hexList(v: unknown): Uint8Array[] {
  if (!Array.isArray(v)) throw new TypeError("expected a list of hex strings");
  return v.map((x) => fromHex(String(x)));
}
