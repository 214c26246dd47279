import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { boundedVerdictCache, cryptoOf, nobleCrypto, nobleSigner } from "./crypto";
import { keyPairFromSecret } from "./keys";
import { checkSignature, sign } from "./signed";

const ada = keyPairFromSecret(new Uint8Array(32).fill(7));
const fields = { commune: "c1", id: "e1", at: 1, amount: 1250, memo: "seeds" };

describe("a crypto value", () => {
  it("counts each verification it really makes, and none answered from its verdicts", () => {
    const crypto = nobleCrypto();
    const record = sign(crypto, "entry", fields, ada);
    expect(checkSignature(crypto, "entry", record)).toBeUndefined();
    expect(checkSignature(crypto, "entry", { ...record })).toBeUndefined();
    expect(crypto.verifications()).toBe(1);
  });

  it("shares neither verdicts nor counts with another value", () => {
    const first = nobleCrypto();
    const second = nobleCrypto();
    const record = sign(nobleSigner, "entry", fields, ada);
    checkSignature(first, "entry", record);
    expect(checkSignature(second, "entry", record)).toBeUndefined();
    expect([first.verifications(), second.verifications()]).toEqual([1, 1]);
  });

  it("is not fooled by its verdicts: a field changed after a valid check is verified again, and refused", () => {
    const crypto = nobleCrypto();
    const record = sign(crypto, "entry", fields, ada);
    expect(checkSignature(crypto, "entry", record)).toBeUndefined();
    const altered: Record<string, unknown> = { ...record, amount: 99_999 };
    expect(checkSignature(crypto, "entry", altered)).toBe("bad signature");
    expect(crypto.verifications()).toBe(2);
  });

  it("keeps verdicts where it is told, and takes a platform's own Ed25519", () => {
    const verdicts = new Map<string, boolean>();
    let verified = 0;
    const crypto = cryptoOf({
      verdicts: { get: (key) => verdicts.get(key), set: (key, valid) => void verdicts.set(key, valid) },
      verify: (signature, message, publicKey) => {
        verified++;
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      },
    });
    const record = sign(crypto, "vote", { commune: "c1", proposal: "p1", at: 2, choice: "yes" }, ada);
    expect(checkSignature(crypto, "vote", record)).toBeUndefined();
    expect([...verdicts.values()]).toEqual([true]);
    expect(verified).toBe(1);
  });

  it("answers false, never throws, for a malformed signature or key", () => {
    const crypto = nobleCrypto();
    const message = new Uint8Array([1, 2, 3]);
    expect(crypto.verifyBytes("zz".repeat(64), message, ada.publicKey)).toBe(false);
    expect(crypto.verifyBytes(crypto.signBytes(message, ada.secretKey), message, "not a key")).toBe(false);
    expect(crypto.verifyBytes(42, message, ada.publicKey)).toBe(false);
  });
});

describe("the bounded verdict cache", () => {
  it("lets the oldest verdict go first once full", () => {
    const cache = boundedVerdictCache(2);
    cache.set("a", true);
    cache.set("b", false);
    cache.set("c", true);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, false, true]);
  });
});
