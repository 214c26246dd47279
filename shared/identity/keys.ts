import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { nobleSigner, type PublicKeyDerivation } from "./crypto";

/** A member's public key: 32 bytes of Ed25519, as 64 lowercase hex digits. */
export type PublicKey = string;

export interface KeyPair {
  publicKey: PublicKey;
  /** 32-byte Ed25519 seed. Never leaves the member's host. */
  secretKey: Uint8Array;
}

const HEX_KEY = /^[0-9a-f]{64}$/;

export const isPublicKey = (value: unknown): value is PublicKey => typeof value === "string" && HEX_KEY.test(value);

export function generateKeyPair(): KeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey, publicKey: bytesToHex(publicKey) };
}

/** The key pair of a 32-byte seed; a platform may derive the public key its own way (the same bytes). */
export function keyPairFromSecret(secretKey: Uint8Array, derive: PublicKeyDerivation = nobleSigner.publicKeyOf): KeyPair {
  if (secretKey.length !== 32) throw new RangeError("An Ed25519 secret key is 32 bytes");
  return { secretKey, publicKey: bytesToHex(derive(secretKey)) };
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
