/**
 * The store implementations the admission and GC tests run against (private test helper).
 *
 * @module
 */
import { MemorySymbolStore } from "./memory_store.ts";
import { openSqliteStore } from "./sqlite_store.ts";
import type { SymbolStore } from "./types.ts";

let dir: string | undefined;
let n = 0;

/** Named factories: `memory` and `sqlite` (a fresh file in a temp dir removed at unload). */
export const TEST_STORES: readonly [string, () => SymbolStore][] = [
  ["memory", () => new MemorySymbolStore()],
  ["sqlite", () => {
    if (dir === undefined) {
      const d = dir = Deno.makeTempDirSync({ prefix: "fcp-store-test-" });
      globalThis.addEventListener("unload", () => {
        try {
          Deno.removeSync(d, { recursive: true });
        } catch { /* gone */ }
      });
    }
    return openSqliteStore(`${dir}/s${n++}.db`);
  }],
];
