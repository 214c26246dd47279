import { formatMoney } from "../../shared/money/amount";
import type { Currency } from "../../shared/money/currency";

/** The definition of `code` among the commune's currencies; views carry codes, formatting needs decimals. */
export function currencyOf(code: string, currencies: readonly Currency[]): Currency | undefined {
  return currencies.find((currency) => currency.code === code);
}

/** "12.50 EUR", the same text the CLI prints; a code the commune does not define shows its raw minor units. */
export function moneyText(minor: number, code: string, currencies: readonly Currency[]): string {
  const currency = currencyOf(code, currencies);
  return currency ? formatMoney(minor, currency) : `${minor} ${code} (minor units)`;
}

export function Money({ minor, code, currencies }: { minor: number; code: string; currencies: readonly Currency[] }) {
  return <span className="num">{moneyText(minor, code, currencies)}</span>;
}
