import fc from "fast-check";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { cryptoOf } from "../shared/identity/crypto";
import { opensslVerifier } from "./openssl-ed25519";

const strictNoble = (sig: Uint8Array, msg: Uint8Array, key: Uint8Array) => {
  try {
    return ed25519.verify(sig, msg, key, { zip215: false });
  } catch {
    return false;
  }
};

describe("the OpenSSL verifier the host and the relay share", () => {
  const { secretKey, publicKey } = ed25519.keygen();
  const { verifyBytes } = cryptoOf({ verify: opensslVerifier() });

  it("agrees with the strict pure-JS check on genuine, altered and random signatures", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 255 }), (message, index, flip) => {
        const signature = ed25519.sign(message, secretKey);
        const altered = signature.slice();
        altered[index]! ^= flip;
        for (const sig of [signature, altered]) {
          expect(verifyBytes(bytesToHex(sig), message, bytesToHex(publicKey))).toBe(strictNoble(sig, message, publicKey));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("rejects a signature whose S is not reduced (S + L), as RFC 8032 requires", () => {
    const message = new TextEncoder().encode("commune");
    const signature = ed25519.sign(message, secretKey);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!);
    s += (1n << 252n) + 27742317777372353535851937790883648493n;
    const malleated = signature.slice();
    for (let i = 32; i < 64; i++) {
      malleated[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    expect(strictNoble(malleated, message, publicKey)).toBe(false);
    expect(verifyBytes(bytesToHex(malleated), message, bytesToHex(publicKey))).toBe(false);
  });
});
