import assert from "node:assert/strict";
import { BASE_MANIFEST, mutate } from "./_manifest_fixture.ts";
import { lintManifest } from "./manifest.ts";
import { fixManifest } from "./manifest_fix.ts";

function fixesClean(text: string, expectApplied: RegExp): string {
  const r = fixManifest(text);
  assert.ok(r.changed);
  assert.ok(r.applied.some((a) => expectApplied.test(a)), JSON.stringify(r.applied));
  assert.deepEqual(r.lint.problems, [], JSON.stringify(r.lint.problems));
  assert.ok(r.lint.manifest !== undefined);
  // Idempotent: a second run changes nothing.
  const again = fixManifest(r.text);
  assert.equal(again.changed, false);
  assert.deepEqual(again.applied, []);
  return r.text;
}

Deno.test("fix leaves a valid manifest unchanged", () => {
  const r = fixManifest(BASE_MANIFEST);
  assert.equal(r.changed, false);
  assert.equal(r.text, BASE_MANIFEST);
});

Deno.test("fix fills a missing interface_hash inside [manifest]", () => {
  const text = fixesClean(
    BASE_MANIFEST.replace(/interface_hash = .*\n/, ""),
    /filled manifest.interface_hash/,
  );
  assert.equal(text, BASE_MANIFEST);
});

Deno.test("fix replaces a malformed or stale interface_hash in place", () => {
  fixesClean(
    BASE_MANIFEST.replace(/interface_hash = .*\n/, 'interface_hash = "blake3:00"\n'),
    /updated manifest.interface_hash/,
  );
  const stale = mutate(['idempotency = "strict"', 'idempotency = "best_effort"']);
  const text = fixesClean(stale, /updated/);
  assert.notEqual(
    text.match(/interface_hash = .*/)![0],
    BASE_MANIFEST.match(/interface_hash = .*/)![0],
  );
});

Deno.test("fix adds the [manifest] table after the leading comments", () => {
  const text = fixesClean(BASE_MANIFEST.replace(/\[manifest\][^[]*/, ""), /\[manifest\]/);
  assert.ok(text.startsWith('# test connector\n[manifest]\nformat = "fcp-connector-manifest"\n'));
});

Deno.test("fix adds missing format and schema_version", () => {
  const text = fixesClean(
    mutate(['format = "fcp-connector-manifest"\n', ""], ['schema_version = "2.1"\n', ""]),
    /schema_version/,
  );
  assert.match(text, /^format = "fcp-connector-manifest"$/m);
});

Deno.test("fix adds system.exec to forbidden: empty list, other entries, missing key", () => {
  const a = fixesClean(mutate(['forbidden = ["system.exec"]', "forbidden = []"]), /system\.exec/);
  assert.match(a, /^forbidden = \["system\.exec"\]$/m);
  const b = fixesClean(
    mutate(['forbidden = ["system.exec"]', 'forbidden = ["network.inbound"] # keep']),
    /system\.exec/,
  );
  assert.match(b, /^forbidden = \["system\.exec", "network\.inbound"\] # keep$/m);
  const c = fixesClean(mutate(['forbidden = ["system.exec"]\n', ""]), /system\.exec/);
  assert.match(c, /^forbidden = \["system\.exec"\]$/m);
  const d = fixesClean(
    mutate(['forbidden = ["system.exec"]', 'forbidden = [\n  "network.inbound",\n]']),
    /system\.exec/,
  );
  assert.match(d, /^forbidden = \["system\.exec", $/m);
});

Deno.test("fix appends a strict [sandbox] with default limits", () => {
  const text = fixesClean(BASE_MANIFEST.replace(/\[sandbox\][\s\S]*$/, ""), /\[sandbox\]/);
  assert.match(
    text,
    /\[sandbox\]\nprofile = "strict"\nmemory_mb = 128\nwall_clock_timeout_ms = 30000\nmax_message_bytes = 1048576\n$/,
  );
});

Deno.test("fix fills a missing sandbox profile and limits", () => {
  const text = fixesClean(
    mutate(['profile = "strict"\n', ""], ["memory_mb = 64\n", ""], [
      "max_message_bytes = 65536\n",
      "",
    ]),
    /sandbox\.profile/,
  );
  assert.match(text, /^profile = "strict"$/m);
  assert.match(text, /^memory_mb = 128$/m);
  assert.match(text, /^max_message_bytes = 1048576$/m);
});

Deno.test("fix fills network limits in a sub-table and in an inline table", () => {
  const sub = fixesClean(mutate(["total_timeout_ms = 30000\n", ""]), /total_timeout_ms = 60000/);
  assert.match(sub, /^total_timeout_ms = 60000$/m);
  const inline = mutate(
    [
      '[operations.network_constraints]\nhost_allow = ["api.example.com:443"]\nconnect_timeout_ms = 10000\ntotal_timeout_ms = 30000\nmax_response_bytes = 1048576\n',
      'network_constraints = { host_allow = ["api.example.com:443"] }\n',
    ],
  ).replace(
    'output_schema = \'{"type": "object"}\'\n\nnetwork',
    'output_schema = \'{"type": "object"}\'\nnetwork',
  );
  const text = fixesClean(inline, /connect_timeout_ms/);
  assert.match(
    text,
    /^network_constraints = \{ host_allow = \["api\.example\.com:443"\], connect_timeout_ms = 10000, total_timeout_ms = 60000, max_response_bytes = 10485760 \}$/m,
  );
});

Deno.test("fix keeps comments and CRLF line ends", () => {
  const crlf = mutate(["[sandbox]", "# the sandbox\n[sandbox] # strict please"], [
    'profile = "strict"\n',
    "",
  ]).replaceAll("\n", "\r\n");
  const r = fixManifest(crlf);
  assert.ok(r.changed);
  assert.ok(r.text.includes("# the sandbox\r\n[sandbox] # strict please\r\n"));
  assert.ok(!/[^\r]\n/.test(r.text));
  assert.ok(r.text.includes('profile = "strict"\r\n'));
  assert.deepEqual(r.lint.problems, []);
});

Deno.test("fix leaves problems it cannot repair and does not fill the hash then", () => {
  const text = mutate(['id = "fcp.test"', 'id = "Bad Id"'], [
    'forbidden = ["system.exec"]',
    "forbidden = []",
  ])
    .replace(/interface_hash = .*\n/, "");
  const r = fixManifest(text);
  assert.ok(r.changed);
  assert.match(r.text, /forbidden = \["system\.exec"\]/);
  assert.ok(!/interface_hash/.test(r.text));
  const codes = r.lint.problems.map((p) => p.code);
  assert.ok(codes.includes("connector.id_invalid"));
  assert.ok(codes.includes("interface_hash.missing"));
  assert.equal(fixManifest(r.text).changed, false);
});

Deno.test("fix does nothing to a file with a TOML syntax error", () => {
  const r = fixManifest("[manifest\n");
  assert.equal(r.changed, false);
  assert.equal(r.lint.problems[0]?.code, "toml.syntax");
  assert.equal(lintManifest("[manifest\n").problems[0]?.line, 1);
});

Deno.test("lint and fix never throw and fix is idempotent with any one line removed", () => {
  const lines = BASE_MANIFEST.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const text = [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n");
    const lint = lintManifest(text);
    for (const p of lint.problems) {
      assert.ok(p.line >= 1 && p.line <= lines.length, `${i}: ${p.code}`);
    }
    const once = fixManifest(text);
    const twice = fixManifest(once.text);
    assert.equal(twice.changed, false, `line ${i + 1} removed: ${JSON.stringify(twice.applied)}`);
    // Every fixable problem is gone after fixing unless an unfixable error blocks the hash.
    const fixable = once.lint.problems.filter((p) =>
      p.fixable && p.code !== "interface_hash.missing" && p.code !== "interface_hash.mismatch"
    );
    assert.deepEqual(fixable, [], `line ${i + 1} removed`);
  }
});
