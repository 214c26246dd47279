import fc from "fast-check";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { nobleSigner } from "../../shared/identity/crypto";
import { newKeys } from "../testing/private-client";
import { admissionHolds, relayCrypto } from "./admission";
import { admissionProof, type AdmissionTranscript } from "./protocol";

const strictNoble = (sig: Uint8Array, msg: Uint8Array, key: Uint8Array) => {
  try {
    return ed25519.verify(sig, msg, key, { zip215: false });
  } catch {
    return false;
  }
};

describe("the relay's OpenSSL verifier (relay/ may not import the host's)", () => {
  const { secretKey, publicKey } = ed25519.keygen();
  const { verifyBytes } = relayCrypto();

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
      { numRuns: 500 },
    );
  });

  it("rejects a signature whose S is not reduced (S + L), and answers false for junk keys and signatures", () => {
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
    expect(verifyBytes(bytesToHex(malleated), message, bytesToHex(publicKey))).toBe(false);
    expect(verifyBytes(bytesToHex(signature), message, "ff".repeat(32))).toBe(false);
    expect(verifyBytes("zz", message, bytesToHex(publicKey))).toBe(false);
  });
});

describe("an admission proof", () => {
  const admission = newKeys();
  const transcript: AdmissionTranscript = { commune: "0".repeat(32), memberNonce: "1".repeat(32), relayNonce: "2".repeat(32), epoch: "3".repeat(64) };
  const sig = admissionProof(nobleSigner, transcript, admission);

  it("holds for its transcript and its key only: another connection, commune or epoch, or another key, is refused", () => {
    const crypto = relayCrypto();
    expect(admissionHolds(crypto, transcript, admission.publicKey, sig)).toBe(true);
    for (const changed of [{ relayNonce: "4".repeat(32) }, { memberNonce: "4".repeat(32) }, { commune: "4".repeat(32) }, { epoch: "4".repeat(64) }]) {
      expect(admissionHolds(crypto, { ...transcript, ...changed }, admission.publicKey, sig)).toBe(false);
    }
    expect(admissionHolds(crypto, transcript, newKeys().publicKey, sig)).toBe(false);
  });
});
