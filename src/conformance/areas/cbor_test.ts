import assert from "node:assert/strict";
import type { VectorFile } from "../types.ts";
import { handler } from "./cbor.ts";

const file: VectorFile = JSON.parse(
  await Deno.readTextFile(new URL("../../../../shared/interop/cbor.json", import.meta.url)),
);

Deno.test("every cbor.json vector passes the cbor handler", async () => {
  assert.equal(file.area, "cbor");
  let checked = 0;
  for (const v of file.vectors) {
    const check = handler.kinds[v.kind];
    assert.ok(check, `no check for kind ${v.kind}`);
    await check(v);
    checked++;
  }
  assert.equal(checked, file.vectors.length);
  assert.ok(checked >= 28);
});

Deno.test("the cbor handler fails when an expected byte or a reject vector is wrong", async () => {
  const enc = file.vectors.find((v) => v.kind === "cbor_encode" && v.inputs.type === "nint")!;
  const h = String(enc.expected.cbor_hex);
  const bad = { ...enc, expected: { cbor_hex: h.slice(0, -1) + (h.endsWith("0") ? "1" : "0") } };
  await assert.rejects(async () => await handler.kinds.cbor_encode!(bad), /cbor_hex/);

  const order = file.vectors.find((v) => v.kind === "cbor_map_key_order")!;
  const wrongOrder = {
    ...order,
    expected: {
      ...order.expected,
      sorted_keys: [...(order.expected.sorted_keys as string[])].reverse(),
    },
  };
  await assert.rejects(
    async () => await handler.kinds.cbor_map_key_order!(wrongOrder),
    /sorted_keys/,
  );

  const reject = file.vectors.find((v) => v.kind === "cbor_reject")!;
  const accepted = { ...reject, inputs: { cbor_hex: "00" } };
  await assert.rejects(async () => await handler.kinds.cbor_reject!(accepted), /rejected/);

  const payload = file.vectors.find((v) => v.kind === "cbor_canonical_payload")!;
  const hex = String(payload.expected.payload_hex);
  const badPayload = {
    ...payload,
    expected: { ...payload.expected, payload_hex: hex.slice(0, -2) + "f4" },
  };
  await assert.rejects(
    async () => await handler.kinds.cbor_canonical_payload!(badPayload),
    /payload_hex/,
  );
});
