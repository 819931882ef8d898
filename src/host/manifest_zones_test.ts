import assert from "node:assert/strict";
import { manifestAllowsZone } from "./manifest_zones.ts";

Deno.test("an instance binds to home or an allowed target, never a forbidden zone", () => {
  const zones = {
    home: "z:work",
    allowedSources: ["z:owner"],
    allowedTargets: ["z:private"],
    forbidden: ["z:public"],
  };
  assert.ok(manifestAllowsZone({ zones }, "z:work"));
  assert.ok(manifestAllowsZone({ zones }, "z:private"));
  assert.ok(!manifestAllowsZone({ zones }, "z:owner"));
  assert.ok(!manifestAllowsZone({ zones }, "z:public"));
  assert.ok(!manifestAllowsZone({ zones: { ...zones, forbidden: ["z:work"] } }, "z:work"));
});
