import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, formatMoney, parseAmount, type ParseAmountOptions } from "./amount";
import { EUR, HOUR, validateCurrency, type Currency } from "./currency";

const MEAL: Currency = { code: "MEAL", name: "Shared meals", decimals: 0 };
const KWH: Currency = { code: "KWH", name: "Kilowatt hours", decimals: 3 };
const SEED: Currency = { code: "SEED", name: "Seed packets", decimals: 1 };

const positive: ParseAmountOptions = {};
const signed: ParseAmountOptions = { allowNegative: true };
const zeroOk: ParseAmountOptions = { allowZero: true };
const anySign: ParseAmountOptions = { allowNegative: true, allowZero: true };
const comma: ParseAmountOptions = { decimalSeparator: "," };

const NOT_A_NUMBER = "Amount must be a number, such as 12.50";
const NO_EXPONENT = "Write the amount as plain digits without an exponent, such as 1000 rather than 1e3";
const NOT_POSITIVE = "Amount must be greater than zero";
const TOO_LARGE_EUR = "Amount is too large: the limit is 90071992547409.91 EUR";

describe("parseAmount rejects", () => {
  it.each<[string, string, ParseAmountOptions, Currency]>([
    ["", "Enter an amount", positive, EUR],
    [" ", "Enter an amount", positive, EUR],
    ["\t\n ", "Enter an amount", anySign, EUR],
    ["abc", NOT_A_NUMBER, positive, EUR],
    ["NaN", NOT_A_NUMBER, anySign, EUR],
    ["Infinity", NOT_A_NUMBER, anySign, EUR],
    ["-Infinity", NOT_A_NUMBER, anySign, EUR],
    ["∞", NOT_A_NUMBER, anySign, EUR],
    ["-", NOT_A_NUMBER, anySign, EUR],
    [".", NOT_A_NUMBER, anySign, EUR],
    ["--5", NOT_A_NUMBER, anySign, EUR],
    ["5-", NOT_A_NUMBER, anySign, EUR],
    ["12abc", NOT_A_NUMBER, positive, EUR],
    ["€12", NOT_A_NUMBER, positive, EUR],
    ["abc", "Amount must be a number, such as 12", positive, MEAL],
    ["abc", "Amount must be a number, such as 12,50", comma, EUR],
    ["1e309", NO_EXPONENT, positive, EUR],
    ["1e3", NO_EXPONENT, positive, EUR],
    ["1E3", NO_EXPONENT, positive, EUR],
    ["-1.5e-3", NO_EXPONENT, anySign, EUR],
    ["0x10", "Write the amount in plain decimal digits, such as 12.50", positive, EUR],
    ["0b101", "Write the amount in plain decimal digits, such as 12.50", positive, EUR],
    ["١٢", "Write the amount with the digits 0 to 9, such as 12.50", positive, EUR],
    ["１２", "Write the amount with the digits 0 to 9, such as 12.50", positive, EUR],
    ["0", NOT_POSITIVE, positive, EUR],
    ["0.00", NOT_POSITIVE, positive, EUR],
    ["000", NOT_POSITIVE, positive, EUR],
    ["-0", NOT_POSITIVE, positive, EUR],
    ["-5", NOT_POSITIVE, positive, EUR],
    ["-0.01", NOT_POSITIVE, positive, EUR],
    ["0", "Amount must not be zero", signed, EUR],
    ["-0", "Amount must not be zero", signed, EUR],
    ["-0.00", "Amount must not be zero", signed, EUR],
    ["-0", "Write zero as 0, without a minus sign", anySign, EUR],
    ["-0", "Write zero as 0, without a minus sign", zeroOk, EUR],
    ["-5", "Amount cannot be negative", zeroOk, EUR],
    ["0.001", "EUR allows at most 2 decimals", positive, EUR],
    ["12.500", "EUR allows at most 2 decimals", positive, EUR],
    ["1.500", "EUR allows at most 2 decimals", positive, EUR],
    ["1.25", "SEED allows at most 1 decimal", positive, SEED],
    ["12.5", "MEAL allows no decimals", positive, MEAL],
    ["12.0", "MEAL allows no decimals", positive, MEAL],
    ["12.", "MEAL allows no decimals", positive, MEAL],
    ["0,001", "EUR allows at most 2 decimals", comma, EUR],
    ["90071992547409.92", TOO_LARGE_EUR, positive, EUR],
    ["90071992547410", TOO_LARGE_EUR, positive, EUR],
    ["-90071992547409.92", TOO_LARGE_EUR, signed, EUR],
    ["1" + "0".repeat(400), TOO_LARGE_EUR, positive, EUR],
    ["9007199254741", "Amount is too large: the limit is 9007199254740.991 KWH", positive, KWH],
    ["9007199254740992", "Amount is too large: the limit is 9007199254740991 MEAL", positive, MEAL],
    ["90071992547410", "Amount is too large: the limit is 90071992547409,91 EUR", comma, EUR],
    ["1,5", 'Use "." for the decimal point (such as 12.50) and leave out thousands separators', positive, EUR],
    ["1,000", 'Use "." for the decimal point (such as 12.50) and leave out thousands separators', positive, EUR],
    ["1,000.50", 'Use "." for the decimal point (such as 12.50) and leave out thousands separators', positive, EUR],
    ["1.5", 'Use "," for the decimal point (such as 12,50) and leave out thousands separators', comma, EUR],
    ["1.2.3", 'Use "." only once, for the decimal point, and leave out thousands separators', positive, EUR],
    ["1,2,3", 'Use "," only once, for the decimal point, and leave out thousands separators', comma, EUR],
    [".5", "Write a digit on each side of the decimal point, such as 0.50", positive, EUR],
    ["5.", "Write a digit on each side of the decimal point, such as 0.50", positive, EUR],
    ["-.5", "Write a digit on each side of the decimal point, such as 0.50", signed, EUR],
    [",5", "Write a digit on each side of the decimal point, such as 0,50", comma, EUR],
    ["+5", 'Leave out the "+" sign: write 5', positive, EUR],
    ["+12.50", 'Leave out the "+" sign: write 12.50', positive, EUR],
    ["+1,5", 'Use "." for the decimal point (such as 12.50) and leave out thousands separators', positive, EUR],
    ["12 50", "Write the amount without spaces, such as 12.50", positive, EUR],
    ["1 000", "Write the amount without spaces, such as 12.50", positive, EUR],
    ["12\u00a050", "Write the amount without spaces, such as 12.50", positive, EUR],
    ["12 EUR", 'Leave out "EUR": write 12', positive, EUR],
    ["eur12.50", 'Leave out "EUR": write 12.50', positive, EUR],
    ["12,50 EUR", 'Use "." for the decimal point (such as 12.50) and leave out thousands separators', positive, EUR],
  ])("rejects %j with %j (options %j)", (input, message, options, currency) => {
    expect(parseAmount(input, currency, options)).toEqual({ ok: false, error: expect.objectContaining({ message }) });
  });
});

describe("parseAmount accepts", () => {
  it.each<[string, number, ParseAmountOptions, Currency]>([
    ["12", 1200, positive, EUR],
    ["12.5", 1250, positive, EUR],
    ["12.50", 1250, positive, EUR],
    ["0.01", 1, positive, EUR],
    ["0.29", 29, positive, EUR],
    ["1.10", 110, positive, EUR],
    ["007", 700, positive, EUR],
    ["  3.75\t", 375, positive, HOUR],
    ["12", 12, positive, MEAL],
    ["1.5", 15, positive, SEED],
    ["0.001", 1, positive, KWH],
    ["12,5", 1250, comma, EUR],
    ["12", 1200, comma, EUR],
    ["0", 0, zeroOk, EUR],
    ["0.00", 0, anySign, EUR],
    ["-5", -500, signed, EUR],
    ["-0.01", -1, anySign, EUR],
    ["90071992547409.91", Number.MAX_SAFE_INTEGER, positive, EUR],
    ["-90071992547409.91", -Number.MAX_SAFE_INTEGER, signed, EUR],
    ["9007199254740991", Number.MAX_SAFE_INTEGER, positive, MEAL],
    ["000000000000000000000000001", 100, positive, EUR],
  ])("reads %j as %d minor units (options %j)", (input, minor, options, currency) => {
    expect(parseAmount(input, currency, options)).toEqual({ ok: true, value: minor });
  });
});

describe("formatAmount", () => {
  it.each<[number, string, Currency]>([
    [1250, "12.50", EUR],
    [1200, "12.00", EUR],
    [1, "0.01", EUR],
    [0, "0.00", EUR],
    [-0, "0.00", EUR],
    [-500, "-5.00", EUR],
    [-1, "-0.01", EUR],
    [12, "12", MEAL],
    [-12, "-12", MEAL],
    [0, "0", MEAL],
    [15, "1.5", SEED],
    [1, "0.001", KWH],
    [Number.MAX_SAFE_INTEGER, "90071992547409.91", EUR],
    [Number.MIN_SAFE_INTEGER, "-90071992547409.91", EUR],
    [Number.MAX_SAFE_INTEGER, "9007199254.740991", { code: "MICRO", name: "Micro", decimals: 6 }],
  ])("writes %d minor units as %j", (minor, text, currency) => {
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, -(2 ** 60)])(
    "throws a TypeError for %d, which is not a safe integer",
    (minor) => {
      expect(() => formatAmount(minor, EUR)).toThrow(TypeError);
    },
  );

  it("throws a TypeError for a currency whose decimals are out of range", () => {
    expect(() => formatAmount(1, { code: "BAD", name: "Bad", decimals: 7 })).toThrow(TypeError);
    expect(() => parseAmount("1", { code: "BAD", name: "Bad", decimals: 1.5 })).toThrow(TypeError);
  });

  it("formatMoney adds the currency code", () => {
    expect(formatMoney(1250, EUR)).toBe("12.50 EUR");
    expect(formatMoney(-375, HOUR)).toBe("-3.75 HOUR");
    expect(formatMoney(3, MEAL)).toBe("3 MEAL");
  });
});

describe("parseAmount(formatAmount(x))", () => {
  it("gives back every safe integer in every currency precision", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 6 }), (minor, decimals) => {
        const currency: Currency = { code: "TEST", name: "Test", decimals };
        const text = formatAmount(minor, currency);
        expect(parseAmount(text, currency, { allowNegative: true, allowZero: true })).toEqual({ ok: true, value: minor });
      }),
      { numRuns: 2000 },
    );
  });

  it("gives back small amounts, where zero padding matters", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 6 }), (minor, decimals) => {
        const currency: Currency = { code: "TEST", name: "Test", decimals };
        const text = formatAmount(minor, currency);
        expect(parseAmount(text, currency, { allowNegative: true, allowZero: true })).toEqual({ ok: true, value: minor });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseAmount on hostile input", () => {
  const amountLike = fc.stringMatching(/^[ +-]?[0-9.,eExX -]{0,30}$/);
  it("answers every string with a Result, never an exception, and only with safe integers", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), amountLike), fc.boolean(), fc.boolean(), (text, allowZero, allowNegative) => {
        const result = parseAmount(text, EUR, { allowZero, allowNegative });
        if (!result.ok) {
          expect(result.error).not.toBe("");
          return;
        }
        expect(Number.isSafeInteger(result.value)).toBe(true);
        if (!allowZero) expect(result.value).not.toBe(0);
        if (!allowNegative) expect(result.value).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("validateCurrency", () => {
  it.each<[Currency]>([[EUR], [HOUR], [MEAL], [{ code: "T1", name: "x".repeat(60), decimals: 6 }]])("accepts %j unchanged", (currency) => {
    expect(validateCurrency(currency)).toEqual({ ok: true, value: currency });
  });

  const CODE = "A currency code is 2 to 10 capital letters or digits, starting with a letter, such as EUR or HOUR";
  it.each<[Currency, string]>([
    [{ code: "eur", name: "Euro", decimals: 2 }, CODE],
    [{ code: "E", name: "Euro", decimals: 2 }, CODE],
    [{ code: "1EUR", name: "Euro", decimals: 2 }, CODE],
    [{ code: "ABCDEFGHIJK", name: "Too long", decimals: 2 }, CODE],
    [{ code: "EUR\n", name: "Euro", decimals: 2 }, CODE],
    [{ code: "EUR", name: "", decimals: 2 }, "Give EUR a name"],
    [{ code: "EUR", name: "   ", decimals: 2 }, "Give EUR a name"],
    [{ code: "EUR", name: "x".repeat(61), decimals: 2 }, "The name of EUR can be at most 60 characters"],
    [{ code: "EUR", name: "Euro", decimals: -1 }, "EUR can have 0 to 6 decimals, as a whole number"],
    [{ code: "EUR", name: "Euro", decimals: 7 }, "EUR can have 0 to 6 decimals, as a whole number"],
    [{ code: "EUR", name: "Euro", decimals: 1.5 }, "EUR can have 0 to 6 decimals, as a whole number"],
    [{ code: "EUR", name: "Euro", decimals: Number.NaN }, "EUR can have 0 to 6 decimals, as a whole number"],
  ])("rejects %j with %j", (currency, message) => {
    expect(validateCurrency(currency)).toEqual({ ok: false, error: expect.objectContaining({ message }) });
  });
});
