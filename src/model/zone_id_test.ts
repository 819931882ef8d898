import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  isZoneId,
  parseZoneId,
  STANDARD_ZONES,
  zoneFromTailscaleTag,
  zoneIdHash,
  zoneToTailscaleTag,
} from "./zone_id.ts";

Deno.test("parseZoneId() accepts the standard zones and project zones", () => {
  for (const z of STANDARD_ZONES) assert.equal(parseZoneId(z), z);
  assert.equal(parseZoneId("z:project:apollo-11"), "z:project:apollo-11");
  assert.equal(parseZoneId("z:team:infra"), "z:team:infra");
  assert.equal(parseZoneId("z:" + "a".repeat(62)).length, 64);
});

Deno.test("parseZoneId() rejects each invalid form with FCP-4001", () => {
  const bad = [
    "",
    "work",
    "z:",
    "Z:work",
    "z:Work",
    "z:wörk",
    "z:work_1", // '_' is not in the reference charset (WIRE.md D9)
    "z:a::b",
    "z:a:",
    "z::a",
    "z:proj-x",
    "z:project:",
    "z:project:-x",
    "z:project:x-",
    "z:project:a:b",
    "z:" + "a".repeat(63),
    "z:work ",
    "z:work\n",
  ];
  for (const z of bad) {
    assert.throws(() => parseZoneId(z), (e) => isFcpError(e, "FCP-4001"), JSON.stringify(z));
    assert.ok(!isZoneId(z));
  }
});

Deno.test("zoneIdHash() refuses an invalid zone instead of hashing it", () => {
  assert.throws(() => zoneIdHash("z:Bad"), (e) => isFcpError(e, "FCP-4001"));
});

Deno.test("Tailscale tags map both ways for every standard and project zone", () => {
  const zones = [...STANDARD_ZONES, "z:project:apollo", "z:lab-2"];
  for (const z of zones) {
    const tag = zoneToTailscaleTag(z);
    assert.match(tag, /^tag:fcp-[a-z0-9-]+$/);
    assert.equal(zoneFromTailscaleTag(tag), z);
  }
  assert.equal(zoneToTailscaleTag("z:owner"), "tag:fcp-owner");
});

Deno.test("zoneFromTailscaleTag() resolves nested ids through known zones", () => {
  assert.equal(zoneToTailscaleTag("z:team:infra"), "tag:fcp-team-infra");
  assert.equal(zoneFromTailscaleTag("tag:fcp-team-infra"), "z:team-infra");
  assert.equal(zoneFromTailscaleTag("tag:fcp-team-infra", ["z:team:infra"]), "z:team:infra");
  assert.equal(zoneFromTailscaleTag("tag:fcp-"), undefined);
  assert.equal(zoneFromTailscaleTag("tag:fcp-Work"), undefined);
  assert.equal(zoneFromTailscaleTag("tag:other"), undefined);
});

Deno.test("a zone id that is not a string (e.g. from JSON) is FCP-4001, not a TypeError", () => {
  for (const v of [5, null, undefined, ["z:work"], { zone: "z:work" }]) {
    assert.throws(() => parseZoneId(v as unknown as string), (e) => isFcpError(e, "FCP-4001"));
    assert.throws(() => zoneIdHash(v as unknown as string), (e) => isFcpError(e, "FCP-4001"));
    assert.ok(!isZoneId(v as unknown as string));
  }
});

Deno.test("a very long invalid zone id is refused quickly and its message stays short", () => {
  const huge = "z:" + "a".repeat(10_000_000);
  const t0 = performance.now();
  assert.throws(
    () => parseZoneId(huge),
    (e) => isFcpError(e, "FCP-4001") && e.message.length < 300,
  );
  assert.ok(performance.now() - t0 < 200);
});
