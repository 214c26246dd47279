import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cryptoOf } from "../../shared/identity/crypto";
import { generateKeyPair, keyPairFromSecret } from "../../shared/identity/keys";
import { nodePublicKeyOf, nodeSigner } from "./signing";

describe("the host's Node signer", () => {
  const crypto = cryptoOf({ sign: nodeSigner(), publicKeyOf: nodePublicKeyOf });

  it("makes exactly the signatures noble makes, for any message and key", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 2000 }), (secretKey, message) => {
        expect(crypto.signBytes(message, secretKey)).toBe(Buffer.from(ed25519.sign(message, secretKey)).toString("hex"));
      }),
      { numRuns: 1000 },
    );
  });

  it("derives exactly the public key noble derives, for any seed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secretKey) => {
        expect(keyPairFromSecret(secretKey, crypto.publicKeyOf).publicKey).toBe(Buffer.from(ed25519.getPublicKey(secretKey)).toString("hex"));
      }),
      { numRuns: 500 },
    );
  });

  it("signs what verifyBytes accepts, with several keys in turn", () => {
    const message = new TextEncoder().encode("contribution");
    for (let i = 0; i < 20; i++) {
      const keys = generateKeyPair();
      expect(crypto.verifyBytes(crypto.signBytes(message, keys.secretKey), message, keys.publicKey)).toBe(true);
    }
  });
});
