/**
 * `fcp put FILE|- --zone ZONE [--repair-bps N] [--no-pin]` (issue 4 §4): store a file as sealed
 * RaptorQ symbols in the node's object store and print its ObjectId.
 *
 * @module
 */
import { FcpError, toHex } from "../../core/mod.ts";
import { putObjectStream } from "../../store/mod.ts";
import { createProgress } from "../progress.ts";
import type { CliCommand } from "../types.ts";
import { UsageError } from "../usage_error.ts";
import { nowSeconds, withObjectHome } from "./object.ts";

const READ_PIECE = 1024 * 1024;

/**
 * Parse `--repair-bps`: an integer 0..10000 (default 500).
 *
 * @example
 * ```ts
 * import { repairBpsOption } from "./put.ts";
 * import { isFcpError } from "../../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(repairBpsOption(undefined), 500);
 * assert.equal(repairBpsOption("1500"), 1500);
 * assert.throws(() => repairBpsOption("10001"), (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function repairBpsOption(text: string | undefined, fallback = 500): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 10000) {
    throw new UsageError("--repair-bps must be an integer in 0..10000");
  }
  return Number(text);
}

async function* readFile(path: string): AsyncGenerator<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-6001", `file ${path} not found`, { cause: e });
    }
    throw new FcpError("FCP-9002", `cannot open ${path}`, { cause: e });
  }
  try {
    const buf = new Uint8Array(READ_PIECE);
    for (;;) {
      const n = await file.read(buf);
      if (n === null) return;
      yield buf.subarray(0, n);
    }
  } finally {
    file.close();
  }
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const st = await Deno.stat(path);
    return st.isFile ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/** The `put` command. */
export const command: CliCommand = {
  path: ["put"],
  summary: "Store a file as sealed RaptorQ symbols and print its ObjectId",
  usage: "fcp put FILE|- --zone ZONE [--repair-bps N] [--no-pin] [--json]",
  description: [
    "Encodes FILE (or standard input for '-') with RaptorQ (1024-byte symbols, N basis points",
    "of repair symbols, default 500), seals every symbol under the zone's active key and",
    "stores them in FCP_HOME/store/symbols.db. Files above 256 KiB are split into 64 KiB",
    "chunks plus a ChunkedObjectManifest. Prints the ObjectId (keyed with the zone's",
    "ObjectIdKey) once the object is committed; it is pinned unless --no-pin. Up to 64 MiB.",
    "--json prints {object_id, zone, size, chunks, symbols, repair_bps, ms, created, pinned}.",
  ].join("\n"),
  args: [{ name: "FILE|-", description: "the file to store, '-' for standard input" }],
  options: {
    zone: { type: "string", valueName: "ZONE", description: "the zone, e.g. z:work (required)" },
    "repair-bps": {
      type: "string",
      valueName: "N",
      description: "repair symbols in basis points of K, 0..10000 (default 500)",
    },
    "no-pin": { type: "boolean", description: "do not pin the object" },
  },
  async run(ctx) {
    const zone = ctx.string("zone");
    if (zone === undefined) throw new UsageError("--zone is required, e.g. --zone z:work");
    const repairBps = repairBpsOption(ctx.string("repair-bps"));
    const arg = ctx.positionals[0]!;
    let source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    let total: number | undefined;
    if (arg === "-") {
      if (!ctx.io.readStdin) throw new UsageError("no standard input to read");
      const bytes = await ctx.io.readStdin();
      source = [bytes];
      total = bytes.length;
    } else {
      total = await fileSize(arg);
      source = readFile(arg);
    }
    const pin = !ctx.flag("no-pin");
    const started = performance.now();
    const progress = createProgress(ctx.io, { json: ctx.json, label: "put" });
    const res = await withObjectHome(ctx.home, async ({ ctx: octx }) => {
      try {
        return await putObjectStream(octx, source, {
          zone,
          repairBps,
          pin,
          now: nowSeconds(),
          ...(total === undefined ? {} : { totalHint: total }),
          onProgress: (done, all) => progress.update(done, all),
        });
      } finally {
        progress.done();
      }
    });
    const ms = Math.round((performance.now() - started) * 10) / 10;
    if (ctx.json) {
      ctx.printJson({
        object_id: toHex(res.objectId),
        zone: res.zoneId,
        size: res.size,
        chunks: res.chunks,
        symbols: res.symbols,
        repair_bps: repairBps,
        ms,
        created: res.created,
        pinned: pin,
      });
      return;
    }
    ctx.out(toHex(res.objectId));
  },
};
