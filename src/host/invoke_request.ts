/**
 * The InvokeRequest as a content-addressed object (spec §9.5): what a call asks for, so that
 * intents, receipts, decision receipts, audit events and approvals can all name it by one
 * ObjectId. The id covers the zone, connector, operation, a hash of the input, the token's jti
 * and the idempotency key: the same request presented again (same input, token and key) has the
 * same id, which is what lets an owner approve a specific request and the caller retry it.
 *
 * The input hash is BLAKE3 over the input's canonical JSON text (object keys sorted by UTF-16
 * code units, no white space, numbers as JavaScript prints them), documented in docs/wire.md.
 *
 * @module
 */
import { type CborValue, encodeCbor } from "../cbor/mod.ts";
import { FcpError, utf8 } from "../core/mod.ts";
import { blake3 } from "../crypto/mod.ts";
import {
  type ObjectId,
  objectIdKeyed,
  schemaHash,
  type SchemaId,
  type ZoneId,
} from "../model/mod.ts";

/** Schema of the request object. */
export const INVOKE_REQUEST_SCHEMA: SchemaId = {
  namespace: "fcp.host",
  name: "InvokeRequest",
  version: "1.0.0",
};

/**
 * Canonical JSON text of a JSON value (see the module comment). Refuses values JSON cannot
 * carry (`FCP-1040`): non-finite numbers, `undefined`, functions, cycles.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./invoke_request.ts";
 * import assert from "node:assert/strict";
 * assert.equal(canonicalJson({ b: [1, "x"], a: { d: null, c: true } }), '{"a":{"c":true,"d":null},"b":[1,"x"]}');
 * assert.throws(() => canonicalJson({ x: NaN }), /FCP-1040/);
 * ```
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown): string => {
    if (v === null) return "null";
    switch (typeof v) {
      case "boolean":
        return v ? "true" : "false";
      case "string":
        return JSON.stringify(v);
      case "number":
        if (!Number.isFinite(v)) throw new FcpError("FCP-1040", "input holds a non-finite number");
        return JSON.stringify(v);
      case "object": {
        if (seen.has(v)) throw new FcpError("FCP-1040", "input is cyclic");
        seen.add(v);
        const out = Array.isArray(v)
          ? `[${v.map(walk).join(",")}]`
          : `{${
            Object.keys(v).sort().map((k) =>
              `${JSON.stringify(k)}:${walk((v as Record<string, unknown>)[k])}`
            ).join(",")
          }}`;
        seen.delete(v);
        return out;
      }
      default:
        throw new FcpError("FCP-1040", `input holds a ${typeof v}, which JSON cannot carry`);
    }
  };
  return walk(value);
}

/**
 * BLAKE3-256 of the input's canonical JSON.
 *
 * @example
 * ```ts
 * import { inputHash } from "./invoke_request.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(inputHash({ a: 1, b: 2 }), inputHash({ b: 2, a: 1 }));
 * assert.notDeepEqual(inputHash({ a: 1 }), inputHash({ a: 2 }));
 * ```
 */
export function inputHash(input: unknown): Uint8Array {
  return measuredInputHash(input).hash;
}

/**
 * {@link inputHash} and the byte length of the canonical JSON it hashes (what a token's
 * `max_bytes` counts), from one serialization.
 *
 * @example
 * ```ts
 * import { inputHash, measuredInputHash } from "./invoke_request.ts";
 * import assert from "node:assert/strict";
 * const m = measuredInputHash({ b: 1, a: "x" });
 * assert.equal(m.size, '{"a":"x","b":1}'.length);
 * assert.deepEqual(m.hash, inputHash({ a: "x", b: 1 }));
 * ```
 */
export function measuredInputHash(input: unknown): { hash: Uint8Array; size: number } {
  const bytes = utf8(canonicalJson(input));
  return { hash: blake3(bytes), size: bytes.length };
}

/** The fields of a request object. */
export interface InvokeRequestFields {
  /** Zone of the call. */
  readonly zone: ZoneId;
  /** Connector id. */
  readonly connectorId: string;
  /** Operation id. */
  readonly operation: string;
  /** {@link inputHash} of the input. */
  readonly inputHash: Uint8Array;
  /** The token's jti (16 zero bytes without a token). */
  readonly tokenJti: Uint8Array;
  /** Idempotency key. */
  readonly idempotencyKey?: string;
}

function requestCbor(f: InvokeRequestFields): CborValue {
  return {
    zone_id: f.zone,
    connector_id: f.connectorId,
    operation: f.operation,
    input_hash: f.inputHash,
    token_jti: f.tokenJti,
    idempotency_key: f.idempotencyKey ?? null,
  };
}

/**
 * The request's zone-keyed ObjectId:
 * `objectIdKeyed(ObjectIdKey, zone, SchemaHash(InvokeRequest), C(fields))`.
 *
 * @example
 * ```ts
 * import { inputHash, requestObjectId } from "./invoke_request.ts";
 * import assert from "node:assert/strict";
 * const f = { zone: "z:work" as const, connectorId: "fcp.fs", operation: "fs_read",
 *   inputHash: inputHash({ path: "a" }), tokenJti: new Uint8Array(16) };
 * const key = new Uint8Array(32).fill(3);
 * assert.deepEqual(requestObjectId(f, key), requestObjectId({ ...f }, key));
 * assert.notDeepEqual(requestObjectId(f, key), requestObjectId({ ...f, idempotencyKey: "k" }, key));
 * ```
 */
export function requestObjectId(f: InvokeRequestFields, objectIdKey: Uint8Array): ObjectId {
  return objectIdKeyed(
    objectIdKey,
    f.zone,
    schemaHash(INVOKE_REQUEST_SCHEMA),
    encodeCbor(requestCbor(f)),
  );
}
