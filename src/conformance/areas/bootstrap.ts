/**
 * Conformance checks for `bootstrap.json`: owner key from a BIP-39 mnemonic and the
 * genesis fingerprint.
 *
 * @module
 */
import {
  genesisCbor,
  genesisFingerprint,
  genesisFingerprintPreimage,
  type GenesisZone,
  mnemonicEntropy,
  ownerSeedFromEntropy,
} from "../../model/mod.ts";
import { ed25519PublicKey } from "../../crypto/mod.ts";
import { expectEqual, expectHex, num, obj, str } from "../check.ts";
import type { AreaHandler } from "../types.ts";

/** Handler for the `bootstrap` area. */
export const handler: AreaHandler = {
  area: "bootstrap",
  kinds: {
    genesis_fingerprint(v) {
      const entropy = mnemonicEntropy(str(v.inputs, "mnemonic"));
      expectHex(v, "entropy_hex", entropy);
      const seed = ownerSeedFromEntropy(entropy);
      expectHex(v, "owner_signing_seed_hex", seed);
      const pk = ed25519PublicKey(seed);
      expectHex(v, "owner_public_key_hex", pk);
      const g = obj(v.inputs, "genesis");
      const zonesIn = g.initial_zones;
      if (!Array.isArray(zonesIn)) throw new TypeError("initial_zones must be a list");
      const zones: GenesisZone[] = zonesIn.map((x: unknown) => {
        const z = x as Record<string, unknown>;
        return {
          zoneId: str(z, "zone_id"),
          name: str(z, "name"),
          integrityLevel: num(z, "integrity_level"),
          confidentialityLevel: num(z, "confidentiality_level"),
        };
      });
      const genesis = {
        schemaVersion: num(g, "schema_version"),
        ownerPublicKey: pk,
        createdAtSeconds: num(g, "created_at_unix_seconds"),
        createdAtNanos: num(g, "created_at_subsec_nanos"),
        initialZones: zones,
      };
      expectHex(v, "fingerprint_preimage_hex", genesisFingerprintPreimage(genesis));
      expectEqual(v, "fingerprint", genesisFingerprint(genesis));
      expectHex(v, "genesis_cbor_hex", genesisCbor(genesis));
    },
  },
};
