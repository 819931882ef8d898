/**
 * Which zones a connector instance may be bound to, from its manifest's `[zones]` (spec §11.1).
 *
 * @module
 */
import type { ConnectorManifest } from "./manifest_types.ts";

/**
 * True when an instance of the connector may be bound to `zone`: the zone is the manifest's
 * `home` or one of its `allowed_targets`, and not in `forbidden`.
 *
 * @example
 * ```ts
 * import { manifestAllowsZone } from "./manifest_zones.ts";
 * import { parseManifest } from "./manifest.ts";
 * import assert from "node:assert/strict";
 * const m = parseManifest(await Deno.readTextFile(new URL("../../connectors/fs/manifest.toml", import.meta.url)));
 * assert.ok(manifestAllowsZone(m, "z:work"));
 * assert.ok(!manifestAllowsZone(m, "z:public"));
 * ```
 */
export function manifestAllowsZone(
  manifest: Pick<ConnectorManifest, "zones">,
  zone: string,
): boolean {
  const z = manifest.zones;
  if (z.forbidden.includes(zone)) return false;
  return z.home === zone || z.allowedTargets.includes(zone);
}
