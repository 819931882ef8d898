/**
 * End to end through a real node (issue 5): LocalAPI over HTTP → invoke pipeline → sandboxed
 * connector workers → receipts and audit; the three shipped connectors; the refusals of §7 at
 * the API; and the CLI (`fcp invoke`, `fcp explain`, `fcp connector ...`) as a separate process.
 */
import assert from "node:assert/strict";
import { readApiToken, type RunningNode, startNode } from "../src/api/mod.ts";
import {
  appendRevocation,
  createStandardZones,
  decodeToken,
  type Identity,
  initIdentity,
  type ZoneKeyring,
  zonePolicy,
} from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import {
  AuditLog,
  CredentialStore,
  mintCapabilityToken,
  type MintRequest,
  setZonePolicy,
  writeDefaultPolicies,
} from "../src/host/mod.ts";
import { FCP_RUNTIME_FLAGS } from "../scripts/flags.ts";
import { startGithubSim } from "./fixtures/github_sim.ts";

const ZONE = "z:work";

interface Ctx {
  home: string;
  files: string;
  node: RunningNode;
  identity: Identity;
  ring: ZoneKeyring;
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  mint(r: Partial<MintRequest>): Promise<string>;
  allow(connectors: string[], caps: string[]): Promise<void>;
}

/** Test DNS: these names resolve to loopback (which config.json then admits). */
const resolver = (name: string) =>
  Promise.resolve(name === "service.test" || name === "github.test" ? ["127.0.0.1"] : []);

async function withNode(f: (c: Ctx) => Promise<void>, config?: unknown): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "fcp-e2e-" });
  const files = await Deno.makeTempDir({ prefix: "fcp-e2e-files-" });
  const now = Math.floor(Date.now() / 1000);
  const identity = await initIdentity(home, { now, nodeId: "node-e2e" });
  const ring = await createStandardZones(identity, identity.keystore, now);
  await writeDefaultPolicies(identity, ring, now);
  if (config !== undefined) await Deno.writeTextFile(`${home}/config.json`, JSON.stringify(config));
  const node = await startNode({ home, version: "0.1.0", port: 0, host: { resolver } });
  const token = await readApiToken(home);
  const c: Ctx = {
    home,
    files,
    node,
    identity,
    ring,
    async api(method, path, body, tok = token) {
      const res = await fetch(`http://127.0.0.1:${node.port}${path}`, {
        method,
        headers: {
          ...(tok === "" ? {} : { authorization: `Bearer ${tok}` }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: await res.json() };
    },
    async mint(r) {
      const t = await mintCapabilityToken(identity, ring, {
        zone: ZONE,
        capability: "fs.list",
        operations: ["fs_list"],
        ttlSecs: 600,
        principal: "agent:e2e",
        ...r,
      }, Math.floor(Date.now() / 1000));
      return toHex(t.token);
    },
    async allow(connectors, caps) {
      await setZonePolicy(
        identity,
        ring,
        zonePolicy({
          zoneId: ZONE,
          principalsAllow: ["agent:*"],
          connectorsAllow: connectors,
          capAllow: caps,
        }),
        Math.floor(Date.now() / 1000),
      );
    },
  };
  try {
    await f(c);
  } finally {
    await node.stop();
    await Deno.remove(home, { recursive: true });
    await Deno.remove(files, { recursive: true });
  }
}

/**
 * Runs `fcp --home HOME ARGS...` as its own process with the production flags (stdin: `input`,
 * else none).
 */
async function cli(
  home: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...FCP_RUNTIME_FLAGS,
      new URL("../main.ts", import.meta.url).pathname,
      "--home",
      home,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: input === undefined ? "null" : "piped",
  }).spawn();
  if (input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function setupFs(c: Ctx): Promise<void> {
  await Deno.writeTextFile(`${c.files}/a.txt`, "alpha");
  assert.equal((await c.api("POST", "/v1/connectors/install", { source: "fcp.fs" })).status, 200);
  const act = await c.api("POST", "/v1/connectors/fcp.fs/activate", {
    zone: ZONE,
    grant_read: [c.files],
    grant_write: [c.files],
  });
  assert.equal(act.status, 200, JSON.stringify(act.json));
  await c.allow(["fcp.fs"], ["fs.*"]);
}

function invoke(c: Ctx, over: Record<string, unknown>) {
  return c.api("POST", "/v1/invoke", {
    connector: "fcp.fs",
    operation: "fs_list",
    zone: ZONE,
    input: { path: c.files },
    ...over,
  });
}

Deno.test("e2e: fcp.fs list/read/write through the API, with receipts, intents and a verified audit chain", async () => {
  await withNode(async (c) => {
    await setupFs(c);
    const list = await invoke(c, { token: await c.mint({}) });
    assert.equal(list.status, 200, JSON.stringify(list.json));
    const out = list.json.output as { entries: { name: string }[] };
    assert.deepEqual(out.entries.map((e) => e.name), ["a.txt"]);
    const write = await invoke(c, {
      operation: "fs_write",
      input: { path: `${c.files}/b.txt`, content: "beta" },
      token: await c.mint({ capability: "fs.write", operations: ["fs_write"] }),
      idempotency_key: "w-1",
    });
    assert.equal(write.status, 200, JSON.stringify(write.json));
    assert.ok((write.json.receipt as { intent_id?: string }).intent_id, "Risky → intent");
    assert.equal(await Deno.readTextFile(`${c.files}/b.txt`), "beta");
    const explained = await c.api("GET", `/v1/explain/${write.json.request_id}`);
    assert.equal(explained.json.decision, "allow");
    const connectors = await c.api("GET", "/v1/connectors");
    const fs = (connectors.json.connectors as { id: string; health: string }[])[0]!;
    assert.equal(fs.id, "fcp.fs");
    assert.equal(fs.health, "ok");
  });
  // (the node is stopped here; its audit chain is checked by the next test's pattern)
});

Deno.test("e2e: refusals at the API — token, zone, revocation, schema, LocalAPI auth", async () => {
  await withNode(async (c) => {
    await setupFs(c);
    const expect = async (
      r: Promise<{ status: number; json: Record<string, unknown> }>,
      code: string,
      status: number,
    ) => {
      const res = await r;
      assert.equal(res.json.code, code, JSON.stringify(res.json));
      assert.equal(res.status, status);
      return res.json;
    };
    // LocalAPI without or with a wrong token.
    await expect(c.api("GET", "/v1/status", undefined, ""), "FCP-2015", 401);
    await expect(c.api("POST", "/v1/invoke", {}, "wrong-token"), "FCP-2015", 401);
    // No token, a token for another zone.
    const none = await expect(invoke(c, {}), "FCP-3001", 403);
    await expect(invoke(c, { token: await c.mint({ zone: "z:private" }) }), "FCP-2005", 401);
    // An input that fails the schema.
    await expect(invoke(c, { token: await c.mint({}), input: { path: 5 } }), "FCP-1040", 400);
    // Write outside the grant: the connector refuses (and the sandbox would).
    await expect(
      invoke(c, {
        operation: "fs_write",
        input: { path: "/tmp/fcp-e2e-outside.txt", content: "x" },
        token: await c.mint({ capability: "fs.write", operations: ["fs_write"] }),
      }),
      "FCP-3003",
      403,
    );
    // A revoked token (its grant object).
    const tok = await c.mint({});
    assert.equal((await invoke(c, { token: tok })).status, 200);
    const grant = decodeToken(Uint8Array.from(tok.match(/../g)!.map((h) => parseInt(h, 16)))).claims
      .grantObjectIds![0]!;
    await appendRevocation(c.home, {
      zoneId: ZONE,
      revoked: [grant],
      scope: "Capability",
      reason: "e2e",
      now: Math.floor(Date.now() / 1000),
      objectIdKey: c.ring.objectIdKey(ZONE).key,
      ownerPublicKey: c.identity.owner.publicKey,
      owner: c.identity.owner,
    });
    await expect(invoke(c, { token: tok }), "FCP-3004", 403);
    // Every denial is explained.
    const why = await c.api(
      "GET",
      `/v1/explain/${(none.details as { request_id: string }).request_id}`,
    );
    assert.equal(why.json.stage, "token");
    assert.equal(why.json.decision, "deny");
  });
});

Deno.test("e2e: fcp.http refused by the egress guard for private and metadata targets, allowed to a vetted host", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (r) =>
      new Response(`hello ${new URL(r.url).pathname}`, {
        headers: { "content-type": "text/plain" },
      }),
  );
  try {
    await withNode(async (c) => {
      const port = server.addr.port;
      await c.api("POST", "/v1/connectors/install", { source: "fcp.http" });
      await c.allow(["fcp.http"], ["http.*"]);
      const token = await c.mint({ capability: "http.get", operations: ["http_get"] });
      const get = (url: string) =>
        c.api("POST", "/v1/invoke", {
          connector: "fcp.http",
          operation: "http_get",
          zone: ZONE,
          input: { url },
          token,
        });
      // Without --allow-host, a loopback service is not in the allow list.
      const denied: string[] = [];
      assert.equal(
        (await c.api("POST", "/v1/connectors/fcp.http/activate", { zone: ZONE })).status,
        200,
      );
      for (
        const url of [
          `http://127.0.0.1:${port}/`,
          "http://10.0.0.1/",
          "http://169.254.169.254/latest/",
        ]
      ) {
        const r = await get(url);
        assert.equal(r.json.code, "FCP-3008", `${url}: ${JSON.stringify(r.json)}`);
        denied.push(String((r.json.details as { request_id?: string } | undefined)?.request_id));
      }
      // The operator allows this one host:port (a name our test DNS maps to loopback), and
      // config.json admits loopback addresses.
      const act = await c.api("POST", "/v1/connectors/fcp.http/activate", {
        zone: ZONE,
        allow_hosts: [`service.test:${port}`],
      });
      assert.equal(act.status, 200);
      const ok = await get(`http://service.test:${port}/page`);
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.equal((ok.json.output as { body: string }).body, "hello /page");
      const audit = await AuditLog.openHome(c.home);
      try {
        const types = audit.tail(ZONE, 50).map((e) => e.event.eventType);
        assert.ok(types.includes("egress.denied"));
        // Each denial is on the chain under its invoke's request id.
        const deniedIds = audit.tail(ZONE, 50)
          .filter((e) => e.event.eventType === "egress.denied")
          .map((e) => toHex(e.event.correlationId));
        for (const id of denied) {
          assert.ok(deniedIds.includes(id.replaceAll("-", "")), `no egress.denied event for ${id}`);
        }
        assert.ok(types.includes("invoke"));
        assert.equal(audit.verify(ZONE).ok, true);
      } finally {
        audit.close();
      }
    }, { format: "fcp.config/1", egress: { allow_cidrs: ["127.0.0.1/32"] } });
  } finally {
    await server.shutdown();
  }
});

Deno.test("e2e: fcp.github against the GitHub simulator, the token injected by the guard", async () => {
  await using sim = startGithubSim({ token: "ghp_e2e_secret" });
  sim.addRepo("octo", "hello");
  for (let i = 1; i <= 3; i++) sim.addIssue("octo", "hello", { title: `Issue ${i}` });
  const simPort = new URL(sim.url).port;
  await withNode(async (c) => {
    await CredentialStore.open(c.home).put({
      id: "github",
      header: "authorization",
      scheme: "Bearer",
      hosts: [`github.test:${simPort}`],
    }, "ghp_e2e_secret");
    await c.api("POST", "/v1/connectors/install", { source: "fcp.github" });
    const act = await c.api("POST", "/v1/connectors/fcp.github/activate", {
      zone: ZONE,
      allow_hosts: [`github.test:${simPort}`],
      config: { base_url: `http://github.test:${simPort}` },
    });
    assert.equal(act.status, 200, JSON.stringify(act.json));
    await c.allow(["fcp.github"], ["github.*"]);
    const list = await c.api("POST", "/v1/invoke", {
      connector: "fcp.github",
      operation: "github_list_issues",
      zone: ZONE,
      input: { owner: "octo", repo: "hello", state: "open" },
      token: await c.mint({ capability: "github.issues.read", operations: ["github_list_issues"] }),
    });
    assert.equal(list.status, 200, JSON.stringify(list.json));
    assert.ok(JSON.stringify(list.json.output).includes("Issue 3"));
    assert.ok(sim.requests.length > 0);
    // Link-header pagination through the guard: every page fetched, each request injected.
    const before = sim.requests.length;
    const paged = await c.api("POST", "/v1/invoke", {
      connector: "fcp.github",
      operation: "github_list_issues",
      zone: ZONE,
      input: { owner: "octo", repo: "hello", state: "all", per_page: 1, max_pages: 5 },
      token: await c.mint({ capability: "github.issues.read", operations: ["github_list_issues"] }),
    });
    assert.equal(paged.status, 200, JSON.stringify(paged.json));
    const pages = sim.requests.length - before;
    assert.ok(pages >= 2, `followed the Link header (${pages} request(s))`);
    const items = (paged.json.output as { items?: unknown[] }).items ?? [];
    assert.equal(items.length, pages, JSON.stringify(paged.json.output));
    // An upstream error keeps GitHub's facts (under connector_ names) beside the request id.
    const missing = await c.api("POST", "/v1/invoke", {
      connector: "fcp.github",
      operation: "github_list_issues",
      zone: ZONE,
      input: { owner: "octo", repo: "nope" },
      token: await c.mint({ capability: "github.issues.read", operations: ["github_list_issues"] }),
    });
    assert.equal(missing.json.code, "FCP-7005", JSON.stringify(missing.json));
    const md = missing.json.details as Record<string, unknown>;
    assert.equal(md.connector_status, 404, JSON.stringify(md));
    assert.match(String(md.connector_documentation_url), /^https:\/\/docs\.github\.com/);
    assert.equal(md.stage, "execute");
    assert.match(String(md.request_id), /^[0-9a-f-]{36}$/);
    // Health asks nothing of the network (the guard would refuse it outside a call).
    const health = await c.api("GET", "/v1/connectors/fcp.github/health");
    assert.equal(health.status, 200, JSON.stringify(health.json));
    const inst = (health.json.instances as { health?: string }[] | undefined)?.[0];
    assert.equal(inst?.health, "ok", JSON.stringify(health.json));
    const audit = await AuditLog.openHome(c.home);
    try {
      const ev = audit.tail(ZONE, 20).map((e) => e.event.eventType);
      assert.ok(ev.includes("secret.access"), "every injection is audited");
      const text = JSON.stringify(audit.tail(ZONE, 20).map((e) => toHex(e.bytes)));
      assert.ok(!text.includes(toHex(new TextEncoder().encode("ghp_e2e_secret"))));
    } finally {
      audit.close();
    }
    // A token whose credential_allow excludes github: the guard refuses to inject.
    const denied = await c.api("POST", "/v1/invoke", {
      connector: "fcp.github",
      operation: "github_list_issues",
      zone: ZONE,
      input: { owner: "octo", repo: "hello" },
      token: await c.mint({
        capability: "github.issues.read",
        operations: ["github_list_issues"],
        credentialAllow: ["other"],
      }),
    });
    assert.equal(denied.json.code, "FCP-3010", JSON.stringify(denied.json));
    assert.ok(!JSON.stringify(denied.json).includes("ghp_e2e_secret"));
  }, { format: "fcp.config/1", egress: { allow_cidrs: ["127.0.0.1/32"] } });
});

Deno.test("e2e: the CLI invokes, explains, approves nothing it should not, and lists connectors", async () => {
  await withNode(async (c) => {
    await setupFs(c);
    const tokenFile = `${c.home}/list.token`;
    await Deno.writeTextFile(tokenFile, await c.mint({}));
    const fcp = (...args: string[]) => cli(c.home, args);
    const ok = await fcp(
      "invoke",
      "fcp.fs",
      "fs_list",
      "--zone",
      ZONE,
      "--input",
      JSON.stringify({ path: c.files }),
      "--token",
      tokenFile,
      "--json",
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).connector, "fcp.fs");
    const no = await fcp("invoke", "fcp.fs", "fs_list", "--zone", ZONE, "--input", "{}", "--json");
    assert.notEqual(no.code, 0);
    const err = JSON.parse(no.stdout);
    assert.equal(err.code, "FCP-3001");
    const id = err.details.request_id;
    const ex = await fcp("explain", id);
    assert.equal(ex.code, 0, ex.stderr);
    assert.match(ex.stdout, /DENY at stage token/);
    assert.match(ex.stdout, /to change/);
    // audit tail names each call's request id, in text and JSON, and explain takes what the
    // tail and the receipts show: the correlation id, the receipt id.
    const allowed = JSON.parse(ok.stdout);
    const tail = await fcp("audit", "tail", "--zone", ZONE, "-n", "5", "--json");
    assert.equal(tail.code, 0, tail.stderr);
    const events = tail.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const mine = events.find((e) => e.request_id === allowed.request_id);
    assert.equal(mine?.event_type, "invoke", tail.stdout);
    assert.ok(events.some((e) => e.request_id === id && e.event_type === "invoke.denied"));
    const text = await fcp("audit", "tail", "--zone", ZONE, "-n", "5");
    assert.match(text.stdout, new RegExp(`fcp\\.fs/fs_list  ${allowed.request_id}  allow`));
    for (const ref of [mine.correlation_id, allowed.receipt.receipt_id]) {
      const byRef = await fcp("explain", ref, "--json");
      assert.equal(byRef.code, 0, byRef.stderr);
      assert.equal(JSON.parse(byRef.stdout).request_id, allowed.request_id);
    }
    const unknown = await fcp("explain", "ab".repeat(32), "--json");
    assert.equal(JSON.parse(unknown.stdout).code, "FCP-6001");
    const list = await fcp("connector", "list", "--json");
    assert.equal(JSON.parse(list.stdout).connectors[0].id, "fcp.fs");
    const health = await fcp("connector", "health", "fcp.fs");
    assert.equal(health.code, 0, health.stderr);
    assert.match(health.stdout, /fcp\.fs:z:work {2}ok/);
  });
});

Deno.test("e2e: the three connectors through the CLI alone — install, activate, credential, policy, token, invoke", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (r) => new Response(`cli ${new URL(r.url).pathname}`),
  );
  await using sim = startGithubSim({ token: "ghp_cli_secret" });
  sim.addRepo("octo", "hello");
  sim.addIssue("octo", "hello", { title: "From the CLI" });
  const simHost = `github.test:${new URL(sim.url).port}`;
  try {
    await withNode(async (c) => {
      const run = async (args: string[], input?: string) => {
        const r = await cli(c.home, [...args, "--json"], input);
        assert.equal(r.code, 0, `fcp ${args.join(" ")}: ${r.stdout}${r.stderr}`);
        return JSON.parse(r.stdout) as Record<string, unknown>;
      };
      const mint = async (cap: string, op: string, extra: string[] = []) => {
        const file = `${c.home}/${op}.token`;
        await run([
          "token",
          "mint",
          "--zone",
          ZONE,
          "--cap",
          cap,
          "--op",
          op,
          "--ttl",
          "600",
          "--principal",
          "agent:cli",
          "--out",
          file,
          ...extra,
        ]);
        return file;
      };
      const invokeCli = (connector: string, op: string, input: unknown, token: string) =>
        run([
          "invoke",
          connector,
          op,
          "--zone",
          ZONE,
          "--input",
          JSON.stringify(input),
          "--token",
          token,
        ]);
      for (const id of ["fcp.fs", "fcp.http", "fcp.github"]) {
        await run(["connector", "install", id]);
      }
      await run([
        "policy",
        "allow",
        "--zone",
        ZONE,
        "--principal",
        "agent:*",
        "--connector",
        "fcp.*",
        "--cap",
        "fs.*",
        "--cap",
        "http.*",
        "--cap",
        "github.*",
      ]);

      // fcp.fs: a Risky write records its intent; the file is really written.
      await run([
        "connector",
        "activate",
        "fcp.fs",
        "--zone",
        ZONE,
        "--grant-read",
        c.files,
        "--grant-write",
        c.files,
      ]);
      const wrote = await invokeCli(
        "fcp.fs",
        "fs_write",
        { path: `${c.files}/cli.txt`, content: "via cli" },
        await mint("fs.write", "fs_write"),
      );
      assert.ok((wrote.receipt as { intent_id?: string }).intent_id, "Risky → intent");
      assert.equal(await Deno.readTextFile(`${c.files}/cli.txt`), "via cli");
      const listed = await invokeCli(
        "fcp.fs",
        "fs_list",
        { path: c.files },
        await mint("fs.list", "fs_list"),
      );
      assert.deepEqual(
        (listed.output as { entries: { name: string }[] }).entries.map((e) => e.name),
        ["cli.txt"],
      );

      // fcp.http: allowed only to the host:port the operator adds.
      const port = server.addr.port;
      await run([
        "connector",
        "activate",
        "fcp.http",
        "--zone",
        ZONE,
        "--allow-host",
        `service.test:${port}`,
      ]);
      const httpToken = await mint("http.get", "http_get");
      const got = await invokeCli(
        "fcp.http",
        "http_get",
        { url: `http://service.test:${port}/x` },
        httpToken,
      );
      assert.equal((got.output as { body: string }).body, "cli /x");
      const refused = await cli(c.home, [
        "invoke",
        "fcp.http",
        "http_get",
        "--zone",
        ZONE,
        "--input",
        JSON.stringify({ url: "http://169.254.169.254/latest/" }),
        "--token",
        httpToken,
        "--json",
      ]);
      assert.notEqual(refused.code, 0);
      assert.equal(JSON.parse(refused.stdout).code, "FCP-3008");

      // fcp.github: the secret goes in on stdin and comes out only as an injected header.
      await run(["credential", "add", "github", "--host", simHost], "ghp_cli_secret\n");
      const creds = await run(["credential", "list"]);
      assert.ok(!JSON.stringify(creds).includes("ghp_cli_secret"));
      await run([
        "connector",
        "activate",
        "fcp.github",
        "--zone",
        ZONE,
        "--allow-host",
        simHost,
        "--config",
        `base_url=http://${simHost}`,
      ]);
      const issues = await invokeCli(
        "fcp.github",
        "github_list_issues",
        { owner: "octo", repo: "hello", state: "open" },
        await mint("github.issues.read", "github_list_issues"),
      );
      assert.ok(JSON.stringify(issues.output).includes("From the CLI"), JSON.stringify(issues));
      assert.ok(!JSON.stringify(issues).includes("ghp_cli_secret"));
      assert.ok(sim.requests.length > 0);

      // All three are listed healthy, and the zone's audit chain verifies.
      const all = await run(["connector", "list"]);
      const byId = new Map(
        (all.connectors as { id: string; health: string }[]).map((x) => [x.id, x.health]),
      );
      for (const id of ["fcp.fs", "fcp.http", "fcp.github"]) {
        assert.equal(byId.get(id), "ok", JSON.stringify(all));
      }
      const verified = await run(["audit", "verify", "--zone", ZONE]);
      assert.equal(verified.ok, true, JSON.stringify(verified));
    }, { format: "fcp.config/1", egress: { allow_cidrs: ["127.0.0.1/32"] } });
  } finally {
    await server.shutdown();
  }
});
