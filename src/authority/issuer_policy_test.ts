import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  capabilityIssuerPolicy,
  evaluateIssuer,
  ownerIssuerPolicy,
  withIssuerRule,
} from "./issuer_policy.ts";

const OWNER = new Uint8Array(8).fill(1);
const NODE = new Uint8Array(8).fill(2);

Deno.test("issuer policy: default deny for unknown kids; owner policy grants every capability", () => {
  const p = ownerIssuerPolicy(OWNER);
  for (const cap of ["fs.read", "gh.write", "x"]) {
    assert.deepEqual(evaluateIssuer(p, OWNER, cap), {
      allow: true,
      reasonCode: "issuer.allowed",
      matchedRule: "*",
    });
    assert.deepEqual(evaluateIssuer(p, NODE, cap), { allow: false, reasonCode: "issuer.unknown" });
  }
  assert.equal(evaluateIssuer(capabilityIssuerPolicy([]), OWNER, "fs.read").allow, false);
});

Deno.test("issuer policy: capability globs bound what an issuer may grant", () => {
  const p = withIssuerRule(ownerIssuerPolicy(OWNER), {
    issuerKid: NODE,
    capabilities: ["fs.read", "gh.*"],
  });
  assert.equal(evaluateIssuer(p, NODE, "fs.read").allow, true);
  assert.equal(evaluateIssuer(p, NODE, "gh.issues.write").matchedRule, "gh.*");
  assert.equal(evaluateIssuer(p, NODE, "fs.write").reasonCode, "issuer.capability_not_allowed");
  assert.equal(evaluateIssuer(p, NODE, "fs.read.x").allow, false); // anchored
  // Replacing the node's rule narrows it; the owner's rule is untouched.
  const q = withIssuerRule(p, { issuerKid: NODE, capabilities: ["fs.read"] });
  assert.equal(q.rules.length, 2);
  assert.equal(evaluateIssuer(q, NODE, "gh.read").allow, false);
  assert.equal(evaluateIssuer(q, OWNER, "gh.read").allow, true);
});

Deno.test("issuer policy: rules are copied, so later changes to the input do not widen it", () => {
  const kid = NODE.slice();
  const caps = ["fs.read"];
  const p = capabilityIssuerPolicy([{ issuerKid: kid, capabilities: caps }]);
  caps.push("*");
  kid.fill(9);
  assert.equal(evaluateIssuer(p, NODE, "gh.write").allow, false);
  assert.equal(evaluateIssuer(p, new Uint8Array(8).fill(9), "fs.read").allow, false);
});

Deno.test("issuer policy refused: kid not 8 bytes (FCP-2002)", () => {
  assert.throws(
    () => capabilityIssuerPolicy([{ issuerKid: new Uint8Array(32), capabilities: ["*"] }]),
    (e) => isFcpError(e, "FCP-2002"),
  );
});

Deno.test("issuer policy refused: a kid twice, or a rule granting nothing (FCP-1040)", () => {
  assert.throws(
    () =>
      capabilityIssuerPolicy([
        { issuerKid: NODE, capabilities: ["fs.read"] },
        { issuerKid: NODE.slice(), capabilities: ["gh.read"] },
      ]),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(
    () => capabilityIssuerPolicy([{ issuerKid: NODE, capabilities: [] }]),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("issuer policy refused: patterns outside the glob grammar (FCP-4007)", () => {
  for (const bad of ["fs.[rw]", "gh.(read|write)", "", "x".repeat(129), "fs.\u00e9"]) {
    assert.throws(
      () => capabilityIssuerPolicy([{ issuerKid: NODE, capabilities: [bad] }]),
      (e) => isFcpError(e, "FCP-4007"),
      JSON.stringify(bad),
    );
  }
});
