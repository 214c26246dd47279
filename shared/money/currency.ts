import { fail, ok, type Result } from "../result";

/**
 * A currency the commune defines: money (EUR, 2 decimals), labour time
 * (HOUR, 2 decimals) or any other social currency. Amounts of it are always
 * integers in minor units (cents, hundredths of an hour).
 */
export interface Currency {
  /** 2-10 characters, A-Z and 0-9, starting with a letter: "EUR", "HOUR". */
  code: string;
  name: string;
  /** Minor units per unit are 10^decimals; 0 to 6. */
  decimals: number;
}

/** A currency code is a capital letter and 1 to 9 more capitals or digits: "EUR", "HOUR", "KWH2". */
export const MAX_CURRENCY_CODE_LENGTH = 10;
export const CURRENCY_CODE = new RegExp(`^[A-Z][A-Z0-9]{1,${MAX_CURRENCY_CODE_LENGTH - 1}}$`);
export const MAX_DECIMALS = 6;

export const EUR: Currency = { code: "EUR", name: "Euro", decimals: 2 };
export const HOUR: Currency = { code: "HOUR", name: "Labour hours", decimals: 2 };

export const MAX_CURRENCY_NAME = 60;

/**
 * Checks a currency definition from a form or another member's document. The
 * value comes back unchanged (a signed definition must not be rewritten), so
 * a form trims the name before it signs.
 */
export function validateCurrency(value: Currency): Result<Currency> {
  if (typeof value.code !== "string" || !CURRENCY_CODE.test(value.code)) {
    return fail("currency.badCode", "A currency code is 2 to 10 capital letters or digits, starting with a letter, such as EUR or HOUR", { field: "code" });
  }
  if (typeof value.name !== "string" || value.name.trim() === "") return fail("currency.noName", `Give ${value.code} a name`, { field: "name" });
  if ([...value.name].length > MAX_CURRENCY_NAME) {
    return fail("currency.nameTooLong", `The name of ${value.code} can be at most ${MAX_CURRENCY_NAME} characters`, { field: "name" });
  }
  if (!Number.isInteger(value.decimals) || value.decimals < 0 || value.decimals > MAX_DECIMALS) {
    return fail("currency.badDecimals", `${value.code} can have 0 to ${MAX_DECIMALS} decimals, as a whole number`, { field: "decimals" });
  }
  return ok(value);
}
