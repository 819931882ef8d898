/**
 * `fcp get OBJECT_ID --zone ZONE [-o FILE]` (issue 4 §4): rebuild an object from its sealed
 * symbols, verify it against its ObjectId, and write it to FILE or standard output.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { FcpError, toHex } from "../../core/mod.ts";
import { randomBytes } from "../../crypto/mod.ts";
import { getObjectTo } from "../../store/mod.ts";
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

/** The `get` command. */
export const command: CliCommand = {
  path: ["get"],
  summary: "Rebuild and verify a stored object; write it to a file or standard output",
  usage: "fcp get OBJECT_ID --zone ZONE [-o FILE] [--json]",
  description: [
    "Opens the object's sealed symbols with the zone keys (symbols that fail to open are",
    "dropped; repair symbols make up for them), decodes them with RaptorQ and checks the",
    "result against the ObjectId (and, for a chunked object, every chunk id and the payload",
    "hash): content that does not match is refused (FCP-1014) and never written. Writes to",
    "FILE with -o (through a temporary file renamed on success), else the raw bytes to",
    "standard output, which must not be a terminal. --json (needs -o) prints",
    "{object_id, zone, size, chunks, dropped_symbols, ms, output}. An object of another zone",
    "is FCP-4002 (exit 13), an unknown one FCP-6001 (exit 15).",
  ].join("\n"),
  args: [{ name: "OBJECT_ID", description: "ObjectId, 64 lowercase hex characters" }],
  options: {
    zone: { type: "string", valueName: "ZONE", description: "the object's zone (required)" },
    output: { type: "string", short: "o", valueName: "FILE", description: "write to FILE" },
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
    const started = performance.now();
    const progress = createProgress(ctx.io, { json: ctx.json, label: "get" });
    let res;
    if (output === undefined) {
      const write = stdoutBytes(ctx.io);
      res = await withObjectHome(ctx.home, (h) => getObjectTo(h.ctx, id, { zone }, write));
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
          getObjectTo(h.ctx, id, {
            zone,
            onProgress: (done, total) => progress.update(done, total),
          }, async (piece) => {
            let rest = piece;
            while (rest.length > 0) rest = rest.subarray(await file.write(rest));
          }));
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
      });
    } else if (output !== undefined) {
      ctx.err(`wrote ${res.size} bytes to ${output}`);
    }
  },
};
