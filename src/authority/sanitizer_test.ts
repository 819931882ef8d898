import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  createSanitizerReceipt,
  decodeSanitizerReceipt,
  encodeSanitizerReceipt,
  verifySanitizerReceipt,
} from "./sanitizer.ts";
import { TAINT_FLAGS } from "./taint.ts";

const SEED = new Uint8Array(32).fill(5);
const params = {
  zoneId: "z:work",
  sanitizerConnector: "urlscan",
  sanitizerOperation: "scan",
  inputs: [new Uint8Array(32).fill(1)],
  clears: TAINT_FLAGS.UNVERIFIED_LINK,
  executedBy: "node-a",
  now: 10,
};

Deno.test("sanitizer: sign, verify, round trip", () => {
  const r = createSanitizerReceipt(params, SEED);
  verifySanitizerReceipt(r, ed25519PublicKey(SEED));
  assert.deepEqual(decodeSanitizerReceipt(encodeSanitizerReceipt(r)), r);
  assert.deepEqual(r.header.refs, params.inputs);
});

Deno.test("sanitizer: wrong key, wrong signer id, tampered clears refused", () => {
  const r = createSanitizerReceipt(params, SEED);
  const pk = ed25519PublicKey(SEED);
  assert.throws(
    () => verifySanitizerReceipt(r, ed25519PublicKey(new Uint8Array(32))),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.throws(
    () => verifySanitizerReceipt({ ...r, clears: TAINT_FLAGS.PUBLIC_INPUT }, pk),
    (e) => isFcpError(e, "FCP-2001"),
  );
  assert.throws(
    () => verifySanitizerReceipt({ ...r, executedBy: "node-b" }, pk),
    (e) => isFcpError(e, "FCP-2001"),
  );
});

Deno.test("sanitizer: clearing nothing or unknown bits is refused", () => {
  assert.throws(
    () => createSanitizerReceipt({ ...params, clears: 0 }, SEED),
    (e) => isFcpError(e, "FCP-1013"),
  );
  assert.throws(
    () => createSanitizerReceipt({ ...params, clears: 1 << 20 }, SEED),
    (e) => isFcpError(e, "FCP-1013"),
  );
});
