import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Ed25519Verifier } from "../shared/identity/crypto";

/**
 * Ed25519 verification with Node's OpenSSL (~10,000 a second here against
 * ~600 for pure JS), as strict as noble with zip215: false, public key
 * objects kept. The relay (admissions and registrations under load) and the
 * member's host (every record) both verify with it; it lives in relay/
 * because host/ may import relay/, not the other way round.
 */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const MAX_KEY_OBJECTS = 10_000;

export function opensslVerifier(): Ed25519Verifier {
  const keys = new Map<string, KeyObject>();
  return (signature, message, publicKey) => {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    // RFC 8032 requires S < L; checked here rather than trusting every OpenSSL build to.
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!);
    if (s >= L) return false;
    const hex = bytesToHex(publicKey);
    let key = keys.get(hex);
    if (!key) {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
      if (keys.size >= MAX_KEY_OBJECTS) keys.clear();
      keys.set(hex, key);
    }
    return verify(null, message, key, signature);
  };
}
