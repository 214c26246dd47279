import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { generateKeyPair, keyPairFromSecret, signBytes, useEd25519Signer, usePublicKeyDerivation, verifyBytes } from "../../shared/identity/keys";
import { installNodeSigner } from "./signing";

afterEach(() => {
  useEd25519Signer(undefined);
  usePublicKeyDerivation(undefined);
});

describe("the host's Node signer", () => {
  it("makes exactly the signatures noble makes, for any message and key", () => {
    installNodeSigner();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 2000 }), (secretKey, message) => {
        expect(signBytes(message, secretKey)).toBe(Buffer.from(ed25519.sign(message, secretKey)).toString("hex"));
      }),
      { numRuns: 1000 },
    );
  });

  it("derives exactly the public key noble derives, for any seed", () => {
    installNodeSigner();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secretKey) => {
        expect(keyPairFromSecret(secretKey).publicKey).toBe(Buffer.from(ed25519.getPublicKey(secretKey)).toString("hex"));
      }),
      { numRuns: 500 },
    );
  });

  it("signs what verifyBytes accepts, with several keys in turn", () => {
    installNodeSigner();
    const message = new TextEncoder().encode("contribution");
    for (let i = 0; i < 20; i++) {
      const keys = generateKeyPair();
      expect(verifyBytes(signBytes(message, keys.secretKey), message, keys.publicKey)).toBe(true);
    }
  });
});
