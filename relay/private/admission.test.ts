import { describe, expect, it } from "vitest";
import { nobleSigner } from "../../shared/identity/crypto";
import { newKeys } from "../testing/private-client";
import { admissionHolds, relayCrypto } from "./admission";
import { admissionProof, type AdmissionTranscript } from "./protocol";

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
