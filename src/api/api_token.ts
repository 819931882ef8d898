/**
 * The LocalAPI bearer token: 32 random bytes as 64 lowercase hex characters in
 * `FCP_HOME/api.token`, created with mode 0600 on the node's first start. Whoever can read the
 * file can drive the node, so the file is the credential (docs/api.md "Authentication").
 *
 * @module
 */
import { FcpError, toHex } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";

/** The token file name in `FCP_HOME`. */
export const API_TOKEN_FILE = "api.token";

/** Mode of the token file. */
export const API_TOKEN_MODE = 0o600;

const TOKEN_RE = /^[0-9a-f]{64}$/;

/**
 * The token file's path under a home.
 *
 * @example
 * ```ts
 * import { apiTokenPath } from "./api_token.ts";
 * import assert from "node:assert/strict";
 * assert.equal(apiTokenPath("/h"), "/h/api.token");
 * ```
 */
export function apiTokenPath(home: string): string {
  return `${home}/${API_TOKEN_FILE}`;
}

/**
 * Read the token of a home. A missing file is `FCP-5002` (no node ever started there); a file
 * that is not 64 hex characters is `FCP-2012`.
 *
 * @example
 * ```ts
 * import { loadOrCreateApiToken, readApiToken } from "./api_token.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const token = await loadOrCreateApiToken(home);
 * assert.equal(await readApiToken(home), token);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function readApiToken(home: string): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(apiTokenPath(home));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-5002", `no API token in ${home}: the node has never been started`);
    }
    throw new FcpError("FCP-9002", `cannot read ${apiTokenPath(home)}`, { cause: e });
  }
  const token = text.trim();
  if (!TOKEN_RE.test(token)) {
    throw new FcpError("FCP-2012", `${apiTokenPath(home)} is not a 64-hex-digit token`);
  }
  return token;
}

/**
 * Return the home's token, creating it (32 random bytes, hex, mode 0600, exclusive create) when
 * absent. An existing file keeps its token but has its mode forced back to 0600.
 *
 * @example
 * ```ts
 * import { loadOrCreateApiToken } from "./api_token.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const token = await loadOrCreateApiToken(home);
 * assert.match(token, /^[0-9a-f]{64}$/);
 * assert.equal(await loadOrCreateApiToken(home), token);
 * assert.equal((await Deno.stat(`${home}/api.token`)).mode! & 0o777, 0o600);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function loadOrCreateApiToken(home: string): Promise<string> {
  const path = apiTokenPath(home);
  const token = toHex(randomBytes(32));
  try {
    await Deno.writeTextFile(path, token + "\n", { createNew: true, mode: API_TOKEN_MODE });
    if (Deno.build.os !== "windows") await Deno.chmod(path, API_TOKEN_MODE);
    return token;
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) {
      throw new FcpError("FCP-9002", `cannot create ${path}`, { cause: e });
    }
  }
  if (Deno.build.os !== "windows") await Deno.chmod(path, API_TOKEN_MODE);
  return await readApiToken(home);
}
