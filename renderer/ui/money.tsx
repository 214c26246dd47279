import { formatAmount } from "../../shared/money/amount";
import type { Currency } from "../../shared/money/currency";

/** The definition of `code` among the commune's currencies; views carry codes, formatting needs decimals. */
export function currencyOf(code: string, currencies: readonly Currency[]): Currency | undefined {
  return currencies.find((currency) => currency.code === code);
}

const grouped = new Intl.NumberFormat(undefined, { useGrouping: true, maximumFractionDigits: 0 });
const decimalSeparator = new Intl.NumberFormat(undefined).formatToParts(1.5).find((part) => part.type === "decimal")?.value ?? ".";

/**
 * An amount as a person reads it in their locale: "98,765,457.10", with the
 * currency's own decimals. Exact for every amount the purse holds: the
 * digits come from shared's formatAmount (BigInt, never a float), and Intl
 * only groups the whole part. A minus is a real minus sign ("−12.50").
 */
export function amountText(minor: number, currency: Currency): string {
  const plain = formatAmount(minor, currency);
  const negative = plain.startsWith("-");
  const [whole = "0", fraction] = (negative ? plain.slice(1) : plain).split(".");
  return `${negative ? "\u2212" : ""}${grouped.format(BigInt(whole))}${fraction === undefined ? "" : `${decimalSeparator}${fraction}`}`;
}

/** "12.50 EUR" ("1,012.50 EUR" with the member's grouping); a code the commune does not define shows its raw minor units. */
export function moneyText(minor: number, code: string, currencies: readonly Currency[]): string {
  const currency = currencyOf(code, currencies);
  return currency ? `${amountText(minor, currency)} ${currency.code}` : `${minor} ${code} (minor units)`;
}

export function Money({ minor, code, currencies }: { minor: number; code: string; currencies: readonly Currency[] }) {
  return <span className="num">{moneyText(minor, code, currencies)}</span>;
}
