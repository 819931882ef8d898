import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { KEYSTORE_DIR_MODE, openKeystore, SECRET_FILE_MODE } from "./keystore.ts";

async function withHome(f: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await f(`${dir}/fcp`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const mode = async (p: string) => (await Deno.stat(p)).mode! & 0o777;

Deno.test("keystore: home and keys dir are 0700, secrets 0600, even under a permissive umask", async () => {
  const old = Deno.umask(0o000);
  try {
    await withHome(async (home) => {
      const ks = await openKeystore(home);
      await ks.writeSecret("a.seed", new Uint8Array(32).fill(3));
      assert.equal(await mode(home), KEYSTORE_DIR_MODE);
      assert.equal(await mode(ks.keysDir), KEYSTORE_DIR_MODE);
      assert.equal(await mode(`${ks.keysDir}/a.seed`), SECRET_FILE_MODE);
      assert.deepEqual(await ks.readSecret("a.seed"), new Uint8Array(32).fill(3));
    });
  } finally {
    Deno.umask(old);
  }
});

Deno.test("keystore: overwrite is atomic and leaves no temp files", async () => {
  await withHome(async (home) => {
    const ks = await openKeystore(home);
    await ks.writeSecret("b.key", new Uint8Array([1]));
    await ks.writeSecret("b.key", new Uint8Array([2, 2]), { overwrite: true });
    assert.deepEqual(await ks.readSecret("b.key"), new Uint8Array([2, 2]));
    const names = [];
    for await (const e of Deno.readDir(ks.keysDir)) names.push(e.name);
    assert.deepEqual(names, ["b.key"]);
    assert.equal(await mode(`${ks.keysDir}/b.key`), SECRET_FILE_MODE);
  });
});

Deno.test("keystore refuses: replacing a secret without overwrite (FCP-2013)", async () => {
  await withHome(async (home) => {
    const ks = await openKeystore(home);
    await ks.writeSecret("c.key", new Uint8Array([1]));
    await assert.rejects(
      ks.writeSecret("c.key", new Uint8Array([9])),
      (e) => isFcpError(e, "FCP-2013"),
    );
    assert.deepEqual(await ks.readSecret("c.key"), new Uint8Array([1]));
  });
});

Deno.test("keystore refuses: a secret readable by others (FCP-2012)", async () => {
  await withHome(async (home) => {
    const ks = await openKeystore(home);
    await ks.writeSecret("d.key", new Uint8Array([1]));
    await Deno.chmod(`${ks.keysDir}/d.key`, 0o644);
    await assert.rejects(ks.readSecret("d.key"), (e) => isFcpError(e, "FCP-2012"));
  });
});

Deno.test("keystore refuses: a missing secret (FCP-2012)", async () => {
  await withHome(async (home) => {
    const ks = await openKeystore(home);
    await assert.rejects(ks.readSecret("missing.key"), (e) => isFcpError(e, "FCP-2012"));
    assert.equal(await ks.hasSecret("missing.key"), false);
  });
});

Deno.test("keystore refuses: names that could escape the directory (FCP-1040)", async () => {
  await withHome(async (home) => {
    const ks = await openKeystore(home);
    for (const bad of ["../x", "a/b", "", ".hidden", "A.key", "a..b"]) {
      await assert.rejects(
        ks.writeSecret(bad, new Uint8Array([1])),
        (e) => isFcpError(e, "FCP-1040"),
        bad,
      );
    }
  });
});

Deno.test("keystore: public JSON files round-trip", async () => {
  await withHome(async (home) => {
    const ks = await openKeystore(home);
    await ks.writePublic("zones.json", { zones: ["z:work"] });
    assert.ok(await ks.hasPublic("zones.json"));
    assert.deepEqual(await ks.readPublic("zones.json"), { zones: ["z:work"] });
    await Deno.writeTextFile(ks.publicPath("bad.json"), "{");
    await assert.rejects(ks.readPublic("bad.json"), (e) => isFcpError(e, "FCP-9002"));
  });
});
