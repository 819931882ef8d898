import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { canonicalHostPort, CredentialStore } from "./credential_store.ts";

const SECRET = "ghp_SuperSecretValue123";
const POSIX = Deno.build.os !== "windows";

async function withStore(fn: (store: CredentialStore, home: string) => Promise<void>) {
  const home = await Deno.makeTempDir({ prefix: "fcp-cred-" });
  try {
    await fn(CredentialStore.open(home, () => 1_700_000_000), home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function noSecret(e: unknown): boolean {
  const text = `${e instanceof Error ? e.message : String(e)} ${
    e instanceof Error ? String(e.cause ?? "") : ""
  }`;
  return !text.includes(SECRET) && !text.includes("SuperSecret");
}

Deno.test("put/get/list/headerFor/remove round trip, metadata only in list", async () => {
  await withStore(async (store) => {
    await store.put({
      id: "cred:github",
      header: "Authorization",
      scheme: "Bearer",
      hosts: ["API.GitHub.com:443", "api.github.com:443"],
    }, SECRET);
    await store.put({ id: "cred:a.key", header: "x-api-key", hosts: ["a.example:8443"] }, "k2");
    const list = await store.list();
    assert.deepEqual(list, [
      {
        id: "cred:a.key",
        header: "x-api-key",
        hosts: ["a.example:8443"],
        createdAt: 1_700_000_000,
      },
      {
        id: "cred:github",
        header: "authorization",
        scheme: "Bearer",
        hosts: ["api.github.com:443"],
        createdAt: 1_700_000_000,
      },
    ]);
    assert.ok(!JSON.stringify(list).includes(SECRET));
    assert.deepEqual(await store.headerFor("cred:github", "api.github.com:443"), [
      "authorization",
      `Bearer ${SECRET}`,
    ]);
    assert.deepEqual(await store.headerFor("cred:a.key", "a.example:8443"), ["x-api-key", "k2"]);
    // replace keeps one file, new secret
    await store.put({
      id: "cred:a.key",
      header: "x-api-key",
      hosts: ["a.example:8443"],
      createdAt: 5,
    }, "k3");
    assert.deepEqual(await store.headerFor("cred:a.key", "a.example:8443"), ["x-api-key", "k3"]);
    assert.equal((await store.get("cred:a.key"))?.createdAt, 5);
    assert.equal((await store.list()).length, 2);
    assert.equal(await store.remove("cred:a.key"), true);
    assert.equal(await store.remove("cred:a.key"), false);
    assert.deepEqual((await store.list()).map((c) => c.id), ["cred:github"]);
  });
});

Deno.test("files and directory are private (0700 / 0600)", { ignore: !POSIX }, async () => {
  await withStore(async (store, home) => {
    await store.put({ id: "cred:x", header: "x-key", hosts: ["a.example:443"] }, SECRET);
    assert.equal((await Deno.stat(`${home}/credentials`)).mode! & 0o777, 0o700);
    const names = [];
    for await (const e of Deno.readDir(`${home}/credentials`)) names.push(e.name);
    assert.deepEqual(names, ["cred%3ax.json"], "no temporary files left behind");
    assert.equal((await Deno.stat(`${home}/credentials/cred%3ax.json`)).mode! & 0o777, 0o600);
  });
});

Deno.test("headerFor refuses unknown credentials and other hosts with FCP-3010", async () => {
  await withStore(async (store) => {
    await store.put({ id: "cred:x", header: "x-key", hosts: ["a.example:443"] }, SECRET);
    for (
      const [id, host] of [
        ["cred:none", "a.example:443"],
        ["cred:x", "b.example:443"],
        ["cred:x", "a.example:80"],
        ["cred:x", "a.example.evil:443"],
        ["cred:x", "not a host"],
        ["Cred:X", "a.example:443"],
      ]
    ) {
      await assert.rejects(
        store.headerFor(id!, host!),
        (e) => isFcpError(e, "FCP-3010") && noSecret(e),
        `${id} ${host}`,
      );
    }
  });
});

Deno.test("put validates every field and never quotes the secret", async () => {
  await withStore(async (store) => {
    const ok = { id: "cred:x", header: "x-key", hosts: ["a.example:443"] };
    const cases: [Parameters<CredentialStore["put"]>[0], string, string][] = [
      [{ ...ok, id: "Cred:X" }, SECRET, "FCP-4007"],
      [{ ...ok, header: "host" }, SECRET, "FCP-1040"],
      [{ ...ok, header: "proxy-authorization" }, SECRET, "FCP-1040"],
      [{ ...ok, header: "content-length" }, SECRET, "FCP-1040"],
      [{ ...ok, header: "bad header" }, SECRET, "FCP-1040"],
      [{ ...ok, scheme: "Bearer x" }, SECRET, "FCP-1040"],
      [{ ...ok, hosts: [] }, SECRET, "FCP-1040"],
      [{ ...ok, hosts: ["a.example"] }, SECRET, "FCP-1040"],
      [{ ...ok, hosts: ["a.example:0"] }, SECRET, "FCP-1040"],
      [{ ...ok, createdAt: -1 }, SECRET, "FCP-1040"],
      [ok, `${SECRET}\r\nx-evil: 1`, "FCP-1040"],
      [ok, ` ${SECRET}`, "FCP-1040"],
      [ok, "", "FCP-1040"],
      [ok, `${SECRET}\u00e9`, "FCP-1040"],
    ];
    for (const [info, secret, code] of cases) {
      await assert.rejects(
        store.put(info, secret),
        (e) => isFcpError(e, code as "FCP-1040") && noSecret(e),
        JSON.stringify(info),
      );
    }
    assert.deepEqual(await store.list(), []);
  });
});

Deno.test("a corrupt file is reported without its content", async () => {
  await withStore(async (store, home) => {
    await store.put({ id: "cred:x", header: "x-key", hosts: ["a.example:443"] }, SECRET);
    const path = `${home}/credentials/cred%3ax.json`;
    await Deno.writeTextFile(path, `{"v":1,"secret":"${SECRET}",`, { mode: 0o600 });
    await assert.rejects(store.list(), (e) => isFcpError(e, "FCP-9002") && noSecret(e));
    await assert.rejects(
      store.headerFor("cred:x", "a.example:443"),
      (e) => isFcpError(e, "FCP-9002") && noSecret(e),
    );
    // a file renamed to another id is not accepted as that id
    await store.put({ id: "cred:y", header: "x-key", hosts: ["a.example:443"] }, SECRET);
    await Deno.rename(`${home}/credentials/cred%3ay.json`, path);
    await assert.rejects(store.get("cred:x"), (e) => isFcpError(e, "FCP-9002"));
  });
});

Deno.test("a credential file readable by others is refused", { ignore: !POSIX }, async () => {
  await withStore(async (store, home) => {
    await store.put({ id: "cred:x", header: "x-key", hosts: ["a.example:443"] }, SECRET);
    await Deno.chmod(`${home}/credentials/cred%3ax.json`, 0o644);
    await assert.rejects(
      store.headerFor("cred:x", "a.example:443"),
      (e) => isFcpError(e, "FCP-9002") && /chmod 600/.test(e.message) && noSecret(e),
    );
  });
});

Deno.test("canonicalHostPort", () => {
  assert.equal(canonicalHostPort("A.Example:443"), "a.example:443");
  assert.equal(canonicalHostPort("[::ffff:127.0.0.1]:80"), "[::ffff:7f00:1]:80");
  assert.equal(canonicalHostPort("127.0.0.1:80"), "127.0.0.1:80");
  for (
    const bad of ["a.example", "a.example:", "a.example:70000", "a b:1", "u@a.example:1", ":80"]
  ) {
    assert.equal(canonicalHostPort(bad), undefined, bad);
  }
});
