/**
 * End-to-end: `fcp init`, `fcp id` and `fcp token mint | verify | inspect` against a temp
 * FCP_HOME, through the real binary entry point (main.ts) with the production flags.
 */
import assert from "node:assert/strict";
import { IDENTITY_SECRETS, ZoneKeyring } from "../src/authority/mod.ts";
import { openKeystore } from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import { STANDARD_ZONES } from "../src/model/mod.ts";
import {
  decodeZonePolicyObject,
  evaluatePolicy,
  verifyZonePolicyObject,
} from "../src/authority/mod.ts";
import { NodeLock } from "../src/api/mod.ts";
import { fromHex } from "../src/core/mod.ts";
import { runFcp as fcp } from "./_fcp_cli.ts";

async function withHome(f: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fcp-identity-cli-" });
  try {
    await f(`${dir}/home`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function secretsHex(home: string): Promise<string[]> {
  const names = Object.values(IDENTITY_SECRETS) as string[];
  for await (const e of Deno.readDir(`${home}/keys`)) {
    if (!names.includes(e.name)) names.push(e.name); // zone key files too
  }
  return await Promise.all(names.map(async (n) => toHex(await Deno.readFile(`${home}/keys/${n}`))));
}

Deno.test("fcp init creates keys (0600), attestation, five zones and default policies; refuses a second init", async () => {
  await withHome(async (home) => {
    const r = await fcp(home, ["init", "--node-id", "node-cli", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.node_id, "node-cli");
    assert.deepEqual(
      doc.zones.map((z: { zone_id: string }) => z.zone_id).sort(),
      [...STANDARD_ZONES].sort(),
    );
    for (const z of doc.zones) assert.match(z.policy_object_id, /^[0-9a-f]{64}$/);
    assert.equal((await Deno.stat(home)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(`${home}/keys`)).mode! & 0o777, 0o700);
    for await (const e of Deno.readDir(`${home}/keys`)) {
      assert.equal((await Deno.stat(`${home}/keys/${e.name}`)).mode! & 0o777, 0o600, e.name);
    }
    const ring = await ZoneKeyring.load(await openKeystore(home));
    assert.equal(ring.zoneIds().length, 5);
    const policies = JSON.parse(await Deno.readTextFile(`${home}/policies.json`));
    assert.equal(Object.keys(policies.zones).length, 5);

    // Neither the JSON nor anything on stderr carries a secret key or zone key.
    for (const secret of await secretsHex(home)) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), "secret in init output");
    }

    const keysBefore = await secretsHex(home);
    const again = await fcp(home, ["init"]);
    assert.equal(again.code, 11);
    assert.match(again.stderr, /FCP-2013.*already initialized.*--force/);
    assert.deepEqual(await secretsHex(home), keysBefore, "a refused init changed the keys");
    const forced = await fcp(home, ["init", "--force", "--node-id", "node-two"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^node id\s+node-two$/m);
    for (const secret of await secretsHex(home)) {
      assert.ok(!forced.stdout.includes(secret), "secret in init text output");
    }
    const after = JSON.parse((await fcp(home, ["id", "--json"])).stdout);
    assert.notEqual(after.owner.kid, doc.owner_kid);
    assert.equal(after.node_id, "node-two");
  });
});

Deno.test("fcp id shows ids and kids, and its output holds no secret bytes", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const j = await fcp(home, ["id", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const doc = JSON.parse(j.stdout);
    assert.equal(doc.node_id, "node-cli");
    assert.match(doc.issuance.kid, /^[0-9a-f]{16}$/);
    assert.equal(doc.attestation.status, "valid");
    assert.equal(doc.attestation.expires_at - doc.attestation.issued_at, 86_400);
    assert.equal(doc.zones.length, 5);
    const text = await fcp(home, ["id"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`issuance kid\\s+${doc.issuance.kid}`));
    const secrets = await secretsHex(home);
    assert.ok(secrets.length >= 4 + 5);
    for (const s of secrets) {
      assert.ok(!j.stdout.includes(s) && !text.stdout.includes(s), "secret bytes in fcp id output");
    }
  });
});

Deno.test("fcp id refuses an uninitialized home (FCP-2012, exit 11)", async () => {
  await withHome(async (home) => {
    const r = await fcp(home, ["id", "--json"]);
    assert.equal(r.code, 11);
    assert.equal(JSON.parse(r.stdout).code, "FCP-2012");
  });
});

Deno.test("fcp token mint / inspect / verify, and refusals with their exit codes", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const file = `${home}/t.hex`;
    const m = await fcp(home, [
      "token",
      "mint",
      "--zone",
      "z:work",
      "--cap",
      "cap:gh",
      "--op",
      "gh.read",
      "--ttl",
      "600",
      "--out",
      file,
      "--json",
    ]);
    assert.equal(m.code, 0, m.stderr);
    const minted = JSON.parse(m.stdout);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.match(await Deno.readTextFile(file), /^84[0-9a-f]+\n$/);

    const insp = await fcp(home, ["token", "inspect", file, "--json"]);
    assert.equal(insp.code, 0, insp.stderr);
    const claims = JSON.parse(insp.stdout);
    assert.equal(claims.verified, false);
    assert.equal(claims.kid, minted.kid);
    assert.equal(claims.claims.zone_id, "z:work");
    assert.equal(claims.claims.aud, "z:work");
    assert.equal(claims.claims.cti, minted.jti);
    assert.deepEqual(claims.claims.grants, [{ capability: "cap:gh", operation: "gh.read" }]);
    assert.deepEqual(claims.claims.grant_object_ids, minted.grant_object_ids);
    assert.equal(claims.claims.schema_version, 1);

    const args = ["--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read"];
    const ok = await fcp(home, ["token", "verify", file, ...args, "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).valid, true);
    // From stdin, as hex.
    const viaStdin = await fcp(
      home,
      ["token", "verify", "-", ...args],
      await Deno.readTextFile(file),
    );
    assert.equal(viaStdin.code, 0, viaStdin.stderr);
    assert.match(viaStdin.stdout, /^valid: cap:gh gh.read in z:work/);

    // Refusals: operation not granted (capability, exit 12), wrong zone (aud, exit 11).
    const op = await fcp(home, [
      "token",
      "verify",
      file,
      "--zone",
      "z:work",
      "--cap",
      "cap:gh",
      "--op",
      "gh.write",
      "--json",
    ]);
    assert.equal(op.code, 12);
    assert.equal(JSON.parse(op.stdout).code, "FCP-3001");
    const zone = await fcp(home, [
      "token",
      "verify",
      file,
      "--zone",
      "z:private",
      "--cap",
      "cap:gh",
      "--op",
      "gh.read",
    ]);
    assert.equal(zone.code, 11);
    assert.match(zone.stderr, /FCP-2005/);
    // The backing CapabilityObject is gone: grants not covered (exit 12).
    for await (const e of Deno.readDir(`${home}/capabilities`)) {
      await Deno.remove(`${home}/capabilities/${e.name}`);
    }
    const gone = await fcp(home, ["token", "verify", file, ...args, "--json"]);
    assert.equal(gone.code, 12);
    assert.equal(JSON.parse(gone.stdout).code, "FCP-3002");
  });
});

Deno.test("fcp token: a token bound to another holder is refused here (FCP-2011); tampering is FCP-2006", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const mint = (holder: string) =>
      fcp(home, [
        "token",
        "mint",
        "--zone",
        "z:work",
        "--cap",
        "cap:gh",
        "--op",
        "gh.read",
        "--ttl",
        "60",
        "--holder",
        holder,
      ]);
    const args = ["--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read", "--json"];
    const mine = await mint("node-cli");
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal((await fcp(home, ["token", "verify", "-", ...args], mine.stdout)).code, 0);
    const stolen = await mint("node-other");
    const r = await fcp(home, ["token", "verify", "-", ...args], stolen.stdout);
    assert.equal(r.code, 11);
    assert.equal(JSON.parse(r.stdout).code, "FCP-2011");
    // Flip one hex digit in the signature.
    const hex = mine.stdout.trim();
    const tampered = hex.slice(0, -1) + (hex.endsWith("0") ? "1" : "0");
    const t = await fcp(home, ["token", "verify", "-", ...args], tampered);
    assert.equal(t.code, 11);
    assert.equal(JSON.parse(t.stdout).code, "FCP-2006");
    // Bad option values are usage errors (exit 2).
    const bad = await fcp(home, [
      "token",
      "mint",
      "--zone",
      "z:work",
      "--cap",
      "cap:gh",
      "--op",
      "x",
      "--ttl",
      "0",
    ]);
    assert.equal(bad.code, 2);
  });
});

Deno.test("fcp token verify: revoking the grant object, the token's jti or the issuer kid refuses the token (FCP-3004)", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const mint = async () => {
      const r = await fcp(home, [
        "token",
        "mint",
        "--zone",
        "z:work",
        "--cap",
        "cap:gh",
        "--op",
        "gh.read",
        "--ttl",
        "600",
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as {
        token_hex: string;
        grant_object_ids: string[];
        kid: string;
        jti: string;
      };
    };
    const args = ["--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read", "--json"];
    const a = await mint();
    const b = await mint();
    const rv = await fcp(home, [
      "revoke",
      a.grant_object_ids[0]!,
      "--zone",
      "z:work",
      "--reason",
      "test",
    ]);
    assert.equal(rv.code, 0, rv.stderr);
    const ra = await fcp(home, ["token", "verify", "-", ...args], a.token_hex);
    assert.equal(ra.code, 12, ra.stdout + ra.stderr);
    assert.equal(JSON.parse(ra.stdout).code, "FCP-3004");
    assert.equal((await fcp(home, ["token", "verify", "-", ...args], b.token_hex)).code, 0);
    // A token revoked by its jti: refused; a sibling token with the same grant still works.
    const c = await mint();
    const d = await mint();
    const rj = await fcp(home, [
      "revoke",
      `jti:${c.jti}`,
      "--zone",
      "z:work",
      "--reason",
      "leaked",
      "--json",
    ]);
    assert.equal(rj.code, 0, rj.stderr);
    assert.equal(JSON.parse(rj.stdout).scope, "Capability");
    const rc = await fcp(home, ["token", "verify", "-", ...args], c.token_hex);
    assert.equal(rc.code, 12, rc.stdout + rc.stderr);
    assert.equal(JSON.parse(rc.stdout).code, "FCP-3004");
    assert.equal((await fcp(home, ["token", "verify", "-", ...args], d.token_hex)).code, 0);
    const rk = await fcp(home, ["revoke", `kid:${b.kid}`, "--reason", "key compromised"]);
    assert.equal(rk.code, 0, rk.stderr);
    const rb = await fcp(home, ["token", "verify", "-", ...args], b.token_hex);
    assert.equal(rb.code, 12, rb.stdout + rb.stderr);
    assert.equal(JSON.parse(rb.stdout).code, "FCP-3004");
  });
});

Deno.test("fcp init: every standard zone gets an owner-signed default-deny policy object", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const ownerPk = fromHex(
      JSON.parse(await Deno.readTextFile(`${home}/node.json`)).owner.public_key,
    );
    const file = JSON.parse(await Deno.readTextFile(`${home}/policies.json`)) as {
      zones: Record<string, { object_id: string; object_hex: string }>;
    };
    assert.deepEqual(Object.keys(file.zones).sort(), [...STANDARD_ZONES].sort());
    for (const zone of STANDARD_ZONES) {
      const o = decodeZonePolicyObject(fromHex(file.zones[zone]!.object_hex));
      verifyZonePolicyObject(o, ownerPk);
      assert.equal(o.policy.zoneId, zone);
      assert.equal(o.policy.defaultDeny, true);
      for (
        const list of [
          o.policy.principalsAllow,
          o.policy.connectorsAllow,
          o.policy.capAllow,
          o.policy.principalsDeny,
          o.policy.connectorsDeny,
          o.policy.capDeny,
        ]
      ) assert.deepEqual(list, []);
      const d = evaluatePolicy(o.policy, {
        principal: "owner",
        connectorId: "fcp.fs",
        capability: "fs.read",
        zoneId: zone,
      });
      assert.deepEqual([d.allow, d.reasonCode], [false, "policy.default_deny"]);
    }
  });
});

Deno.test("fcp init --force moves the replaced home aside, and the new home works", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const args = ["--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read"];
    const old = await fcp(home, ["token", "mint", ...args, "--ttl", "600"]);
    assert.equal(old.code, 0, old.stderr);
    // State signed under the old keys: a revocation chain and its audit event.
    assert.equal((await fcp(home, ["revoke", "node:lost", "--reason", "r"])).code, 0);
    const oldNode = await Deno.readTextFile(`${home}/node.json`);

    const forced = await fcp(home, ["init", "--force", "--node-id", "node-cli", "--json"]);
    assert.equal(forced.code, 0, forced.stderr);
    const replaced = JSON.parse(forced.stdout).replaced as string;
    assert.match(replaced, new RegExp(`^${home}/replaced-[0-9]+$`));
    assert.equal(await Deno.readTextFile(`${replaced}/node.json`), oldNode);
    assert.ok((await Deno.stat(`${replaced}/revocations`)).isDirectory);
    assert.equal((await Deno.stat(replaced)).mode! & 0o777, 0o700);

    // Nothing of the old keys is left to fail closed on: revoke, audit and tokens work.
    const list = await fcp(home, ["revoke", "list", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).revocations.length, 0);
    assert.equal((await fcp(home, ["revoke", "node:lost", "--reason", "r"])).code, 0);
    assert.equal((await fcp(home, ["audit", "verify", "--zone", "z:owner"])).code, 0);
    const fresh = await fcp(home, ["token", "mint", ...args, "--ttl", "600"]);
    assert.equal(fresh.code, 0, fresh.stderr);
    const ok = await fcp(home, ["token", "verify", "-", ...args, "--json"], fresh.stdout);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    // A token of the replaced identity names an issuer kid nobody trusts any more.
    const stale = await fcp(home, ["token", "verify", "-", ...args, "--json"], old.stdout);
    assert.equal(stale.code, 11);
    assert.equal(JSON.parse(stale.stdout).code, "FCP-2008");
    // A second --force keeps the first archive and makes another.
    const again = await fcp(home, ["init", "--force", "--node-id", "node-cli", "--json"]);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout).replaced as string;
    assert.notEqual(second, replaced);
    assert.ok((await Deno.stat(`${replaced}/node.json`)).isFile);
    assert.ok((await Deno.stat(`${second}/node.json`)).isFile);
  });
});

Deno.test("fcp init --force is refused while a node holds the home (FCP-5001, exit 14)", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const before = await Deno.readTextFile(`${home}/node.json`);
    const lock = await NodeLock.acquire(home);
    try {
      const r = await fcp(home, ["init", "--force", "--json"]);
      assert.equal(r.code, 14);
      assert.equal(JSON.parse(r.stdout).code, "FCP-5001");
    } finally {
      await lock.release();
    }
    assert.equal(await Deno.readTextFile(`${home}/node.json`), before);
    for await (const e of Deno.readDir(home)) assert.ok(!e.name.startsWith("replaced-"), e.name);
  });
});

Deno.test("fcp token mint --principal --credential-allow --resource-allow: claims, and verify enforces them", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const m = await fcp(home, [
      "token",
      "mint",
      "--zone",
      "z:work",
      "--cap",
      "cap:gh",
      "--op",
      "gh.read",
      "--ttl",
      "600",
      "--principal",
      "agent:alice",
      "--credential-allow",
      "gh-token",
      "--resource-allow",
      "repo/*",
      "--json",
    ]);
    assert.equal(m.code, 0, m.stderr);
    const hex = JSON.parse(m.stdout).token_hex as string;
    const insp = await fcp(home, ["token", "inspect", "-", "--json"], hex);
    assert.equal(insp.code, 0, insp.stderr);
    const claims = JSON.parse(insp.stdout).claims;
    assert.equal(claims.principal_id, "agent:alice");
    assert.deepEqual(claims.constraints, {
      resource_allow: ["repo/*"],
      credential_allow: ["gh-token"],
    });
    const args = ["--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read", "--json"];
    const ok = await fcp(home, ["token", "verify", "-", ...args, "--resource", "repo/a"], hex);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const out = await fcp(home, ["token", "verify", "-", ...args, "--resource", "other/a"], hex);
    assert.equal(out.code, 12);
    assert.equal(JSON.parse(out.stdout).code, "FCP-3003");
    const none = await fcp(home, ["token", "verify", "-", ...args], hex);
    assert.equal(none.code, 12);
    assert.equal(JSON.parse(none.stdout).code, "FCP-3003");
    // --out over an existing world-readable file leaves it private (0600), holding the token.
    const file = `${home}/existing.hex`;
    await Deno.writeTextFile(file, "old\n", { mode: 0o644 });
    await Deno.chmod(file, 0o644);
    const o = await fcp(home, [
      "token",
      "mint",
      "--zone",
      "z:work",
      "--cap",
      "cap:gh",
      "--op",
      "gh.read",
      "--ttl",
      "60",
      "--out",
      file,
    ]);
    assert.equal(o.code, 0, o.stderr);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.match(await Deno.readTextFile(file), /^84[0-9a-f]+\n$/);
    // Ids that are not canonical are usage errors (exit 2).
    for (const bad of [["--principal", "Agent Alice"], ["--credential-allow", "GH TOKEN"]]) {
      const r = await fcp(home, [
        "token",
        "mint",
        "--zone",
        "z:work",
        "--cap",
        "cap:gh",
        "--op",
        "gh.read",
        "--ttl",
        "60",
        ...bad,
      ]);
      assert.equal(r.code, 2, bad.join(" "));
    }
  });
});

Deno.test("fcp token verify: revoking the issuing node refuses its tokens (FCP-3004)", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-cli"])).code, 0);
    const args = ["--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read"];
    const m = await fcp(home, ["token", "mint", ...args, "--ttl", "600"]);
    assert.equal(m.code, 0, m.stderr);
    assert.equal((await fcp(home, ["token", "verify", "-", ...args], m.stdout)).code, 0);
    // Another node's revocation changes nothing here.
    assert.equal((await fcp(home, ["revoke", "node:node-other", "--reason", "r"])).code, 0);
    assert.equal((await fcp(home, ["token", "verify", "-", ...args], m.stdout)).code, 0);
    const rv = await fcp(home, ["revoke", "node:node-cli", "--reason", "compromised"]);
    assert.equal(rv.code, 0, rv.stderr);
    const r = await fcp(home, ["token", "verify", "-", ...args, "--json"], m.stdout);
    assert.equal(r.code, 12, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).code, "FCP-3004");
  });
});

Deno.test("fcp token mint --max-calls / --max-bytes land in the constraints; bad values are usage errors", async () => {
  await withHome(async (home) => {
    assert.equal((await fcp(home, ["init", "--node-id", "node-lim"])).code, 0);
    const base = ["token", "mint", "--zone", "z:work", "--cap", "cap:gh", "--op", "gh.read"];
    const m = await fcp(home, [...base, "--ttl", "600", "--max-calls", "3", "--max-bytes", "4096"]);
    assert.equal(m.code, 0, m.stderr);
    const insp = await fcp(home, ["token", "inspect", "-", "--json"], m.stdout);
    assert.equal(insp.code, 0, insp.stderr);
    const constraints = JSON.parse(insp.stdout).claims.constraints;
    assert.equal(constraints.max_calls, 3);
    assert.equal(constraints.max_bytes, 4096);
    for (const bad of [["--max-calls", "0"], ["--max-bytes", "-1"], ["--max-bytes", "1e3"]]) {
      const r = await fcp(home, [...base, "--ttl", "600", ...bad, "--json"]);
      assert.equal(r.code, 2, `${bad.join(" ")}: ${r.stdout}`);
    }
  });
});
