/**
 * Child process of `store_crash_test.ts`: opens the SQLite store at `Deno.args[0]` and puts
 * the deterministic crash objects one by one, printing `ACK <hex id>` only after each
 * `putObject` resolved. The parent kills it with SIGKILL at some point.
 *
 * @module
 */
import { toHex } from "../src/core/mod.ts";
import { openSqliteStore } from "../src/store/mod.ts";
import { CRASH_OBJECTS, crashRecord, crashSymbols } from "./_store_crash_data.ts";

const path = Deno.args[0];
if (!path) throw new Error("usage: _store_writer.ts STORE_PATH [FIRST]");
const first = Number(Deno.args[1] ?? 0);
const store = openSqliteStore(path);
const enc = new TextEncoder();
for (let i = first; i < CRASH_OBJECTS; i++) {
  const rec = crashRecord(i);
  await store.putObject(rec, crashSymbols(i));
  Deno.stdout.writeSync(enc.encode(`ACK ${toHex(rec.objectId)}\n`));
}
await store.close();
Deno.stdout.writeSync(enc.encode("DONE\n"));
