import assert from "node:assert/strict";
import fc from "fast-check";
import { isFcpError } from "../core/mod.ts";
import { BASE_MANIFEST, lineOf, mutate } from "./_manifest_fixture.ts";
import { formatProblem, lintManifest, parseManifest } from "./manifest.ts";

Deno.test("the base fixture lints clean and parses to the typed manifest", () => {
  const r = lintManifest(BASE_MANIFEST);
  assert.deepEqual(r.problems, []);
  const m = parseManifest(BASE_MANIFEST);
  assert.equal(m.id, "fcp.test");
  assert.equal(m.state.model, "stateless");
  assert.deepEqual(m.capabilities.forbidden, ["system.exec"]);
  assert.equal(m.operations.length, 2);
  const read = m.operations[0]!;
  assert.equal(read.safetyTier, "safe");
  assert.equal(read.requiresApproval, "none");
  assert.deepEqual(read.inputSchema, { type: "object", properties: { q: { type: "string" } } });
  assert.deepEqual(read.outputSchema, { type: "object" });
  assert.deepEqual(read.network?.hostAllow, ["api.example.com:443"]);
  assert.equal(read.network?.denyPrivateRanges, true);
  assert.equal(read.network?.dnsMaxIps, 16);
  assert.equal(m.operations[1]!.aiHints?.whenToUse, "to write");
  assert.equal(m.sandbox.profile, "strict");
  assert.deepEqual(m.sandbox.writePaths, ["$CONNECTOR_STATE/out"]);
});

Deno.test("the same schema written as a table or a JSON string gives the same interface hash", () => {
  const a = lintManifest(BASE_MANIFEST).computedInterfaceHash;
  const b = lintManifest(
    mutate([`output_schema = '{"type": "object"}'`, `output_schema = { type = "object" }`]),
  ).computedInterfaceHash;
  assert.ok(a !== undefined);
  assert.equal(a, b);
  // Descriptions, hints and network constraints are not part of the interface.
  const c = lintManifest(
    mutate(['description = "Read"', 'description = "Read things"'], [
      "api.example.com:443",
      "api2.example.com:443",
    ]),
  );
  assert.equal(c.computedInterfaceHash, a);
  assert.deepEqual(c.problems, []);
});

interface Case {
  name: string;
  text: string;
  code: string;
  /** Text on the line the problem must point at. */
  marker: string;
  severity?: "error" | "warning";
  fixable?: boolean;
}

const CASES: Case[] = [
  {
    name: "TOML syntax error with its line",
    text: mutate(['name = "Test"', "name = "]),
    code: "toml.syntax",
    marker: "name = \n",
  },
  {
    name: "unknown key (warning)",
    text: mutate(['name = "Test"', 'name = "Test"\nnmae = "typo"']),
    code: "field.unknown",
    marker: "nmae",
    severity: "warning",
  },
  {
    name: "missing required key",
    text: mutate(['name = "Test"\n', ""]),
    code: "field.missing",
    marker: "[connector]",
  },
  {
    name: "wrong type",
    text: mutate(['name = "Test"', "name = 5"]),
    code: "field.type",
    marker: "name = 5",
  },
  {
    name: "value not in the enum",
    text: mutate(['risk_level = "low"', 'risk_level = "tiny"']),
    code: "field.enum",
    marker: 'risk_level = "tiny"',
  },
  {
    name: "version is not SemVer",
    text: mutate(['version = "1.0.0"', 'version = "1.0"']),
    code: "field.semver",
    marker: 'version = "1.0"',
  },
  {
    name: "min_protocol format",
    text: mutate(['schema_version = "2.1"', 'schema_version = "2.1"\nmin_protocol = "fcp2"']),
    code: "field.format",
    marker: "min_protocol",
  },
  {
    name: "max_datagram_bytes out of range",
    text: mutate(['schema_version = "2.1"', 'schema_version = "2.1"\nmax_datagram_bytes = 10']),
    code: "field.range",
    marker: "max_datagram_bytes",
  },
  {
    name: "spec-style [provides.operations] is refused",
    text: mutate(["[sandbox]", '[provides.operations.x]\ndescription = "x"\n\n[sandbox]']),
    code: "field.unsupported",
    marker: "[provides.operations.x]",
  },
  {
    name: "port_allow is refused (ports go into host_allow)",
    text: mutate(["connect_timeout_ms = 10000", "connect_timeout_ms = 10000\nport_allow = [443]"]),
    code: "field.unsupported",
    marker: "port_allow",
  },
  {
    name: "[manifest] missing",
    text: BASE_MANIFEST.replace(/\[manifest\][^[]*/, ""),
    code: "manifest.missing",
    marker: "# test connector",
    fixable: true,
  },
  {
    name: "wrong manifest.format",
    text: mutate(['format = "fcp-connector-manifest"', 'format = "other"']),
    code: "manifest.format",
    marker: 'format = "other"',
  },
  {
    name: "unsupported schema_version",
    text: mutate(['schema_version = "2.1"', 'schema_version = "9.0"']),
    code: "manifest.schema_version",
    marker: "schema_version",
  },
  {
    name: "interface_hash missing",
    text: BASE_MANIFEST.replace(/interface_hash = .*\n/, ""),
    code: "interface_hash.missing",
    marker: "[manifest]",
    fixable: true,
  },
  {
    name: "interface_hash malformed",
    text: BASE_MANIFEST.replace(/interface_hash = .*\n/, 'interface_hash = "blake3:00"\n'),
    code: "interface_hash.invalid",
    marker: "interface_hash",
    fixable: true,
  },
  {
    name: "interface_hash stale after an operation change",
    text: mutate(['idempotency = "strict"', 'idempotency = "best_effort"']),
    code: "interface_hash.mismatch",
    marker: "interface_hash",
    fixable: true,
  },
  {
    name: "connector id not canonical",
    text: mutate(['id = "fcp.test"', 'id = "FCP_Test"']),
    code: "connector.id_invalid",
    marker: 'id = "FCP_Test"',
  },
  {
    name: "state model missing",
    text: mutate(['[connector.state]\nmodel = "stateless"\n', ""]),
    code: "state.missing",
    marker: "[connector]",
  },
  {
    name: "crdt without crdt_type",
    text: mutate(['model = "stateless"', 'model = "crdt"\nstate_schema_version = "1"']),
    code: "state.crdt_type_missing",
    marker: "[connector.state]",
  },
  {
    name: "crdt_type with a non-crdt model",
    text: mutate(['model = "stateless"', 'model = "stateless"\ncrdt_type = "or_set"']),
    code: "state.crdt_type_unexpected",
    marker: "crdt_type",
  },
  {
    name: "singleton_writer without state_schema_version",
    text: mutate(['model = "stateless"', 'model = "singleton_writer"']),
    code: "state.schema_version_missing",
    marker: "[connector.state]",
  },
  {
    name: "legacy singleton_writer contradicts the model",
    text: mutate([
      'description = "A test connector"',
      'description = "A test connector"\nsingleton_writer = true',
    ]),
    code: "state.singleton_conflict",
    marker: "singleton_writer = true",
  },
  {
    name: "snapshot thresholds on a stateless connector (warning)",
    text: mutate(['model = "stateless"', 'model = "stateless"\nsnapshot_every_updates = 100']),
    code: "state.snapshot_unused",
    marker: "snapshot_every_updates",
    severity: "warning",
  },
  {
    name: "[zones] missing",
    text: mutate([
      '[zones]\nhome = "z:work"\nallowed_targets = ["z:work"]\nforbidden = ["z:public"]\n',
      "",
    ]),
    code: "zones.missing",
    marker: "# test connector",
  },
  {
    name: "bad zone id",
    text: mutate(['home = "z:work"', 'home = "work"']),
    code: "zones.invalid",
    marker: 'home = "work"',
  },
  {
    name: "zones without home or allowed_targets",
    text: mutate(['home = "z:work"\nallowed_targets = ["z:work"]\n', ""]),
    code: "zones.none",
    marker: "[zones]",
  },
  {
    name: "zone both allowed and forbidden",
    text: mutate(['forbidden = ["z:public"]', 'forbidden = ["z:public", "z:work"]']),
    code: "zones.conflict",
    marker: 'home = "z:work"',
  },
  {
    name: "system.exec not forbidden",
    text: mutate(['forbidden = ["system.exec"]', "forbidden = []"]),
    code: "capability.exec_not_forbidden",
    marker: "forbidden = []",
    fixable: true,
  },
  {
    name: "system.exec required",
    text: mutate(['required = ["test.read"]', 'required = ["test.read", "system.exec"]']),
    code: "capability.exec_allowed",
    marker: 'required = ["test.read", "system.exec"]',
  },
  {
    name: "duplicate capability",
    text: mutate(['optional = ["test.write"]', 'optional = ["test.write", "test.read"]']),
    code: "capability.duplicate",
    marker: "optional = ",
  },
  {
    name: "capability id not canonical",
    text: mutate(['optional = ["test.write"]', 'optional = ["test.write", "Test Write"]']),
    code: "capability.id_invalid",
    marker: "optional = ",
  },
  {
    name: "operation capability not declared",
    text: mutate(['capability = "test.write"', 'capability = "test.other"']),
    code: "capability.undeclared",
    marker: 'capability = "test.other"',
  },
  {
    name: "operation uses a forbidden capability",
    text: mutate(['capability = "test.write"', 'capability = "system.exec"']),
    code: "capability.forbidden_used",
    marker: 'capability = "system.exec"',
  },
  {
    name: "no operations",
    text: BASE_MANIFEST.replace(/\[\[operations\]\][\s\S]*?(?=\[sandbox\])/, ""),
    code: "operation.none",
    marker: "# test connector",
  },
  {
    name: "operation id not canonical",
    text: mutate(['id = "test.write"', 'id = "Test.Write"']),
    code: "operation.id_invalid",
    marker: 'id = "Test.Write"',
  },
  {
    name: "duplicate operation id",
    text: mutate(['id = "test.write"', 'id = "test.read"']),
    code: "operation.id_duplicate",
    marker: 'id = "test.read"\ndescription = "Write"',
  },
  {
    name: "safety tier forbidden",
    text: mutate(['safety_tier = "risky"', 'safety_tier = "forbidden"']),
    code: "operation.tier_forbidden",
    marker: 'safety_tier = "forbidden"',
  },
  {
    name: "safety tier understates the risk",
    text: mutate(['risk_level = "medium"', 'risk_level = "high"']),
    code: "operation.tier_understates_risk",
    marker: 'safety_tier = "risky"',
  },
  {
    name: "dangerous operation without strict idempotency",
    text: mutate([
      'safety_tier = "risky"\nidempotency = "strict"',
      'safety_tier = "dangerous"\nidempotency = "none"',
    ]),
    code: "operation.idempotency_required",
    marker: 'idempotency = "none"',
  },
  {
    name: "risky operation without strict idempotency (warning)",
    text: mutate([
      'safety_tier = "risky"\nidempotency = "strict"',
      'safety_tier = "risky"\nidempotency = "best_effort"',
    ]),
    code: "operation.idempotency_weak",
    marker: 'idempotency = "best_effort"',
    severity: "warning",
  },
  {
    name: "bad rate limit",
    text: mutate(['description = "Write"', 'description = "Write"\nrate_limit = "lots"']),
    code: "operation.rate_limit_invalid",
    marker: "rate_limit",
  },
  {
    name: "schema JSON string that does not parse",
    text: mutate([`output_schema = '{"type": "object"}'`, `output_schema = '{"type": '`]),
    code: "operation.schema_invalid",
    marker: "output_schema",
  },
  {
    name: "input schema not of type object",
    text: mutate(['input_schema = { type = "object" }', 'input_schema = { type = "string" }']),
    code: "operation.schema_invalid",
    marker: 'input_schema = { type = "string" }',
  },
  {
    name: "schema with an unknown JSON type",
    text: mutate(['output_schema = { type = "object" }', 'output_schema = { type = "thing" }']),
    code: "operation.schema_invalid",
    marker: 'output_schema = { type = "thing" }',
  },
  {
    name: "schema holding a TOML date",
    text: mutate([
      'output_schema = { type = "object" }',
      "output_schema = { default = 2024-01-01 }",
    ]),
    code: "operation.schema_invalid",
    marker: "output_schema = { default",
  },
  {
    name: "missing ai_hints (warning)",
    text: mutate(['ai_hints = { when_to_use = "to write" }\n', ""]),
    code: "operation.ai_hints_missing",
    marker: '[[operations]]\nid = "test.write"',
    severity: "warning",
  },
  {
    name: "host_allow entry without a port",
    text: mutate(['"api.example.com:443"', '"api.example.com"']),
    code: "network.host_invalid",
    marker: "host_allow",
  },
  {
    name: "host_allow wildcard",
    text: mutate(['"api.example.com:443"', '"*.example.com:443"']),
    code: "network.host_invalid",
    marker: "host_allow",
  },
  {
    name: "host_allow IP literal",
    text: mutate(['"api.example.com:443"', '"10.0.0.1:443"']),
    code: "network.host_invalid",
    marker: "host_allow",
  },
  {
    name: "host_allow localhost",
    text: mutate(['"api.example.com:443"', '"localhost:8080"']),
    code: "network.host_invalid",
    marker: "host_allow",
  },
  {
    name: "host_allow uppercase",
    text: mutate(['"api.example.com:443"', '"API.example.com:443"']),
    code: "network.host_invalid",
    marker: "host_allow",
  },
  {
    name: "network limit missing",
    text: mutate(["total_timeout_ms = 30000\n", ""]),
    code: "network.limit_missing",
    marker: "[operations.network_constraints]",
    fixable: true,
  },
  {
    name: "network limit out of range",
    text: mutate(["connect_timeout_ms = 10000", "connect_timeout_ms = 0"]),
    code: "network.limit_range",
    marker: "connect_timeout_ms = 0",
  },
  {
    name: "credential id not canonical",
    text: mutate([
      "connect_timeout_ms = 10000",
      'connect_timeout_ms = 10000\ncredential_allow = ["Cred Token"]',
    ]),
    code: "network.credential_invalid",
    marker: "credential_allow",
  },
  {
    name: "bad CIDR",
    text: mutate([
      "connect_timeout_ms = 10000",
      'connect_timeout_ms = 10000\ncidr_deny = ["10.0.0.0"]',
    ]),
    code: "network.cidr_invalid",
    marker: "cidr_deny",
  },
  {
    name: "bad SPKI pin",
    text: mutate(["connect_timeout_ms = 10000", 'connect_timeout_ms = 10000\nspki_pins = ["abc"]']),
    code: "network.pin_invalid",
    marker: "spki_pins",
  },
  {
    name: "relaxed egress guard (warning)",
    text: mutate([
      "connect_timeout_ms = 10000",
      "connect_timeout_ms = 10000\ndeny_private_ranges = false",
    ]),
    code: "network.guard_relaxed",
    marker: "deny_private_ranges",
    severity: "warning",
  },
  {
    name: "[sandbox] missing",
    text: BASE_MANIFEST.replace(/\[sandbox\][\s\S]*$/, ""),
    code: "sandbox.missing",
    marker: "# test connector",
    fixable: true,
  },
  {
    name: "sandbox profile missing",
    text: mutate(['profile = "strict"\n', ""]),
    code: "sandbox.profile_missing",
    marker: "[sandbox]",
    fixable: true,
  },
  {
    name: "sandbox run granted",
    text: mutate(["memory_mb = 64", "memory_mb = 64\nrun = true"]),
    code: "sandbox.forbidden_permission",
    marker: "run = true",
  },
  {
    name: "sandbox ffi granted",
    text: mutate(["memory_mb = 64", 'memory_mb = 64\nffi = ["lib.so"]']),
    code: "sandbox.forbidden_permission",
    marker: "ffi = ",
  },
  {
    name: "sandbox sys granted",
    text: mutate(["memory_mb = 64", "memory_mb = 64\nsys = true"]),
    code: "sandbox.forbidden_permission",
    marker: "sys = true",
  },
  {
    name: "sandbox net granted",
    text: mutate(["memory_mb = 64", "memory_mb = 64\nnet = true"]),
    code: "sandbox.forbidden_permission",
    marker: "net = true",
  },
  {
    name: "deny_exec = false",
    text: mutate(["memory_mb = 64", "memory_mb = 64\ndeny_exec = false"]),
    code: "sandbox.forbidden_permission",
    marker: "deny_exec",
  },
  {
    name: "sandbox limit missing",
    text: mutate(["memory_mb = 64\n", ""]),
    code: "sandbox.limit_missing",
    marker: "[sandbox]",
    fixable: true,
  },
  {
    name: "sandbox limit out of range",
    text: mutate(["memory_mb = 64", "memory_mb = 1"]),
    code: "sandbox.limit_range",
    marker: "memory_mb = 1",
  },
  {
    name: "path with ..",
    text: mutate(['fs_readonly_paths = ["cache"]', 'fs_readonly_paths = ["../other"]']),
    code: "sandbox.path_invalid",
    marker: "fs_readonly_paths",
  },
  {
    name: "absolute path in a strict profile",
    text: mutate(['fs_readonly_paths = ["cache"]', 'fs_readonly_paths = ["/etc"]']),
    code: "sandbox.path_invalid",
    marker: "fs_readonly_paths",
  },
  {
    name: "absolute writable path in a moderate profile",
    text: mutate(['profile = "strict"', 'profile = "moderate"'], [
      'fs_writable_paths = ["$CONNECTOR_STATE/out"]',
      'fs_writable_paths = ["/tmp/x"]',
    ]),
    code: "sandbox.path_invalid",
    marker: "fs_writable_paths",
  },
  {
    name: "unknown path placeholder",
    text: mutate(['fs_readonly_paths = ["cache"]', 'fs_readonly_paths = ["$HOME"]']),
    code: "sandbox.path_invalid",
    marker: "fs_readonly_paths",
  },
  {
    name: "env in a strict profile",
    text: mutate(["memory_mb = 64", 'memory_mb = 64\nenv = ["API_KEY"]']),
    code: "sandbox.env_invalid",
    marker: "env = ",
  },
  {
    name: "FCP_ env never granted",
    text: mutate(['profile = "strict"', 'profile = "moderate"'], [
      "memory_mb = 64",
      'memory_mb = 64\nenv = ["FCP_HOME"]',
    ]),
    code: "sandbox.env_invalid",
    marker: "env = ",
  },
  {
    name: "bad env name",
    text: mutate(['profile = "strict"', 'profile = "moderate"'], [
      "memory_mb = 64",
      'memory_mb = 64\nenv = ["A-B"]',
    ]),
    code: "sandbox.env_invalid",
    marker: "env = ",
  },
  {
    name: "permissive profile (warning)",
    text: mutate(['profile = "strict"', 'profile = "permissive"']),
    code: "sandbox.profile_weak",
    marker: "profile = ",
    severity: "warning",
  },
  {
    name: "strict_plus cannot be enforced (warning)",
    text: mutate(['profile = "strict"', 'profile = "strict_plus"']),
    code: "sandbox.unenforced",
    marker: "profile = ",
    severity: "warning",
  },
  {
    name: "cpu_percent cannot be enforced (warning)",
    text: mutate(["memory_mb = 64", "memory_mb = 64\ncpu_percent = 50"]),
    code: "sandbox.unenforced",
    marker: "cpu_percent",
    severity: "warning",
  },
];

for (const c of CASES) {
  Deno.test(`lint: ${c.name} → ${c.code} on its line`, () => {
    const r = lintManifest(c.text);
    const line = lineOf(c.text, c.marker);
    const hit = r.problems.find((p) => p.code === c.code);
    assert.ok(hit, `no ${c.code} in ${JSON.stringify(r.problems.map((p) => p.code))}`);
    assert.equal(hit.line, line, formatProblem("m.toml", hit));
    assert.equal(hit.severity, c.severity ?? "error");
    if (c.fixable !== undefined) assert.equal(hit.fixable, c.fixable);
    if ((c.severity ?? "error") === "error") {
      assert.equal(r.manifest, undefined);
      assert.throws(() => parseManifest(c.text), (e) => isFcpError(e, "FCP-5004"));
    }
  });
}

Deno.test("warnings alone keep the manifest valid", () => {
  const r = lintManifest(mutate(['name = "Test"', 'name = "Test"\nnmae = "typo"']));
  assert.equal(r.problems.length, 1);
  assert.ok(r.manifest !== undefined);
});

Deno.test("every problem is reported, not only the first", () => {
  const text = mutate(['id = "fcp.test"', 'id = "Bad"'], ["memory_mb = 64", "memory_mb = 1"], [
    'forbidden = ["system.exec"]',
    "forbidden = []",
  ]);
  const codes = lintManifest(text).problems.map((p) => p.code);
  for (
    const code of ["connector.id_invalid", "sandbox.limit_range", "capability.exec_not_forbidden"]
  ) {
    assert.ok(codes.includes(code), code);
  }
  // Ordered by line.
  const lines = lintManifest(text).problems.map((p) => p.line);
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
});

Deno.test("a crdt state model with its type parses", () => {
  const m = parseManifest(
    lintFixHash(
      mutate([
        'model = "stateless"',
        'model = "crdt"\ncrdt_type = "or_set"\nstate_schema_version = "2"',
      ]),
    ),
  );
  assert.deepEqual(m.state, { model: "crdt", crdtType: "or_set", stateSchemaVersion: "2" });
});

Deno.test("formatProblem marks warnings", () => {
  assert.equal(
    formatProblem("a.toml", {
      line: 4,
      severity: "warning",
      code: "field.unknown",
      message: "m",
      path: "x",
      fixable: false,
    }),
    "a.toml:4: field.unknown (warning) m",
  );
});

function lintFixHash(text: string): string {
  const h = lintManifest(text).computedInterfaceHash;
  assert.ok(h !== undefined);
  return text.replace(/interface_hash = .*/, `interface_hash = "${h}"`);
}

Deno.test("lintManifest never throws: random text and random edits of a valid manifest", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      const r = lintManifest(s);
      assert.ok(r.manifest === undefined || r.problems.every((p) => p.severity === "warning"));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.nat(BASE_MANIFEST.length),
      fc.nat(20),
      fc.string({ maxLength: 8 }),
      (at, cut, insert) => {
        const text = BASE_MANIFEST.slice(0, at) + insert + BASE_MANIFEST.slice(at + cut);
        for (const p of lintManifest(text).problems) assert.ok(p.line >= 1);
      },
    ),
    { numRuns: 300 },
  );
});
