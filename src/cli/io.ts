/**
 * The process's own standard streams as a {@link CliIo}.
 *
 * @module
 */
import type { CliIo } from "./types.ts";

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

/**
 * A {@link CliIo} on `Deno.stdout`, `Deno.stderr` and `Deno.stdin`.
 *
 * @example
 * ```ts
 * import { processIo } from "./io.ts";
 * import assert from "node:assert/strict";
 * const io = processIo();
 * assert.equal(typeof io.isTerminal, "boolean");
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    isTerminal: Deno.stdout.isTerminal(),
    readStdin: async () => await new Response(Deno.stdin.readable).bytes(),
  };
}

/**
 * A {@link CliIo} that records what is written, for tests and doc examples.
 *
 * @example
 * ```ts
 * import { memoryIo } from "./io.ts";
 * import assert from "node:assert/strict";
 * const io = memoryIo("piped input");
 * io.stdout("hello\n");
 * assert.equal(io.out(), "hello\n");
 * assert.equal(new TextDecoder().decode(await io.readStdin()), "piped input");
 * ```
 */
export function memoryIo(stdin = ""): CliIo & {
  out(): string;
  err(): string;
  readStdin: () => Promise<Uint8Array>;
} {
  let out = "";
  let err = "";
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    isTerminal: false,
    readStdin: () => Promise.resolve(encoder.encode(stdin)),
    out: () => out,
    err: () => err,
  };
}
