import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/** A member's public key: 32 bytes of Ed25519, as 64 lowercase hex digits. */
export type PublicKey = string;

export interface KeyPair {
  publicKey: PublicKey;
  /** 32-byte Ed25519 seed. Never leaves the member's host. */
  secretKey: Uint8Array;
}

const HEX_KEY = /^[0-9a-f]{64}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;

export const isPublicKey = (value: unknown): value is PublicKey =>
  typeof value === "string" && HEX_KEY.test(value);

export function generateKeyPair(): KeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey, publicKey: bytesToHex(publicKey) };
}

export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== 32) throw new RangeError("An Ed25519 secret key is 32 bytes");
  return { secretKey, publicKey: bytesToHex(publicKeyOf(secretKey)) };
}

/** The 32-byte public key of a 32-byte Ed25519 seed. */
export type PublicKeyDerivation = (secretKey: Uint8Array) => Uint8Array;

const noblePublicKey: PublicKeyDerivation = (secretKey) => ed25519.getPublicKey(secretKey);
let publicKeyOf: PublicKeyDerivation = noblePublicKey;

/**
 * Lets a platform derive public keys its own way: noble's first derivation
 * in a process builds its tables (~60-80 ms here), which a host would spend
 * on every start before showing anything. The result is the same bytes.
 */
export function usePublicKeyDerivation(replacement: PublicKeyDerivation | undefined): void {
  publicKeyOf = replacement ?? noblePublicKey;
}

/** Signs raw bytes with a 32-byte Ed25519 secret key (seed); 64 signature bytes. */
export type Ed25519Signer = (message: Uint8Array, secretKey: Uint8Array) => Uint8Array;

const nobleSigner: Ed25519Signer = (message, secretKey) => ed25519.sign(message, secretKey);
let signer: Ed25519Signer = nobleSigner;

/**
 * Lets a platform supply a faster signer (the host uses Node's OpenSSL with
 * the key object kept, where noble derives the key again on every call).
 * Ed25519 signatures are deterministic, so every implementation makes the
 * same bytes; shared/identity/keys.test.ts pins that for the host's.
 */
export function useEd25519Signer(replacement: Ed25519Signer | undefined): void {
  signer = replacement ?? nobleSigner;
}

export function signBytes(message: Uint8Array, secretKey: Uint8Array): string {
  return bytesToHex(signer(message, secretKey));
}

/** Checks one Ed25519 signature over raw bytes. */
export type Ed25519Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

// Strict RFC 8032 checks (no ZIP-215 leniency): one message and key have one valid signature encoding.
const nobleVerifier: Ed25519Verifier = (signature, message, publicKey) => ed25519.verify(signature, message, publicKey, { zip215: false });
let verifier: Ed25519Verifier = nobleVerifier;

/**
 * Lets a platform supply a faster implementation of the same strict check
 * (the host uses Node's OpenSSL, ~15x faster than pure JS here). It must
 * accept and reject exactly what RFC 8032 does, so members on different
 * platforms agree on every signature.
 */
export function useEd25519Verifier(replacement: Ed25519Verifier | undefined): void {
  verifier = replacement ?? nobleVerifier;
}

/** False, never an exception, for malformed keys or signatures: they come from other members' documents. */
export function verifyBytes(signature: unknown, message: Uint8Array, publicKey: unknown): boolean {
  if (typeof signature !== "string" || !HEX_SIGNATURE.test(signature) || !isPublicKey(publicKey)) return false;
  try {
    return verifier(hexToBytes(signature), message, hexToBytes(publicKey));
  } catch {
    return false;
  }
}

/**
 * A short form of a public key that two people can read to each other to
 * check they mean the same member: 16 hex digits of its SHA-256 in four
 * groups, e.g. "3f2a 91bc 0d4e 77a1" (64 bits: collisions need 2^32 work per
 * target key pair, beyond what a commune's adversaries can spend casually).
 */
export function fingerprint(publicKey: PublicKey): string {
  const digest = bytesToHex(sha256(hexToBytes(publicKey))).slice(0, 16);
  return digest.match(/.{4}/g)!.join(" ");
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** A random identifier (16 bytes as hex unless told): unguessable and collision-free among offline members. */
export function randomId(bytes = 16): string {
  return bytesToHex(randomBytes(bytes));
}
