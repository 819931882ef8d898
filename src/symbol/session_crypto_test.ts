import assert from "node:assert/strict";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import { blake3Keyed, hmacSha256 } from "../crypto/mod.ts";
import {
  checkSessionSuite,
  deriveSessionKeys,
  directionByte,
  SESSION_SUITES,
  type SessionDirection,
  sessionKeyInfo,
  sessionMac,
  sessionMacInput,
  sessionMacKey,
  verifySessionMac,
} from "./session_crypto.ts";

const code = (c: string) => (e: unknown) => isFcpError(e) && e.code === c;

const ctx = {
  suite: 1 as const,
  sessionId: fromHex("88888888888888888888888888888888"),
  initiatorId: "node-initiator",
  responderId: "node-responder",
  helloNonce: fromHex("66666666666666666666666666666666"),
  ackNonce: fromHex("77777777777777777777777777777777"),
};

Deno.test("key schedule reproduces the session.json key_schedule vector", () => {
  const shared = fromHex("3c528e9fd39731b15d10de8feb5f71d3f65b73c993581dedb03315a9ed177730");
  const k = deriveSessionKeys(shared, ctx);
  assert.equal(
    toHex(k.kMacI2r),
    "c8dc8bad8b3bfa7dbb3b0cc437cc5382dfaa10330466dcdde872fec4364a5b99",
  );
  assert.equal(
    toHex(k.kMacR2i),
    "35f7018550eac5d221371f757a5112b8e5a03db70d2eda1624a6fee9962f5ad0",
  );
  assert.equal(toHex(k.kCtx), "a6605b54d13aceb435b9c7cf034ba4390e447100c5b232dbec402c207eee3bbb");
  assert.equal(sessionMacKey(k, "i2r"), k.kMacI2r);
  assert.equal(sessionMacKey(k, "r2i"), k.kMacR2i);
});

Deno.test("every bound input changes the keys (suite, ids, nonces, session id)", () => {
  const shared = new Uint8Array(32).fill(9);
  const base = toHex(deriveSessionKeys(shared, ctx).kCtx);
  const variants = [
    { ...ctx, suite: 2 as const },
    { ...ctx, initiatorId: "node-initiatoR" },
    { ...ctx, responderId: "node-responder2" },
    // lp32 framing: moving a byte between the ids changes the info.
    { ...ctx, initiatorId: "node-initiatorn", responderId: "ode-responder" },
    { ...ctx, helloNonce: new Uint8Array(16) },
    { ...ctx, ackNonce: new Uint8Array(16) },
    { ...ctx, sessionId: new Uint8Array(16) },
  ];
  for (const v of variants) assert.notEqual(toHex(deriveSessionKeys(shared, v).kCtx), base);
});

Deno.test("key schedule refusals", () => {
  assert.throws(() => deriveSessionKeys(new Uint8Array(31), ctx), code("FCP-2002"));
  assert.throws(
    () => deriveSessionKeys(new Uint8Array(32), { ...ctx, sessionId: new Uint8Array(15) }),
    code("FCP-1040"),
  );
  assert.throws(() => sessionKeyInfo({ ...ctx, helloNonce: new Uint8Array(17) }), code("FCP-1040"));
  assert.throws(() => sessionKeyInfo({ ...ctx, suite: 3 as unknown as 1 }), code("FCP-1040"));
});

Deno.test("suites and directions", () => {
  assert.equal(SESSION_SUITES.HMAC_SHA256, 1);
  assert.equal(SESSION_SUITES.BLAKE3, 2);
  assert.throws(() => checkSessionSuite(0), code("FCP-1040"));
  assert.equal(directionByte("i2r"), 0);
  assert.equal(directionByte("r2i"), 1);
  assert.throws(() => directionByte("x2y" as SessionDirection), code("FCP-1040"));
});

Deno.test("MAC is HMAC-SHA256 / keyed BLAKE3 over the input, truncated to 16", () => {
  const key = new Uint8Array(32).fill(5);
  const sid = new Uint8Array(16).fill(1);
  const frame = new Uint8Array(1160).map((_, i) => i & 0xff);
  const input = sessionMacInput(sid, "r2i", 0xfffffffffffffffen, frame);
  assert.equal(input[16], 1);
  assert.deepEqual(
    sessionMac(1, key, sid, "r2i", 0xfffffffffffffffen, frame),
    hmacSha256(key, input).subarray(0, 16),
  );
  assert.deepEqual(
    sessionMac(2, key, sid, "r2i", 0xfffffffffffffffen, frame),
    blake3Keyed(key, input).subarray(0, 16),
  );
});

Deno.test("MAC refusals: bad key, seq, session id; a wrong MAC is FCP-1024", () => {
  const key = new Uint8Array(32).fill(5);
  const sid = new Uint8Array(16);
  const f = new Uint8Array(3);
  for (const suite of [1, 2] as const) {
    assert.throws(() => sessionMac(suite, new Uint8Array(16), sid, "i2r", 1n, f), code("FCP-2002"));
    assert.throws(() => sessionMac(suite, key, new Uint8Array(8), "i2r", 1n, f), code("FCP-1040"));
    assert.throws(() => sessionMac(suite, key, sid, "i2r", 1n << 64n, f), code("FCP-1040"));
    const mac = sessionMac(suite, key, sid, "i2r", 1n, f);
    assert.throws(() => verifySessionMac(suite, key, sid, "i2r", 2n, f, mac), code("FCP-1024"));
    assert.throws(
      () => verifySessionMac(suite, key, sid, "i2r", 1n, f, mac.subarray(0, 15)),
      code("FCP-1024"),
    );
    assert.throws(
      () => verifySessionMac(suite, key, sid, "i2r", 1n, new Uint8Array(4), mac),
      code("FCP-1024"),
    );
  }
});
