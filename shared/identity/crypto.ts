import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

/**
 * The cryptography a member's code runs with, as one value passed down
 * rather than swapped into module slots: whoever signs takes a `Signer`,
 * whoever checks a signature takes a `Verifier`. A platform builds its own
 * (the host: Node's OpenSSL, verdicts kept on disk, worker threads); every
 * other caller, tests included, uses `nobleCrypto()`. Every implementation
 * must make the same signatures (Ed25519 is deterministic) and accept
 * exactly what strict RFC 8032 accepts, so members on different platforms
 * agree on every record.
 */

/** Signs raw bytes with a 32-byte Ed25519 secret key (seed); 64 signature bytes. */
export type Ed25519Signer = (message: Uint8Array, secretKey: Uint8Array) => Uint8Array;

/** Checks one Ed25519 signature over raw bytes. */
export type Ed25519Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** The 32-byte public key of a 32-byte Ed25519 seed. */
export type PublicKeyDerivation = (secretKey: Uint8Array) => Uint8Array;

export interface Signer {
  /** The signature of `message` as 128 hex digits. */
  signBytes(message: Uint8Array, secretKey: Uint8Array): string;
  publicKeyOf: PublicKeyDerivation;
}

/**
 * Every member replays the whole history whenever a document changes, and
 * an Ed25519 verification costs far more than a SHA-256 of the same message.
 * So verdicts are remembered by a digest of (key, signature, message): a
 * changed field changes the digest, so nothing forged can hit the cache
 * (shared/identity/signed.ts makes the digests).
 */
export interface VerdictCache {
  get(key: string): boolean | undefined;
  set(key: string, valid: boolean): void;
}

export interface Verifier {
  /** False, never an exception, for malformed keys or signatures: they come from other members' documents. */
  verifyBytes(signature: unknown, message: Uint8Array, publicKey: unknown): boolean;
  /** The verdict remembered under a claim's key, if any. */
  knownVerdict(key: string): boolean | undefined;
  /** A verification that really ran (here or on a host's worker thread): counted, and its verdict remembered. */
  recordVerification(key: string, valid: boolean): void;
  /** How many Ed25519 verifications have really run with this value: benchmarks and scaling tests count them. */
  verifications(): number;
}

export interface Crypto extends Signer, Verifier {}

const VERIFICATION_CACHE_SIZE = 250_000;

/** Verdicts in memory, oldest first out past `size`. */
export function boundedVerdictCache(size = VERIFICATION_CACHE_SIZE): VerdictCache {
  const verdicts = new Map<string, boolean>();
  return {
    get: (key) => verdicts.get(key),
    set(key, valid) {
      if (verdicts.size >= size) verdicts.delete(verdicts.keys().next().value!);
      verdicts.set(key, valid);
    },
  };
}

// Strict RFC 8032 checks (no ZIP-215 leniency): one message and key have one valid signature encoding.
const nobleVerify: Ed25519Verifier = (signature, message, publicKey) => ed25519.verify(signature, message, publicKey, { zip215: false });
const nobleSign: Ed25519Signer = (message, secretKey) => ed25519.sign(message, secretKey);
const noblePublicKey: PublicKeyDerivation = (secretKey) => ed25519.getPublicKey(secretKey);

const HEX_SIGNATURE = /^[0-9a-f]{128}$/;
const HEX_KEY = /^[0-9a-f]{64}$/;

export interface CryptoParts {
  sign?: Ed25519Signer;
  verify?: Ed25519Verifier;
  publicKeyOf?: PublicKeyDerivation;
  /** Where verdicts are remembered; a fresh bounded cache in memory unless given. */
  verdicts?: VerdictCache;
}

/** A crypto value from the parts a platform does its own way; noble (pure JS) for the rest. */
export function cryptoOf(parts: CryptoParts = {}): Crypto {
  const sign = parts.sign ?? nobleSign;
  const verify = parts.verify ?? nobleVerify;
  const verdicts = parts.verdicts ?? boundedVerdictCache();
  let verifications = 0;
  return {
    signBytes: (message, secretKey) => bytesToHex(sign(message, secretKey)),
    publicKeyOf: parts.publicKeyOf ?? noblePublicKey,
    verifyBytes(signature, message, publicKey) {
      if (typeof signature !== "string" || !HEX_SIGNATURE.test(signature) || typeof publicKey !== "string" || !HEX_KEY.test(publicKey)) return false;
      try {
        return verify(hexToBytes(signature), message, hexToBytes(publicKey));
      } catch {
        return false;
      }
    },
    knownVerdict: (key) => verdicts.get(key),
    recordVerification(key, valid) {
      verifications++;
      verdicts.set(key, valid);
    },
    verifications: () => verifications,
  };
}

/** Pure-JS Ed25519 (noble, strict RFC 8032) with its own verdicts in memory. */
export const nobleCrypto = (verdicts?: VerdictCache): Crypto => cryptoOf(verdicts ? { verdicts } : {});

/** Noble's signer: it keeps nothing between calls, so one value serves everyone (fixtures sign at import with it). */
export const nobleSigner: Signer = Object.freeze({
  signBytes: (message: Uint8Array, secretKey: Uint8Array) => bytesToHex(nobleSign(message, secretKey)),
  publicKeyOf: noblePublicKey,
});
