import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createStandardZones, initIdentity } from "../authority/mod.ts";
import { isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import { auditEventIdOfBytes, createAuditEvent, encodeAuditEvent } from "./audit_event.ts";
import { createAuditHead, encodeAuditHead, signAuditHead } from "./audit_head.ts";
import { auditDbPath, AuditLog, type AuditLogOptions } from "./audit_log.ts";
import type { AuditChainResult } from "./audit_verify.ts";

const SEED = new Uint8Array(32).fill(0x41);
const KEYS: Record<string, Uint8Array> = {
  "z:work": new Uint8Array(32).fill(0x42),
  "z:private": new Uint8Array(32).fill(0x43),
};

function options(path: string, extra: Partial<AuditLogOptions> = {}): AuditLogOptions {
  let t = 1_700_000_000;
  return {
    path,
    nodeId: "node-a",
    signer: SEED,
    publicKey: ed25519PublicKey(SEED),
    objectIdKey: (z) => KEYS[z]!,
    now: () => t++,
    ...extra,
  };
}

async function withLog(
  n: number,
  fn: (log: AuditLog, path: string, raw: DatabaseSync) => Promise<void> | void,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fcp-audit-" });
  const path = `${dir}/audit.db`;
  const log = AuditLog.open(options(path));
  const raw = new DatabaseSync(path);
  try {
    for (let i = 0; i < n; i++) {
      await log.append("z:work", {
        eventType: i % 3 === 1 ? "invoke.denied" : "invoke",
        actor: `agent-${i}`,
        connectorId: "fcp.fs",
        operation: "fs.read",
      });
    }
    await fn(log, path, raw);
  } finally {
    raw.close();
    log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function finding(r: AuditChainResult): [string, number, string] {
  if (r.ok) throw new assert.AssertionError({ message: "expected a finding, chain is intact" });
  return [r.finding.kind, r.finding.seq, r.finding.reason];
}

function row(raw: DatabaseSync, seq: number): { id: Uint8Array; bytes: Uint8Array } {
  const r = raw.prepare("SELECT id, bytes FROM audit_events WHERE zone = 'z:work' AND seq = ?")
    .get(seq) as { id: Uint8Array; bytes: Uint8Array };
  return r;
}

function setRow(raw: DatabaseSync, seq: number, id: Uint8Array, bytes: Uint8Array): void {
  raw.prepare("UPDATE audit_events SET id = ?, bytes = ? WHERE zone = 'z:work' AND seq = ?")
    .run(id, bytes, seq);
}

Deno.test("AuditLog: appends chain, persist and reopen; per-zone chains", async () => {
  await withLog(5, async (log, path) => {
    const tail = log.tail("z:work", 10);
    assert.deepEqual(tail.map((e) => e.seq), [0, 1, 2, 3, 4]);
    assert.equal(tail[0]!.event.prev, undefined);
    for (let i = 1; i < tail.length; i++) assert.deepEqual(tail[i]!.event.prev, tail[i - 1]!.id);
    const head = log.head("z:work")!;
    assert.equal(head.headSeq, 4);
    assert.deepEqual(head.headEvent, tail[4]!.id);
    assert.equal(head.coverage, 1);
    assert.deepEqual(head.quorumSignatures.map((s) => s.nodeId), ["node-a"]);
    await log.append("z:private", { eventType: "secret.access", actor: "agent" });
    assert.deepEqual(log.zones(), ["z:private", "z:work"]);
    assert.equal(log.tail("z:private").length, 1);
    log.close();
    const again = AuditLog.open(options(path));
    try {
      assert.deepEqual(again.verify("z:work"), {
        ok: true,
        zoneId: "z:work",
        events: 5,
        headSeq: 4,
        headEvent: tail[4]!.id,
      });
      const next = await again.append("z:work", { eventType: "node.stop", actor: "node-a" });
      assert.equal(next.seq, 5);
      assert.deepEqual(next.event.prev, tail[4]!.id);
      assert.equal(again.verify("z:private").ok, true);
    } finally {
      again.close();
    }
  });
});

Deno.test("AuditLog: an edited event is detected (not re-signed: id; re-signed: signature)", async () => {
  await withLog(5, (log, _path, raw) => {
    const orig = row(raw, 2);
    const text = new TextDecoder("latin1").decode(orig.bytes);
    const at = text.indexOf("agent-2");
    const edited = orig.bytes.slice();
    edited[at + 6] = "X".charCodeAt(0);
    setRow(raw, 2, orig.id, edited);
    assert.deepEqual(finding(log.verify("z:work")), ["edited", 2, "id_mismatch"]);

    // an attacker re-signs the edited event with their own key and fixes the id
    const prev = row(raw, 1).id;
    const forged = createAuditEvent({
      zoneId: "z:work",
      seq: 2,
      prev,
      occurredAt: 1_700_000_002,
      nodeId: "node-a",
      eventType: "invoke",
      actor: "agent-X",
    }, new Uint8Array(32).fill(0x99));
    const bytes = encodeAuditEvent(forged);
    setRow(raw, 2, auditEventIdOfBytes("z:work", bytes, KEYS["z:work"]!), bytes);
    assert.deepEqual(finding(log.verify("z:work")), ["edited", 2, "signature_invalid"]);

    setRow(raw, 2, orig.id, orig.bytes);
    assert.equal(log.verify("z:work").ok, true);
  });
});

Deno.test("AuditLog: a removed event is detected (middle, renumbered, last)", async () => {
  await withLog(5, async (log, _path, raw) => {
    const saved = row(raw, 2);
    raw.exec("DELETE FROM audit_events WHERE zone = 'z:work' AND seq = 2");
    assert.deepEqual(finding(log.verify("z:work")), ["removed", 2, "seq_gap"]);
    // renumbering the rows does not hide it
    raw.exec("UPDATE audit_events SET seq = seq - 1 WHERE zone = 'z:work' AND seq > 2");
    assert.deepEqual(finding(log.verify("z:work")), ["removed", 2, "seq_gap"]);
    // and appending onto a chain that no longer matches its head is refused
    await assert.rejects(
      log.append("z:work", { eventType: "invoke", actor: "a" }),
      (e) => isFcpError(e, "FCP-5003"),
    );
    raw.exec("UPDATE audit_events SET seq = seq + 1000 WHERE zone = 'z:work' AND seq >= 2");
    raw.exec("UPDATE audit_events SET seq = seq - 999 WHERE zone = 'z:work' AND seq >= 1000");
    raw.prepare("INSERT INTO audit_events (zone, seq, id, bytes) VALUES ('z:work', 2, ?, ?)")
      .run(saved.id, saved.bytes);
    assert.equal(log.verify("z:work").ok, true);

    // the last event: caught by the signed head
    raw.exec("DELETE FROM audit_events WHERE zone = 'z:work' AND seq = 4");
    assert.deepEqual(finding(log.verify("z:work")), ["truncated", 4, "behind_head"]);
    assert.throws(
      () => log.appendSync("z:work", { eventType: "invoke", actor: "a" }),
      (e) => isFcpError(e, "FCP-5003"),
    );
    // removing the head as well leaves events without a head
    raw.exec("DELETE FROM audit_heads WHERE zone = 'z:work'");
    assert.deepEqual(finding(log.verify("z:work")), ["head_missing", 3, "no_head"]);
    // everything removed but the head
    raw.exec("DELETE FROM audit_events WHERE zone = 'z:work'");
    assert.equal(log.verify("z:work").ok, true, "an empty zone without head is empty");
  });
});

Deno.test("AuditLog: reordered and duplicated events are detected", async () => {
  await withLog(5, (log, _path, raw) => {
    const r1 = row(raw, 1);
    const r2 = row(raw, 2);
    setRow(raw, 1, r2.id, r2.bytes);
    setRow(raw, 2, r1.id, r1.bytes);
    assert.deepEqual(finding(log.verify("z:work")), ["reordered", 1, "out_of_order"]);
    setRow(raw, 1, r1.id, r1.bytes);
    setRow(raw, 2, r1.id, r1.bytes);
    assert.deepEqual(finding(log.verify("z:work")), ["duplicated", 1, "duplicate"]);
    setRow(raw, 2, r2.id, r2.bytes);
    raw.prepare("INSERT INTO audit_events (zone, seq, id, bytes) VALUES ('z:work', 5, ?, ?)")
      .run(r2.id, r2.bytes);
    assert.deepEqual(finding(log.verify("z:work")), ["duplicated", 2, "duplicate"]);
  });
});

Deno.test("AuditLog: a tampered or rolled-back head is detected", async () => {
  await withLog(4, (log, _path, raw) => {
    const stored = (raw.prepare("SELECT bytes FROM audit_heads WHERE zone = 'z:work'").get() as {
      bytes: Uint8Array;
    }).bytes;
    const setHead = (b: Uint8Array) =>
      raw.prepare("UPDATE audit_heads SET bytes = ? WHERE zone = 'z:work'").run(b);
    const head = log.head("z:work")!;
    // flip a byte inside the signature
    const flipped = stored.slice();
    flipped[flipped.length - 10]! ^= 1;
    setHead(flipped);
    assert.equal(finding(log.verify("z:work"))[0], "head_invalid");
    // an attacker's head under our node id
    setHead(encodeAuditHead(
      signAuditHead(
        createAuditHead({ ...head, now: 1 }),
        "node-a",
        new Uint8Array(32).fill(0x98),
        1,
      ),
    ));
    assert.equal(finding(log.verify("z:work"))[0], "head_invalid");
    // a genuine older head (rollback)
    const older = signAuditHead(
      createAuditHead({
        zoneId: "z:work",
        headEvent: row(raw, 1).id,
        headSeq: 1,
        epochId: "1",
        now: 1,
      }),
      "node-a",
      SEED,
      1,
    );
    setHead(encodeAuditHead(older));
    assert.deepEqual(finding(log.verify("z:work")), ["head_mismatch", 2, "after_head"]);
    setHead(stored);
    assert.equal(log.verify("z:work").ok, true);
  });
});

Deno.test("AuditLog: parallel appends serialize (one process, two connections)", async () => {
  await withLog(0, async (log, path) => {
    const second = AuditLog.open(options(path));
    try {
      const all = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) =>
            (i % 2 === 0 ? log : second).append("z:work", {
              eventType: "invoke",
              actor: `a${i}`,
            }),
        ),
      );
      assert.deepEqual(all.map((e) => e.seq).sort((a, b) => a - b), [...Array(40).keys()]);
      assert.equal(new Set(all.map((e) => toHex(e.id))).size, 40);
      const r = second.verify("z:work");
      assert.equal(r.ok, true);
      assert.equal(r.headSeq, 39);
    } finally {
      second.close();
    }
  });
});

Deno.test("AuditLog: concurrent appends from two processes keep one gap-free chain", async () => {
  await withLog(0, async (log, path) => {
    const url = new URL("./audit_log.ts", import.meta.url).href;
    const code = `
      import { AuditLog } from ${JSON.stringify(url)};
      const seed = new Uint8Array(32).fill(0x41);
      const { ed25519PublicKey } = await import(${
      JSON.stringify(new URL("../crypto/mod.ts", import.meta.url).href)
    });
      const log = AuditLog.open({ path: Deno.args[0], nodeId: "node-a", signer: seed,
        publicKey: ed25519PublicKey(seed), objectIdKey: () => new Uint8Array(32).fill(0x42),
        durability: "normal" });
      for (let i = 0; i < 25; i++) log.appendSync("z:work", { eventType: "invoke", actor: Deno.args[1] + i });
      log.close();
    `;
    const run = (tag: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "--ext=ts", code, path, tag],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const outs = await Promise.all([run("p"), run("q")]);
    for (const o of outs) assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
    const r = log.verify("z:work");
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.events, 50);
    const actors = log.tail("z:work", 50).map((e) => e.event.actor);
    assert.equal(actors.filter((a) => a.startsWith("p")).length, 25);
    assert.equal(actors.filter((a) => a.startsWith("q")).length, 25);
  });
});

Deno.test("AuditLog: follow receives new events from another connection, stops on abort", async () => {
  await withLog(2, async (log, path) => {
    const writer = AuditLog.open(options(path));
    try {
      const ac = new AbortController();
      const got: number[] = [];
      const following = (async () => {
        for await (const e of log.follow("z:work", { signal: ac.signal, intervalMs: 10 })) {
          got.push(e.seq);
          if (got.length === 3) ac.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 30));
      for (let i = 0; i < 3; i++) {
        await writer.append("z:work", { eventType: "invoke", actor: `late-${i}` });
        await new Promise((r) => setTimeout(r, 5));
      }
      await following;
      assert.deepEqual(got, [2, 3, 4]);
      // afterSeq replays from a point; an already-aborted signal yields nothing
      const replay: number[] = [];
      const ac2 = new AbortController();
      for await (const e of log.follow("z:work", { signal: ac2.signal, afterSeq: 0 })) {
        replay.push(e.seq);
        if (e.seq === 4) ac2.abort();
      }
      assert.deepEqual(replay, [1, 2, 3, 4]);
      for await (const _ of log.follow("z:work", { signal: AbortSignal.abort() })) {
        assert.fail("an aborted follow yields nothing");
      }
    } finally {
      writer.close();
    }
  });
});

Deno.test("AuditLog: refusals", async () => {
  await withLog(1, async (log) => {
    assert.throws(() => log.tail("work"), (e) => isFcpError(e, "FCP-4001"));
    assert.throws(() => log.tail("z:work", -1), (e) => isFcpError(e, "FCP-1040"));
    await assert.rejects(
      log.append("z:work", { eventType: "bogus" as never, actor: "a" }),
      (e) => isFcpError(e, "FCP-1013"),
    );
    // a refused append leaves the chain intact
    assert.equal(log.verify("z:work").headSeq, 0);
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/not.db`, "this is not a database, it is text ".repeat(20));
    assert.throws(() => {
      const l = AuditLog.open(options(`${dir}/not.db`));
      l.tail("z:work");
    }, (e) => isFcpError(e, "FCP-9002"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AuditLog.openHome: uses the node identity and the zone ObjectIdKeys", async () => {
  const home = await Deno.makeTempDir({ prefix: "fcp-audit-home-" });
  try {
    const identity = await initIdentity(home, { now: 1_700_000_000, nodeId: "node-h" });
    const ring = await createStandardZones(identity, identity.keystore, 1_700_000_000);
    const log = await AuditLog.openHome(home);
    try {
      const e = await log.append("z:work", { eventType: "node.start", actor: "node-h" });
      assert.equal(e.event.signature.nodeId, "node-h");
      assert.deepEqual(
        e.id,
        auditEventIdOfBytes("z:work", e.bytes, ring.objectIdKey("z:work").key),
      );
      assert.equal(log.verify("z:work").ok, true);
      assert.ok((await Deno.stat(auditDbPath(home))).isFile);
    } finally {
      log.close();
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
