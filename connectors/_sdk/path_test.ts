import assert from "node:assert/strict";
import { isWithin, joinSegment, normalizeAbsolute, splitParent } from "./path.ts";

Deno.test("normalizeAbsolute refuses relative paths and every `..` segment", () => {
  for (const p of ["", "a", "./a", "/..", "/a/..", "/a/../..", "/a/b/../../../etc"]) {
    assert.equal(normalizeAbsolute(p), undefined, p);
  }
  assert.equal(normalizeAbsolute("/a/.../b"), "/a/.../b");
  assert.equal(normalizeAbsolute("/a/..b"), "/a/..b");
  assert.equal(normalizeAbsolute("//a///b/."), "/a/b");
});

Deno.test("isWithin compares whole segments", () => {
  assert.ok(!isWithin("/a/b", "/a"));
  assert.ok(!isWithin("/a/b", "/a/bc/d"));
  assert.ok(isWithin("/a/b", "/a/b/c/d"));
  assert.deepEqual(splitParent(joinSegment("/x/y", "z")), { parent: "/x/y", name: "z" });
});
