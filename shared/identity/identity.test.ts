import { hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, type Canonical } from "./canonical";
import { fingerprint, generateKeyPair, isPublicKey, keyPairFromSecret } from "./keys";
import { checkSignature, sign } from "./signed";
import { nobleCrypto } from "./crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

// RFC 8032, section 7.1, TEST 1: a published secret, its public key and its signature of the empty message.
const RFC_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const RFC_SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

/** Values canonicalJson promises to encode: strings, safe integers, booleans, null, arrays, plain objects. */
const canonicalValue: fc.Arbitrary<Canonical> = fc.letrec<{ value: Canonical }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string({ unit: "binary" }),
    fc.maxSafeInteger().filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: "binary" }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** The same value with every object's keys inserted in reverse order. */
function reversedKeys(value: Canonical): Canonical {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  const record = value as { readonly [key: string]: Canonical };
  return Object.fromEntries(
    Object.keys(record)
      .reverse()
      .map((key) => [key, reversedKeys(record[key]!)]),
  );
}

describe("canonicalJson", () => {
  it("sorts object keys at every depth and leaves array order alone", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { z: true, y: null }] } })).toBe('{"a":{"c":[3,{"y":null,"z":true}],"d":2},"b":1}');
  });

  it("sorts keys by UTF-16 code unit, not by locale", () => {
    expect(canonicalJson({ é: 1, a: 2, _: 3, B: 4, "10": 5, "9": 6 })).toBe('{"10":5,"9":6,"B":4,"_":3,"a":2,"é":1}');
  });

  it("drops keys whose value is undefined, so they sign like absent keys", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it("accepts objects without a prototype", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
  });

  it.each<[string, unknown]>([
    ["a float", 1.5],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-0", -0],
    ["an unsafe integer", 2 ** 53],
    ["a float inside an object", { amount: 0.1 }],
    ["NaN inside an array", [1, Number.NaN]],
    ["undefined on its own", undefined],
    ["undefined inside an array", [1, undefined]],
    ["a Date", new Date(0)],
    ["a Map", new Map([["a", 1]])],
    ["a Set", new Set([1])],
    [
      "a class instance",
      new (class Point {
        x = 1;
      })(),
    ],
    ["a Uint8Array", new Uint8Array(2)],
    ["a bigint", 1n],
    ["a function", () => 1],
    ["a symbol", Symbol("s")],
  ])("refuses %s with a TypeError", (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it.each(["plain", 'quote " and backslash \\', "line\nbreak\ttab", "\u0000\u001f\u007f", "é 日本 🙂", "\ud800 lone surrogate", "\u2028\u2029"])(
    "escapes the string %j exactly as JSON.stringify does",
    (text) => {
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
      expect(canonicalJson({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`);
    },
  );

  it("escapes every string exactly as JSON.stringify does", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(canonicalJson(text)).toBe(JSON.stringify(text));
      }),
      { numRuns: 1000 },
    );
  });

  it("is valid JSON of the same value, whatever order the keys were written in", () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const encoded = canonicalJson(value);
        expect(JSON.parse(encoded)).toEqual(value);
        expect(canonicalJson(reversedKeys(value))).toBe(encoded);
      }),
      { numRuns: 500 },
    );
  });
});

describe("keys", () => {
  it("derives the RFC 8032 public key and signature from its published secret", () => {
    const keys = keyPairFromSecret(hexToBytes(RFC_SECRET));
    expect(keys.publicKey).toBe(RFC_PUBLIC);
    expect(crypto.signBytes(new Uint8Array(), keys.secretKey)).toBe(RFC_SIGNATURE);
    expect(crypto.verifyBytes(RFC_SIGNATURE, new Uint8Array(), RFC_PUBLIC)).toBe(true);
  });

  it("refuses a secret that is not 32 bytes", () => {
    expect(() => keyPairFromSecret(new Uint8Array(31))).toThrow(RangeError);
    expect(() => keyPairFromSecret(new Uint8Array(64))).toThrow(RangeError);
  });

  it("verifies what it signed, for any message", () => {
    const keys = generateKeyPair();
    expect(isPublicKey(keys.publicKey)).toBe(true);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        expect(crypto.verifyBytes(crypto.signBytes(message, keys.secretKey), message, keys.publicKey)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("rejects a signature checked against another member's key", () => {
    const alice = generateKeyPair();
    const bob = generateKeyPair();
    const message = utf8ToBytes("pay 12.50 EUR to the bakery");
    expect(crypto.verifyBytes(crypto.signBytes(message, alice.secretKey), message, bob.publicKey)).toBe(false);
  });

  it("rejects a message altered after signing", () => {
    const keys = generateKeyPair();
    const signature = crypto.signBytes(utf8ToBytes("pay 12.50 EUR"), keys.secretKey);
    expect(crypto.verifyBytes(signature, utf8ToBytes("pay 92.50 EUR"), keys.publicKey)).toBe(false);
    expect(crypto.verifyBytes(signature, utf8ToBytes("pay 12.50 EUR "), keys.publicKey)).toBe(false);
  });

  it("rejects a signature with one hex digit changed", () => {
    const keys = generateKeyPair();
    const message = utf8ToBytes("vote yes");
    const signature = crypto.signBytes(message, keys.secretKey);
    for (const at of [0, 63, 64, 127]) {
      const digit = signature[at] === "0" ? "1" : "0";
      const altered = signature.slice(0, at) + digit + signature.slice(at + 1);
      expect(crypto.verifyBytes(altered, message, keys.publicKey)).toBe(false);
    }
  });

  const message = new Uint8Array();
  it.each<[string, unknown]>([
    ["an empty string", ""],
    ["too short", RFC_SIGNATURE.slice(2)],
    ["too long", `${RFC_SIGNATURE}00`],
    ["uppercase hex", RFC_SIGNATURE.toUpperCase()],
    ["not hex", "zz".repeat(64)],
    ["an s beyond the group order", `${RFC_SIGNATURE.slice(0, 64)}${"ff".repeat(32)}`],
    ["all zeros", "00".repeat(64)],
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["bytes rather than hex", hexToBytes(RFC_SIGNATURE)],
  ])("answers false, without throwing, for a signature that is %s", (_name, signature) => {
    expect(crypto.verifyBytes(signature, message, RFC_PUBLIC)).toBe(false);
  });

  it.each<[string, unknown]>([
    ["an empty string", ""],
    ["63 hex digits", RFC_PUBLIC.slice(1)],
    ["uppercase hex", RFC_PUBLIC.toUpperCase()],
    ["not hex", "zz".repeat(32)],
    ["not a curve point", `02${"00".repeat(31)}`],
    ["all ones", "ff".repeat(32)],
    ["a number", 42],
    ["undefined", undefined],
    ["bytes rather than hex", hexToBytes(RFC_PUBLIC)],
  ])("answers false, without throwing, for a public key that is %s", (_name, publicKey) => {
    expect(crypto.verifyBytes(RFC_SIGNATURE, message, publicKey)).toBe(false);
  });
});

describe("fingerprint", () => {
  it("is four groups of four lowercase hex digits", () => {
    for (let i = 0; i < 20; i++) {
      expect(fingerprint(generateKeyPair().publicKey)).toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    }
  });

  it("is the first 64 bits of SHA-256 of the key's bytes, the same on every machine", () => {
    // sha256(bytes of RFC_PUBLIC) = 21fe31dfa154a261626bf854046fd227...
    expect(fingerprint(keyPairFromSecret(hexToBytes(RFC_SECRET)).publicKey)).toBe("21fe 31df a154 a261");
    expect(fingerprint(keyPairFromSecret(new Uint8Array(32).fill(7)).publicKey)).toBe("fe81 2c12 f3ab 4ce6");
  });

  it("differs between two members", () => {
    expect(fingerprint(generateKeyPair().publicKey)).not.toBe(fingerprint(generateKeyPair().publicKey));
  });
});

describe("signed records", () => {
  const alice = keyPairFromSecret(hexToBytes(RFC_SECRET));
  const bob = keyPairFromSecret(new Uint8Array(32).fill(7));
  const fields = {
    commune: "c0ffee",
    id: "e1",
    kind: "contribution",
    at: 1_700_000_000_000,
    amount: 1250,
    currency: "EUR",
    memo: "rent share",
    settled: false,
  };

  it("verifies a record as signed, with its author's key in `by`", () => {
    const record = sign(crypto, "entry", fields, alice);
    expect(record.by).toBe(alice.publicKey);
    expect(checkSignature(crypto, "entry", record)).toBeUndefined();
  });

  it("puts the signer's key in `by` even when the fields name someone else", () => {
    const record = sign(crypto, "entry", { ...fields, by: bob.publicKey }, alice);
    expect(record.by).toBe(alice.publicKey);
    expect(checkSignature(crypto, "entry", record)).toBeUndefined();
  });

  it("verifies a record signed again by another member", () => {
    const resigned = sign(crypto, "entry", sign(crypto, "entry", fields, alice), bob);
    expect(resigned.by).toBe(bob.publicKey);
    expect(checkSignature(crypto, "entry", resigned)).toBeUndefined();
  });

  it.each(Object.keys(fields))("reports a bad signature when %s is changed after signing", (key) => {
    const record: Record<string, unknown> = sign(crypto, "entry", fields, alice);
    const before = record[key];
    record[key] = typeof before === "number" ? before + 1 : typeof before === "boolean" ? !before : `${String(before)}x`;
    expect(checkSignature(crypto, "entry", record)).toBe("bad signature");
  });

  it("reports a bad signature when `by` is swapped for another member", () => {
    expect(checkSignature(crypto, "entry", { ...sign(crypto, "entry", fields, alice), by: bob.publicKey })).toBe("bad signature");
  });

  it("reports a bad signature when a field is added or removed", () => {
    const record = sign(crypto, "entry", fields, alice);
    const withTo = { ...record, to: bob.publicKey };
    expect(checkSignature(crypto, "entry", withTo)).toBe("bad signature");
    const { memo: _memo, ...withoutMemo } = record;
    expect(checkSignature(crypto, "entry", withoutMemo)).toBe("bad signature");
  });

  it("reports a bad signature, without throwing, for a field canonicalJson refuses", () => {
    const withFloat = { ...sign(crypto, "entry", fields, alice), amount: 12.5 };
    expect(checkSignature(crypto, "entry", withFloat)).toBe("bad signature");
  });

  it.each<[string, unknown]>([
    ["garbage", "not a signature"],
    ["a number", 7],
    ["another record's signature", sign(crypto, "entry", { ...fields, id: "e2" }, alice).sig],
  ])("reports a bad signature when sig is %s", (_name, sig) => {
    expect(checkSignature(crypto, "entry", { ...sign(crypto, "entry", fields, alice), sig })).toBe("bad signature");
  });

  it("reports a record without a signature as unsigned", () => {
    const { sig: _sig, ...unsigned } = sign(crypto, "entry", fields, alice);
    expect(checkSignature(crypto, "entry", unsigned)).toBe("unsigned");
    expect(checkSignature(crypto, "entry", { ...unsigned, sig: "" })).toBe("unsigned");
    expect(checkSignature(crypto, "entry", { ...unsigned, sig: null })).toBe("unsigned");
    expect(checkSignature(crypto, "entry", {})).toBe("unsigned");
  });

  it("does not accept a signature made for one purpose as another", () => {
    const entry = sign(crypto, "entry", fields, alice);
    expect(checkSignature(crypto, "vote", entry)).toBe("bad signature");
    expect(checkSignature(crypto, "proposal", entry)).toBe("bad signature");
    expect(checkSignature(crypto, "vote", sign(crypto, "vote", fields, alice))).toBeUndefined();
  });

  it("signs nested plain data, such as a genesis with rules", () => {
    const record = sign(crypto, "genesis", { name: "Oak", rules: { quorum: 2, currencies: [{ code: "EUR", decimals: 2 }] } }, alice);
    expect(checkSignature(crypto, "genesis", record)).toBeUndefined();
    const altered = { ...record, rules: { quorum: 1, currencies: record.rules.currencies } };
    expect(checkSignature(crypto, "genesis", altered)).toBe("bad signature");
  });
});
