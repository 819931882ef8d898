/**
 * A small valid manifest for the manifest tests, and helpers to mutate it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { lintManifest } from "./manifest.ts";

const TEMPLATE = `# test connector
[manifest]
format = "fcp-connector-manifest"
schema_version = "2.1"
interface_hash = "HASH"

[connector]
id = "fcp.test"
name = "Test"
version = "1.0.0"
description = "A test connector"

[connector.state]
model = "stateless"

[zones]
home = "z:work"
allowed_targets = ["z:work"]
forbidden = ["z:public"]

[capabilities]
required = ["test.read"]
optional = ["test.write"]
forbidden = ["system.exec"]

[[operations]]
id = "test.read"
description = "Read"
capability = "test.read"
risk_level = "low"
safety_tier = "safe"
idempotency = "strict"
input_schema = { type = "object", properties = { q = { type = "string" } } }
output_schema = '{"type": "object"}'

[operations.network_constraints]
host_allow = ["api.example.com:443"]
connect_timeout_ms = 10000
total_timeout_ms = 30000
max_response_bytes = 1048576

[operations.ai_hints]
when_to_use = "to read"

[[operations]]
id = "test.write"
description = "Write"
capability = "test.write"
risk_level = "medium"
safety_tier = "risky"
idempotency = "strict"
input_schema = { type = "object" }
output_schema = { type = "object" }
ai_hints = { when_to_use = "to write" }

[sandbox]
profile = "strict"
memory_mb = 64
wall_clock_timeout_ms = 5000
max_message_bytes = 65536
fs_readonly_paths = ["cache"]
fs_writable_paths = ["$CONNECTOR_STATE/out"]
`;

/** The valid base manifest (its interface hash computed, not hard-coded). */
export const BASE_MANIFEST: string = (() => {
  const hash = lintManifest(TEMPLATE).computedInterfaceHash;
  assert.ok(hash !== undefined, "fixture template is invalid");
  return TEMPLATE.replace("HASH", hash);
})();

/** The base manifest with each `[from, to]` replaced once (each `from` must occur). */
export function mutate(...edits: [string, string][]): string {
  let text = BASE_MANIFEST;
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `fixture has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  return text;
}

/** The 1-based line of the first occurrence of `marker` in `text`. */
export function lineOf(text: string, marker: string): number {
  const i = text.indexOf(marker);
  assert.ok(i >= 0, `text has no ${JSON.stringify(marker)}`);
  return text.slice(0, i).split("\n").length;
}
