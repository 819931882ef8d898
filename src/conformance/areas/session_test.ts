import assert from "node:assert/strict";
import type { Vector, VectorFile } from "../types.ts";
import { handler } from "./session.ts";

const url = new URL("../../../../shared/interop/session.json", import.meta.url);
const file = JSON.parse(await Deno.readTextFile(url)) as VectorFile;

const KINDS = [
  "session_key_schedule",
  "session_hello",
  "session_ack",
  "session_cookie",
  "session_mac",
  "session_hello_retry",
  "session_hello_transcript",
];

Deno.test("session.json: all 9 vectors pass and every kind has a check", async () => {
  assert.equal(file.area, "session");
  assert.equal(file.vectors.length, 9);
  assert.deepEqual(Object.keys(handler.kinds).sort(), [...KINDS].sort());
  let passed = 0;
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
    passed++;
  }
  assert.equal(passed, 9);
  assert.deepEqual(new Set(file.vectors.map((v) => v.kind)), new Set(KINDS));
});

function flipped(v: Vector, field: string): Vector {
  const h = String(v.expected[field]);
  return { ...v, expected: { ...v.expected, [field]: (h[0] === "0" ? "1" : "0") + h.slice(1) } };
}

Deno.test("session checks fail when any expected hex field changes", async () => {
  for (const v of file.vectors) {
    for (const field of Object.keys(v.expected).filter((k) => k.endsWith("_hex"))) {
      await assert.rejects(
        async () => await handler.kinds[v.kind]!(flipped(v, field)),
        new RegExp(field),
        `${v.id}: ${field}`,
      );
    }
  }
});

Deno.test("session_hello_transcript compares the effective max datagram size", async () => {
  const v = file.vectors.find((x) => x.kind === "session_hello_transcript")!;
  const bad = { ...v, expected: { ...v.expected, effective_max_datagram_bytes: 1201 } };
  await assert.rejects(
    async () => await handler.kinds.session_hello_transcript!(bad),
    /effective_max_datagram_bytes/,
  );
});
