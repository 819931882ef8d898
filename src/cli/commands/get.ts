/**
 * `fcp get OBJECT_ID --zone ZONE [-o FILE]` (issue 4 §4): rebuild an object from its sealed
 * symbols, verify it against its ObjectId, and write it to FILE or standard output.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { FcpError, toHex } from "../../core/mod.ts";
import { randomBytes } from "../../crypto/mod.ts";
import { getObjectRange, getObjectTo } from "../../store/mod.ts";
import { createProgress } from "../progress.ts";
import type { CliCommand, CliIo } from "../types.ts";
import { UsageError } from "../usage_error.ts";
import { objectIdArg, withObjectHome } from "./object.ts";

/** Raw bytes to standard output: through the seam when it offers `stdoutBytes`, else the process's. */
function stdoutBytes(io: CliIo): (bytes: Uint8Array) => void {
  const seam = (io as CliIo & { stdoutBytes?: (b: Uint8Array) => void }).stdoutBytes;
  if (seam !== undefined) return seam;
  return (bytes) => {
    let rest = bytes;
    while (rest.length > 0) rest = rest.subarray(Deno.stdout.writeSync(rest));
  };
}

/**
 * Parse `--offset` / `--length`: a whole number of bytes, or `undefined` when absent.
 *
 * @example
 * ```ts
 * import { byteCountOption } from "./get.ts";
 * import { isFcpError } from "../../core/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(byteCountOption(undefined, "offset"), undefined);
 * assert.equal(byteCountOption("65536", "offset"), 65536);
 * assert.throws(() => byteCountOption("-1", "length"), (e) => isFcpError(e, "FCP-1040"));
 * ```
 */
export function byteCountOption(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--${name} must be a whole number of bytes`);
  return Number(text);
}

/** The `get` command. */
export const command: CliCommand = {
  path: ["get"],
  summary: "Rebuild and verify a stored object; write it to a file or standard output",
  usage: "fcp get OBJECT_ID --zone ZONE [-o FILE] [--offset N] [--length N] [--json]",
  description: [
    "Opens the object's sealed symbols with the zone keys (symbols that fail to open are",
    "dropped; repair symbols make up for them), decodes them with RaptorQ and checks the",
    "result against the ObjectId (and, for a chunked object, every chunk id and the payload",
    "hash): content that does not match is refused (FCP-1014) and never written. Writes to",
    "FILE with -o (through a temporary file renamed on success), else the raw bytes to",
    "standard output, which must not be a terminal. --json (needs -o) prints",
    "{object_id, zone, size, chunks, dropped_symbols, ms, output}. An object of another zone",
    "is FCP-4002 (exit 13), an unknown one FCP-6001 (exit 15).",
    "--offset/--length fetch a byte range: only the 64 KiB chunks it covers are rebuilt and",
    "verified (against their chunk ids in the verified manifest), so the other chunks need not",
    "be stored; --json then adds {offset, length} and chunks counts the chunks read.",
  ].join("\n"),
  args: [{ name: "OBJECT_ID", description: "ObjectId, 64 lowercase hex characters" }],
  options: {
    zone: { type: "string", valueName: "ZONE", description: "the object's zone (required)" },
    output: { type: "string", short: "o", valueName: "FILE", description: "write to FILE" },
    offset: { type: "string", valueName: "N", description: "first byte of a range (default 0)" },
    length: {
      type: "string",
      valueName: "N",
      description: "bytes of a range (default: to the end)",
    },
  },
  async run(ctx) {
    const id = objectIdArg(ctx.positionals[0]!);
    const zone = ctx.string("zone");
    if (zone === undefined) throw new UsageError("--zone is required, e.g. --zone z:work");
    const output = ctx.string("output");
    if (output === undefined && ctx.json) {
      throw new UsageError("--json needs -o FILE (standard output carries the object)");
    }
    if (output === undefined && ctx.io.isTerminal) {
      throw new UsageError("refusing to write binary data to a terminal; use -o FILE or a pipe");
    }
    const offset = byteCountOption(ctx.string("offset"), "offset");
    const length = byteCountOption(ctx.string("length"), "length");
    const ranged = offset !== undefined || length !== undefined;
    const started = performance.now();
    const progress = createProgress(ctx.io, { json: ctx.json, label: "get" });
    let res: { size: number; chunks: number; dropped: number };
    let range: { offset: number; length: number } | undefined;
    /** Fetch into `write`: the whole object, or the range. */
    const fetchInto = (
      h: Parameters<Parameters<typeof withObjectHome>[1]>[0],
      write: (piece: Uint8Array) => void | Promise<void>,
      onProgress?: (done: number, total: number | undefined) => void,
    ) => {
      if (!ranged) {
        return getObjectTo(h.ctx, id, { zone, ...(onProgress ? { onProgress } : {}) }, write);
      }
      return getObjectRange(h.ctx, id, {
        zone,
        offset: offset ?? 0,
        ...(length === undefined ? {} : { length }),
      }, write).then((r) => {
        range = { offset: r.offset, length: r.length };
        return { size: r.size, chunks: r.chunksRead, dropped: 0 };
      });
    };
    if (output === undefined) {
      const write = stdoutBytes(ctx.io);
      res = await withObjectHome(ctx.home, (h) => fetchInto(h, write));
    } else {
      const tmp = join(dirname(output), `.${toHex(randomBytes(6))}.fcp-get.part`);
      let file: Deno.FsFile;
      try {
        file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
      } catch (e) {
        throw new FcpError("FCP-9002", `cannot write next to ${output}`, { cause: e });
      }
      let ok = false;
      try {
        res = await withObjectHome(ctx.home, (h) =>
          fetchInto(h, async (piece) => {
            let rest = piece;
            while (rest.length > 0) rest = rest.subarray(await file.write(rest));
          }, (done, total) => progress.update(done, total)));
        ok = true;
      } finally {
        progress.done();
        file.close();
        if (!ok) await Deno.remove(tmp).catch(() => {});
      }
      try {
        await Deno.rename(tmp, output);
      } catch (e) {
        await Deno.remove(tmp).catch(() => {});
        throw new FcpError("FCP-9002", `cannot write ${output}`, { cause: e });
      }
    }
    if (ctx.json) {
      ctx.printJson({
        object_id: toHex(id),
        zone,
        size: res.size,
        chunks: res.chunks,
        dropped_symbols: res.dropped,
        ms: Math.round((performance.now() - started) * 10) / 10,
        output,
        ...(range === undefined ? {} : range),
      });
    } else if (output !== undefined) {
      ctx.err(`wrote ${range?.length ?? res.size} bytes to ${output}`);
    }
  },
};
