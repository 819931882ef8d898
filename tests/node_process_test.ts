/**
 * `fcp node start | status` and `fcp doctor` as real processes on a temp FCP_HOME (main.ts with
 * the production flags): first start initializes the home, the port is read from the lock file,
 * /v1/status answers with the token, a second node is refused (FCP-5001, exit 14), SIGTERM and
 * SIGINT stop the node with exit 0 and release the lock.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { FCP_RUNTIME_FLAGS } from "../scripts/flags.ts";
import { isNodeLockHeld, readNodeLockInfo } from "../src/api/mod.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const dec = new TextDecoder();

function command(home: string, args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...FCP_RUNTIME_FLAGS, "main.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1", FCP_HOME: home },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function fcp(home: string, args: string[]) {
  const out = await command(home, args).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Read a child's stdout up to the first newline (the start document), keep draining the rest. */
async function firstLine(
  child: Deno.ChildProcess,
): Promise<{ line: string; rest: Promise<string> }> {
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
  }
  const nl = text.indexOf("\n");
  const rest = (async () => {
    let more = nl < 0 ? "" : text.slice(nl + 1);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += dec.decode(value, { stream: true });
    }
  })();
  return { line: nl < 0 ? text : text.slice(0, nl), rest };
}

async function withHome(f: (home: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fcp-node-proc-" });
  try {
    await f(`${dir}/home`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fcp node start: init on first start, status over HTTP and CLI, second node refused, SIGTERM exits 0", async () => {
  await withHome(async (home) => {
    const child = command(home, ["node", "start", "--port", "0", "--json"]).spawn();
    const stderr = new Response(child.stderr).text();
    const { line, rest } = await firstLine(child);
    try {
      const started = JSON.parse(line);
      assert.equal(started.state, "running");
      assert.equal(started.initialized, true);
      const info = await readNodeLockInfo(home);
      assert.ok(info, "lock info written");
      assert.equal(info.port, started.port);
      assert.equal(info.pid, child.pid);
      assert.equal(info.hostname, "127.0.0.1");
      assert.ok(await isNodeLockHeld(home));
      const token = (await Deno.readTextFile(`${home}/api.token`)).trim();
      assert.match(token, /^[0-9a-f]{64}$/);
      assert.equal((await Deno.stat(`${home}/api.token`)).mode! & 0o777, 0o600);

      const res = await fetch(`http://127.0.0.1:${info.port}/v1/status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      const status = await res.json();
      assert.equal(status.pid, child.pid);
      assert.equal(status.zones.length, 5);
      assert.equal(status.store.kind, "sqlite");
      const unauth = await fetch(`http://127.0.0.1:${info.port}/v1/status`);
      assert.equal(unauth.status, 401);
      await unauth.body?.cancel();

      const cliStatus = await fcp(home, ["node", "status", "--json"]);
      assert.equal(cliStatus.code, 0, cliStatus.stderr);
      assert.equal(JSON.parse(cliStatus.stdout).listen.port, info.port);
      const text = await fcp(home, ["node", "status"]);
      assert.match(text.stdout, /running \(pid \d+/);

      const second = await fcp(home, ["node", "start", "--port", "0"]);
      assert.equal(second.code, 14);
      assert.match(second.stderr, /FCP-5001 node\.already_running: a node is already running/);
      assert.match(second.stderr, new RegExp(`pid ${child.pid}`));
      const secondJson = await fcp(home, ["node", "start", "--port", "0", "--json"]);
      assert.equal(secondJson.code, 14);
      assert.equal(JSON.parse(secondJson.stdout).code, "FCP-5001");

      const doctor = await fcp(home, ["doctor", "--json"]);
      assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
      const report = JSON.parse(doctor.stdout);
      assert.equal(report.ok, true);
      const byCheck = new Map(
        report.findings.map((f: { check: string; status: string }) => [f.check, f.status]),
      );
      for (const check of ["keys", "identity", "attestation", "store", "node"]) {
        assert.equal(byCheck.get(check), "ok", check);
      }
      assert.equal(byCheck.get("revocation:z:work"), "ok");
      assert.equal(byCheck.get("audit:z:owner"), "ok");
      assert.ok(byCheck.has("connectors"));
    } finally {
      child.kill("SIGTERM");
    }
    const { code } = await child.status;
    assert.equal(code, 0, await stderr);
    assert.equal(await rest, ""); // --json: one document only
    assert.equal(await isNodeLockHeld(home), false);
    assert.equal(await readNodeLockInfo(home), undefined);

    const after = await fcp(home, ["node", "status", "--json"]);
    assert.equal(after.code, 14);
    assert.equal(JSON.parse(after.stdout).code, "FCP-5002");
  });
});

Deno.test("fcp node start stops on SIGINT too and prints its text report", async () => {
  await withHome(async (home) => {
    const child = command(home, ["node", "start", "--port", "0"]).spawn();
    const stderr = new Response(child.stderr).text();
    const { line, rest } = await firstLine(child);
    assert.equal(line, `initialized ${home}`);
    child.kill("SIGINT");
    const { code } = await child.status;
    assert.equal(code, 0, await stderr);
    const out = await rest;
    assert.match(out, /^node \S+ listening on http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)$/m);
    assert.match(out, /^node stopped$/m);
    assert.equal(await isNodeLockHeld(home), false);
  });
});

Deno.test("fcp node status without a node, bad --port, and doctor refusals", async () => {
  await withHome(async (home) => {
    const none = await fcp(home, ["node", "status"]);
    assert.equal(none.code, 14);
    assert.match(none.stderr, /FCP-5002 node\.not_running/);
    const badPort = await fcp(home, ["node", "start", "--port", "99999"]);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer/);

    const empty = await fcp(home, ["doctor", "--json"]);
    assert.equal(empty.code, 1);
    assert.equal(JSON.parse(empty.stdout).findings[0].check, "identity");

    assert.equal((await fcp(home, ["init", "--node-id", "node-doc"])).code, 0);
    await Deno.chmod(`${home}/keys/owner.seed`, 0o644);
    const loose = await fcp(home, ["doctor", "--json"]);
    assert.equal(loose.code, 1);
    const report = JSON.parse(loose.stdout);
    assert.equal(report.ok, false);
    const finding = report.findings.find((f: { check: string }) => f.check === "key-modes");
    assert.equal(finding.status, "fail");
    assert.match(finding.message, /owner\.seed \(644\)/);
    assert.match(finding.fix, /^chmod 600 .*owner\.seed/);
    const node = report.findings.find((f: { check: string }) => f.check === "node");
    assert.equal(node.status, "ok");
    assert.match(node.message, /no node is running/);
    const connectors = report.findings.find((f: { check: string }) => f.check === "connectors");
    assert.equal(connectors.status, "warn");

    await Deno.chmod(`${home}/keys/owner.seed`, 0o600);
    await Deno.mkdir(`${home}/revocations`, { recursive: true });
    await Deno.writeFile(`${home}/revocations/z_work.cbor`, new Uint8Array([0xa0]));
    const text = await fcp(home, ["doctor"]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^fail {2}revocation:z:work: FCP-1013/m);
    assert.match(text.stdout, /fix: restore .*z_work\.cbor/);
    assert.match(text.stdout, /^ok {4}revocation:z:owner: chain verified/m);

    // A zone's key secret deleted: the identity is fine, the zones are not.
    await Deno.remove(`${home}/keys/zonekeys.z.work`);
    const noZoneKey = JSON.parse((await fcp(home, ["doctor", "--json"])).stdout);
    const zones = noZoneKey.findings.find((f: { check: string }) => f.check === "zones");
    assert.equal(zones.status, "fail");
    assert.match(zones.message, /FCP-2012 .*zonekeys\.z\.work/);
    assert.match(zones.fix, /keys\/zonekeys\./);
    assert.equal(noZoneKey.ok, false);
  });
});

async function startChild(home: string) {
  const child = command(home, ["node", "start", "--port", "0", "--json"]).spawn();
  const stderr = new Response(child.stderr).text();
  const { line, rest } = await firstLine(child);
  const started = JSON.parse(line);
  const token = (await Deno.readTextFile(`${home}/api.token`)).trim();
  return { child, stderr, rest, base: `http://127.0.0.1:${started.port}`, token };
}

Deno.test("an object put through the node survives a SIGTERM stop and a restart", async () => {
  await withHome(async (home) => {
    const body = new TextEncoder().encode("kept across restarts");
    const first = await startChild(home);
    let id: string;
    try {
      const put = await fetch(`${first.base}/v1/objects?zone=z:work`, {
        method: "PUT",
        headers: { authorization: `Bearer ${first.token}` },
        body,
      });
      assert.equal(put.status, 201);
      id = (await put.json()).object_id;
    } finally {
      first.child.kill("SIGTERM");
    }
    assert.equal((await first.child.status).code, 0, await first.stderr);
    await first.rest;

    const second = await startChild(home);
    try {
      assert.equal(second.token, first.token, "the token file is reused");
      const got = await fetch(`${second.base}/v1/objects/${id}?zone=z:work`, {
        headers: { authorization: `Bearer ${second.token}` },
      });
      assert.equal(got.status, 200);
      assert.deepEqual(new Uint8Array(await got.arrayBuffer()), body);
    } finally {
      second.child.kill("SIGTERM");
    }
    assert.equal((await second.child.status).code, 0, await second.stderr);
    await second.rest;
    const doctor = await fcp(home, ["doctor", "--json"]);
    const store = JSON.parse(doctor.stdout).findings.find((f: { check: string }) =>
      f.check === "store"
    );
    assert.equal(store.status, "ok");
    assert.match(store.message, /integrity ok, \d+ objects/);

    // Edit one stored audit event: doctor finds the break and fails.
    const db = new DatabaseSync(`${home}/audit/audit.db`);
    try {
      const row = db.prepare("SELECT bytes FROM audit_events WHERE zone = 'z:owner' AND seq = 1")
        .get() as { bytes: Uint8Array };
      const edited = row.bytes.slice();
      edited[edited.length - 70]! ^= 1;
      db.prepare("UPDATE audit_events SET bytes = ? WHERE zone = 'z:owner' AND seq = 1")
        .run(edited);
    } finally {
      db.close();
    }
    const broken = await fcp(home, ["doctor", "--json"]);
    assert.equal(broken.code, 1);
    const audit = JSON.parse(broken.stdout).findings.find((f: { check: string }) =>
      f.check === "audit:z:owner"
    );
    assert.equal(audit.status, "fail");
    assert.match(audit.message, /chain broken at seq 1/);
  });
});
