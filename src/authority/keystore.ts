/**
 * The on-disk keystore under `FCP_HOME` (default `~/.fcp`): secret keys as raw bytes in
 * `FCP_HOME/keys/<name>` (directory mode 0700, files 0600, written atomically via a temp
 * file and rename) and public metadata as JSON files in `FCP_HOME` itself.
 *
 * Secrets are never printed, logged or put in error messages; errors name the file only.
 *
 * @module
 */
import { FcpError, toHex } from "../core/mod.ts";
import { randomBytes } from "../crypto/mod.ts";

/** Mode of the home and keys directories. */
export const KEYSTORE_DIR_MODE = 0o700;
/** Mode of every secret file. */
export const SECRET_FILE_MODE = 0o600;

const NAME = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

function checkName(name: string, what: string): string {
  if (!NAME.test(name) || name.includes("..")) {
    throw new FcpError("FCP-1040", `${what} name must match [a-z0-9][a-z0-9._:-]{0,127}`);
  }
  return name;
}

/**
 * The default home: `$FCP_HOME`, else `$HOME/.fcp` (or `%USERPROFILE%\.fcp`).
 * Needs `--allow-env`.
 *
 * @example
 * ```ts
 * import { defaultFcpHome } from "./keystore.ts";
 * import assert from "node:assert/strict";
 * assert.ok(defaultFcpHome().length > 0);
 * ```
 */
export function defaultFcpHome(): string {
  const env = Deno.env.get("FCP_HOME");
  if (env !== undefined && env !== "") return env;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (home === undefined || home === "") {
    throw new FcpError("FCP-2012", "neither FCP_HOME nor HOME is set");
  }
  return `${home}/.fcp`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw new FcpError("FCP-9002", `cannot stat ${path}`, { cause: e });
  }
}

async function ensureDir(path: string): Promise<void> {
  try {
    await Deno.mkdir(path, { recursive: true, mode: KEYSTORE_DIR_MODE });
    if (Deno.build.os !== "windows") await Deno.chmod(path, KEYSTORE_DIR_MODE);
  } catch (e) {
    throw new FcpError("FCP-9002", `cannot create directory ${path}`, { cause: e });
  }
}

/** Options of {@link Keystore.writeSecret} and {@link Keystore.writePublic}. */
export interface WriteOptions {
  /** Replace an existing file (default false: refuse with `FCP-2013`). */
  readonly overwrite?: boolean;
}

/**
 * A keystore rooted at `home`. Obtain one with {@link openKeystore}.
 *
 * @example
 * ```ts
 * import { openKeystore } from "./keystore.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const ks = await openKeystore(home);
 * await ks.writeSecret("demo.seed", new Uint8Array(32).fill(1));
 * assert.ok(await ks.hasSecret("demo.seed"));
 * assert.equal((await Deno.stat(`${home}/keys/demo.seed`)).mode! & 0o777, 0o600);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class Keystore {
  /** The FCP_HOME directory. */
  readonly home: string;
  /** The secret keys directory, `home/keys`. */
  readonly keysDir: string;

  /** @param home The FCP_HOME directory (must already exist; see {@link openKeystore}). */
  constructor(home: string) {
    this.home = home;
    this.keysDir = `${home}/keys`;
  }

  /**
   * The path of a secret file.
   *
   * @example
   * ```ts
   * import { Keystore } from "./keystore.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new Keystore("/h").secretPath("owner.seed"), "/h/keys/owner.seed");
   * ```
   */
  secretPath(name: string): string {
    return `${this.keysDir}/${checkName(name, "secret")}`;
  }

  /**
   * The path of a public metadata file.
   *
   * @example
   * ```ts
   * import { Keystore } from "./keystore.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new Keystore("/h").publicPath("node.json"), "/h/node.json");
   * ```
   */
  publicPath(name: string): string {
    return `${this.home}/${checkName(name, "public file")}`;
  }

  /**
   * Write a secret atomically: a fresh temp file created with mode 0600 (`createNew`), then
   * renamed over the target. Refuses to replace an existing secret unless `overwrite`
   * (`FCP-2013`).
   *
   * @example
   * ```ts
   * import { openKeystore } from "./keystore.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * const ks = await openKeystore(home);
   * await ks.writeSecret("a.key", new Uint8Array([1]));
   * await assert.rejects(ks.writeSecret("a.key", new Uint8Array([2])), (e) => isFcpError(e, "FCP-2013"));
   * await ks.writeSecret("a.key", new Uint8Array([2]), { overwrite: true });
   * assert.deepEqual(await ks.readSecret("a.key"), new Uint8Array([2]));
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async writeSecret(name: string, bytes: Uint8Array, opts: WriteOptions = {}): Promise<void> {
    const path = this.secretPath(name);
    await ensureDir(this.keysDir);
    await this.#atomicWrite(path, bytes, SECRET_FILE_MODE, opts.overwrite ?? false, "secret");
  }

  /**
   * Read a secret. A missing secret is `FCP-2012`; a secret file readable by group or others
   * is refused (`FCP-2012`) rather than trusted.
   *
   * @example
   * ```ts
   * import { openKeystore } from "./keystore.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * const ks = await openKeystore(home);
   * await assert.rejects(ks.readSecret("nope.key"), (e) => isFcpError(e, "FCP-2012"));
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async readSecret(name: string): Promise<Uint8Array> {
    const path = this.secretPath(name);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      throw new FcpError("FCP-2012", `secret ${name} not found in ${this.keysDir}`, { cause: e });
    }
    if (Deno.build.os !== "windows" && info.mode !== null && (info.mode & 0o077) !== 0) {
      throw new FcpError(
        "FCP-2012",
        `secret file ${path} is accessible by other users; chmod 600 it`,
      );
    }
    try {
      return await Deno.readFile(path);
    } catch (e) {
      throw new FcpError("FCP-2012", `cannot read secret ${name}`, { cause: e });
    }
  }

  /**
   * Whether a secret exists.
   *
   * @example
   * ```ts
   * import { openKeystore } from "./keystore.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * assert.equal(await (await openKeystore(home)).hasSecret("x.key"), false);
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  hasSecret(name: string): Promise<boolean> {
    return exists(this.secretPath(name));
  }

  /**
   * Write a public JSON metadata file atomically (mode 0644 by default, 0600 never needed).
   *
   * @example
   * ```ts
   * import { openKeystore } from "./keystore.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * const ks = await openKeystore(home);
   * await ks.writePublic("meta.json", { a: 1 });
   * assert.deepEqual(await ks.readPublic("meta.json"), { a: 1 });
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async writePublic(name: string, value: unknown, opts: WriteOptions = {}): Promise<void> {
    const path = this.publicPath(name);
    const text = JSON.stringify(value, null, 2) + "\n";
    await this.#atomicWrite(
      path,
      new TextEncoder().encode(text),
      0o644,
      opts.overwrite ?? true,
      "public file",
    );
  }

  /**
   * Read a public JSON metadata file; missing is `FCP-2012`, unparsable `FCP-9002`.
   *
   * @example
   * ```ts
   * import { openKeystore } from "./keystore.ts";
   * import { isFcpError } from "../core/mod.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * await assert.rejects((await openKeystore(home)).readPublic("x.json"), (e) => isFcpError(e, "FCP-2012"));
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async readPublic(name: string): Promise<unknown> {
    const path = this.publicPath(name);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      throw new FcpError("FCP-2012", `${path} not found`, { cause: e });
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new FcpError("FCP-9002", `${path} is not valid JSON`, { cause: e });
    }
  }

  /**
   * Whether a public metadata file exists.
   *
   * @example
   * ```ts
   * import { openKeystore } from "./keystore.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * assert.equal(await (await openKeystore(home)).hasPublic("node.json"), false);
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  hasPublic(name: string): Promise<boolean> {
    return exists(this.publicPath(name));
  }

  async #atomicWrite(
    path: string,
    bytes: Uint8Array,
    mode: number,
    overwrite: boolean,
    what: string,
  ): Promise<void> {
    if (!overwrite && await exists(path)) {
      throw new FcpError("FCP-2013", `${what} ${path} already exists`);
    }
    const tmp = `${path}.tmp-${toHex(randomBytes(6))}`;
    try {
      await Deno.writeFile(tmp, bytes, { mode, createNew: true });
      if (Deno.build.os !== "windows") await Deno.chmod(tmp, mode);
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw new FcpError("FCP-9002", `cannot write ${what} ${path}`, { cause: e });
    }
  }
}

/**
 * Open (creating if needed, mode 0700) the keystore at `home`.
 *
 * @example
 * ```ts
 * import { openKeystore } from "./keystore.ts";
 * import assert from "node:assert/strict";
 * const home = await Deno.makeTempDir();
 * const ks = await openKeystore(`${home}/fcp`);
 * assert.equal((await Deno.stat(`${home}/fcp`)).mode! & 0o777, 0o700);
 * assert.equal(ks.home, `${home}/fcp`);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function openKeystore(home: string): Promise<Keystore> {
  if (home === "") throw new FcpError("FCP-1040", "FCP_HOME must not be empty");
  await ensureDir(home);
  return new Keystore(home);
}
