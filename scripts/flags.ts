/**
 * The runtime flags of fcp, in one place. `deno task fcp` runs `main.ts` with exactly these
 * flags and `scripts/compile.ts` bakes exactly these into every compiled binary;
 * `tests/flags_test.ts` fails when `deno.json` or the compile script drift from this list.
 *
 * Why each flag:
 * - `--allow-read`, `--allow-write`: the node home (`~/.fcp`), vector files, the store.
 * - `--allow-env`: `FCP_HOME`, `FCP_DEBUG`, `HOME`.
 * - `--allow-net`: the mesh transport and the loopback LocalAPI.
 * - no `--allow-run`: nothing fcp does yet starts a subprocess; the Tailscale client (mesh
 *   issue) will add `--allow-run=tailscale` for its `tailscale status --json` fallback.
 * - `--allow-sys`: interface and host information for node identity and discovery.
 * - `--unstable-worker-options`: per-worker `deno.permissions` for connector sandboxes.
 *
 * @module
 */

/** Permission flags of the fcp binary. */
export const FCP_PERMISSION_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-sys",
];

/** `--unstable-*` flags of the fcp binary. */
export const FCP_UNSTABLE_FLAGS: readonly string[] = ["--unstable-worker-options"];

/**
 * Every runtime flag of the fcp binary, permissions first.
 *
 * @example
 * ```ts
 * import { FCP_RUNTIME_FLAGS } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.ok(FCP_RUNTIME_FLAGS.includes("--unstable-worker-options"));
 * ```
 */
export const FCP_RUNTIME_FLAGS: readonly string[] = [
  ...FCP_PERMISSION_FLAGS,
  ...FCP_UNSTABLE_FLAGS,
];

/**
 * The command line the `fcp` task in `deno.json` must be, word for word.
 *
 * @example
 * ```ts
 * import { fcpTaskCommand } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.match(fcpTaskCommand(), /^deno run .* main\.ts$/);
 * ```
 */
export function fcpTaskCommand(): string {
  return ["deno", "run", ...FCP_RUNTIME_FLAGS, "main.ts"].join(" ");
}
