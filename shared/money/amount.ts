import { fail, ok, type Result } from "../result";
import { MAX_DECIMALS, type Currency } from "./currency";

/**
 * Amounts typed by a member, turned into an integer count of minor units
 * (10^decimals per unit) and back. Only string and BigInt arithmetic is used:
 * "0.29" must become 29 cents on every member's machine, which a float
 * multiplication does not promise.
 *
 * The accepted form is deliberately narrow, so an amount never means two
 * things: an optional "-", the digits 0-9, and optionally one decimal
 * separator with digits on both sides ("12", "12.5", "12.50", "007").
 * Rejected, each with its own message:
 * - ".5" and "5.": a digit must stand on each side of the point.
 * - "+5": the sign is left out rather than guessed at.
 * - more decimals than the currency has, even trailing zeros ("1.500" for
 *   EUR), because "1.500" is one thousand five hundred in much of Europe.
 * - thousands separators, spaces, exponents, hex, non-ASCII digits,
 *   Infinity and NaN.
 * - "-0" in every mode: zero has no sign.
 */
export interface ParseAmountOptions {
  /** Accept 0 (default: amounts must be greater than zero). */
  allowZero?: boolean;
  /** Accept amounts below zero (default: no). */
  allowNegative?: boolean;
  /** The decimal separator the member types; "." unless told. */
  decimalSeparator?: "." | ",";
}

export function parseAmount(text: string, currency: Currency, options: ParseAmountOptions = {}): Result<number> {
  const { decimals, code } = currency;
  assertDecimals(decimals);
  const separator = options.decimalSeparator ?? ".";
  const input = text.trim();

  const match = plain(separator).exec(input);
  if (!match) return fail("amount.unreadable", diagnose(input, currency, separator));

  const [, sign = "", whole = "", fraction = ""] = match;
  if (fraction.length > decimals) return fail("amount.tooManyDecimals", tooManyDecimals(currency));

  // Without leading zeros the length check below measures the value, so no huge string reaches BigInt.
  const digits = `${whole}${fraction.padEnd(decimals, "0")}`.replace(/^0+(?=\d)/, "");
  const negative = sign === "-";
  if (digits === "0") {
    if (negative && options.allowZero) return fail("amount.negativeZero", "Write zero as 0, without a minus sign");
    if (negative || !options.allowZero) {
      return fail("amount.zero", options.allowNegative ? "Amount must not be zero" : "Amount must be greater than zero");
    }
    return ok(0);
  }
  if (negative && !options.allowNegative) {
    return fail("amount.negative", options.allowZero ? "Amount cannot be negative" : "Amount must be greater than zero");
  }
  if (digits.length > MAX_SAFE_DIGITS || BigInt(digits) > MAX_SAFE) {
    const limit = formatAmount(Number.MAX_SAFE_INTEGER, currency).replace(".", separator);
    return fail("amount.tooLarge", `Amount is too large: the limit is ${limit} ${code}`);
  }
  const magnitude = Number(BigInt(digits));
  return ok(negative ? -magnitude : magnitude);
}

/**
 * "12.50" for 1250 cents: exactly `decimals` digits after the point, none
 * when the currency has no decimals, "-" in front of negative amounts.
 */
export function formatAmount(minor: number, currency: Currency): string {
  if (!Number.isSafeInteger(minor)) {
    throw new TypeError(`formatAmount: ${String(minor)} is not a safe integer count of minor units`);
  }
  const { decimals } = currency;
  assertDecimals(decimals);
  const big = BigInt(minor);
  const sign = big < 0n ? "-" : "";
  const digits = (big < 0n ? -big : big).toString().padStart(decimals + 1, "0");
  if (decimals === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** "12.50 EUR". */
export function formatMoney(minor: number, currency: Currency): string {
  return `${formatAmount(minor, currency)} ${currency.code}`;
}

const PLAIN_POINT = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;
const PLAIN_COMMA = /^(-?)([0-9]+)(?:,([0-9]+))?$/;
const plain = (separator: "." | ","): RegExp => (separator === "." ? PLAIN_POINT : PLAIN_COMMA);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;

/** The currency's decimals come from a validated definition; anything else is a bug. */
function assertDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new TypeError(`Currency decimals must be an integer from 0 to ${MAX_DECIMALS}, not ${String(decimals)}`);
  }
}

function tooManyDecimals({ code, decimals }: Currency): string {
  if (decimals === 0) return `${code} allows no decimals`;
  return `${code} allows at most ${decimals} ${decimals === 1 ? "decimal" : "decimals"}`;
}

/** "12.50" (or "12,50"), "12" for a currency without decimals. */
function example(decimals: number, separator: string): string {
  return decimals === 0 ? "12" : `12${separator}${"5".padEnd(decimals, "0")}`;
}

/** Why `input`, which is not a plain amount, was refused: the most specific reason first. */
function diagnose(input: string, currency: Currency, separator: "." | ","): string {
  const { decimals } = currency;
  const other = separator === "." ? "," : ".";
  const sample = example(decimals, separator);

  if (input === "") return "Enter an amount";
  const bare = input.replace(new RegExp(`^${currency.code}\\s*|\\s*${currency.code}$`, "i"), "");
  if (bare !== input && bare !== "") {
    return plain(separator).test(bare) ? `Leave out "${currency.code}": write ${bare}` : diagnose(bare, currency, separator);
  }
  if (/\s/.test(input)) return `Write the amount without spaces, such as ${sample}`;
  if (/^[+-]?(infinity|inf|nan)$/i.test(input) || input.includes("∞")) {
    return `Amount must be a number, such as ${sample}`;
  }
  if (/^[+-]?0[xob]/i.test(input)) return `Write the amount in plain decimal digits, such as ${sample}`;
  if (/^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)e[+-]?[0-9]+$/i.test(input)) {
    return "Write the amount as plain digits without an exponent, such as 1000 rather than 1e3";
  }
  if (/(?![0-9])\p{Nd}/u.test(input)) {
    return `Write the amount with the digits 0 to 9, such as ${sample}`;
  }
  if (!/^[+-]?[0-9.,]*[0-9][0-9.,]*$/.test(input)) return `Amount must be a number, such as ${sample}`;

  // Only signs, digits and separators are left.
  if (input.startsWith("+")) {
    const rest = input.slice(1);
    return plain(separator).test(rest) ? `Leave out the "+" sign: write ${rest}` : diagnose(rest, currency, separator);
  }
  if (input.includes(other)) {
    return `Use "${separator}" for the decimal point (such as ${sample}) and leave out thousands separators`;
  }
  if (input.split(separator).length > 2) {
    return `Use "${separator}" only once, for the decimal point, and leave out thousands separators`;
  }
  if (/^-?[0-9]*[.,][0-9]*$/.test(input)) {
    if (decimals === 0) return tooManyDecimals(currency);
    return `Write a digit on each side of the decimal point, such as 0${separator}${"5".padEnd(decimals, "0")}`;
  }
  return `Amount must be a number, such as ${sample}`;
}
