/**
 * End-to-end: `fcp audit tail` and `fcp audit verify` against a temp FCP_HOME whose audit
 * chain is written through the library (as the node's invoke pipeline does).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { FCP_RUNTIME_FLAGS } from "../scripts/flags.ts";
import { createStandardZones, initIdentity } from "../src/authority/mod.ts";
import { toHex } from "../src/core/mod.ts";
import { auditDbPath, AuditLog } from "../src/host/audit_log.ts";
import { openHostDb, RequestLog } from "../src/host/mod.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

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
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function preparedHome(events: number): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "fcp-audit-cli-" });
  const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-cli" });
  await createStandardZones(identity, identity.keystore, 1_700_000_000);
  const log = await AuditLog.openHome(home);
  try {
    for (let i = 0; i < events; i++) {
      await log.append("z:work", {
        eventType: i === 2 ? "invoke.denied" : "invoke",
        actor: `agent-${i}`,
        connectorId: "fcp.fs",
        operation: "fs.read",
        requestObjectId: new Uint8Array(32).fill(i + 1),
        correlationId: new Uint8Array(16).fill(0xa0 + i),
        occurredAt: 1_700_000_100 + i,
      });
    }
  } finally {
    log.close();
  }
  return home;
}

Deno.test("fcp audit tail: text, -n, --json lines", async () => {
  const home = await preparedHome(5);
  try {
    const text = await fcp(home, ["audit", "tail", "--zone", "z:work"]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 5);
    assert.equal(
      lines[2],
      "2  2023-11-14T22:15:02Z  invoke.denied  agent-2  fcp.fs/fs.read  " +
        "a2a2a2a2-a2a2-a2a2-a2a2-a2a2a2a2a2a2  deny",
    );
    const two = await fcp(home, ["audit", "tail", "--zone", "z:work", "-n", "2", "--json"]);
    assert.equal(two.code, 0, two.stderr);
    const docs = two.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(docs.map((d) => d.seq), [3, 4]);
    assert.equal(docs[1].prev, docs[0].id);
    assert.equal(docs[0].node_id, "node-cli");
    assert.equal(docs[0].decision, "allow");
    assert.equal(docs[0].request_object_id, toHex(new Uint8Array(32).fill(4)));
    assert.equal(docs[0].request_id, "a3a3a3a3-a3a3-a3a3-a3a3-a3a3a3a3a3a3");
    const empty = await fcp(home, ["audit", "tail", "--zone", "z:private"]);
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, "");
    assert.match(empty.stderr, /no audit events in z:private/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp audit verify: intact exits 0; a removed event exits 1 with the finding", async () => {
  const home = await preparedHome(4);
  try {
    const ok = await fcp(home, ["audit", "verify", "--zone", "z:work", "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    const doc = JSON.parse(ok.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.events, 4);
    assert.equal(doc.head_seq, 3);
    const okText = await fcp(home, ["audit", "verify", "--zone", "z:work"]);
    assert.match(okText.stdout, /intact, 4 events, head seq 3/);

    const raw = new DatabaseSync(auditDbPath(home));
    try {
      raw.exec("DELETE FROM audit_events WHERE zone = 'z:work' AND seq = 1");
    } finally {
      raw.close();
    }
    const bad = await fcp(home, ["audit", "verify", "--zone", "z:work", "--json"]);
    assert.equal(bad.code, 1);
    const b = JSON.parse(bad.stdout);
    assert.equal(b.ok, false);
    assert.equal(b.code, "FCP-5003");
    assert.deepEqual([b.finding.kind, b.finding.seq, b.finding.reason], ["removed", 1, "seq_gap"]);
    const badText = await fcp(home, ["audit", "verify", "--zone", "z:work"]);
    assert.equal(badText.code, 1);
    assert.match(badText.stdout, /BROKEN — removed at seq 1/);
    assert.match(badText.stderr, /FCP-5003 audit\.chain_broken/);

    // the last event removed: caught by the signed head
    const raw2 = new DatabaseSync(auditDbPath(home));
    try {
      raw2.exec("DELETE FROM audit_events WHERE zone = 'z:work'");
    } finally {
      raw2.close();
    }
    const cut = await fcp(home, ["audit", "verify", "--zone", "z:work", "--json"]);
    assert.equal(cut.code, 1);
    assert.equal(JSON.parse(cut.stdout).finding.kind, "truncated");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp audit verify and doctor: a tail cut off with an older genuine head put back, or a log removed, is found from host.db's records", async () => {
  const home = await preparedHome(2);
  try {
    // What the node does per decision: append the event, then write the request's record.
    const log = await AuditLog.openHome(home);
    const hostDb = openHostDb(home);
    const raw = new DatabaseSync(auditDbPath(home));
    let olderHead: Uint8Array;
    try {
      const headBytes = () =>
        (raw.prepare("SELECT bytes FROM audit_heads WHERE zone = 'z:work'").get() as {
          bytes: Uint8Array;
        }).bytes;
      olderHead = headBytes(); // a genuine signed head of seq 1, kept by whoever cuts the tail
      const requests = new RequestLog(hostDb);
      for (let i = 2; i < 4; i++) {
        const e = await log.append("z:work", { eventType: "invoke", actor: "agent:x" });
        requests.record({
          request_id: `req-${i}`,
          request_object_id: "00".repeat(32),
          zone: "z:work",
          connector_id: "fcp.fs",
          operation: "fs_list",
          principal: "agent:x",
          decision: "allow",
          stage: "audit",
          reason_code: "allowed",
          message: "allowed",
          decided_by: { kind: "zone_policy" },
          hint: "",
          evidence: [],
          stages_passed: [],
          audit_event_id: toHex(e.id),
          created_at: 1_700_000_200 + i,
        });
      }
      const intact = await fcp(home, ["audit", "verify", "--zone", "z:work", "--json"]);
      assert.equal(intact.code, 0, intact.stdout);
      // Cut events 2..3 and put the older head back: the chain alone is consistent again.
      raw.exec("DELETE FROM audit_events WHERE zone = 'z:work' AND seq >= 2");
      raw.prepare("UPDATE audit_heads SET seq = 1, bytes = ? WHERE zone = 'z:work'").run(olderHead);
      assert.equal(log.verify("z:work").ok, true, "the chain by itself cannot show the cut");
    } finally {
      raw.close();
      hostDb.close();
      log.close();
    }
    const cut = await fcp(home, ["audit", "verify", "--zone", "z:work", "--json"]);
    assert.equal(cut.code, 1, cut.stdout);
    const f = JSON.parse(cut.stdout).finding;
    assert.deepEqual([f.kind, f.seq, f.reason], ["truncated", 2, "referenced_event_missing"]);
    assert.match(f.detail, /recorded by request req-2/);
    const doctor = await fcp(home, ["doctor", "--json"]);
    const audit = JSON.parse(doctor.stdout).findings.find((x: { check: string }) =>
      x.check === "audit:z:work"
    );
    assert.equal(audit.status, "fail", doctor.stdout);
    assert.match(audit.message, /truncated/);
    assert.notEqual(doctor.code, 0);

    // The whole audit database removed: still found.
    for (const suffix of ["", "-wal", "-shm"]) {
      await Deno.remove(auditDbPath(home) + suffix).catch(() => {});
    }
    const gone = await fcp(home, ["doctor", "--json"]);
    assert.notEqual(gone.code, 0);
    const g = JSON.parse(gone.stdout).findings.find((x: { check: string }) => x.check === "audit");
    assert.equal(g.status, "fail", gone.stdout);
    assert.match(g.message, /missing, but z:work recorded audit events/);
    const fresh = await fcp(home, ["audit", "verify", "--zone", "z:work", "--json"]);
    assert.equal(fresh.code, 1, fresh.stdout);
    assert.equal(JSON.parse(fresh.stdout).finding.reason, "referenced_event_missing");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp audit: refusals with their exit codes", async () => {
  const home = await preparedHome(1);
  try {
    const noZone = await fcp(home, ["audit", "verify"]);
    assert.equal(noZone.code, 2);
    assert.match(noZone.stderr, /--zone is required/);
    const badN = await fcp(home, ["audit", "tail", "--zone", "z:work", "-n", "x"]);
    assert.equal(badN.code, 2);
    const badZone = await fcp(home, ["audit", "tail", "--zone", "work", "--json"]);
    assert.equal(badZone.code, 13);
    assert.equal(JSON.parse(badZone.stdout).code, "FCP-4001");
    // A well-formed zone this node does not hold is not an empty chain.
    const unknown = await fcp(home, ["audit", "tail", "--zone", "z:nope", "--json"]);
    assert.equal(unknown.code, 13, unknown.stdout);
    assert.equal(JSON.parse(unknown.stdout).code, "FCP-4005");
    // -n 0 prints nothing and claims nothing.
    const none = await fcp(home, ["audit", "tail", "--zone", "z:work", "-n", "0"]);
    assert.deepEqual([none.code, none.stdout, none.stderr], [0, "", ""]);
    const noHome = await Deno.makeTempDir();
    try {
      const uninit = await fcp(noHome, ["audit", "verify", "--zone", "z:work"]);
      assert.equal(uninit.code, 11, "FCP-2012 keystore.unavailable");
    } finally {
      await Deno.remove(noHome, { recursive: true });
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("fcp audit tail --follow prints events appended later, stops on SIGTERM", async () => {
  const home = await preparedHome(2);
  try {
    const child = command(home, ["audit", "tail", "--zone", "z:work", "--follow", "--json"])
      .spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    const readLines = async (n: number) => {
      while (buf.split("\n").length - 1 < n) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
      }
      return buf.split("\n").slice(0, n).map((l) => JSON.parse(l));
    };
    assert.deepEqual((await readLines(2)).map((d) => d.seq), [0, 1]);
    const log = await AuditLog.openHome(home);
    try {
      await log.append("z:work", { eventType: "secret.access", actor: "agent-late" });
      await log.append("z:work", { eventType: "zone.crossing", actor: "agent-late" });
    } finally {
      log.close();
    }
    const all = await readLines(4);
    assert.deepEqual(all.map((d) => d.seq), [0, 1, 2, 3]);
    assert.deepEqual(all.slice(2).map((d) => d.event_type), ["secret.access", "zone.crossing"]);
    child.kill("SIGTERM");
    const stderr = new Response(child.stderr).text();
    while (!(await reader.read()).done) { /* drain until the child closes stdout */ }
    const status = await child.status;
    assert.equal(status.code, 0, `a follow ended by SIGTERM exits cleanly: ${await stderr}`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
