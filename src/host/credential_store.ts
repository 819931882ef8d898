/**
 * The node's credential store (spec §7.3 `CredentialObject`, §7.3.1 proxy materialization):
 * secrets the egress guard injects into outbound requests so connectors never see them.
 *
 * Layout: `FCP_HOME/credentials/` (mode 0700), one file per credential (mode 0600) named
 * after the id with `:` written as `%3a` (`cred:github` → `cred%3agithub.json`), holding
 * `{"v":1,"id","header","scheme"?,"hosts","createdAt","secret"}` as JSON. Files are written
 * to a fresh temporary name and renamed into place, so a reader sees the old or the new
 * credential, never a mix. A credential file that group or others may read is refused on
 * use (like ssh's key files). On Windows the modes are not applied.
 *
 * Secrets never appear in errors, logs or {@link CredentialStore.list}: JSON parse errors
 * (whose V8 messages quote the input) are replaced, never chained.
 *
 * @module
 */
import { FcpError } from "../core/mod.ts";
import { validateCanonicalId } from "../model/mod.ts";

/** Metadata of one stored credential (spec §7.3 `CredentialObject` with `HttpHeader` apply). */
export interface CredentialInfo {
  /** Canonical credential id (§3.4.2), e.g. `cred:github`. */
  readonly id: string;
  /** Lowercase header name to set, e.g. `authorization`. */
  readonly header: string;
  /** Optional prefix: `Bearer` makes the header value `Bearer <secret>` (`CredentialFormat::Prefix`). */
  readonly scheme?: string;
  /** `host:port` entries (canonical, lowercase) the credential may be injected for. */
  readonly hosts: readonly string[];
  /** Creation time, Unix seconds. */
  readonly createdAt: number;
}

/** What {@link CredentialStore.put} takes besides the secret. */
export type CredentialInput = Omit<CredentialInfo, "createdAt"> & { createdAt?: number };

/** Header names a credential may never set (framing, routing and proxy headers). */
const FORBIDDEN_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-type",
  "content-encoding",
  "expect",
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/;
const SECRET = /^[\x21-\x7e](?:[\x20-\x7e]{0,8190}[\x21-\x7e])?$/;
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Canonical `host:port` form of an entry, or `undefined` when it is not one: a lowercase
 * A-label host name or an IP literal (IPv6 in brackets, as `new URL` writes it) and a port
 * 1..65535.
 *
 * @example
 * ```ts
 * import { canonicalHostPort } from "./credential_store.ts";
 * import assert from "node:assert/strict";
 * assert.equal(canonicalHostPort("API.Example.com:443"), "api.example.com:443");
 * assert.equal(canonicalHostPort("[0::1]:80"), "[::1]:80");
 * assert.equal(canonicalHostPort("example.com"), undefined);
 * ```
 */
export function canonicalHostPort(entry: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/\s@[\]]+):(\d{1,5})$/.exec(entry);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65_535) return undefined;
  let host: string;
  try {
    host = new URL(`http://${m[1]}/`).hostname;
  } catch {
    return undefined;
  }
  if (!host.startsWith("[") && !/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    if (host.length > 253 || !host.split(".").every((l) => HOST_LABEL.test(l))) return undefined;
  }
  return `${host}:${port}`;
}

function fileName(id: string): string {
  return `${id.replaceAll(":", "%3a")}.json`;
}

const WINDOWS = Deno.build.os === "windows";

/** Validated, normalized metadata (throws `FCP-1040` naming the bad field, never the secret). */
function checkInfo(info: CredentialInput, now: () => number): CredentialInfo {
  validateCanonicalId(info.id, "credential id");
  const header = typeof info.header === "string" ? info.header.toLowerCase() : "";
  if (!TOKEN.test(header) || FORBIDDEN_HEADERS.has(header) || header.startsWith("proxy-")) {
    throw new FcpError(
      "FCP-1040",
      `credential ${info.id}: header "${
        String(info.header).slice(0, 64)
      }" is not a header a credential may set`,
    );
  }
  if (info.scheme !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/.test(info.scheme)) {
    throw new FcpError("FCP-1040", `credential ${info.id}: scheme must be one token, e.g. Bearer`);
  }
  if (!Array.isArray(info.hosts) || info.hosts.length === 0) {
    throw new FcpError("FCP-1040", `credential ${info.id}: hosts must list at least one host:port`);
  }
  const hosts: string[] = [];
  for (const h of info.hosts) {
    const c = typeof h === "string" ? canonicalHostPort(h) : undefined;
    if (c === undefined) {
      throw new FcpError(
        "FCP-1040",
        `credential ${info.id}: hosts entry "${String(h).slice(0, 80)}" is not host:port`,
      );
    }
    if (!hosts.includes(c)) hosts.push(c);
  }
  const createdAt = info.createdAt ?? now();
  if (!Number.isSafeInteger(createdAt) || createdAt < 0) {
    throw new FcpError("FCP-1040", `credential ${info.id}: createdAt must be Unix seconds`);
  }
  return {
    id: info.id,
    header,
    ...(info.scheme === undefined ? {} : { scheme: info.scheme }),
    hosts,
    createdAt,
  };
}

interface StoredCredential {
  readonly info: CredentialInfo;
  readonly secret: string;
}

function decodeFile(text: string, name: string): StoredCredential {
  const bad = () => new FcpError("FCP-9002", `credential file ${name} is corrupt`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad(); // no cause: V8's message quotes the file, i.e. the secret
  }
  if (typeof raw !== "object" || raw === null) throw bad();
  const r = raw as Record<string, unknown>;
  if (r.v !== 1 || typeof r.secret !== "string" || !SECRET.test(r.secret)) throw bad();
  let info: CredentialInfo;
  try {
    info = checkInfo({
      id: r.id as string,
      header: r.header as string,
      ...(r.scheme === undefined ? {} : { scheme: r.scheme as string }),
      hosts: r.hosts as string[],
      createdAt: r.createdAt as number,
    }, () => -1);
  } catch {
    throw bad();
  }
  if (fileName(info.id) !== name) throw bad();
  return { info, secret: r.secret };
}

/**
 * Credentials on disk under `FCP_HOME/credentials/`. Only the egress guard reads secrets
 * ({@link CredentialStore.headerFor}); everything else sees metadata.
 *
 * @example
 * ```ts
 * import { CredentialStore } from "./credential_store.ts";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * const store = CredentialStore.open(home);
 * await store.put({ id: "cred:gh", header: "authorization", scheme: "Bearer", hosts: ["api.github.com:443"] }, "s3cret");
 * assert.deepEqual((await store.list()).map((c) => c.id), ["cred:gh"]);
 * assert.deepEqual(await store.headerFor("cred:gh", "api.github.com:443"), ["authorization", "Bearer s3cret"]);
 * assert.equal(await store.remove("cred:gh"), true);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class CredentialStore {
  /** The credentials directory. */
  readonly dir: string;
  readonly #now: () => number;

  private constructor(dir: string, now: () => number) {
    this.dir = dir;
    this.#now = now;
  }

  /**
   * The store of a home (`<home>/credentials`). Nothing is touched until the first write.
   *
   * @param home `FCP_HOME`.
   * @param now Clock for `createdAt`, Unix seconds (default: the system clock).
   *
   * @example
   * ```ts
   * import { CredentialStore } from "./credential_store.ts";
   * import assert from "node:assert/strict";
   * assert.equal(CredentialStore.open("/h").dir, "/h/credentials");
   * ```
   */
  static open(
    home: string,
    now: () => number = () => Math.floor(Date.now() / 1000),
  ): CredentialStore {
    return new CredentialStore(`${home.replace(/[\\/]+$/, "")}/credentials`, now);
  }

  async #ensureDir(): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (!WINDOWS) await Deno.chmod(this.dir, 0o700);
  }

  /**
   * Store (or replace) a credential. The secret must be a valid header value: printable
   * ASCII, no leading or trailing space, at most 8 KiB. Throws `FCP-1040` naming the bad
   * field (never quoting the secret), `FCP-4007` on a non-canonical id.
   *
   * @example
   * ```ts
   * import { CredentialStore } from "./credential_store.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * const store = CredentialStore.open(home);
   * await assert.rejects(
   *   store.put({ id: "cred:x", header: "x-key", hosts: ["a.example:443"] }, "bad\nvalue"),
   *   /FCP-1040/,
   * );
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async put(info: CredentialInput, secret: string): Promise<void> {
    const checked = checkInfo(info, this.#now);
    if (typeof secret !== "string" || !SECRET.test(secret)) {
      throw new FcpError(
        "FCP-1040",
        `credential ${checked.id}: the secret must be 1..8192 printable ASCII characters without leading or trailing spaces`,
      );
    }
    await this.#ensureDir();
    const body = JSON.stringify({ v: 1, ...checked, secret });
    const target = `${this.dir}/${fileName(checked.id)}`;
    const tmp = `${this.dir}/.tmp-${crypto.randomUUID()}`;
    try {
      await Deno.writeTextFile(tmp, body, { createNew: true, mode: 0o600 });
      if (!WINDOWS) await Deno.chmod(tmp, 0o600);
      await Deno.rename(tmp, target);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw new FcpError("FCP-9002", `could not write credential ${checked.id}`, { cause: e });
    }
  }

  async #read(id: string): Promise<StoredCredential | undefined> {
    validateCanonicalId(id, "credential id");
    const name = fileName(id);
    const path = `${this.dir}/${name}`;
    let text: string;
    try {
      if (!WINDOWS) {
        const st = await Deno.stat(path);
        if (st.mode !== null && (st.mode & 0o077) !== 0) {
          throw new FcpError(
            "FCP-9002",
            `credential file ${name} is readable by group or others; chmod 600 it`,
          );
        }
      }
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      if (e instanceof FcpError) throw e;
      throw new FcpError("FCP-9002", `could not read credential file ${name}`, { cause: e });
    }
    return decodeFile(text, name);
  }

  /**
   * Metadata of one credential, or `undefined` when there is none.
   *
   * @example
   * ```ts
   * import { CredentialStore } from "./credential_store.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * const store = CredentialStore.open(home, () => 1700000000);
   * await store.put({ id: "cred:a", header: "x-api-key", hosts: ["a.example:443"] }, "k");
   * assert.deepEqual(await store.get("cred:a"), { id: "cred:a", header: "x-api-key", hosts: ["a.example:443"], createdAt: 1700000000 });
   * assert.equal(await store.get("cred:b"), undefined);
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async get(id: string): Promise<CredentialInfo | undefined> {
    return (await this.#read(id))?.info;
  }

  /**
   * Metadata of every credential, sorted by id. Never returns secrets.
   *
   * @example
   * ```ts
   * import { CredentialStore } from "./credential_store.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * assert.deepEqual(await CredentialStore.open(home).list(), []);
   * await Deno.remove(home);
   * ```
   */
  async list(): Promise<CredentialInfo[]> {
    const out: CredentialInfo[] = [];
    try {
      for await (const e of Deno.readDir(this.dir)) {
        if (!e.isFile || !e.name.endsWith(".json") || e.name.startsWith(".")) continue;
        let text: string;
        try {
          text = await Deno.readTextFile(`${this.dir}/${e.name}`);
        } catch (err) {
          throw new FcpError("FCP-9002", `could not read credential file ${e.name}`, {
            cause: err,
          });
        }
        out.push(decodeFile(text, e.name).info);
      }
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Delete a credential; `false` when there was none.
   *
   * @example
   * ```ts
   * import { CredentialStore } from "./credential_store.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * assert.equal(await CredentialStore.open(home).remove("cred:none"), false);
   * await Deno.remove(home);
   * ```
   */
  async remove(id: string): Promise<boolean> {
    validateCanonicalId(id, "credential id");
    try {
      await Deno.remove(`${this.dir}/${fileName(id)}`);
      return true;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw new FcpError("FCP-9002", `could not remove credential ${id}`, { cause: e });
    }
  }

  /**
   * Internal to the egress guard: the `[name, value]` header to inject for `id` on a request
   * to `hostPort`. Throws `FCP-3010` when the credential does not exist or is not bound to
   * `hostPort` (spec §7.3 `CredentialObject.host_allow`: "MUST reject use on other hosts").
   *
   * @example
   * ```ts
   * import { CredentialStore } from "./credential_store.ts";
   * import assert from "node:assert/strict";
   * const home = await Deno.makeTempDir();
   * const store = CredentialStore.open(home);
   * await store.put({ id: "cred:a", header: "x-api-key", hosts: ["a.example:443"] }, "k");
   * assert.deepEqual(await store.headerFor("cred:a", "a.example:443"), ["x-api-key", "k"]);
   * await assert.rejects(store.headerFor("cred:a", "b.example:443"), /FCP-3010/);
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  async headerFor(id: string, hostPort: string): Promise<[string, string]> {
    let stored: StoredCredential | undefined;
    try {
      stored = await this.#read(id);
    } catch (e) {
      if (e instanceof FcpError && e.code === "FCP-4007") {
        throw new FcpError("FCP-3010", `credential id "${id.slice(0, 140)}" is not canonical`);
      }
      throw e;
    }
    if (stored === undefined) throw new FcpError("FCP-3010", `no credential ${id} on this node`);
    const target = canonicalHostPort(hostPort);
    if (target === undefined || !stored.info.hosts.includes(target)) {
      throw new FcpError(
        "FCP-3010",
        `credential ${id} is not bound to ${hostPort} (bound to ${stored.info.hosts.join(", ")})`,
      );
    }
    const value = stored.info.scheme === undefined
      ? stored.secret
      : `${stored.info.scheme} ${stored.secret}`;
    return [stored.info.header, value];
  }
}
