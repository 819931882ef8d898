import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isFcpError } from "../core/mod.ts";
import { expectEqual } from "./check.ts";
import { type LoadedVectorFile, loadVectorDir } from "./loader.ts";
import { AREA_HANDLERS } from "./registry.ts";
import { runConformance } from "./runner.ts";
import type { AreaHandler, Vector } from "./types.ts";

const interop = fileURLToPath(new URL("../../../shared/interop/", import.meta.url));
const golden = fileURLToPath(new URL("../../vectors/", import.meta.url));

function vec(id: string, kind: string, n: number, double: number): Vector {
  return { id, kind, provenance: "test", inputs: { n }, expected: { double } };
}

function file(area: string, vectors: Vector[]): LoadedVectorFile {
  return { path: `${area}.json`, format: "fcp2-interop-vectors/1", area, set: "t", vectors };
}

const doubler: AreaHandler = {
  area: "math",
  kinds: {
    double: (v) => expectEqual(v, "double", 2 * Number(v.inputs.n)),
    explode: () => {
      throw new RangeError("boom");
    },
  },
};

Deno.test("every registered area passes all of its interop vectors", async () => {
  const { files } = await loadVectorDir(interop);
  const report = await runConformance(files);
  const implemented = report.areas.filter((a) => a.implemented);
  assert.ok(implemented.length > 0, "at least one interop area has a handler");
  for (const a of implemented) {
    assert.deepEqual(a.failed, [], `${a.area} has failures`);
    assert.equal(a.passed, a.total, a.area);
  }
  const registered = new Set(AREA_HANDLERS.map((h) => h.area));
  for (const a of report.areas) assert.equal(a.implemented, registered.has(a.area), a.area);
  assert.equal(report.failed, 0);
});

Deno.test("the golden vectors pass through the same runner", async () => {
  const report = await runConformance((await loadVectorDir(golden)).files);
  assert.equal(report.failed, 0);
  assert.ok(report.passed > 0);
  assert.equal(report.skipped, 0);
});

Deno.test("a wrong expected value, an unimplemented kind and a throwing check each fail", async () => {
  const report = await runConformance(
    [file("math", [
      vec("m.1", "double", 2, 4),
      vec("m.2", "double", 2, 5),
      vec("m.3", "triple", 2, 6),
      vec("m.4", "explode", 2, 4),
      vec("m.5", "toString", 2, 4),
      vec("m.6", "double", 3, 6),
    ])],
    { handlers: [doubler] },
  );
  const [math] = report.areas;
  assert.equal(math!.passed, 2);
  assert.deepEqual(math!.failed.map((f) => f.id), ["m.2", "m.3", "m.4", "m.5"]);
  assert.match(math!.failed[0]!.error, /double: expected 5, got 4/);
  assert.match(math!.failed[1]!.error, /kind triple is not implemented/);
  assert.match(math!.failed[2]!.error, /RangeError: boom/);
  assert.match(math!.failed[3]!.error, /kind toString is not implemented/);
  assert.deepEqual([report.passed, report.failed, report.skipped], [2, 4, 0]);
});

Deno.test("an area without a handler is skipped, never passed", async () => {
  const report = await runConformance(
    [file("session", [vec("s.1", "double", 1, 2), vec("s.2", "double", 1, 2)])],
    { handlers: [doubler] },
  );
  const [session] = report.areas;
  assert.equal(session!.implemented, false);
  assert.equal(session!.passed, 0);
  assert.equal(session!.skipped, 2);
  assert.deepEqual([report.passed, report.failed, report.skipped], [0, 0, 2]);
});

Deno.test("two handlers for one area are refused", async () => {
  await assert.rejects(
    () => runConformance([], { handlers: [doubler, doubler] }),
    (e) => isFcpError(e, "FCP-9001"),
  );
});
