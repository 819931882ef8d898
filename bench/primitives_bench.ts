/**
 * The foundation's primitives (issue 2), each beside the alternative it was chosen over
 * (docs/dependencies.md): canonical CBOR encode/decode of a typical ObjectHeader through the
 * model layer, BLAKE3 and SHA-256 of 1 MiB, Ed25519 sign and strict verify of 200 bytes.
 * In every group the baseline is the implementation fcp uses; rows named `alt:` are the
 * alternatives. Figures are recorded in docs/perf.md.
 *
 * `deno bench --allow-all bench/primitives_bench.ts`
 *
 * @module
 */
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { ed25519 as nobleEd25519 } from "@noble/curves/ed25519.js";
import { decodePrefixed, encodePrefixed } from "../src/cbor/mod.ts";
import { concatBytes } from "../src/core/mod.ts";
import { blake3, ed25519PublicKey, ed25519Sign, ed25519Verify, sha256 } from "../src/crypto/mod.ts";
import {
  decodeObjectHeader,
  encodeObjectHeader,
  headerToCbor,
  type ObjectHeader,
  objectIdUnscoped,
  schemaHash,
} from "../src/model/mod.ts";

// A typical header: an operation receipt in z:work with two same-zone refs and one
// provenance step (WIRE.md §4 shape, 327 bytes).
const header: ObjectHeader = {
  schema: { namespace: "fcp.operation", name: "receipt", version: "1.0.0" },
  zoneId: "z:work",
  createdAt: 1_767_225_600,
  provenance: {
    originZone: "z:work",
    chain: [{
      timestampMs: 1_767_225_600_123,
      zone: "z:work",
      actor: "node-a",
      action: "invoke",
      resource: "fcp.http:get",
    }],
    taint: "Untainted",
    elevated: false,
  },
  refs: [objectIdUnscoped(new Uint8Array([1])), objectIdUnscoped(new Uint8Array([2]))],
  foreignRefs: [],
};
const headerBytes = encodeObjectHeader(header);
const headerHash = schemaHash(header.schema);
const prefixed = encodePrefixed(headerHash, headerToCbor(header));

Deno.bench(`encode ObjectHeader (${headerBytes.length} B, model → canonical CBOR)`, {
  group: "object-header",
  baseline: true,
}, () => {
  encodeObjectHeader(header);
});
Deno.bench("decode ObjectHeader (strict decode, re-encode check, shape check)", {
  group: "object-header",
}, () => {
  decodeObjectHeader(headerBytes);
});
Deno.bench("encode SchemaHash-prefixed ObjectHeader", { group: "object-header" }, () => {
  encodePrefixed(headerHash, headerToCbor(header));
});
Deno.bench("decode SchemaHash-prefixed ObjectHeader (prefix check + strict)", {
  group: "object-header",
}, () => {
  decodePrefixed(prefixed, headerHash);
});

const MiB = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);

Deno.bench("BLAKE3 1 MiB (blake3-jit, via src/crypto)", {
  group: "blake3-1MiB",
  baseline: true,
}, () => {
  blake3(MiB);
});
Deno.bench("alt: BLAKE3 1 MiB (@noble/hashes)", { group: "blake3-1MiB" }, () => {
  nobleBlake3(MiB);
});

Deno.bench("SHA-256 1 MiB (node:crypto, via src/crypto)", {
  group: "sha256-1MiB",
  baseline: true,
}, () => {
  sha256(MiB);
});
Deno.bench("alt: SHA-256 1 MiB (WebCrypto, async)", { group: "sha256-1MiB" }, async () => {
  await crypto.subtle.digest("SHA-256", MiB);
});
Deno.bench("alt: SHA-256 1 MiB (@noble/hashes)", { group: "sha256-1MiB" }, () => {
  nobleSha256(MiB);
});

const seed = new Uint8Array(32).fill(7);
const publicKey = ed25519PublicKey(seed);
const message = MiB.subarray(0, 200);
const signature = new Uint8Array(ed25519Sign(seed, message));

// WebCrypto wants PKCS#8 for a private key: the fixed RFC 8410 prefix, then the seed.
const PKCS8_PREFIX = new Uint8Array([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);
// (`new Uint8Array(x)` copies into a plain ArrayBuffer, as WebCrypto's types want.)
const webSigningKey = await crypto.subtle.importKey(
  "pkcs8",
  new Uint8Array(concatBytes(PKCS8_PREFIX, seed)),
  "Ed25519",
  false,
  ["sign"],
);
const webVerifyKey = await crypto.subtle.importKey(
  "raw",
  new Uint8Array(publicKey),
  "Ed25519",
  false,
  [
    "verify",
  ],
);

Deno.bench("Ed25519 sign 200 B (node:crypto, cached key)", {
  group: "ed25519-sign",
  baseline: true,
}, () => {
  ed25519Sign(seed, message);
});
Deno.bench("alt: Ed25519 sign 200 B (WebCrypto, imported key)", {
  group: "ed25519-sign",
}, async () => {
  await crypto.subtle.sign("Ed25519", webSigningKey, message);
});
Deno.bench("alt: Ed25519 sign 200 B (@noble/curves)", { group: "ed25519-sign" }, () => {
  nobleEd25519.sign(message, seed);
});

Deno.bench("Ed25519 verify 200 B (node:crypto + strict prechecks)", {
  group: "ed25519-verify",
  baseline: true,
}, () => {
  if (!ed25519Verify(publicKey, message, signature)) throw new Error("verify failed");
});
Deno.bench("alt: Ed25519 verify 200 B (WebCrypto, not strict)", {
  group: "ed25519-verify",
}, async () => {
  if (!await crypto.subtle.verify("Ed25519", webVerifyKey, signature, message)) {
    throw new Error("verify failed");
  }
});
Deno.bench("alt: Ed25519 verify 200 B (@noble/curves, zip215: false)", {
  group: "ed25519-verify",
}, () => {
  if (!nobleEd25519.verify(signature, message, publicKey, { zip215: false })) {
    throw new Error("verify failed");
  }
});
