import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { compileGlob, MAX_GLOB_PATTERN_BYTES, validateGlob } from "./policy_glob.ts";

const invalid = (e: unknown) => isFcpError(e, "FCP-4007");

Deno.test("glob: * matches any run including empty; ? exactly one char", () => {
  const cases: [string, string, boolean][] = [
    ["*", "", true],
    ["*", "anything:at-all", true],
    ["a*", "a", true],
    ["a*b", "ab", true],
    ["a*b", "axxxb", true],
    ["a*b", "axxxbc", false],
    ["*b*", "abc", true],
    ["a**b", "ab", true],
    ["?", "", false],
    ["?", "x", true],
    ["?", "xy", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["*?", "", false],
    ["*?", "z", true],
    ["user@*", "user@example.com", true],
    ["user@*", "xuser@example.com", false],
    ["cap:read:*", "cap:read:", true],
    ["cap:read:*", "cap:write:x", false],
    ["*.*.*", "a.b.c", true],
    ["*a*a*a*", "aaa", true],
    ["*a*a*a*", "aa", false],
  ];
  for (const [p, s, want] of cases) assert.equal(compileGlob(p).matches(s), want, `${p} ~ ${s}`);
});

Deno.test("glob: matching is anchored and case-sensitive", () => {
  assert.ok(!compileGlob("slack").matches("connector:slack"));
  assert.ok(!compileGlob("slack").matches("slack2"));
  assert.ok(!compileGlob("Slack-*").matches("slack-prod"));
});

Deno.test("glob: regex syntax is literal or refused, never interpreted", () => {
  // '.' and '+' are ordinary characters
  assert.ok(compileGlob("a.c").matches("a.c"));
  assert.ok(!compileGlob("a.c").matches("abc"));
  assert.ok(compileGlob("a+").matches("a+"));
  assert.ok(!compileGlob("a+").matches("aa"));
  for (const p of ["a[bc]", "a{b,c}", "(a)", "a|b", "^a", "a$", "a\\*", "[!a]"]) {
    assert.throws(() => compileGlob(p), invalid, p);
  }
});

Deno.test("glob: length limit is 128 bytes", () => {
  compileGlob("x".repeat(MAX_GLOB_PATTERN_BYTES));
  assert.throws(() => compileGlob("x".repeat(MAX_GLOB_PATTERN_BYTES + 1)), invalid);
  assert.throws(() => validateGlob(""), invalid);
});

Deno.test("glob: non-ASCII and control characters are refused", () => {
  assert.throws(() => compileGlob("café*"), invalid);
  assert.throws(() => compileGlob("a\u0000b"), invalid);
  assert.throws(() => compileGlob("a\tb"), invalid);
  assert.throws(() => compileGlob("😀"), invalid);
});

Deno.test("glob: non-ASCII subjects never match", () => {
  assert.ok(!compileGlob("*").matches("café"));
  assert.ok(!compileGlob("caf?").matches("café"));
});

Deno.test("glob: pathological pattern stays fast", () => {
  const m = compileGlob("*a*a*a*a*a*a*a*a*a*a*b");
  const t0 = performance.now();
  assert.ok(!m.matches("a".repeat(2000)));
  assert.ok(performance.now() - t0 < 1000);
});
