/**
 * SemVer precedence (semver.org §11) for manifest negotiation: spec §11.1 "Manifest
 * Negotiation Requirements" 1 — `min_mesh_version` is compared by SemVer rules, never as text.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import type { ConnectorManifest } from "./manifest_types.ts";

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

function parts(v: string): { core: bigint[]; pre: string[] } {
  const m = SEMVER.exec(v);
  if (!m) throw new FcpError("FCP-1040", `"${v.slice(0, 64)}" is not a SemVer version`);
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre: m[4] ? m[4].split(".") : [] };
}

const isNum = (s: string) => /^\d+$/.test(s);

/**
 * Whether `v` is a SemVer 2.0.0 version (`1.2.3`, `1.2.3-rc.1+build`).
 *
 * @example
 * ```ts
 * import { isSemver } from "./manifest_version.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isSemver("2026.1.0"));
 * assert.ok(!isSemver("1.0"));
 * ```
 */
export function isSemver(v: string): boolean {
  return SEMVER.test(v);
}

/**
 * Compare two SemVer versions by precedence: negative, 0 or positive. Build metadata is
 * ignored; a pre-release sorts before its release. Throws `FCP-1040` for a non-SemVer string.
 *
 * @example
 * ```ts
 * import { compareSemver } from "./manifest_version.ts";
 * import assert from "node:assert/strict";
 * assert.ok(compareSemver("1.10.0", "1.9.0") > 0); // not lexicographic
 * assert.ok(compareSemver("1.0.0-rc.1", "1.0.0") < 0);
 * assert.equal(compareSemver("1.0.0+build.5", "1.0.0"), 0);
 * ```
 */
export function compareSemver(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    if (x.core[i]! !== y.core[i]!) return x.core[i]! < y.core[i]! ? -1 : 1;
  }
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    if (isNum(p) && isNum(q)) return BigInt(p) < BigInt(q) ? -1 : 1;
    if (isNum(p) !== isNum(q)) return isNum(p) ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

/**
 * Whether a mesh of version `meshVersion` satisfies the manifest's `min_mesh_version`
 * (true when the manifest sets none).
 *
 * @example
 * ```ts
 * import { meshVersionSatisfies } from "./manifest_version.ts";
 * import assert from "node:assert/strict";
 * assert.ok(meshVersionSatisfies({ minMeshVersion: "0.1.0" }, "0.10.0"));
 * assert.ok(!meshVersionSatisfies({ minMeshVersion: "2.0.0" }, "1.99.0"));
 * assert.ok(meshVersionSatisfies({}, "0.0.1"));
 * ```
 */
export function meshVersionSatisfies(
  manifest: Pick<ConnectorManifest, "minMeshVersion">,
  meshVersion: string,
): boolean {
  return manifest.minMeshVersion === undefined ||
    compareSemver(meshVersion, manifest.minMeshVersion) >= 0;
}
