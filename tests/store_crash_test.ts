/**
 * Crash safety of the SQLite symbol store (issue 4 §3): a writer child puts objects of 200 ×
 * 1 KiB symbols and prints `ACK <id>` after each put resolves; we SIGKILL it mid-stream, reopen
 * the store with no repair step and check that every acknowledged object is complete and
 * byte-identical, that no object is visible half-written, that the counters match, and that
 * `PRAGMA integrity_check` is `ok`. Three kills at different moments, the later ones on a
 * store that already survived a kill.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { equalBytes, toHex } from "../src/core/mod.ts";
import { openSqliteStore } from "../src/store/mod.ts";
import {
  CRASH_OBJECTS,
  CRASH_SYMBOLS,
  crashObjectId,
  crashRecord,
  crashSymbols,
} from "./_store_crash_data.ts";

const writer = fileURLToPath(new URL("./_store_writer.ts", import.meta.url));

/** Run the writer from object `first`, kill it after `killAfter` ACKs; return the ACKed ids. */
async function runAndKill(path: string, first: number, killAfter: number): Promise<Set<string>> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", writer, path, String(first)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const acked = new Set<string>();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  let killed = false;
  try {
    while (!killed) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith("ACK ")) acked.add(line.slice(4));
        if (acked.size >= killAfter && !killed) {
          child.kill("SIGKILL");
          killed = true;
        }
      }
    }
    // Lines that were already in the pipe when the kill landed are acknowledgements too.
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
    }
    for (const line of buf.split("\n")) if (line.startsWith("ACK ")) acked.add(line.slice(4));
  } finally {
    reader.releaseLock();
  }
  const status = await child.status;
  const err = await new Response(child.stderr).text();
  assert.ok(killed, `writer finished before the kill: ${err}`);
  assert.equal(status.signal, "SIGKILL", err);
  return acked;
}

async function checkStore(path: string, acked: Set<string>, kills: number): Promise<number> {
  const store = openSqliteStore(path); // no repair step: a plain open
  try {
    assert.equal(await store.integrityCheck(), "ok");
    const index = new Map<string, number>();
    for (let i = 0; i < CRASH_OBJECTS; i++) index.set(toHex(crashObjectId(i)), i);
    // Every acknowledged object is there, complete and byte-identical.
    for (const hex of acked) {
      const i = index.get(hex)!;
      const obj = await store.getObject(crashObjectId(i));
      assert.ok(obj, `acknowledged object ${i} is missing`);
      const { symbolCount: _c, bytes: _b, ...record } = obj;
      assert.deepEqual(record, crashRecord(i));
      const got = await store.getSymbols(obj.objectId);
      const want = crashSymbols(i);
      assert.equal(got.length, want.length);
      for (let j = 0; j < want.length; j++) {
        assert.equal(got[j]!.esi, want[j]!.esi);
        assert.equal(got[j]!.frameSeq, want[j]!.frameSeq);
        assert.ok(equalBytes(got[j]!.data, want[j]!.data), `object ${i} symbol ${j} differs`);
        assert.ok(equalBytes(got[j]!.tag, want[j]!.tag));
      }
    }
    // Nothing half-written is visible: every stored object has all its symbols.
    const all = await store.listObjects();
    for (const o of all) {
      assert.equal(o.symbolCount, CRASH_SYMBOLS);
      assert.equal((await store.listEsis(o.objectId)).length, CRASH_SYMBOLS);
    }
    const stats = await store.stats();
    assert.equal(stats.objects, all.length);
    assert.equal(stats.symbols, all.length * CRASH_SYMBOLS);
    // Per kill, at most the one put in flight may have committed without its ACK.
    assert.ok(
      all.length >= acked.size && all.length <= acked.size + kills,
      `${all.length} stored vs ${acked.size} acknowledged`,
    );
    return all.length;
  } finally {
    await store.close();
  }
}

Deno.test("store crash: SIGKILL mid-put loses nothing acknowledged and shows nothing partial", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fcp-crash-" });
  try {
    const path = `${dir}/store/symbols.db`;
    const acked = new Set<string>();
    let stored = 0;
    let kills = 0;
    for (const killAfter of [20, 45, 70]) {
      const got = await runAndKill(path, stored, killAfter);
      kills++;
      for (const id of got) acked.add(id);
      stored = await checkStore(path, acked, kills);
    }
    assert.ok(acked.size >= 20 + 45 + 70);
    // The store is still writable after the kills.
    const s = openSqliteStore(path);
    const next = crashRecord(CRASH_OBJECTS - 1);
    await s.putObject(next, crashSymbols(CRASH_OBJECTS - 1));
    assert.equal((await s.getObject(next.objectId))?.symbolCount, CRASH_SYMBOLS);
    await s.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
