/**
 * Where the node keeps its state.
 *
 * @module
 */
import { join } from "node:path";

/**
 * The node home: the `--home` flag, else `FCP_HOME`, else `.fcp` in the user's home
 * directory (`HOME`, or `USERPROFILE` on Windows), else `.fcp` in the working directory.
 * Nothing is created.
 *
 * @example
 * ```ts
 * import { resolveHome } from "./home.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveHome("/srv/fcp", () => "/ignored"), "/srv/fcp");
 * const env: Record<string, string> = { HOME: "/home/ann" };
 * assert.equal(resolveHome(undefined, (k) => env[k]), "/home/ann/.fcp");
 * env.FCP_HOME = "/var/fcp";
 * assert.equal(resolveHome(undefined, (k) => env[k]), "/var/fcp");
 * ```
 */
export function resolveHome(
  flag: string | undefined,
  env: (name: string) => string | undefined = readEnv,
): string {
  if (flag) return flag;
  const fromEnv = env("FCP_HOME");
  if (fromEnv) return fromEnv;
  const user = env("HOME") ?? env("USERPROFILE");
  return user ? join(user, ".fcp") : ".fcp";
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: fall back to the defaults
  }
}
