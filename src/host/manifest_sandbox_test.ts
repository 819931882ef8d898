import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { BASE_MANIFEST, mutate } from "./_manifest_fixture.ts";
import { lintManifest, parseManifest } from "./manifest.ts";
import { sandboxPermissions } from "./manifest_sandbox.ts";
import type { ConnectorManifest } from "./manifest_types.ts";

const base = parseManifest(BASE_MANIFEST);

function withSandbox(m: ConnectorManifest, s: Partial<ConnectorManifest["sandbox"]>) {
  return { ...m, sandbox: { ...m.sandbox, ...s } };
}

Deno.test("permissions: no raw sockets below permissive (§11.2), paths under the data dir, all else false", () => {
  assert.notEqual(base.sandbox.profile, "permissive");
  const p = sandboxPermissions(base, { dataDir: "/data/fcp.test" });
  assert.deepEqual(p, {
    read: ["/data/fcp.test/cache", "/data/fcp.test/out"],
    write: ["/data/fcp.test/out"],
    net: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  });
  // Never "inherit" anywhere.
  assert.ok(!Object.values(p).includes("inherit"));
});

Deno.test("net, in a permissive sandbox only, is the deduplicated union of all operations' host:port entries", () => {
  const m = parseManifest(
    fixHash(mutate([
      'ai_hints = { when_to_use = "to write" }',
      'ai_hints = { when_to_use = "to write" }\nnetwork_constraints = { host_allow = ["api.example.com:443", "up.example.com:8443"], connect_timeout_ms = 1, total_timeout_ms = 1, max_response_bytes = 1 }',
    ])),
  );
  assert.equal(sandboxPermissions(m, { dataDir: "/d" }).net, false);
  for (const profile of ["strict", "strict_plus", "moderate"] as const) {
    assert.equal(sandboxPermissions(withSandbox(m, { profile }), { dataDir: "/d" }).net, false);
  }
  assert.deepEqual(
    sandboxPermissions(withSandbox(m, { profile: "permissive" }), { dataDir: "/d" }).net,
    ["api.example.com:443", "up.example.com:8443"],
  );
});

Deno.test("$GRANTED expands to the operator's directories; absolute paths stay", () => {
  const m = withSandbox(base, {
    profile: "moderate",
    readPaths: ["$GRANTED", "/usr/share/zoneinfo", "$CONNECTOR_STATE"],
    writePaths: ["$GRANTED"],
    env: ["TZ"],
  });
  const p = sandboxPermissions(m, {
    dataDir: "/d",
    granted: { read: ["/srv/r"], write: ["/home/me/notes", "/srv/x/"] },
  });
  assert.deepEqual(p.write, ["/home/me/notes", "/srv/x/"]);
  assert.deepEqual(p.read, ["/srv/r", "/usr/share/zoneinfo", "/d", "/home/me/notes", "/srv/x/"]);
  assert.deepEqual(p.env, ["TZ"]);
  // Without $GRANTED nothing is expanded and no grant is accepted.
  assert.throws(
    () => sandboxPermissions(base, { dataDir: "/d", granted: { read: ["/home/me"] } }),
    (e) => isFcpError(e, "FCP-1040"),
  );
});

Deno.test("refusals: relative data dir or grant, .. in a grant, reaching a protected path", () => {
  assert.throws(
    () => sandboxPermissions(base, { dataDir: "data" }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  const g = withSandbox(base, { readPaths: ["$GRANTED"] });
  assert.throws(
    () => sandboxPermissions(g, { dataDir: "/d", granted: { read: ["notes"] } }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  assert.throws(
    () => sandboxPermissions(g, { dataDir: "/d", granted: { read: ["/home/../etc"] } }),
    (e) => isFcpError(e, "FCP-1040"),
  );
  // A grant that contains the node home, or lies inside it, is refused...
  for (const grant of ["/home/me", "/home/me/.fcp/keys"]) {
    assert.throws(
      () =>
        sandboxPermissions(g, {
          dataDir: "/home/me/.fcp/c/fs",
          granted: { read: [grant] },
          protect: ["/home/me/.fcp"],
        }),
      (e) => isFcpError(e, "FCP-3003"),
      grant,
    );
  }
  // ...but the connector's own data dir inside the home is fine.
  const p = sandboxPermissions(base, { dataDir: "/home/me/.fcp/c/t", protect: ["/home/me/.fcp"] });
  assert.deepEqual(p.write, ["/home/me/.fcp/c/t/out"]);
});

Deno.test("a real worker with these permissions cannot read outside its paths, env or run", async () => {
  // Worker permissions need --unstable-worker-options, so the worker runs in a child deno.
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data/cache`, { recursive: true });
    await Deno.writeTextFile(`${dir}/data/cache/ok.txt`, "inside");
    await Deno.writeTextFile(`${dir}/secret.txt`, "outside");
    const perms = sandboxPermissions(base, { dataDir: `${dir}/data` });
    const body = `
      const r = {};
      try { r.inside = Deno.readTextFileSync(${
      JSON.stringify(`${dir}/data/cache/ok.txt`)
    }); } catch (e) { r.inside = e.name; }
      try { Deno.readTextFileSync(${
      JSON.stringify(`${dir}/secret.txt`)
    }); r.outside = "read"; } catch (e) { r.outside = e.name; }
      try { Deno.env.get("HOME"); r.env = "read"; } catch (e) { r.env = e.name; }
      try { new Deno.Command("true").outputSync(); r.run = "ran"; } catch (e) { r.run = e.name; }
      try { Deno.hostname(); r.sys = "read"; } catch (e) { r.sys = e.name; }
      self.postMessage(r);
    `;
    const probe = `
      const w = new Worker("data:application/javascript," + encodeURIComponent(${
      JSON.stringify(body)
    }),
        { type: "module", deno: { permissions: ${JSON.stringify(perms)} } });
      w.onmessage = (e) => { console.log(JSON.stringify(e.data)); w.terminate(); };
    `;
    await Deno.writeTextFile(`${dir}/probe.js`, probe);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--unstable-worker-options", "--allow-all", "--no-config", `${dir}/probe.js`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
      inside: "inside",
      outside: "NotCapable",
      env: "NotCapable",
      run: "NotCapable",
      sys: "NotCapable",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function fixHash(text: string): string {
  const h = lintManifest(text).computedInterfaceHash;
  assert.ok(h !== undefined, JSON.stringify(lintManifest(text).problems));
  return text.replace(/interface_hash = .*/, `interface_hash = "${h}"`);
}
