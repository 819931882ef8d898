/**
 * Input validation of the invoke pipeline (issue 5 §3): an operation's input is checked against
 * the `input_schema` of its manifest (JSON Schema draft 2020-12 through `@cfworker/json-schema`,
 * collecting every failure, of which the first three are named) before anything runs.
 * Validators are compiled once per operation and cached.
 *
 * @module
 */
import { type Schema, Validator } from "@cfworker/json-schema";
import { FcpError } from "../core/mod.ts";
import type { OperationSpec } from "./manifest_types.ts";
import { describeFailures } from "./_input_failure.ts";

const cache = new WeakMap<OperationSpec, Validator>();

/** Most validation errors named in a refusal. */
const MAX_REPORTED = 3;

/**
 * Check `input` against the operation's input schema; `FCP-1040` naming the first failures:
 * each one's JSON pointer and what the schema wanted there (the missing or unexpected property,
 * the type, the allowed values, the bound), never an input value.
 *
 * @example
 * ```ts
 * import { validateInput } from "./input_validator.ts";
 * import { parseManifest } from "./manifest.ts";
 * import { isFcpError } from "../core/mod.ts";
 * import assert from "node:assert/strict";
 * const m = parseManifest(await Deno.readTextFile(new URL("../../connectors/fs/manifest.toml", import.meta.url)));
 * const op = m.operations.find((o) => o.id === "fs_list")!;
 * validateInput(op, { path: "." });
 * assert.throws(() => validateInput(op, { path: 7 }), (e) => isFcpError(e, "FCP-1040"));
 * assert.throws(() => validateInput(op, { path: ".", extra: 1 }), (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function validateInput(op: OperationSpec, input: unknown): void {
  let v = cache.get(op);
  if (v === undefined) {
    v = new Validator(op.inputSchema as Schema, "2020-12", false);
    cache.set(op, v);
  }
  const r = v.validate(input);
  if (r.valid) return;
  const where = describeFailures(op.inputSchema, input, r.errors, MAX_REPORTED);
  throw new FcpError(
    "FCP-1040",
    `input does not match the ${op.id} input schema: ${
      where.length > 0 ? where.join("; ") : "invalid"
    }`,
  );
}
