import assert from "node:assert/strict";
import {
  appendRevocation,
  createStandardZones,
  initIdentity,
  revocationLogPath,
  revocationTargetId,
} from "../authority/mod.ts";
import { isFcpError } from "../core/mod.ts";
import { RevocationView } from "./revocation_view.ts";

const NOW = 1_700_000_000;

async function setUp() {
  const home = await Deno.makeTempDir({ prefix: "fcp-revview-" });
  const identity = await initIdentity(home, { now: NOW, nodeId: "n" });
  const ring = await createStandardZones(identity, identity.keystore, NOW);
  const view = new RevocationView(home, ring, identity.owner.publicKey);
  const revoke = (zone: "z:work" | "z:owner", target: Uint8Array) =>
    appendRevocation(home, {
      objectIdKey: ring.objectIdKey(zone).key,
      ownerPublicKey: identity.owner.publicKey,
      zoneId: zone,
      revoked: [target],
      scope: "Capability",
      reason: "test",
      now: NOW,
      owner: identity.owner,
    });
  return { home, view, revoke };
}

Deno.test("revocation view: no log is no revocation, and a log written later is seen on the next call", async () => {
  const { home, view, revoke } = await setUp();
  try {
    const target = new Uint8Array(32).fill(7);
    const before = await view.state("z:work", NOW);
    assert.equal(before.headSeq, -1);
    assert.equal(before.isRevoked(target), false);
    // Twice absent (the second answer comes from the existence checks, not a stat).
    assert.equal((await view.state("z:work", NOW)).isRevoked(target), false);
    await revoke("z:work", target);
    const after = await view.state("z:work", NOW);
    assert.equal(after.isRevoked(target), true);
    assert.equal(after.headSeq, 0);
    // An owner-wide revocation (z:owner) applies to every zone's calls.
    const jti = new Uint8Array(16).fill(3);
    assert.equal((await view.state("z:work", NOW)).isRevoked(jti), false);
    await revoke("z:owner", revocationTargetId("jti", jti));
    assert.equal((await view.state("z:work", NOW)).isRevoked(jti), true);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("revocation view: a missing revocations directory is absent and reads never make it; prepare does", async () => {
  const { home, view, revoke } = await setUp();
  try {
    await Deno.remove(`${home}/revocations`, { recursive: true }).catch(() => {});
    assert.equal((await view.state("z:work", NOW)).headSeq, -1);
    assert.equal((await view.state("z:work", NOW)).headSeq, -1);
    await assert.rejects(Deno.stat(`${home}/revocations`), Deno.errors.NotFound);
    view.prepare();
    assert.ok((await Deno.stat(`${home}/revocations`)).isDirectory);
    assert.equal((await view.state("z:work", NOW)).headSeq, -1);
    const target = new Uint8Array(32).fill(8);
    await revoke("z:work", target);
    assert.equal((await view.state("z:work", NOW)).isRevoked(target), true);
    await Deno.remove(`${home}/revocations`, { recursive: true });
    assert.equal((await view.state("z:work", NOW)).isRevoked(target), false);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("revocation view: a log that does not verify or cannot be read fails closed (FCP-3007)", async () => {
  const { home, view, revoke } = await setUp();
  try {
    await revoke("z:work", new Uint8Array(32).fill(9));
    assert.equal((await view.state("z:work", NOW)).headSeq, 0);
    const path = revocationLogPath(home, "z:work");
    const bytes = await Deno.readFile(path);
    bytes[bytes.length - 5]! ^= 0xff;
    // Replaced the way the log writer replaces it (a new file renamed over the old one).
    await Deno.writeFile(`${path}.tmp`, bytes);
    await Deno.rename(`${path}.tmp`, path);
    await assert.rejects(view.state("z:work", NOW), (e) => isFcpError(e, "FCP-3007"));
    // A directory where the log should be: exists, but is no log.
    await Deno.remove(path);
    await Deno.mkdir(path);
    await assert.rejects(view.state("z:work", NOW), (e) => isFcpError(e, "FCP-3007"));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("revocation view: names and kids are revoked once any log has entries, in either log", async () => {
  const { home, view, revoke } = await setUp();
  try {
    // Empty logs answer without deriving ids; the first entry, in z:owner only, must end that.
    const empty = await view.state("z:work", NOW);
    assert.equal(empty.isRevokedName("connector", "fcp.fs"), false);
    assert.equal(empty.isRevoked(new Uint8Array(8).fill(1)), false);
    await revoke("z:owner", revocationTargetId("connector", "fcp.fs"));
    await revoke("z:owner", revocationTargetId("kid", new Uint8Array(8).fill(1)));
    const s = await view.state("z:work", NOW);
    assert.equal(s.isRevokedName("connector", "fcp.fs"), true);
    assert.equal(s.isRevokedName("connector", "fcp.http"), false);
    assert.equal(s.isRevoked(new Uint8Array(8).fill(1)), true);
    assert.equal(s.isRevoked(new Uint8Array(8).fill(2)), false);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
