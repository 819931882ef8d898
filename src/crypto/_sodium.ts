// deno-lint-ignore-file camelcase -- libsodium's API names
/**
 * Lazy libsodium (WASM) backend for ChaCha20-Poly1305 and XChaCha20-Poly1305.
 *
 * Loading libsodium costs ~40 ms (module parse + WASM init), so it is never loaded at import
 * time: the first AEAD call starts loading it in the background and keeps using node:crypto
 * until it is ready; {@link loadSodium} lets a caller that is about to seal many symbols wait
 * for it. Both backends produce identical bytes (tested differentially).
 *
 * @module
 */

/** The libsodium functions the AEAD uses (libsodium's own names). */
export interface SodiumAead {
  crypto_aead_chacha20poly1305_ietf_encrypt_detached(
    message: Uint8Array,
    additionalData: Uint8Array | null,
    secretNonce: null,
    publicNonce: Uint8Array,
    key: Uint8Array,
  ): { ciphertext: Uint8Array; mac: Uint8Array };
  crypto_aead_chacha20poly1305_ietf_decrypt_detached(
    secretNonce: null,
    ciphertext: Uint8Array,
    mac: Uint8Array,
    additionalData: Uint8Array | null,
    publicNonce: Uint8Array,
    key: Uint8Array,
  ): Uint8Array;
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
    message: Uint8Array,
    additionalData: Uint8Array | null,
    secretNonce: null,
    publicNonce: Uint8Array,
    key: Uint8Array,
  ): { ciphertext: Uint8Array; mac: Uint8Array };
  crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
    secretNonce: null,
    ciphertext: Uint8Array,
    mac: Uint8Array,
    additionalData: Uint8Array | null,
    publicNonce: Uint8Array,
    key: Uint8Array,
  ): Uint8Array;
}

let sodium: SodiumAead | undefined;
let loading: Promise<SodiumAead | undefined> | undefined;

/** The loaded backend, or `undefined` while it is not (yet) available. */
export function sodiumIfReady(): SodiumAead | undefined {
  if (sodium === undefined && loading === undefined) void loadSodium();
  return sodium;
}

/**
 * Load libsodium once; resolves to `undefined` (node:crypto stays in use) if it cannot load.
 */
export function loadSodium(): Promise<SodiumAead | undefined> {
  loading ??= import("libsodium-wrappers").then(async (m) => {
    await m.default.ready;
    sodium = m.default as unknown as SodiumAead;
    return sodium;
  }).catch(() => undefined);
  return loading;
}

/** Test hook: force a backend (`"node"` unloads libsodium from use). */
export function setSodiumForTests(s: SodiumAead | undefined): void {
  sodium = s;
  loading = Promise.resolve(s);
}
