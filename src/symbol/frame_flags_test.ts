import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  checkFcpsFlags,
  FCPS_FLAGS,
  FCPS_FLAGS_DEFAULT,
  FCPS_FLAGS_KNOWN,
  fcpsFlagNames,
} from "./frame_flags.ts";

Deno.test("FCPS flag values follow spec §4.4", () => {
  const bits = Object.values(FCPS_FLAGS);
  assert.equal(bits.length, 12);
  assert.equal(bits.reduce((a, b) => a | b, 0), FCPS_FLAGS_KNOWN);
  for (let i = 0; i < 12; i++) assert.equal(bits[i], 1 << i);
  assert.equal(FCPS_FLAGS_DEFAULT, 0x0404);
});

Deno.test("every combination of the known bits is valid unless it breaks a pairing rule", () => {
  for (let f = 0; f <= FCPS_FLAGS_KNOWN; f++) {
    const errorAndResponse = (f & FCPS_FLAGS.ERROR) !== 0 && (f & FCPS_FLAGS.RESPONSE) !== 0;
    const endWithoutStream = (f & FCPS_FLAGS.STREAM_END) !== 0 && (f & FCPS_FLAGS.STREAMING) === 0;
    if (errorAndResponse || endWithoutStream) {
      assert.throws(
        () => checkFcpsFlags(f),
        (e) => isFcpError(e, "FCP-1021"),
        `0x${f.toString(16)}`,
      );
    } else {
      checkFcpsFlags(f);
    }
  }
  checkFcpsFlags(FCPS_FLAGS.STREAMING | FCPS_FLAGS.STREAM_END);
  checkFcpsFlags(FCPS_FLAGS.ERROR);
});

Deno.test("bits outside 0x0FFF are refused with FCP-1021", () => {
  for (let bit = 12; bit < 16; bit++) {
    assert.throws(() => checkFcpsFlags(0x0404 | (1 << bit)), (e) => isFcpError(e, "FCP-1021"));
  }
  assert.throws(() => checkFcpsFlags(0xffff), (e) => isFcpError(e, "FCP-1021"));
});

Deno.test("a flag word that is not a u16 is FCP-1040", () => {
  for (const bad of [-1, 0x10000, 1.5, Number.NaN]) {
    assert.throws(() => checkFcpsFlags(bad), (e) => isFcpError(e, "FCP-1040"));
  }
});

Deno.test("fcpsFlagNames lists set flags and refuses invalid words", () => {
  assert.deepEqual(fcpsFlagNames(0), []);
  assert.deepEqual(fcpsFlagNames(FCPS_FLAGS.STREAMING | FCPS_FLAGS.STREAM_END), [
    "STREAMING",
    "STREAM_END",
  ]);
  assert.throws(() => fcpsFlagNames(0x8000), (e) => isFcpError(e, "FCP-1021"));
});
