import { createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Ed25519Signer, PublicKeyDerivation } from "../../shared/identity/crypto";

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * Signs with Node's OpenSSL, keeping each key object: a member signs with
 * one key all day, and noble would derive it again for every record (about
 * a millisecond per command). Same deterministic RFC 8032 signatures.
 */
export function nodeSigner(): Ed25519Signer {
  const keys = new Map<string, KeyObject>();
  return (message, secretKey) => {
    const id = bytesToHex(secretKey);
    let key = keys.get(id);
    if (!key) {
      key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]), format: "der", type: "pkcs8" });
      if (keys.size > 16) keys.clear();
      keys.set(id, key);
    }
    return new Uint8Array(sign(null, message, key));
  };
}

/** The identity's public key at start, without noble's table building (~60-80 ms on a first derivation). */
export const nodePublicKeyOf: PublicKeyDerivation = (secretKey) => {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]), format: "der", type: "pkcs8" });
  return new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32));
};
