/**
 * Conformance checks for `symbol_aead.json` (WIRE.md §8; spec §4.1, §4.3.1): sender subkey,
 * AAD, nonces and the per-symbol ChaCha20-Poly1305 / XChaCha20-Poly1305 output.
 *
 * @module
 */
import {
  type AeadAlgorithm,
  openSymbol,
  sealSymbol,
  senderKeyInfo,
  senderSubkey,
  symbolAad,
  symbolNonce,
} from "../../crypto/mod.ts";
import { equalBytes, toHex } from "../../core/mod.ts";
import { zoneIdHash } from "../../model/mod.ts";
import { big, expectEqual, expectHex, hex, num, str } from "../check.ts";
import { type AreaHandler, ConformanceMismatch } from "../types.ts";

const ALGS: AeadAlgorithm[] = ["chacha20poly1305", "xchacha20poly1305"];

/** Handler for the `symbol_aead` area. */
export const handler: AreaHandler = {
  area: "symbol_aead",
  kinds: {
    symbol_aead(v) {
      const i = v.inputs;
      const zoneKey = hex(i, "zone_key_hex");
      const zoneKeyId = hex(i, "zone_key_id_hex");
      const sender = str(i, "sender_node_id");
      const instance = big(i, "sender_instance_id");
      const zidHash = zoneIdHash(str(i, "zone_id"));
      expectHex(v, "zone_id_hash_hex", zidHash);
      expectHex(v, "sender_key_info_hex", senderKeyInfo(sender, instance));
      const subkey = senderSubkey(zoneKey, zoneKeyId, sender, instance);
      expectHex(v, "sender_subkey_hex", subkey);
      const p = {
        subkey,
        objectId: hex(i, "object_id_hex"),
        esi: num(i, "esi"),
        k: num(i, "k"),
        zoneIdHash: zidHash,
        zoneKeyId,
        epochId: big(i, "epoch_id"),
        frameSeq: big(i, "frame_seq"),
        senderInstanceId: instance,
      };
      expectHex(v, "aad_hex", symbolAad(p));
      const pt = hex(i, "plaintext_hex");
      for (const alg of ALGS) {
        const { ciphertext, tag } = sealSymbol({ ...p, alg }, pt);
        expectEqual(v, alg, {
          nonce_hex: toHex(symbolNonce(alg, p)),
          ciphertext_hex: toHex(ciphertext),
          tag_hex: toHex(tag),
        });
        if (!equalBytes(openSymbol({ ...p, alg }, ciphertext, tag), pt)) {
          throw new ConformanceMismatch(`${alg}.open`, "the plaintext", "other bytes");
        }
      }
    },
  },
};
