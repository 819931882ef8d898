/**
 * End-to-end: `fcp init`, `fcp id` and `fcp token mint | verify | inspect` against a temp
 * FCP_HOME, through the real binary entry point (main.ts) with the production flags.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FCP_RUNTIME_FLAGS } from "../scripts/flags.ts";
import { IDENTITY_SECRETS, ZoneKeyring } from "../src/authority/mod.ts";
import { openKeystore } from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import { STANDARD_ZONES } from "../src/model/mod.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

async function fcp(home: string, args: string[], stdin?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...FCP_RUNTIME_FLAGS, "main.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1", FCP_HOME: home },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

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

    const again = await fcp(home, ["init"]);
    assert.equal(again.code, 11);
    assert.match(again.stderr, /FCP-2013.*already initialized.*--force/);
    const forced = await fcp(home, ["init", "--force", "--node-id", "node-two", "--json"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(JSON.parse(forced.stdout).owner_kid, doc.owner_kid);
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

Deno.test("fcp token verify: revoking the grant object or the issuer kid refuses the token (FCP-3004)", async () => {
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
      return JSON.parse(r.stdout) as { token_hex: string; grant_object_ids: string[]; kid: string };
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
    const rk = await fcp(home, ["revoke", `kid:${b.kid}`, "--reason", "key compromised"]);
    assert.equal(rk.code, 0, rk.stderr);
    const rb = await fcp(home, ["token", "verify", "-", ...args], b.token_hex);
    assert.equal(rb.code, 12, rb.stdout + rb.stderr);
    assert.equal(JSON.parse(rb.stdout).code, "FCP-3004");
  });
});
