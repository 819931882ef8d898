import assert from "node:assert/strict";
import { encodeCbor } from "../cbor/mod.ts";
import { fromHex, isFcpError } from "../core/mod.ts";
import {
  decodeHelloRetry,
  decodeSessionAck,
  decodeSessionHello,
  encodeHelloRetry,
  encodeSessionAck,
  encodeSessionHello,
  type MeshSessionAck,
  type MeshSessionHello,
  SESSION_MESSAGE_MAX_BYTES,
} from "./session_messages.ts";

const code = (c: string) => (e: unknown) => isFcpError(e) && e.code === c;

const hello: MeshSessionHello = {
  from: "node-initiator",
  to: "node-responder",
  ephPubkey: new Uint8Array(32).fill(1),
  nonce: new Uint8Array(16).fill(2),
  cookie: new Uint8Array(32).fill(3),
  timestamp: 1704067200,
  suites: [1, 2],
  transportLimits: 1200,
  signature: new Uint8Array(64).fill(4),
};

const ack: MeshSessionAck = {
  from: "node-responder",
  to: "node-initiator",
  ephPubkey: new Uint8Array(32).fill(5),
  nonce: new Uint8Array(16).fill(6),
  sessionId: new Uint8Array(16).fill(7),
  suite: 2,
  timestamp: 1704067205,
  signature: new Uint8Array(64).fill(8),
};

/** The wire map of the hello, to mutate. */
function helloMap(): Record<string, unknown> {
  return {
    from: hello.from,
    to: hello.to,
    eph_pubkey: hello.ephPubkey,
    nonce: hello.nonce,
    cookie: hello.cookie,
    timestamp: hello.timestamp,
    suites: [1, 2],
    transport_limits: 1200,
    signature: hello.signature,
  };
}

function enc(m: Record<string, unknown>): Uint8Array {
  return encodeCbor(m as Parameters<typeof encodeCbor>[0]);
}

Deno.test("hello, ack and retry round-trip with all and with no optional fields", () => {
  assert.deepEqual(decodeSessionHello(encodeSessionHello(hello)), hello);
  const bare: MeshSessionHello = {
    from: "a",
    to: "b",
    ephPubkey: hello.ephPubkey,
    nonce: hello.nonce,
    timestamp: 0,
    suites: [2],
  };
  const bytes = encodeSessionHello(bare);
  assert.deepEqual(decodeSessionHello(bytes), bare);
  assert.equal(Object.keys(decodeSessionHello(bytes)).length, 6);
  assert.deepEqual(decodeSessionAck(encodeSessionAck(ack)), ack);
  const { signature: _s, ...unsignedAck } = ack;
  assert.deepEqual(decodeSessionAck(encodeSessionAck(unsignedAck)), unsignedAck);
  const retry = { from: "r", to: "i", cookie: new Uint8Array(32).fill(9), timestamp: 17 };
  assert.deepEqual(decodeHelloRetry(encodeHelloRetry(retry)), retry);
});

Deno.test("the session.json hello-retry CBOR decodes and re-encodes", () => {
  const hex =
    "a462746f75696e69746961746f722e6d6573682e74732e6e65746466726f6d75726573706f6e6465722e6d6573682e74732e6e657466636f6f6b69655820deadbeefcafebabedeadbeefcafebabedeadbeefcafebabedeadbeefcafebabe6974696d657374616d701a6553f100";
  const r = decodeHelloRetry(fromHex(hex));
  assert.equal(r.from, "responder.mesh.ts.net");
  assert.equal(r.timestamp, 1700000000);
  assert.deepEqual(encodeHelloRetry(r), fromHex(hex));
});

Deno.test("strict decode: null for an absent field, unknown keys, wrong shapes are FCP-1013", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["cookie null", { ...helloMap(), cookie: null }],
    ["transport_limits null", { ...helloMap(), transport_limits: null }],
    ["signature null", { ...helloMap(), signature: null }],
    ["unknown key", { ...helloMap(), extra: 1 }],
    ["eph 33", { ...helloMap(), eph_pubkey: new Uint8Array(33) }],
    ["nonce 15", { ...helloMap(), nonce: new Uint8Array(15) }],
    ["cookie 31", { ...helloMap(), cookie: new Uint8Array(31) }],
    ["signature 63", { ...helloMap(), signature: new Uint8Array(63) }],
    ["eph as text", { ...helloMap(), eph_pubkey: "00" }],
    ["from as bytes", { ...helloMap(), from: new Uint8Array(1) }],
    ["suite 3", { ...helloMap(), suites: [1, 3] }],
    ["suites not array", { ...helloMap(), suites: 1 }],
    ["transport_limits 65536", { ...helloMap(), transport_limits: 65536 }],
    ["transport_limits map", { ...helloMap(), transport_limits: { max_datagram_bytes: 1200 } }],
    ["negative timestamp", { ...helloMap(), timestamp: -1 }],
    ["huge timestamp", { ...helloMap(), timestamp: 2n ** 60n }],
    ["missing timestamp", { ...helloMap(), timestamp: undefined }],
    ["missing suites", { ...helloMap(), suites: undefined }],
  ];
  for (const [name, m] of cases) {
    assert.throws(() => decodeSessionHello(enc(m)), code("FCP-1013"), name);
  }
  assert.throws(
    () => decodeSessionHello(enc({ ...helloMap(), nonce: undefined })),
    code("FCP-1013"),
  );
  assert.throws(() => decodeSessionHello(encodeCbor([1, 2])), code("FCP-1013"));
});

Deno.test("strict decode: non-canonical CBOR and trailing bytes are refused", () => {
  const good = encodeSessionHello(hello);
  // Keys out of canonical order.
  const reordered = encodeCbor(
    {
      to: hello.to,
      from: hello.from,
      nonce: hello.nonce,
      timestamp: hello.timestamp,
      suites: [1, 2],
      eph_pubkey: hello.ephPubkey,
    },
    { preserveKeyOrder: true },
  );
  assert.throws(() => decodeSessionHello(reordered), code("FCP-1002"));
  // A non-shortest integer: 1200 as a 4-byte uint.
  const i = good.length - 2;
  assert.equal(good[i - 1], 0x19);
  const long = new Uint8Array(good.length + 2);
  long.set(good.subarray(0, i - 1));
  long.set([0x1a, 0, 0, good[i]!, good[i + 1]!], i - 1);
  assert.throws(() => decodeSessionHello(long), code("FCP-1002"));
  const trailing = new Uint8Array(good.length + 1);
  trailing.set(good);
  assert.throws(() => decodeSessionHello(trailing), code("FCP-1009"));
  assert.throws(() => decodeSessionHello(good.subarray(0, good.length - 1)), code("FCP-1001"));
});

Deno.test("messages above 16 KiB are refused (FCP-1008) on decode and encode", () => {
  const long = "x".repeat(SESSION_MESSAGE_MAX_BYTES);
  assert.throws(() => encodeSessionHello({ ...hello, from: long }), code("FCP-1008"));
  const bytes = enc({ ...helloMap(), from: long });
  assert.throws(() => decodeSessionHello(bytes), code("FCP-1008"));
  assert.throws(() => decodeSessionAck(bytes), code("FCP-1008"));
  assert.throws(() => decodeHelloRetry(bytes), code("FCP-1008"));
});

Deno.test("ack and retry strict decode", () => {
  const map = {
    from: ack.from,
    to: ack.to,
    "eph_pubkey": ack.ephPubkey,
    nonce: ack.nonce,
    "session_id": ack.sessionId,
    suite: 2,
    timestamp: ack.timestamp,
  };
  decodeSessionAck(enc(map));
  for (
    const m of [
      { ...map, suite: 0 },
      { ...map, suite: [1] },
      { ...map, session_id: new Uint8Array(32) },
      { ...map, signature: null },
      { ...map, cookie: new Uint8Array(32) },
      { ...map, session_id: undefined },
    ]
  ) {
    assert.throws(() => decodeSessionAck(enc(m)), code("FCP-1013"));
  }
  const retry = { from: "r", to: "i", cookie: new Uint8Array(32), timestamp: 1 };
  decodeHelloRetry(enc(retry));
  assert.throws(() => decodeHelloRetry(enc({ ...retry, cookie: undefined })), code("FCP-1013"));
  assert.throws(
    () => decodeHelloRetry(enc({ ...retry, cookie: new Uint8Array(16) })),
    code("FCP-1013"),
  );
  assert.throws(
    () => decodeHelloRetry(enc({ ...retry, nonce: new Uint8Array(16) })),
    code("FCP-1013"),
  );
});

Deno.test("encoders refuse malformed fields with FCP-1040", () => {
  const bad: Partial<MeshSessionHello>[] = [
    { ephPubkey: new Uint8Array(31) },
    { nonce: new Uint8Array(17) },
    { cookie: new Uint8Array(0) },
    { signature: new Uint8Array(65) },
    { timestamp: -1 },
    { timestamp: 1.5 },
    { transportLimits: 70000 },
    { suites: [3 as 1] },
  ];
  for (const over of bad) {
    assert.throws(
      () => encodeSessionHello({ ...hello, ...over }),
      code("FCP-1040"),
      Object.keys(over)[0],
    );
  }
  assert.throws(() => encodeSessionAck({ ...ack, sessionId: new Uint8Array(8) }), code("FCP-1040"));
  assert.throws(() => encodeSessionAck({ ...ack, suite: 0 as 1 }), code("FCP-1040"));
  assert.throws(
    () => encodeHelloRetry({ from: "a", to: "b", cookie: new Uint8Array(31), timestamp: 0 }),
    code("FCP-1040"),
  );
});
