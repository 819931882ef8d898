/**
 * End-to-end: `fcp zone list` and `fcp zone rotate` against a temp FCP_HOME prepared with an
 * identity and the five standard zones (what `fcp init` sets up).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FCP_RUNTIME_FLAGS } from "../scripts/flags.ts";
import {
  createStandardZones,
  initIdentity,
  loadIdentity,
  openKeystore,
  ZoneKeyring,
} from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import { STANDARD_ZONES } from "../src/model/mod.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

async function fcp(home: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...FCP_RUNTIME_FLAGS, "main.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1", FCP_HOME: home },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function preparedHome(): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "fcp-zone-cli-" });
  const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-cli" });
  await createStandardZones(identity, identity.keystore, 1_700_000_000);
  return home;
}

Deno.test("fcp zone list shows the five standard zones (text and --json), never key bytes", async () => {
  const home = await preparedHome();
  try {
    const ring = await ZoneKeyring.load(await openKeystore(home));
    const text = await fcp(home, ["zone", "list"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^ZONE\s+ZONE KEY ID\s+OBJECT ID KEY ID\s+ALGORITHM\s+VALID FROM\s+MEMBERS$/m,
    );
    for (const zone of STANDARD_ZONES) {
      const k = ring.activeZoneKey(zone);
      assert.match(text.stdout, new RegExp(`^${zone}\\s+${toHex(k.keyId)}\\s+`, "m"));
      assert.ok(!text.stdout.includes(toHex(k.key)));
    }
    const j = await fcp(home, ["zone", "list", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const doc = JSON.parse(j.stdout) as { zones: Record<string, unknown>[] };
    assert.equal(doc.zones.length, 5);
    const work = doc.zones.find((z) => z.zone_id === "z:work")!;
    assert.equal(work.zone_key_id, toHex(ring.activeZoneKey("z:work").keyId));
    assert.equal(work.object_id_key_id, toHex(ring.objectIdKey("z:work").keyId));
    assert.equal(work.algorithm, "cha_cha20_poly1305");
    assert.equal(work.valid_from, 1_700_000_000);
    assert.equal(work.member_count, 1);
    assert.ok(!j.stdout.includes(toHex(ring.activeZoneKey("z:work").key)));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp zone rotate z:work prints the new id, links prev, keeps the old key", async () => {
  const home = await preparedHome();
  try {
    const before = await ZoneKeyring.load(await openKeystore(home));
    const old = before.activeZoneKey("z:work");
    const r = await fcp(home, ["zone", "rotate", "z:work"]);
    assert.equal(r.code, 0, r.stderr);
    const m = r.stdout.match(/^rotated z:work: new zone key id ([0-9a-f]{16})$/m);
    assert.ok(m, r.stdout);
    assert.notEqual(m[1], toHex(old.keyId));
    assert.match(r.stdout, new RegExp(`previous key ${toHex(old.keyId)} retained`));

    const after = await ZoneKeyring.load(await openKeystore(home));
    assert.equal(toHex(after.activeZoneKey("z:work").keyId), m[1]);
    assert.deepEqual(after.zoneKey("z:work", old.keyId).key, old.key);
    assert.deepEqual(after.manifest("z:work").prevZoneKeyId, old.keyId);
    assert.deepEqual(after.objectIdKey("z:work"), before.objectIdKey("z:work"));
    // The stored manifest is owner-signed and verifies on re-apply.
    const identity = await loadIdentity(home);
    await after.applyManifest(after.manifest("z:work"), identity);

    const j = await fcp(home, ["zone", "rotate", "z:work", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const doc = JSON.parse(j.stdout) as Record<string, unknown>;
    assert.equal(doc.prev_zone_key_id, m[1]);
    assert.deepEqual(doc.retained_zone_key_ids, [m[1], toHex(old.keyId)]);
    assert.ok(!j.stdout.includes(toHex(old.key)));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp zone refusals: unknown zone exit 13 (FCP-4005), bad id 13 (FCP-4001), no init 11", async () => {
  const home = await preparedHome();
  try {
    const unknown = await fcp(home, ["zone", "rotate", "z:project:nope", "--json"]);
    assert.equal(unknown.code, 13);
    assert.match(unknown.stdout + unknown.stderr, /FCP-4005/);
    const bad = await fcp(home, ["zone", "rotate", "work"]);
    assert.equal(bad.code, 13);
    assert.match(bad.stderr, /FCP-4001/);
    const missing = await fcp(home, ["zone", "rotate"]);
    assert.equal(missing.code, 2);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
  const empty = await Deno.makeTempDir({ prefix: "fcp-zone-cli-empty-" });
  try {
    const r = await fcp(empty, ["zone", "list"]);
    assert.equal(r.code, 11);
    assert.match(r.stderr, /FCP-2012.*fcp init/);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});
