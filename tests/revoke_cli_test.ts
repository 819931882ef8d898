/**
 * End-to-end: `fcp revoke` and `fcp revoke list` against a temp FCP_HOME with an identity
 * and the standard zones (what `fcp init` sets up).
 */
import assert from "node:assert/strict";
import {
  createStandardZones,
  initIdentity,
  loadIdentity,
  loadRevocationLog,
  revocationLogPath,
  revocationTargetId,
  ZoneKeyring,
} from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import { runFcp as fcp } from "./_fcp_cli.ts";

async function preparedHome(): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "fcp-revoke-cli-" });
  const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-cli" });
  await createStandardZones(identity, identity.keystore, 1_700_000_000);
  return home;
}

async function keysOf(home: string, zone: string) {
  const id = await loadIdentity(home);
  const ring = await ZoneKeyring.load(id.keystore);
  return { objectIdKey: ring.objectIdKey(zone).key, ownerPublicKey: id.owner.publicKey };
}

Deno.test("fcp revoke: chains owner-signed revocations, prints ids, list shows them", async () => {
  const home = await preparedHome();
  try {
    const target = "ab".repeat(32);
    const first = await fcp(home, [
      "revoke",
      target,
      "--reason",
      "lost laptop",
      "--zone",
      "z:work",
    ]);
    assert.equal(first.code, 0, first.stderr);
    const objectId = first.stdout.trim();
    assert.match(objectId, /^[0-9a-f]{64}$/);

    const second = await fcp(home, [
      "revoke",
      "kid:0011223344556677",
      "--reason",
      "rotated",
      "--zone",
      "z:work",
      "--json",
    ]);
    assert.equal(second.code, 0, second.stderr);
    const doc = JSON.parse(second.stdout) as Record<string, unknown>;
    assert.equal(doc.seq, 1);
    assert.equal(doc.scope, "IssuerKey");
    assert.deepEqual(doc.revoked, [toHex(revocationTargetId("kid", "0011223344556677"))]);

    // the persisted chain verifies independently, with the zone's ObjectIdKey and owner key
    const log = await loadRevocationLog(home, "z:work", await keysOf(home, "z:work"));
    assert.equal(log.registry.headSeq, 1);
    assert.equal(toHex(log.entries[0]!.objectId), objectId);
    assert.equal(toHex(log.entries[1]!.event.prev!), toHex(log.entries[0]!.eventId));
    assert.ok(log.registry.isRevoked(target, { now: Math.floor(Date.now() / 1000) }));
    assert.equal(doc.prev, toHex(log.entries[0]!.eventId));

    const list = await fcp(home, ["revoke", "list", "--zone", "z:work", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const l = JSON.parse(list.stdout) as {
      head_seq: number;
      revocations: Record<string, unknown>[];
    };
    assert.equal(l.head_seq, 1);
    assert.deepEqual(l.revocations.map((r) => r.scope), ["Capability", "IssuerKey"]);
    assert.deepEqual(l.revocations.map((r) => r.active), [true, true]);

    const text = await fcp(home, ["revoke", "list", "--zone", "z:work"]);
    assert.match(text.stdout, new RegExp(`^0  ${objectId}  Capability  active  lost laptop$`, "m"));
    const empty = await fcp(home, ["revoke", "list"]);
    assert.match(empty.stdout, /no revocations in z:owner/);

    // each revocation is an event on the zone's audit chain, naming the revocation object
    const audit = await fcp(home, ["audit", "tail", "--zone", "z:work", "--json"]);
    const events = audit.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const revs = events.filter((e) => e.event_type === "revocation");
    assert.equal(revs.length, 2);
    assert.equal(revs[0].result_object_id, objectId);
    assert.equal((await fcp(home, ["audit", "verify", "--zone", "z:work"])).code, 0);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp revoke: refusals with their exit codes", async () => {
  const home = await preparedHome();
  try {
    const noReason = await fcp(home, ["revoke", "node:laptop"]);
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /--reason is required/);
    const badScope = await fcp(home, [
      "revoke",
      "node:laptop",
      "--reason",
      "r",
      "--scope",
      "Everything",
    ]);
    assert.equal(badScope.code, 2);
    const badZone = await fcp(home, [
      "revoke",
      "node:laptop",
      "--reason",
      "r",
      "--zone",
      "work",
      "--json",
    ]);
    assert.equal(badZone.code, 13);
    assert.equal((JSON.parse(badZone.stdout) as { code: string }).code, "FCP-4001");
    const noHome = await Deno.makeTempDir();
    const uninit = await fcp(noHome, ["revoke", "node:laptop", "--reason", "r"]);
    assert.equal(uninit.code, 11, "FCP-2012 keystore.unavailable");
    await Deno.remove(noHome, { recursive: true });

    // a tampered chain file is refused on the next use (owner signature, FCP-2001 -> exit 11)
    assert.equal((await fcp(home, ["revoke", "node:laptop", "--reason", "stolen"])).code, 0);
    const path = revocationLogPath(home, "z:owner");
    const bytes = await Deno.readFile(path);
    const i = new TextDecoder("latin1").decode(bytes).indexOf("stolen");
    bytes[i] = "S".charCodeAt(0);
    await Deno.writeFile(path, bytes);
    const tampered = await fcp(home, ["revoke", "list", "--json"]);
    assert.equal(tampered.code, 11);
    assert.equal((JSON.parse(tampered.stdout) as { code: string }).code, "FCP-2001");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp revoke: concurrent runs all land on the chain (the log is locked while appending)", async () => {
  const home = await preparedHome();
  try {
    const n = 4;
    const runs = await Promise.all(
      Array.from(
        { length: n },
        (_, i) => fcp(home, ["revoke", `node:lost-${i}`, "--reason", `r${i}`, "--zone", "z:work"]),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const printed = runs.map((r) => r.stdout.trim()).sort();
    const log = await loadRevocationLog(home, "z:work", await keysOf(home, "z:work"));
    assert.equal(log.entries.length, n);
    assert.deepEqual(log.entries.map((e) => e.event.seq), [0, 1, 2, 3]);
    assert.deepEqual(log.entries.map((e) => toHex(e.objectId)).sort(), printed);
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < n; i++) {
      assert.ok(log.registry.isRevoked(revocationTargetId("node", `lost-${i}`), { now }));
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
