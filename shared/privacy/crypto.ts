import sodium from "libsodium-wrappers";
import { hexToBytes } from "@noble/hashes/utils.js";

/**
 * The primitives a private commune needs, as a value passed down (like
 * shared/identity/crypto.ts), every one of them a libsodium call: no
 * cipher, MAC or key agreement is written here.
 */
export interface PrivacyCrypto {
  /** 32 random bytes: a new epoch key. */
  randomKey(): Uint8Array;
  /** A 32-byte subkey of `key` for one use (libsodium crypto_kdf: BLAKE2b; `context` is exactly 8 characters). */
  derive(key: Uint8Array, id: number, context: string): Uint8Array;
  /** XChaCha20-Poly1305 (IETF) under `key`, `associated` authenticated but not encrypted; a fresh random 24-byte nonce is prepended. */
  encrypt(plaintext: Uint8Array, associated: Uint8Array, key: Uint8Array): Uint8Array;
  /** The plaintext, or undefined when the box, the associated data or the key is not the one it was made with. */
  decrypt(box: Uint8Array, associated: Uint8Array, key: Uint8Array): Uint8Array | undefined;
  /** crypto_box_seal to a member's X25519 key, converted from their Ed25519 public key (hex); undefined for a key that is no point on the curve. */
  sealTo(plaintext: Uint8Array, memberPublicKey: string): Uint8Array | undefined;
  /** Opens a sealed box with a member's own Ed25519 seed (converted to X25519); undefined when it was sealed to someone else or altered. */
  openSealed(sealed: Uint8Array, memberSeed: Uint8Array): Uint8Array | undefined;
}

const NONCE_BYTES = 24;

/** The libsodium implementation; libsodium loads its WebAssembly once, so this is async. */
export async function sodiumPrivacyCrypto(): Promise<PrivacyCrypto> {
  await sodium.ready;
  const boxKeysOf = (seed: Uint8Array) => {
    const signing = sodium.crypto_sign_seed_keypair(seed);
    return {
      publicKey: sodium.crypto_sign_ed25519_pk_to_curve25519(signing.publicKey),
      privateKey: sodium.crypto_sign_ed25519_sk_to_curve25519(signing.privateKey),
    };
  };
  return Object.freeze({
    randomKey: () => sodium.randombytes_buf(32),
    derive: (key: Uint8Array, id: number, context: string) => sodium.crypto_kdf_derive_from_key(32, id, context, key),
    encrypt(plaintext: Uint8Array, associated: Uint8Array, key: Uint8Array) {
      const nonce = sodium.randombytes_buf(NONCE_BYTES);
      const cipher = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, null, nonce, key);
      const box = new Uint8Array(NONCE_BYTES + cipher.length);
      box.set(nonce, 0);
      box.set(cipher, NONCE_BYTES);
      return box;
    },
    decrypt(box: Uint8Array, associated: Uint8Array, key: Uint8Array) {
      if (box.length < NONCE_BYTES + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES) return undefined;
      try {
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, box.subarray(NONCE_BYTES), associated, box.subarray(0, NONCE_BYTES), key);
      } catch {
        return undefined;
      }
    },
    sealTo(plaintext: Uint8Array, memberPublicKey: string) {
      try {
        return sodium.crypto_box_seal(plaintext, sodium.crypto_sign_ed25519_pk_to_curve25519(hexToBytes(memberPublicKey)));
      } catch {
        return undefined;
      }
    },
    openSealed(sealed: Uint8Array, memberSeed: Uint8Array) {
      try {
        const keys = boxKeysOf(memberSeed);
        return sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.privateKey);
      } catch {
        return undefined;
      }
    },
  });
}
