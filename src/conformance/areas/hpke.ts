/**
 * Conformance checks for `hpke.json` (WIRE.md §7, spec §3.6.1): the profile constants, the
 * canonical-CBOR AAD, and the deterministic seal with every intermediate of RFC 9180
 * (ephemeral key, enc, KEM shared secret, key schedule, ciphertext, raw box).
 *
 * The seal is checked twice: through the production path (`sealForRecipient`, backed by
 * `@hpke/core`) and through the crypto layer's independent key-schedule trace; both must equal
 * the vector, and the box must open again with the recipient key.
 *
 * @module
 */
import {
  HPKE_PURPOSES,
  hpkeAad,
  type HpkeAadParams,
  type HpkePurpose,
  openSealed,
  sealedBoxToRaw,
  sealForRecipient,
  seededEphemeralIkm,
} from "../../authority/mod.ts";
import { toHex, utf8 } from "../../core/mod.ts";
import {
  HPKE_AEAD_ID,
  HPKE_INFO,
  HPKE_KDF_ID,
  HPKE_KEM_ID,
  hpkeSealTrace,
  x25519PublicKey,
} from "../../crypto/mod.ts";
import { expectEqual, expectHex, hex, num, obj, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch, type Vector } from "../types.ts";

function aadParams(inputs: Record<string, unknown>): HpkeAadParams {
  return {
    purpose: str(inputs, "purpose") as HpkePurpose,
    zoneId: str(inputs, "zone_id"),
    issuedAt: num(inputs, "issued_at"),
    recipientNodeId: str(inputs, "recipient_node_id"),
  };
}

function same(field: string, want: string, got: string): void {
  if (want !== got) throw new ConformanceMismatch(field, want, got);
}

/** Handler for the `hpke` area. */
export const handler: AreaHandler = {
  area: "hpke",
  kinds: {
    hpke_constants(v) {
      same("kem_id", String(num(v.inputs, "kem_id")), String(HPKE_KEM_ID));
      same("kdf_id", String(num(v.inputs, "kdf_id")), String(HPKE_KDF_ID));
      same("aead_id", String(num(v.inputs, "aead_id")), String(HPKE_AEAD_ID));
      same("info", str(v.inputs, "info"), HPKE_INFO);
      expectHex(v, "info_hex", utf8(HPKE_INFO));
      const purposes = obj(v.inputs, "purposes");
      expectEqual(
        v,
        "purpose_hex",
        Object.fromEntries(Object.entries(HPKE_PURPOSES).map(([k, p]) => [k, toHex(utf8(p))])),
      );
      for (const [k, p] of Object.entries(HPKE_PURPOSES)) {
        same(`purposes.${k}`, String(purposes[k]), p);
      }
      same("purposes.count", String(Object.keys(purposes).length), "4");
    },
    hpke_aad(v) {
      const inputs = v.inputs;
      same("zone_id_hex", str(inputs, "zone_id_hex"), toHex(utf8(str(inputs, "zone_id"))));
      same(
        "recipient_node_id_hex",
        str(inputs, "recipient_node_id_hex"),
        toHex(utf8(str(inputs, "recipient_node_id"))),
      );
      expectHex(v, "aad_hex", hpkeAad(aadParams(inputs)));
    },
    async hpke_seal(v: Vector) {
      const inputs = v.inputs;
      same("info", str(inputs, "info"), HPKE_INFO);
      const sk = hex(inputs, "recipient_sk_hex");
      const pk = x25519PublicKey(sk);
      const plaintext = hex(inputs, "plaintext_hex");
      const params = aadParams(inputs);
      const aad = hpkeAad(params);
      const ikm = seededEphemeralIkm(hex(inputs, "rng_seed_hex"));
      expectHex(v, "recipient_pk_hex", pk);
      expectHex(v, "aad_hex", aad);
      expectHex(v, "ephemeral_ikm_hex", ikm);

      // Independent RFC 9180 trace: every intermediate.
      const trace = hpkeSealTrace(pk, plaintext, aad, ikm, utf8(str(inputs, "info")));
      expectHex(v, "ephemeral_sk_hex", trace.ephemeralSecretKey);
      expectHex(v, "enc_hex", trace.enc);
      expectHex(v, "shared_secret_hex", trace.sharedSecret);
      expectHex(v, "key_hex", trace.key);
      expectHex(v, "base_nonce_hex", trace.baseNonce);
      expectHex(v, "ciphertext_hex", trace.ciphertext);

      // Production path: the same bytes, and the box opens with the recipient key.
      const box = await sealForRecipient(pk, plaintext, params, { ephemeralIkm: ikm });
      expectHex(v, "enc_hex", box.enc);
      expectHex(v, "ciphertext_hex", box.ciphertext);
      expectHex(v, "sealed_box_raw_hex", sealedBoxToRaw(box));
      const opened = await openSealed(sk, box, params);
      same("plaintext (reopened)", str(inputs, "plaintext_hex"), toHex(opened));
    },
  },
};
