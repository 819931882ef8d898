/**
 * Conformance checks for `operation.json` (WIRE.md §5b): OperationIntent and OperationReceipt
 * header CBOR and signable transcripts.
 *
 * @module
 */
import { utf8 } from "../../core/mod.ts";
import { encodeObjectHeader, objectIdUnscoped } from "../../model/mod.ts";
import {
  intentSignableBytes,
  receiptSignableBytes,
  type UnsignedOperationIntent,
  type UnsignedOperationReceipt,
  uuidToBytes,
} from "../../authority/mod.ts";
import { expectHex, hex, num, str } from "../check.ts";
import type { Vector } from "../types.ts";
import type { AreaHandler } from "../types.ts";
import { headerInput, hexList } from "./_model_inputs.ts";

function optText(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "string") throw new TypeError(`field ${key} must be a string or null`);
  return v;
}

function optNum(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "number") throw new TypeError(`field ${key} must be a number or null`);
  return v;
}

/** The request object id: derived from `request_object_id_from_utf8` when given. */
function requestId(v: Vector): Uint8Array {
  const from = optText(v.inputs, "request_object_id_from_utf8");
  const id = from === undefined
    ? hex(v.inputs, "request_object_id_hex")
    : objectIdUnscoped(utf8(from));
  if ("request_object_id_hex" in v.expected) expectHex(v, "request_object_id_hex", id);
  return id;
}

/** Handler for the `operation` area. */
export const handler: AreaHandler = {
  area: "operation",
  kinds: {
    operation_intent(v) {
      const header = headerInput(v.inputs);
      expectHex(v, "header_cbor_hex", encodeObjectHeader(header));
      const jti = uuidToBytes(str(v.inputs, "capability_token_jti_uuid"));
      expectHex(v, "capability_token_jti_hex", jti);
      const idem = optText(v.inputs, "idempotency_key");
      const lease = optNum(v.inputs, "lease_seq");
      const up = optText(v.inputs, "upstream_idempotency");
      const intent: UnsignedOperationIntent = {
        header,
        requestObjectId: requestId(v),
        capabilityTokenJti: jti,
        ...(idem === undefined ? {} : { idempotencyKey: idem }),
        plannedAt: num(v.inputs, "planned_at"),
        plannedBy: str(v.inputs, "planned_by"),
        ...(lease === undefined ? {} : { leaseSeq: lease }),
        ...(up === undefined ? {} : { upstreamIdempotency: up }),
      };
      expectHex(v, "signable_bytes_hex", intentSignableBytes(intent));
    },
    operation_receipt(v) {
      const header = headerInput(v.inputs);
      expectHex(v, "header_cbor_hex", encodeObjectHeader(header));
      if (v.inputs.usage_metrics !== null && v.inputs.usage_metrics !== undefined) {
        throw new TypeError("usage_metrics inputs are not supported by this handler");
      }
      const idem = optText(v.inputs, "idempotency_key");
      const receipt: UnsignedOperationReceipt = {
        header,
        requestObjectId: requestId(v),
        ...(idem === undefined ? {} : { idempotencyKey: idem }),
        outcomeObjectIds: hexList(v.inputs.outcome_object_ids_hex),
        resourceObjectIds: hexList(v.inputs.resource_object_ids_hex),
        executedAt: num(v.inputs, "executed_at"),
        executedBy: str(v.inputs, "executed_by"),
      };
      expectHex(v, "signable_bytes_hex", receiptSignableBytes(receipt));
    },
  },
};
