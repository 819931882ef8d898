import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  hasTaint,
  headerTaintLevel,
  TAINT_FLAGS,
  taintFromNames,
  taintNames,
  validateTaint,
} from "./taint.ts";

Deno.test("taint: bit values follow spec §6.1", () => {
  assert.deepEqual(Object.values(TAINT_FLAGS), [1, 2, 4, 8, 16]);
  assert.deepEqual(taintNames(taintFromNames(["PROMPT_SURFACE", "EXTERNAL_INPUT"])), [
    "EXTERNAL_INPUT",
    "PROMPT_SURFACE",
  ]);
  assert.ok(hasTaint(0b11, 0b11));
  assert.ok(!hasTaint(0b01, 0b11));
});

Deno.test("taint: unknown names and bits refused", () => {
  assert.throws(() => taintFromNames(["RADIOACTIVE"]), (e) => isFcpError(e, "FCP-1040"));
  assert.throws(() => validateTaint(32), (e) => isFcpError(e, "FCP-1013"));
  assert.throws(() => validateTaint(-1), (e) => isFcpError(e, "FCP-1013"));
});

Deno.test("taint: header level mapping", () => {
  assert.equal(headerTaintLevel(TAINT_FLAGS.EXTERNAL_INPUT | TAINT_FLAGS.USER_SUPPLIED), "Tainted");
  assert.equal(headerTaintLevel(TAINT_FLAGS.PROMPT_SURFACE), "HighlyTainted");
});
