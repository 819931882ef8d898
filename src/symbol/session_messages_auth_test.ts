import assert from "node:assert/strict";
import { fromHex, isFcpError, toHex } from "../core/mod.ts";
import { ed25519PublicKey, x25519PublicKey } from "../crypto/mod.ts";
import {
  ackTranscript,
  computeHelloCookie,
  helloCookieInput,
  helloTranscript,
  signSessionAck,
  signSessionHello,
  verifyHelloCookie,
  verifySessionAck,
  verifySessionHello,
} from "./session_messages_auth.ts";
import type { MeshSessionAck, MeshSessionHello } from "./session_messages.ts";

const code = (c: string) => (e: unknown) => isFcpError(e) && e.code === c;

const iSeed = new Uint8Array(32).fill(0x11);
const rSeed = new Uint8Array(32).fill(0x22);

const hello: MeshSessionHello = {
  from: "node-initiator",
  to: "node-responder",
  ephPubkey: x25519PublicKey(new Uint8Array(32).fill(0x33)),
  nonce: new Uint8Array(16).fill(0x66),
  timestamp: 1704067200,
  suites: [1, 2],
  transportLimits: 1200,
};

const ack: MeshSessionAck = {
  from: "node-responder",
  to: "node-initiator",
  ephPubkey: x25519PublicKey(new Uint8Array(32).fill(0x44)),
  nonce: new Uint8Array(16).fill(0x77),
  sessionId: new Uint8Array(16).fill(0x88),
  suite: 1,
  timestamp: 1704067205,
};

Deno.test("hello transcript matches the session.json vector bytes", () => {
  assert.equal(
    toHex(helloTranscript(hello)),
    "464350322d48454c4c4f2d56316e6e6f64652d696e69746961746f726e6e6f64652d726573706f6e64657258207b0d47d93427f8311160781c7c733fd89f88970aef490d8aa0ee19a4cb8a1b145066666666666666666666666666666666f61a659200808201021904b0",
  );
});

Deno.test("the transcript excludes the signature and encodes absent fields as null", () => {
  const signed = signSessionHello(hello, iSeed);
  assert.deepEqual(helloTranscript(signed), helloTranscript(hello));
  const { transportLimits: _t, ...noLimits } = hello;
  const t = helloTranscript(noLimits);
  assert.equal(t[t.length - 1], 0xf6);
  const withCookie = helloTranscript({ ...hello, cookie: new Uint8Array(32).fill(9) });
  assert.notDeepEqual(withCookie, helloTranscript(hello));
  // transport_limits 0 is present (0x00), not null.
  const zero = helloTranscript({ ...hello, transportLimits: 0 });
  assert.equal(zero[zero.length - 1], 0x00);
});

Deno.test("hello signatures: verify, and every field is covered", () => {
  const signed = signSessionHello(hello, iSeed);
  const pk = ed25519PublicKey(iSeed);
  verifySessionHello(signed, pk);
  const changes: Partial<MeshSessionHello>[] = [
    { from: "node-initiatoR" },
    { to: "x" },
    { ephPubkey: new Uint8Array(32) },
    { nonce: new Uint8Array(16) },
    { cookie: new Uint8Array(32) },
    { timestamp: hello.timestamp + 1 },
    { suites: [2, 1] },
    { transportLimits: 1201 },
  ];
  for (const c of changes) {
    assert.throws(
      () => verifySessionHello({ ...signed, ...c }, pk),
      code("FCP-2001"),
      Object.keys(c)[0],
    );
  }
  assert.throws(() => verifySessionHello(signed, ed25519PublicKey(rSeed)), code("FCP-2001"));
  assert.throws(() => verifySessionHello(hello, pk), code("FCP-2001"));
  assert.throws(() => verifySessionHello(signed, new Uint8Array(31)), code("FCP-2002"));
});

Deno.test("ack signatures bind the hello's ephemeral key and nonce", () => {
  const bound = { ephPubkey: hello.ephPubkey, nonce: hello.nonce };
  const signed = signSessionAck(ack, bound, rSeed);
  assert.equal(
    toHex(signed.signature!),
    "eee2ffb96e73ef7fb9b369ebac5beb3f1104346c6388ea9027d166b0a709da0c4ddd671812dc9dbf8d46aadfd29cd27211090a072c98bbf695ea715d40db9000",
  );
  const pk = ed25519PublicKey(rSeed);
  verifySessionAck(signed, bound, pk);
  assert.throws(
    () => verifySessionAck(signed, { ...bound, nonce: new Uint8Array(16) }, pk),
    code("FCP-2001"),
  );
  assert.throws(
    () => verifySessionAck(signed, { ...bound, ephPubkey: ack.ephPubkey }, pk),
    code("FCP-2001"),
  );
  assert.throws(() => verifySessionAck({ ...signed, suite: 2 }, bound, pk), code("FCP-2001"));
  assert.throws(
    () => verifySessionAck({ ...signed, sessionId: new Uint8Array(16) }, bound, pk),
    code("FCP-2001"),
  );
  assert.throws(() => verifySessionAck(ack, bound, pk), code("FCP-2001"));
  assert.throws(
    () => ackTranscript(ack, { ...bound, nonce: new Uint8Array(15) }),
    code("FCP-1040"),
  );
});

Deno.test("cookie matches the session.json vector and covers its fields", () => {
  const key = fromHex("5555555555555555555555555555555555555555555555555555555555555555");
  const cookie = computeHelloCookie(key, hello);
  assert.equal(toHex(cookie), "5c9bffd15b2e9f4cb229965e89b90c8e4cea059d14ba032b7012253a55e6babf");
  verifyHelloCookie(key, { ...hello, cookie });
  // The cookie is not over the cookie itself or the signature.
  const full: MeshSessionHello = { ...hello, cookie, signature: new Uint8Array(64) };
  assert.deepEqual(helloCookieInput(full), helloCookieInput(hello));
  const changes: Partial<MeshSessionHello>[] = [
    { from: "a" },
    { to: "b" },
    { ephPubkey: new Uint8Array(32) },
    { nonce: new Uint8Array(16) },
    { timestamp: 1 },
    { suites: [1] },
    { transportLimits: undefined },
  ];
  for (const c of changes) {
    assert.throws(
      () => verifyHelloCookie(key, { ...hello, cookie, ...c }),
      code("FCP-1024"),
      Object.keys(c)[0],
    );
  }
  assert.throws(
    () => verifyHelloCookie(new Uint8Array(32), { ...hello, cookie }),
    code("FCP-1024"),
  );
  assert.throws(() => verifyHelloCookie(key, hello), code("FCP-1024"));
  assert.throws(() => computeHelloCookie(new Uint8Array(16), hello), code("FCP-2002"));
});
