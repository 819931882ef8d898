/**
 * `deno bench` for the canonical CBOR layer: encode and decode of an ObjectHeader-like value
 * (WIRE.md §4 shape, no ttl/placement).
 *
 * @module
 */
import { type CborValue, decodeCbor, encodeCbor, encodePrefixed } from "../src/cbor/mod.ts";

const header: CborValue = {
  refs: [new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x22)],
  schema: { namespace: "fcp.core", name: "OperationReceipt", version: "1.0.0" },
  "zone_id": "z:work",
  "created_at": 1700000000,
  provenance: { "origin_zone": "z:work", chain: [], taint: "Untainted", elevated: false },
  "foreign_refs": [],
};
const bytes = encodeCbor(header);
const prefix = new Uint8Array(32).fill(0xaa);
const big: CborValue = { items: Array.from({ length: 1000 }, () => header) };
const bigBytes = encodeCbor(big);

Deno.bench("encode ObjectHeader", { group: "header", baseline: true }, () => {
  encodeCbor(header);
});

Deno.bench("encodePrefixed ObjectHeader", { group: "header" }, () => {
  encodePrefixed(prefix, header);
});

Deno.bench("decode ObjectHeader (strict, with re-encode check)", { group: "header" }, () => {
  decodeCbor(bytes);
});

Deno.bench("decode ObjectHeader (canonical: false)", { group: "header" }, () => {
  decodeCbor(bytes, { canonical: false });
});

Deno.bench(`encode 1000 headers (${bigBytes.length} bytes)`, { group: "bulk" }, () => {
  encodeCbor(big);
});

Deno.bench(`decode 1000 headers (${bigBytes.length} bytes)`, { group: "bulk" }, () => {
  decodeCbor(bigBytes);
});
