import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { formatProblem, lintManifest, parseManifest } from "./manifest.ts";
import { fixManifest } from "./manifest_fix.ts";
import { sandboxPermissions } from "./manifest_sandbox.ts";

const connectors = fileURLToPath(new URL("../../connectors/", import.meta.url));

async function manifests(): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(connectors)) {
    const path = `${connectors}${e.name}/manifest.toml`;
    if (e.isDirectory && (await Deno.stat(path).catch(() => null))?.isFile) out.push(path);
  }
  return out.sort();
}

Deno.test("every connectors/*/manifest.toml lints clean and needs no fix", async () => {
  const paths = await manifests();
  for (const name of ["fs", "http", "github"]) {
    assert.ok(paths.some((p) => p.endsWith(`/${name}/manifest.toml`)), name);
  }
  for (const path of paths) {
    const text = await Deno.readTextFile(path);
    const r = lintManifest(text);
    assert.deepEqual(r.problems.map((p) => formatProblem(path, p)), []);
    assert.equal(fixManifest(text).changed, false, path);
  }
});

Deno.test("the shipped connectors get the sandbox issue 5 asks for", async () => {
  const read = async (n: string) =>
    parseManifest(await Deno.readTextFile(`${connectors}${n}/manifest.toml`));
  const fs = await read("fs");
  const fsOps = Object.fromEntries(fs.operations.map((o) => [o.id, o.safetyTier]));
  assert.deepEqual(fsOps, {
    fs_list: "safe",
    fs_read: "safe",
    fs_write: "risky",
    fs_delete: "risky",
  });
  const fsPerm = sandboxPermissions(fs, {
    dataDir: "/d",
    granted: { read: ["/r"], write: ["/w"] },
  });
  assert.deepEqual(
    [fsPerm.read, fsPerm.write, fsPerm.net, fsPerm.env],
    [["/r", "/w"], ["/w"], false, false],
  );

  const http = await read("http");
  assert.deepEqual(sandboxPermissions(http, { dataDir: "/d" }).read, false);
  assert.ok(http.operations.every((o) => (o.network?.hostAllow.length ?? 0) > 0));

  const gh = await read("github");
  // Strict: no raw sockets (§11.2); the guard allows api.github.com:443 only.
  assert.equal(gh.sandbox.profile, "strict");
  assert.equal(sandboxPermissions(gh, { dataDir: "/d" }).net, false);
  assert.ok(gh.operations.every((o) => o.network?.hostAllow.join() === "api.github.com:443"));
  assert.equal(sandboxPermissions(http, { dataDir: "/d" }).net, false);
  assert.ok(gh.operations.every((o) => o.network?.credentialAllow.includes("github")));
  assert.deepEqual(gh.operations.map((o) => o.id).sort(), [
    "github_add_labels",
    "github_create_issue_comment",
    "github_get_issue",
    "github_get_pull",
    "github_list_issues",
    "github_list_pulls",
  ]);
  for (const m of [fs, http, gh]) {
    assert.ok(m.capabilities.forbidden.includes("system.exec"));
    assert.equal(m.sandbox.profile, "strict");
  }
});
