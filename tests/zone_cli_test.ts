/**
 * End-to-end: `fcp zone list` and `fcp zone rotate` against a temp FCP_HOME prepared with an
 * identity and the five standard zones (what `fcp init` sets up).
 */
import assert from "node:assert/strict";
import {
  createApprovalToken,
  createStandardZones,
  Ed25519Key,
  encodeApprovalToken,
  initIdentity,
  loadIdentity,
  openKeystore,
  ZoneKeyring,
} from "../src/authority/mod.ts";
import { fromHex, toHex } from "../src/core/mod.ts";
import { STANDARD_ZONES } from "../src/model/mod.ts";
import { runFcp as fcp } from "./_fcp_cli.ts";

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

// ---- fcp zone cross: re-encryption, the crossing record, declassification approvals

async function putFile(home: string, zone: string, bytes: Uint8Array): Promise<string> {
  const file = `${home}/in-${zone.replace(":", "_")}.bin`;
  await Deno.writeFile(file, bytes);
  const r = await fcp(home, ["put", file, "--zone", zone]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

async function auditEvents(home: string, zone: string): Promise<Record<string, unknown>[]> {
  const r = await fcp(home, ["audit", "tail", "--zone", zone, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() === "" ? [] : r.stdout.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("fcp zone cross z:public -> z:work re-encrypts under z:work's keys and records the crossing", async () => {
  const home = await preparedHome();
  try {
    const data = new Uint8Array(300_000).map((_, i) => (i * 131 + (i >> 9)) & 0xff); // chunked
    const source = await putFile(home, "z:public", data);
    const r = await fcp(home, [
      "zone",
      "cross",
      source,
      "--from",
      "z:public",
      "--to",
      "z:work",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    const ring = await ZoneKeyring.load(await openKeystore(home));
    assert.equal(doc.source_object_id, source);
    assert.match(String(doc.object_id), /^[0-9a-f]{64}$/);
    assert.notEqual(doc.object_id, source); // keyed with z:work's ObjectIdKey
    assert.equal(doc.zone_key_id, toHex(ring.activeZoneKey("z:work").keyId));
    assert.equal(doc.declassified, false);
    assert.equal(doc.approval_id, null);
    assert.deepEqual(doc.labels, { integrity: 50, confidentiality: 0 }); // public data stays public-labelled
    const moved = String(doc.object_id);

    // Stored in z:work, sealed with z:work's zone key, and it rebuilds to the same bytes.
    const stat = await fcp(home, ["object", "stat", moved, "--json"]);
    assert.equal(stat.code, 0, stat.stderr);
    const st = JSON.parse(stat.stdout) as { zone: string; seal: { zone_key_id: string } };
    assert.equal(st.zone, "z:work");
    assert.equal(st.seal.zone_key_id, toHex(ring.activeZoneKey("z:work").keyId));
    assert.notEqual(st.seal.zone_key_id, toHex(ring.activeZoneKey("z:public").keyId));
    const out = `${home}/out.bin`;
    const got = await fcp(home, ["get", moved, "--zone", "z:work", "-o", out]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(await Deno.readFile(out), data);
    const wrongZone = await fcp(home, ["get", moved, "--zone", "z:public", "-o", out]);
    assert.equal(wrongZone.code, 13, wrongZone.stderr);
    // The source stays where it was.
    assert.equal((await fcp(home, ["get", source, "--zone", "z:public", "-o", out])).code, 0);

    // Recorded on the target zone's audit chain, which still verifies.
    const crossing = (await auditEvents(home, "z:work")).filter((e) =>
      e.event_type === "zone.crossing"
    );
    assert.equal(crossing.length, 1);
    assert.equal(crossing[0]!.request_object_id, source);
    assert.equal(crossing[0]!.result_object_id, moved);
    assert.equal((await fcp(home, ["audit", "verify", "--zone", "z:work"])).code, 0);
    // Text mode prints the new id.
    const again = await fcp(home, [
      "zone",
      "cross",
      source,
      "--from",
      "z:public",
      "--to",
      "z:work",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), moved);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp zone cross refuses a declassification without an approval (FCP-3006, exit 12)", async () => {
  const home = await preparedHome();
  try {
    const source = await putFile(home, "z:private", new TextEncoder().encode("private notes"));
    const args = ["zone", "cross", source, "--from", "z:private", "--to", "z:work", "--json"];
    const r = await fcp(home, args);
    assert.equal(r.code, 12, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).code, "FCP-3006");
    // Nothing crossed: no crossing on z:work's chain.
    assert.equal(
      (await auditEvents(home, "z:work")).filter((e) => e.event_type === "zone.crossing").length,
      0,
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp zone cross --declassify signs the approval, records it, labels the data down", async () => {
  const home = await preparedHome();
  try {
    const source = await putFile(home, "z:private", new TextEncoder().encode("release notes"));
    const r = await fcp(home, [
      "zone",
      "cross",
      source,
      "--from",
      "z:private",
      "--to",
      "z:work",
      "--declassify",
      "--justification",
      "reviewed",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(doc.declassified, true);
    assert.match(String(doc.approval_id), /^[0-9a-f]{64}$/);
    assert.match(String(doc.approval_hex), /^[0-9a-f]+$/);
    assert.deepEqual(doc.labels, { integrity: 200, confidentiality: 150 });
    const granted = (await auditEvents(home, "z:private")).filter((e) =>
      e.event_type === "approval.granted"
    );
    assert.equal(granted.length, 1);
    assert.equal(granted[0]!.request_object_id, source);
    assert.equal(granted[0]!.result_object_id, doc.approval_id);
    const crossing = (await auditEvents(home, "z:work")).find((e) =>
      e.event_type === "zone.crossing"
    );
    assert.equal(crossing?.result_object_id, doc.object_id);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp zone cross --approval FILE: accepted for this object, refused for another (FCP-3006) or another signer (FCP-2001)", async () => {
  const home = await preparedHome();
  try {
    const source = await putFile(home, "z:owner", new TextEncoder().encode("owner secret"));
    const other = await putFile(home, "z:work", new TextEncoder().encode("something else"));
    const identity = await loadIdentity(home);
    const now = Math.floor(Date.now() / 1000);
    const approvalFile = async (objectId: string, signer: Ed25519Key, name: string) => {
      const t = createApprovalToken({
        zoneId: "z:owner",
        scope: {
          kind: "Declassification",
          fromZone: "z:owner",
          toZone: "z:public",
          objectIds: [fromHex(objectId, 32)],
        },
        justification: "publish",
        approvedBy: "owner",
        now,
      }, signer);
      const path = `${home}/${name}.approval`;
      await Deno.writeTextFile(path, toHex(encodeApprovalToken(t)) + "\n");
      return path;
    };
    const cross = (file: string) =>
      fcp(home, [
        "zone",
        "cross",
        source,
        "--from",
        "z:owner",
        "--to",
        "z:public",
        "--approval",
        file,
        "--json",
      ]);
    const forOther = await cross(await approvalFile(other, identity.owner, "other"));
    assert.equal(forOther.code, 12, forOther.stdout + forOther.stderr);
    assert.equal(JSON.parse(forOther.stdout).code, "FCP-3006");
    const forged = await cross(await approvalFile(source, Ed25519Key.generate(), "forged"));
    assert.equal(forged.code, 11, forged.stdout + forged.stderr);
    assert.equal(JSON.parse(forged.stdout).code, "FCP-2001");
    const ok = await cross(await approvalFile(source, identity.owner, "ok"));
    assert.equal(ok.code, 0, ok.stderr);
    const doc = JSON.parse(ok.stdout) as Record<string, unknown>;
    assert.equal(doc.declassified, true);
    assert.deepEqual(doc.labels, { integrity: 255, confidentiality: 0 });
    assert.equal(doc.approval_hex, undefined); // only --declassify prints the approval it made
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp zone cross refusals: same zone or missing --to (exit 2), wrong source zone (FCP-4002), unknown object (FCP-6001)", async () => {
  const home = await preparedHome();
  try {
    const source = await putFile(home, "z:work", new TextEncoder().encode("work item"));
    const same = await fcp(home, ["zone", "cross", source, "--from", "z:work", "--to", "z:work"]);
    assert.equal(same.code, 2);
    const noTo = await fcp(home, ["zone", "cross", source, "--from", "z:work"]);
    assert.equal(noTo.code, 2);
    const both = await fcp(home, [
      "zone",
      "cross",
      source,
      "--from",
      "z:work",
      "--to",
      "z:public",
      "--declassify",
      "--approval",
      "x",
    ]);
    assert.equal(both.code, 2);
    const wrong = await fcp(home, [
      "zone",
      "cross",
      source,
      "--from",
      "z:private",
      "--to",
      "z:owner",
      "--json",
    ]);
    assert.equal(wrong.code, 13);
    assert.equal(JSON.parse(wrong.stdout).code, "FCP-4002");
    const unknown = await fcp(home, [
      "zone",
      "cross",
      "ab".repeat(32),
      "--from",
      "z:work",
      "--to",
      "z:owner",
      "--json",
    ]);
    assert.equal(unknown.code, 15);
    assert.equal(JSON.parse(unknown.stdout).code, "FCP-6001");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
