/**
 * Conformance checks for `cose_tokens.json` (WIRE.md §6): the reference signer's claim map,
 * payload, protected header, Sig_structure, signature and token, byte for byte.
 *
 * @module
 */
import {
  type ClaimMap,
  coseSigStructure,
  decodeClaimsPayload,
  Ed25519Key,
  parseCoseSign1,
  signClaimMap,
} from "../../authority/mod.ts";
import type { CborValue } from "../../cbor/mod.ts";
import { encodeCbor } from "../../cbor/mod.ts";
import { fromHex, toHex } from "../../core/mod.ts";
import { expectEqual, expectHex, hex } from "../check.ts";
import type { AreaHandler, Vector } from "../types.ts";

interface ClaimInput {
  label: number;
  type: string;
  value: unknown;
}

function claimValue(c: ClaimInput): CborValue {
  switch (c.type) {
    case "tstr":
      if (typeof c.value === "string") return c.value;
      break;
    case "bstr":
      if (typeof c.value === "string") return fromHex(c.value, undefined, "bstr claim");
      break;
    case "uint":
    case "int":
      if (typeof c.value === "number") return c.value;
      if (typeof c.value === "string") return BigInt(c.value);
      break;
    case "tstr_array":
      if (Array.isArray(c.value) && c.value.every((x) => typeof x === "string")) {
        return c.value as string[];
      }
      break;
  }
  throw new TypeError(`claim ${c.label}: unsupported type ${c.type}`);
}

function claimInputs(v: Vector): ClaimMap {
  const claims = v.inputs.claims;
  if (!Array.isArray(claims)) throw new TypeError("inputs.claims must be an array");
  const m: ClaimMap = new Map();
  for (const c of claims as ClaimInput[]) {
    if (typeof c.label !== "number") throw new TypeError("claim label must be a number");
    m.set(c.label, claimValue(c));
  }
  return m;
}

function describe(
  label: number,
  value: CborValue,
): { label: number; type: string; value: unknown } {
  if (typeof value === "string") return { label, type: "tstr", value };
  if (value instanceof Uint8Array) return { label, type: "bstr", value: toHex(value) };
  if (typeof value === "number" || typeof value === "bigint") {
    return { label, type: value >= 0 ? "uint" : "int", value };
  }
  if (Array.isArray(value) && value.every((x) => typeof x === "string")) {
    return { label, type: "tstr_array", value };
  }
  throw new TypeError(`payload claim ${label} has an unsupported type`);
}

/** Handler for the `cose_tokens` area. */
export const handler: AreaHandler = {
  area: "cose_tokens",
  kinds: {
    cose_sign1_capability_token(v) {
      const key = new Ed25519Key(hex(v.inputs, "signing_secret_key_hex"));
      expectHex(v, "public_key_hex", key.publicKey);
      expectHex(v, "kid_hex", key.kid);
      const claims = claimInputs(v);
      if (v.expected.unsigned_claims_cbor_hex !== undefined) {
        expectHex(v, "unsigned_claims_cbor_hex", encodeCbor(claims));
      }
      const signed = signClaimMap(claims, key);
      expectHex(v, "payload_hex", signed.payload);
      expectHex(v, "protected_hex", signed.protectedBytes);
      expectHex(v, "sig_structure_hex", signed.sigStructure);
      expectHex(v, "signature_hex", signed.signature);
      expectHex(v, "token_hex", signed.token);
      // Parse back: the token's parts and claims, in encoded order.
      const parsed = parseCoseSign1(signed.token);
      expectHex(v, "sig_structure_hex", coseSigStructure(parsed.protectedBytes, parsed.payload));
      const { claimMap } = decodeClaimsPayload(parsed.payload);
      expectEqual(v, "payload_claims", [...claimMap].map(([l, x]) => describe(l, x)));
    },
  },
};
