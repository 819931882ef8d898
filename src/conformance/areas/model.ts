/**
 * Conformance checks for the project's golden `vectors/model.json`: ZoneIdHash, Tailscale tags,
 * SchemaHashes, ObjectHeader CBOR (with every optional field), key ids, epoch ids, and one
 * header through the whole signing path (CBOR → `FCP2-SIGN-V1` bytes → Ed25519, WIRE.md §5a).
 *
 * @module
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "../../crypto/mod.ts";
import {
  encodeObjectHeader,
  epochAt,
  epochText,
  fcp2SigningBytes,
  keyId,
  schemaHash,
  zoneToTailscaleTag,
} from "../../model/mod.ts";
import { expectEqual, expectHex, hex, num, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch } from "../types.ts";
import { headerInput, schemaInput } from "./_model_inputs.ts";
import { handler as zoneIdHash } from "./zone_id_hash.ts";

/** Handler for the `model` golden area. */
export const handler: AreaHandler = {
  area: "model",
  kinds: {
    ...zoneIdHash.kinds,
    zone_tailscale_tag(v) {
      expectEqual(v, "tag", zoneToTailscaleTag(str(v.inputs, "zone_id")));
    },
    schema_hash_only(v) {
      expectHex(v, "schema_hash_hex", schemaHash(schemaInput(v.inputs)));
    },
    object_header_cbor(v) {
      expectHex(v, "header_cbor_hex", encodeObjectHeader(headerInput(v.inputs)));
    },
    key_id(v) {
      expectHex(v, "kid_hex", keyId(hex(v.inputs, "public_key_hex")));
    },
    epoch_id(v) {
      const epoch = epochAt(num(v.inputs, "unix_secs"), num(v.inputs, "granularity_secs"));
      expectEqual(v, "epoch_id", epochText(epoch));
    },
    signed_header(v) {
      const cbor = encodeObjectHeader(headerInput(v.inputs));
      expectHex(v, "header_cbor_hex", cbor);
      const message = fcp2SigningBytes(str(v.inputs, "schema_id"), cbor);
      expectHex(v, "signing_bytes_hex", message);
      const seed = hex(v.inputs, "secret_key_hex");
      const publicKey = ed25519PublicKey(seed);
      expectHex(v, "public_key_hex", publicKey);
      expectHex(v, "kid_hex", keyId(publicKey));
      expectHex(v, "signature_hex", ed25519Sign(seed, message));
      if (!ed25519Verify(publicKey, message, hex(v.expected, "signature_hex"))) {
        throw new ConformanceMismatch("signature_hex (strict verify)", "valid", "invalid");
      }
    },
  },
};
