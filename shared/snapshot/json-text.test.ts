import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { duplicateKey, parseJsonText } from "./json-text";

const LIMITS = { maxLength: 1_000_000, maxDepth: 64 };

describe("duplicate keys in JSON text", () => {
  it("finds a key named twice in one object, however deep and however escaped", () => {
    expect(duplicateKey('{"amount": 1, "amount": 2}')).toBe("amount");
    expect(duplicateKey('{"a": [{"b": {"c": 1, "d": 2, "c": 3}}]}')).toBe("c");
    expect(duplicateKey('{"a": 1, "\\u0061": 2}')).toBe("a");
    expect(duplicateKey('{"x\\"y": 1, "x\\"y": 2}')).toBe('x"y');
    expect(duplicateKey('{"__proto__": 1, "__proto__": 2}')).toBe("__proto__");
  });

  it("does not mistake values, or equal keys in different objects, for duplicates", () => {
    expect(duplicateKey('{"a": "a", "b": "a", "c": {"a": 1}, "d": [{"a": 1}, {"a": 2}]}')).toBeUndefined();
    expect(duplicateKey('[{"a": 1}, {"a": 1}]')).toBeUndefined();
    expect(duplicateKey('{"a": {"b": 1}, "b": 2}')).toBeUndefined();
    expect(duplicateKey('{"a": "{\\"a\\": 1, \\"a\\": 2}"}')).toBeUndefined();
  });

  it("accepts everything JSON.stringify writes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(duplicateKey(JSON.stringify(value, null, 1))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it("parseJsonText refuses a duplicate key and names it", () => {
    expect(parseJsonText('{"amount": 1, "amount": 2}', LIMITS)).toEqual({ ok: false, error: "duplicate key", key: "amount" });
    expect(parseJsonText('{"amount": 1}', LIMITS)).toEqual({ ok: true, value: { amount: 1 } });
  });
});
