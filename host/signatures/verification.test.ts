import fc from "fast-check";
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { cryptoOf } from "../../shared/identity/crypto";
import { bytesToHex } from "@noble/hashes/utils.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeVerifier, persistentVerdictCache, verifiedVersionsIn } from "./verification";

const strictNoble = (sig: Uint8Array, msg: Uint8Array, key: Uint8Array) => {
  try {
    return ed25519.verify(sig, msg, key, { zip215: false });
  } catch {
    return false;
  }
};

describe("the host's Node verifier", () => {
  const { secretKey, publicKey } = ed25519.keygen();
  const { verifyBytes } = cryptoOf({ verify: nodeVerifier() });

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

describe("verdicts for whole document versions", () => {
  it("are remembered across opens of the same data directory, and only for the version found sound", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-verdicts-"));
    try {
      const first = persistentVerdictCache(dataDir);
      await first.ready;
      expect(verifiedVersionsIn(first).has("automerge:shard@a,b")).toBe(false);
      verifiedVersionsIn(first).add("automerge:shard@a,b");
      await first.flush();

      const second = persistentVerdictCache(dataDir);
      const verifiedVersions = verifiedVersionsIn(second);
      // Read in the background, so the host shows its saved views first.
      await second.ready;
      expect(verifiedVersions.has("automerge:shard@a,b")).toBe(true);
      expect(verifiedVersions.has("automerge:shard@a,b,c")).toBe(false);
      expect(verifiedVersions.has("automerge:other@a,b")).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
