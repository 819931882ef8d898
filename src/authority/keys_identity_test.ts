import assert from "node:assert/strict";
import { isFcpError, toHex } from "../core/mod.ts";
import { STANDARD_ZONES, zoneToTailscaleTag } from "../model/mod.ts";
import { verifyAttestation } from "./attestation.ts";
import {
  IDENTITY_SECRETS,
  initIdentity,
  isInitialized,
  loadIdentity,
  NODE_FILE,
  renewAttestation,
  trustedIssuers,
} from "./keys_identity.ts";

const T0 = 1_700_000_000;

async function withHome(f: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await f(`${dir}/fcp`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("identity: init writes 0600 secrets and public node.json; load returns the same keys", async () => {
  await withHome(async (home) => {
    const id = await initIdentity(home, { now: T0, nodeId: "node-a" });
    for (const name of Object.values(IDENTITY_SECRETS)) {
      const st = await Deno.stat(`${home}/keys/${name}`);
      assert.equal(st.mode! & 0o777, 0o600, name);
      assert.equal(st.size, 32, name);
    }
    const loaded = await loadIdentity(home);
    assert.equal(loaded.nodeId, "node-a");
    assert.deepEqual(loaded.owner.publicKey, id.owner.publicKey);
    assert.deepEqual(loaded.signing.publicKey, id.signing.publicKey);
    assert.deepEqual(loaded.encryption.publicKey, id.encryption.publicKey);
    assert.deepEqual(loaded.issuance.publicKey, id.issuance.publicKey);
    assert.deepEqual(loaded.tags, STANDARD_ZONES.map(zoneToTailscaleTag).sort());
    verifyAttestation(loaded.attestation, {
      ownerPublicKey: loaded.owner.publicKey,
      now: T0,
      expectedNodeId: "node-a",
      expectedTags: STANDARD_ZONES.map(zoneToTailscaleTag),
    });
  });
});

Deno.test("identity: node.json holds no secret bytes", async () => {
  await withHome(async (home) => {
    await initIdentity(home, { now: T0, nodeId: "node-a" });
    const text = await Deno.readTextFile(`${home}/${NODE_FILE}`);
    for (const name of Object.values(IDENTITY_SECRETS)) {
      const secret = toHex(await Deno.readFile(`${home}/keys/${name}`));
      assert.ok(!text.includes(secret), name);
    }
  });
});

Deno.test("identity refused: init over an initialized home without force (FCP-2013)", async () => {
  await withHome(async (home) => {
    const first = await initIdentity(home, { now: T0, nodeId: "node-a" });
    await assert.rejects(
      initIdentity(home, { now: T0, nodeId: "node-b" }),
      (e) => isFcpError(e, "FCP-2013") && e.detail.includes("--force"),
    );
    assert.deepEqual((await loadIdentity(home)).owner.kid, first.owner.kid);
    const second = await initIdentity(home, { now: T0, nodeId: "node-b", force: true });
    const loaded = await loadIdentity(home);
    assert.equal(loaded.nodeId, "node-b");
    assert.deepEqual(loaded.owner.kid, second.owner.kid);
    assert.notDeepEqual(loaded.owner.kid, first.owner.kid);
  });
});

Deno.test("identity refused: loading an uninitialized home (FCP-2012)", async () => {
  await withHome(async (home) => {
    assert.equal(await isInitialized(home), false);
    await assert.rejects(loadIdentity(home), (e) => isFcpError(e, "FCP-2012"));
    await assert.rejects(Deno.stat(home), Deno.errors.NotFound); // reading created nothing
  });
});

Deno.test("identity refused: a secret that does not match the attestation (FCP-2012)", async () => {
  await withHome(async (home) => {
    await initIdentity(home, { now: T0, nodeId: "node-a" });
    const ks = (await loadIdentity(home)).keystore;
    await ks.writeSecret(IDENTITY_SECRETS.issuance, new Uint8Array(32).fill(1), {
      overwrite: true,
    });
    await assert.rejects(loadIdentity(home), (e) => isFcpError(e, "FCP-2012"));
  });
});

Deno.test("identity refused: an invalid node id (FCP-4007)", async () => {
  await withHome(async (home) => {
    await assert.rejects(
      initIdentity(home, { now: T0, nodeId: "Bad Node" }),
      (e) => isFcpError(e, "FCP-4007"),
    );
  });
});

Deno.test("identity: trusted issuers are the owner and the attested issuance key while valid", async () => {
  await withHome(async (home) => {
    const id = await initIdentity(home, { now: T0, nodeId: "node-a" });
    const now = trustedIssuers(id, T0 + 10);
    assert.deepEqual(now.get(toHex(id.owner.kid)), id.owner.publicKey);
    assert.deepEqual(now.get(toHex(id.issuance.kid)), id.issuance.publicKey);
    assert.equal(now.has(toHex(id.signing.kid)), false);
    const later = trustedIssuers(id, T0 + 2 * 86_400);
    assert.equal(later.has(toHex(id.issuance.kid)), false);
    assert.equal(later.size, 1);
    const renewed = await renewAttestation(id, T0 + 2 * 86_400);
    assert.ok(trustedIssuers(renewed, T0 + 2 * 86_400).has(toHex(id.issuance.kid)));
    assert.equal((await loadIdentity(home)).attestation.issuedAt, T0 + 2 * 86_400);
  });
});
