/**
 * Crypto layer benchmarks: `deno bench --allow-all bench/crypto_bench.ts`.
 *
 * Groups compare the chosen primitive (baseline) with the alternative that was measured
 * against it when choosing (docs/dependencies.md).
 *
 * @module
 */
import sodium from "libsodium-wrappers";
import { createCipheriv, createDecipheriv } from "node:crypto";
import { chacha20poly1305 as nobleChaCha } from "@noble/ciphers/chacha.js";
import {
  aeadBackend,
  aeadOpenDetached,
  aeadReady,
  aeadSealDetached,
  blake3,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  hkdfSha256,
  hpkeOpen,
  hpkeSeal,
  hpkeSealTrace,
  openSymbol,
  sealSymbol,
  SenderKeyCache,
  sha256,
  type SymbolAeadParams,
  SymbolCipher,
  symbolNonce,
  x25519PublicKey,
  x25519SharedSecret,
} from "../src/crypto/mod.ts";
import { formatMedian, medianTime } from "./_median.ts";

await sodium.ready;

const MiB = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
const msg200 = MiB.subarray(0, 200);
const seed = new Uint8Array(32).fill(7);
const pk = ed25519PublicKey(seed);
const sig = ed25519Sign(seed, msg200);
const xa = new Uint8Array(32).fill(1);
const xbPub = x25519PublicKey(new Uint8Array(32).fill(2));

Deno.bench("BLAKE3 1 MiB (blake3-jit)", { group: "hash-1MiB", baseline: true }, () => {
  blake3(MiB);
});
Deno.bench("SHA-256 1 MiB (node:crypto)", { group: "hash-1MiB" }, () => {
  sha256(MiB);
});
Deno.bench("Ed25519 sign 200 B", () => {
  ed25519Sign(seed, msg200);
});
Deno.bench("Ed25519 verify 200 B (strict)", () => {
  ed25519Verify(pk, msg200, sig);
});
Deno.bench("X25519 shared secret", () => {
  x25519SharedSecret(xa, xbPub);
});
Deno.bench("HKDF-SHA256 32 B", () => {
  hkdfSha256(seed, seed.subarray(0, 8), msg200.subarray(0, 40), 32);
});

// --- per-symbol AEAD: 1024 symbols x 1 KiB, subkey from the cache each symbol -------------
const zoneKey = new Uint8Array(32).fill(0x42);
const zoneKeyId = new Uint8Array(8).fill(1);
const cache = new SenderKeyCache();
const symbolData = MiB.subarray(0, 1024);
function symbolParams(alg: SymbolAeadParams["alg"], esi: number): SymbolAeadParams {
  return {
    alg,
    subkey: cache.get(zoneKey, zoneKeyId, "node-a", 1n),
    objectId: MiB.subarray(0, 32),
    esi,
    k: 1024,
    zoneIdHash: MiB.subarray(32, 64),
    zoneKeyId,
    epochId: 5n,
    frameSeq: BigInt(esi + 1),
    senderInstanceId: 1n,
  };
}
for (const alg of ["chacha20poly1305", "xchacha20poly1305"] as const) {
  Deno.bench(
    `symbol seal+open 1024 x 1 KiB, ${alg}: cached subkey, nonce, AAD, AEAD`,
    { group: "symbols-1024x1KiB", baseline: alg === "chacha20poly1305" },
    () => {
      for (let esi = 0; esi < 1024; esi++) {
        const p = symbolParams(alg, esi);
        const { ciphertext, tag } = sealSymbol(p, symbolData);
        openSymbol(p, ciphertext, tag);
      }
    },
  );
}
// The production path: one SymbolCipher per object (subkey derived once, AAD/nonce patched),
// on the default backend (libsodium once loaded). Issue goal: ≤ 12 ms median.
await aeadReady();
for (const alg of ["chacha20poly1305", "xchacha20poly1305"] as const) {
  const cipher = new SymbolCipher({
    alg,
    subkey: cache.get(zoneKey, zoneKeyId, "node-a", 1n),
    objectId: MiB.subarray(0, 32),
    k: 1024,
    zoneIdHash: MiB.subarray(32, 64),
    zoneKeyId,
    epochId: 5n,
    senderInstanceId: 1n,
  });
  Deno.bench(
    `SymbolCipher seal+open 1024 x 1 KiB (1 MiB), ${alg}, ${aeadBackend()}`,
    { group: "symbols-1024x1KiB" },
    () => {
      for (let esi = 0; esi < 1024; esi++) {
        const { ciphertext, tag } = cipher.seal(esi, 1n, symbolData);
        cipher.open(esi, 1n, ciphertext, tag);
      }
    },
  );
}

// Issue 3 §8 goal, as a median: `FCP_BENCH_MEDIAN=1 deno run -A bench/crypto_bench.ts`.
if (import.meta.main && Deno.env.get("FCP_BENCH_MEDIAN") === "1") {
  for (const alg of ["chacha20poly1305", "xchacha20poly1305"] as const) {
    const cipher = new SymbolCipher({
      alg,
      subkey: cache.get(zoneKey, zoneKeyId, "node-a", 1n),
      objectId: MiB.subarray(0, 32),
      k: 1024,
      zoneIdHash: MiB.subarray(32, 64),
      zoneKeyId,
      epochId: 5n,
      senderInstanceId: 1n,
    });
    const r = await medianTime(() => {
      for (let esi = 0; esi < 1024; esi++) {
        const { ciphertext, tag } = cipher.seal(esi, 1n, symbolData);
        cipher.open(esi, 1n, ciphertext, tag);
      }
    }, { samples: 101 });
    console.log(formatMedian(`SymbolCipher seal+open 1024 x 1 KiB, ${alg}, ${aeadBackend()}`, r));
    console.log(
      `goal 1 MiB sealed+opened <= 12 ms median: ${r.medianUs <= 12_000 ? "met" : "MISSED"}`,
    );
  }
  const perSymbol = await medianTime(() => {
    for (let esi = 0; esi < 1024; esi++) {
      const p = symbolParams("chacha20poly1305", esi);
      const { ciphertext, tag } = sealSymbol(p, symbolData);
      openSymbol(p, ciphertext, tag);
    }
  }, { samples: 51 });
  console.log(formatMedian("sealSymbol/openSymbol 1024 x 1 KiB, chacha20poly1305", perSymbol));
}

// The AEAD alone, same precomputed nonces and AAD: node:crypto (ours) vs libsodium-wrappers.
const aad86 = MiB.subarray(0, 86);
const subkey = cache.get(zoneKey, zoneKeyId, "node-a", 1n);
const nonces12 = Array.from(
  { length: 1024 },
  (_, esi) => symbolNonce("chacha20poly1305", { frameSeq: 1n, esi, senderInstanceId: 1n }),
);
const nonces24 = Array.from(
  { length: 1024 },
  (_, esi) => symbolNonce("xchacha20poly1305", { frameSeq: 1n, esi, senderInstanceId: 1n }),
);
Deno.bench("AEAD chacha20poly1305 seal+open 1024 x 1 KiB (aeadSealDetached, default backend)", {
  group: "aead-1024x1KiB",
  baseline: true,
}, () => {
  for (const n of nonces12) {
    const r = aeadSealDetached("chacha20poly1305", subkey, n, aad86, symbolData);
    aeadOpenDetached("chacha20poly1305", subkey, n, aad86, r.ciphertext, r.tag);
  }
});
Deno.bench(
  "alt: libsodium chacha20poly1305 seal+open 1024 x 1 KiB",
  { group: "aead-1024x1KiB" },
  () => {
    for (const n of nonces12) {
      const r = sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(
        symbolData,
        aad86,
        null,
        n,
        subkey,
      );
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(
        null,
        r.ciphertext,
        r.mac,
        aad86,
        n,
        subkey,
      );
    }
  },
);
// The backends the choice was made between (issue 3 §4): node:crypto and @noble/ciphers.
Deno.bench(
  "alt: node:crypto chacha20-poly1305 seal+open 1024 x 1 KiB",
  { group: "aead-1024x1KiB" },
  () => {
    for (const n of nonces12) {
      const c = createCipheriv("chacha20-poly1305", subkey, n, { authTagLength: 16 });
      c.setAAD(aad86, { plaintextLength: symbolData.length });
      const ct = c.update(symbolData);
      c.final();
      const tag = c.getAuthTag();
      const d = createDecipheriv("chacha20-poly1305", subkey, n, { authTagLength: 16 });
      d.setAAD(aad86, { plaintextLength: ct.length });
      d.setAuthTag(tag);
      d.update(ct);
      d.final();
    }
  },
);
Deno.bench(
  "alt: @noble/ciphers chacha20poly1305 seal+open 1024 x 1 KiB",
  { group: "aead-1024x1KiB" },
  () => {
    for (const n of nonces12) {
      const sealed = nobleChaCha(subkey, n, aad86).encrypt(symbolData);
      nobleChaCha(subkey, n, aad86).decrypt(sealed);
    }
  },
);
Deno.bench("AEAD xchacha20poly1305 seal+open 1024 x 1 KiB (aeadSealDetached, default backend)", {
  group: "aead-1024x1KiB",
}, () => {
  for (const n of nonces24) {
    const r = aeadSealDetached("xchacha20poly1305", subkey, n, aad86, symbolData);
    aeadOpenDetached("xchacha20poly1305", subkey, n, aad86, r.ciphertext, r.tag);
  }
});
Deno.bench(
  "alt: libsodium xchacha20poly1305 seal+open 1024 x 1 KiB",
  { group: "aead-1024x1KiB" },
  () => {
    for (const n of nonces24) {
      const r = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
        symbolData,
        aad86,
        null,
        n,
        subkey,
      );
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
        null,
        r.ciphertext,
        r.mac,
        aad86,
        n,
        subkey,
      );
    }
  },
);

// --- one 1 MiB AEAD message (FCPC frames reach 4 MiB) -------------------------------------
Deno.bench(
  "ChaCha20-Poly1305 seal 1 MiB (node:crypto)",
  { group: "aead-1MiB", baseline: true },
  () => {
    aeadSealDetached("chacha20poly1305", zoneKey, new Uint8Array(12), aad86, MiB);
  },
);
Deno.bench("alt: libsodium ChaCha20-Poly1305 seal 1 MiB", { group: "aead-1MiB" }, () => {
  sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(
    MiB,
    aad86,
    null,
    new Uint8Array(12),
    zoneKey,
  );
});

// --- HPKE, 32-byte payload (a zone key) ---------------------------------------------------
const hpkeSk = new Uint8Array(32).fill(0x10);
const hpkePk = x25519PublicKey(hpkeSk);
const key32 = MiB.subarray(0, 32);
const hpkeAad = MiB.subarray(0, 90);
const sealed = await hpkeSeal(hpkePk, key32, hpkeAad);
Deno.bench("HPKE seal 32 B (@hpke/core)", { group: "hpke", baseline: true }, async () => {
  await hpkeSeal(hpkePk, key32, hpkeAad);
});
Deno.bench("HPKE open 32 B (@hpke/core)", { group: "hpke" }, async () => {
  await hpkeOpen(hpkeSk, sealed.enc, sealed.ciphertext, hpkeAad);
});
Deno.bench("alt: HPKE seal 32 B, own key schedule on node:crypto", { group: "hpke" }, () => {
  hpkeSealTrace(hpkePk, key32, hpkeAad, MiB.subarray(100, 132));
});
