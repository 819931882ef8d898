/**
 * Conformance checks for `fcpc.json` (WIRE.md §10; spec §9.4): nonce, AAD, header,
 * ciphertext, tag and the whole FCPC frame, then opening the expected frame back.
 *
 * @module
 */
import { equalBytes, toHex } from "../../core/mod.ts";
import {
  encodeFcpcHeader,
  FCPC_HEADER_BYTES,
  fcpcAad,
  fcpcNonce,
  openFcpcFrame,
  sealFcpcFrame,
} from "../../symbol/mod.ts";
import { big, expectHex, hex, num, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch } from "../types.ts";

/** Handler for the `fcpc` area. */
export const handler: AreaHandler = {
  area: "fcpc",
  kinds: {
    fcpc_frame(v) {
      const i = v.inputs;
      const sessionId = hex(i, "session_id_hex");
      const key = hex(i, "key_hex");
      const seq = big(i, "seq");
      const flags = num(i, "flags");
      const direction = str(i, "direction");
      if (direction !== "i2r" && direction !== "r2i") {
        throw new TypeError(`unknown direction ${direction}`);
      }
      const plaintext = hex(i, "plaintext_hex");
      expectHex(v, "nonce_hex", fcpcNonce(direction, seq));
      expectHex(v, "aad_hex", fcpcAad(sessionId, seq, flags));
      expectHex(
        v,
        "header_hex",
        encodeFcpcHeader({ sessionId, seq, flags, length: plaintext.length }),
      );
      const ctx = { sessionId, key, direction } as const;
      const frame = sealFcpcFrame(ctx, seq, plaintext, flags);
      const ctEnd = FCPC_HEADER_BYTES + plaintext.length;
      expectHex(v, "ciphertext_hex", frame.subarray(FCPC_HEADER_BYTES, ctEnd));
      expectHex(v, "tag_hex", frame.subarray(ctEnd));
      expectHex(v, "frame_hex", frame);
      const opened = openFcpcFrame(ctx, hex(v.expected, "frame_hex"));
      if (
        opened.seq !== seq || opened.flags !== flags || !equalBytes(opened.plaintext, plaintext)
      ) {
        throw new ConformanceMismatch(
          "frame_hex.open",
          `seq ${seq} flags ${flags} plaintext ${toHex(plaintext)}`,
          `seq ${opened.seq} flags ${opened.flags} plaintext ${toHex(opened.plaintext)}`,
        );
      }
    },
  },
};
