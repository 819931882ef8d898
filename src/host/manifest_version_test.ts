import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { compareSemver, meshVersionSatisfies } from "./manifest_version.ts";

Deno.test("SemVer precedence follows semver.org §11 (its example chain)", () => {
  const chain = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "1.10.0",
    "2.0.0",
  ];
  for (let i = 0; i < chain.length; i++) {
    for (let j = 0; j < chain.length; j++) {
      const c = compareSemver(chain[i]!, chain[j]!);
      assert.equal(Math.sign(c), Math.sign(i - j), `${chain[i]} vs ${chain[j]}`);
    }
  }
  assert.equal(compareSemver("1.2.3+a", "1.2.3+b"), 0);
});

Deno.test("mesh version negotiation and refusal of non-SemVer strings", () => {
  assert.ok(meshVersionSatisfies({ minMeshVersion: "1.2.0" }, "1.2.0"));
  assert.ok(!meshVersionSatisfies({ minMeshVersion: "1.2.0" }, "1.2.0-rc.1"));
  for (const bad of ["1.2", "01.2.3", "v1.2.3", "1.2.3-"]) {
    assert.throws(() => compareSemver(bad, "1.0.0"), (e) => isFcpError(e, "FCP-1040"), bad);
  }
});
