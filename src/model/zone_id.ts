/**
 * ZoneId validation, ZoneIdHash and the Tailscale tag mapping (spec §3.4, §5.4; WIRE.md §3, D9).
 *
 * @module
 */
import { FcpError, utf8 } from "../core/mod.ts";
import { blake3Parts } from "../crypto/mod.ts";

/** A validated zone id string such as `z:work`. */
export type ZoneId = string & { readonly __zoneId?: never };

/** The five standard zones, most to least trusted (spec §5.1). */
export const STANDARD_ZONES: readonly ZoneId[] = [
  "z:owner",
  "z:private",
  "z:work",
  "z:community",
  "z:public",
];

const SEGMENT = /^[a-z0-9-]+$/;
const PROJECT_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Validate a zone id (WIRE.md §3, following the reference code, D9): ASCII, 1..64 bytes,
 * prefix `z:`, characters `[a-z0-9:-]`, no empty `:` segments, `z:proj-…` reserved, and
 * `z:project:<name>` with name `[a-z0-9-]` not starting or ending in `-`. Throws `FCP-4001`.
 *
 * @example
 * ```ts
 * import { parseZoneId } from "./zone_id.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseZoneId("z:work"), "z:work");
 * assert.throws(() => parseZoneId("Z:Work"), /FCP-4001/);
 * assert.throws(() => parseZoneId("z:a::b"), /FCP-4001/);
 * ```
 */
export function parseZoneId(s: string): ZoneId {
  if (typeof s !== "string") {
    throw new FcpError("FCP-4001", `invalid zone id: a ${typeof s}, not a string`);
  }
  const bad = (why: string): never => {
    throw new FcpError("FCP-4001", `invalid zone id ${JSON.stringify(s.slice(0, 80))}: ${why}`);
  };
  if (s.length === 0 || s.length > 64) bad("length must be 1..64 bytes");
  if (!s.startsWith("z:")) bad("must start with z:");
  const rest = s.slice(2);
  const segments = rest.split(":");
  for (const seg of segments) {
    if (seg.length === 0) bad("empty segment");
    if (!SEGMENT.test(seg)) bad("characters must be [a-z0-9:-]");
  }
  if (rest.startsWith("proj-")) bad("z:proj- is reserved");
  if (segments[0] === "project") {
    if (segments.length !== 2 || !PROJECT_NAME.test(segments[1]!)) {
      bad("project zones are z:project:<name> with name [a-z0-9-], not starting or ending in -");
    }
  }
  return s as ZoneId;
}

/**
 * True when `s` is a valid zone id.
 *
 * @example
 * ```ts
 * import { isZoneId } from "./zone_id.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isZoneId("z:project:apollo"));
 * assert.ok(!isZoneId("work"));
 * ```
 */
export function isZoneId(s: string): s is ZoneId {
  try {
    parseZoneId(s);
    return true;
  } catch {
    return false;
  }
}

const ZONE_HASH_DOMAIN = utf8("FCP2-ZONE-ID-V1");

/**
 * `ZoneIdHash = BLAKE3("FCP2-ZONE-ID-V1" ‖ zone_id)`, no length prefix (spec §3.4, WIRE.md §3).
 *
 * @example
 * ```ts
 * import { zoneIdHash } from "./zone_id.ts";
 * import { toHex } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toHex(zoneIdHash("z:work")).slice(0, 8), "b535a945");
 * ```
 */
export function zoneIdHash(zone: ZoneId | string): Uint8Array {
  return blake3Parts([ZONE_HASH_DOMAIN, utf8(parseZoneId(zone))]);
}

/**
 * The Tailscale ACL tag of a zone (WIRE.md §3): `tag:fcp-` + (`z:project:X` → `proj-X`,
 * otherwise the id without `z:`), with `:` replaced by `-`.
 *
 * @example
 * ```ts
 * import { zoneToTailscaleTag } from "./zone_id.ts";
 * import assert from "node:assert/strict";
 * assert.equal(zoneToTailscaleTag("z:work"), "tag:fcp-work");
 * assert.equal(zoneToTailscaleTag("z:project:apollo"), "tag:fcp-proj-apollo");
 * ```
 */
export function zoneToTailscaleTag(zone: ZoneId | string): string {
  const z = parseZoneId(zone);
  const rest = z.slice(2);
  const body = rest.startsWith("project:") ? `proj-${rest.slice("project:".length)}` : rest;
  return `tag:fcp-${body.replaceAll(":", "-")}`;
}

/**
 * The zone of a Tailscale tag, or `undefined` if the tag is not an fcp zone tag.
 *
 * The mapping `:`→`-` is not injective for nested ids (`z:a:b` and `z:a-b` share a tag),
 * so the reverse mapping resolves `proj-X` to `z:project:X` and otherwise keeps `-`: it
 * is exact for every zone whose segments after `z:` contain no `:`. Pass `known` zones to
 * resolve nested ids: a known zone whose tag matches wins.
 *
 * @example
 * ```ts
 * import { zoneFromTailscaleTag } from "./zone_id.ts";
 * import assert from "node:assert/strict";
 * assert.equal(zoneFromTailscaleTag("tag:fcp-work"), "z:work");
 * assert.equal(zoneFromTailscaleTag("tag:fcp-proj-apollo"), "z:project:apollo");
 * assert.equal(zoneFromTailscaleTag("tag:server"), undefined);
 * ```
 */
export function zoneFromTailscaleTag(
  tag: string,
  known: readonly string[] = [],
): ZoneId | undefined {
  if (!tag.startsWith("tag:fcp-")) return undefined;
  for (const k of known) {
    if (isZoneId(k) && zoneToTailscaleTag(k) === tag) return k;
  }
  const body = tag.slice("tag:fcp-".length);
  const candidate = body.startsWith("proj-")
    ? `z:project:${body.slice("proj-".length)}`
    : `z:${body}`;
  return isZoneId(candidate) ? candidate : undefined;
}
