/**
 * End-to-end: `fcp manifest lint` and `fcp manifest fix` on the shipped connector manifests
 * and on broken copies in a temp directory.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runFcp as fcp } from "./_fcp_cli.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

async function withTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "fcp-manifest-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fcp manifest lint passes on every shipped connector (file or folder)", async () => {
  await withTemp(async (home) => {
    for await (const e of Deno.readDir(`${root}connectors`)) {
      const path = `connectors/${e.name}/manifest.toml`;
      if (!e.isDirectory || !(await Deno.stat(`${root}${path}`).catch(() => null))) continue;
      const r = await fcp(home, ["manifest", "lint", path]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /0 error\(s\), 0 warning\(s\)/);
      const j = await fcp(home, ["manifest", "lint", `connectors/${e.name}`, "--json"]);
      assert.equal(j.code, 0, j.stderr);
      const body = JSON.parse(j.stdout);
      assert.equal(body.ok, true);
      assert.equal(body.connector_id, `fcp.${e.name}`);
      assert.match(body.interface_hash, /^blake3-256:fcp\.interface\.v2:[0-9a-f]{64}$/);
      const c = await fcp(home, ["manifest", "fix", path, "--check"]);
      assert.equal(c.code, 0, c.stdout + c.stderr);
    }
  });
});

Deno.test("lint prints PATH:LINE: code message and exits 1 on errors; --json lists them", async () => {
  await withTemp(async (dir) => {
    const src = await Deno.readTextFile(`${root}connectors/http/manifest.toml`);
    const bad = src.replace('forbidden = ["system.exec", ', "forbidden = [")
      .replace('profile = "strict"', 'profile = "strict"\nrun = true');
    const path = `${dir}/manifest.toml`;
    await Deno.writeTextFile(path, bad);
    const lines = bad.split("\n");
    const forbiddenLine = lines.findIndex((l) => l.startsWith('forbidden = ["network.inbound"')) +
      1;
    const runLine = lines.indexOf("run = true") + 1;
    const r = await fcp(dir, ["manifest", "lint", path]);
    assert.equal(r.code, 1);
    assert.ok(
      r.stdout.includes(`${path}:${forbiddenLine}: capability.exec_not_forbidden `),
      r.stdout,
    );
    assert.ok(r.stdout.includes(`${path}:${runLine}: sandbox.forbidden_permission `), r.stdout);
    const j = await fcp(dir, ["manifest", "lint", path, "--json"]);
    assert.equal(j.code, 1);
    const body = JSON.parse(j.stdout);
    assert.equal(body.ok, false);
    assert.equal(body.errors, 2);
    assert.deepEqual(
      body.problems.map((p: { code: string; line: number }) => [p.code, p.line]),
      [["capability.exec_not_forbidden", forbiddenLine], ["sandbox.forbidden_permission", runLine]],
    );
  });
});

Deno.test("warnings do not fail lint", async () => {
  await withTemp(async (dir) => {
    const src = await Deno.readTextFile(`${root}connectors/fs/manifest.toml`);
    const path = `${dir}/manifest.toml`;
    await Deno.writeTextFile(
      path,
      src.replace('profile = "strict"', 'profile = "strict"\nnmae = 1'),
    );
    const r = await fcp(dir, ["manifest", "lint", path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /:\d+: field\.unknown \(warning\) /);
  });
});

Deno.test("fix --check exits 1 without writing; fix writes, keeps comments and is idempotent", async () => {
  await withTemp(async (dir) => {
    const src = await Deno.readTextFile(`${root}connectors/github/manifest.toml`);
    const broken = src.replace(/interface_hash = .*\n/, "")
      .replace('forbidden = ["system.exec", ', "forbidden = [")
      .replace(/\[sandbox\][\s\S]*$/, "");
    const path = `${dir}/manifest.toml`;
    await Deno.writeTextFile(path, broken);
    const check = await fcp(dir, ["manifest", "fix", path, "--check"]);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stdout, /would apply: filled manifest\.interface_hash/);
    assert.equal(await Deno.readTextFile(path), broken);

    const fix = await fcp(dir, ["manifest", "fix", path, "--json"]);
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    const body = JSON.parse(fix.stdout);
    assert.equal(body.written, true);
    assert.equal(body.errors, 0);
    assert.equal(body.applied.length, 3);
    const fixed = await Deno.readTextFile(path);
    assert.ok(fixed.startsWith("# fcp.github: "));
    assert.match(fixed, /\[sandbox\]\nprofile = "strict"\n/);
    assert.equal(fixed.match(/interface_hash = .*/)![0], src.match(/interface_hash = .*/)![0]);

    const again = await fcp(dir, ["manifest", "fix", path, "--check"]);
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /nothing to fix/);
    const lint = await fcp(dir, ["manifest", "lint", path]);
    assert.equal(lint.code, 0, lint.stdout);
  });
});

Deno.test("fix --check exits 1 on errors no fix can mend, though nothing would change", async () => {
  await withTemp(async (dir) => {
    const src = await Deno.readTextFile(`${root}connectors/fs/manifest.toml`);
    const path = `${dir}/manifest.toml`;
    await Deno.writeTextFile(path, src.replace(/^version = ".*"$/m, 'version = "not-semver"'));
    const check = await fcp(dir, ["manifest", "fix", path, "--check", "--json"]);
    const body = JSON.parse(check.stdout);
    assert.ok(body.errors > 0, check.stdout);
    assert.equal(body.changed, false, "nothing a fix would change");
    assert.equal(check.code, 1, check.stdout + check.stderr);
  });
});

Deno.test("refusals: a missing file exits 15 (FCP-6001), a missing argument exits 2", async () => {
  await withTemp(async (dir) => {
    const r = await fcp(dir, ["manifest", "lint", `${dir}/nope.toml`]);
    assert.equal(r.code, 15);
    assert.match(r.stderr, /FCP-6001/);
    const u = await fcp(dir, ["manifest", "fix"]);
    assert.equal(u.code, 2);
  });
});
