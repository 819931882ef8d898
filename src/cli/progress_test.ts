import assert from "node:assert/strict";
import { createProgress } from "./progress.ts";
import { memoryIo } from "./io.ts";
import type { CliIo } from "./types.ts";

function tty(): CliIo & { errText(): string } {
  let err = "";
  return { ...memoryIo(), isTerminal: true, stderr: (t) => void (err += t), errText: () => err };
}

Deno.test("progress: drawn on a terminal, throttled, final 100% always drawn, cleared", () => {
  const io = tty();
  let clock = 0;
  const p = createProgress(io, { json: false, label: "get", width: 4, now: () => clock });
  assert.equal(p.visible, true);
  p.update(0, 100);
  p.update(50, 100); // within the interval: skipped
  clock = 500;
  p.update(75, 100);
  p.update(100, 100); // finished: drawn despite the interval
  p.done();
  const text = io.errText();
  assert.ok(!text.includes(" 50%"));
  assert.ok(text.includes("[###-]  75%"));
  assert.ok(text.includes("[####] 100%"));
  assert.ok(text.endsWith("\r\x1b[2K"));
});

Deno.test("progress: unknown total shows the byte count", () => {
  const io = tty();
  const p = createProgress(io, { json: false, label: "put" });
  p.update(3 * 1024 * 1024);
  assert.match(io.errText(), /put 3\.0 MiB/);
});

Deno.test("progress: nothing when piped or with --json", () => {
  for (const [io, json] of [[memoryIo(), false], [tty(), true]] as const) {
    let err = "";
    const seen: CliIo = { ...io, stderr: (t) => void (err += t) };
    const p = createProgress(seen, { json, label: "put" });
    assert.equal(p.visible, false);
    p.update(1, 1);
    p.done();
    assert.equal(err, "");
  }
});
