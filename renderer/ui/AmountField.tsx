import { parseAmount } from "../../shared/money/amount";
import type { Currency } from "../../shared/money/currency";
import { TextField } from "./fields";

/** Why `text` is not an amount of `currency` (the host's own words), or undefined when it is. */
export function amountProblem(text: string, currency: Currency | undefined, options: { allowZero?: boolean } = {}): string | undefined {
  if (!currency) return "Choose a currency";
  const parsed = parseAmount(text, currency, options);
  return parsed.ok ? undefined : parsed.error.message;
}

/**
 * An amount checked as the member types, with the same rule and message the
 * host applies; an untouched empty field is not an error yet.
 */
export function AmountField({
  value,
  onChange,
  currency,
  label = "Amount",
  showEmptyError = false,
  allowZero = false,
  error,
}: {
  value: string;
  onChange(value: string): void;
  currency: Currency | undefined;
  label?: string;
  /** Set after a submit attempt, so an empty field then says what it needs. */
  showEmptyError?: boolean;
  allowZero?: boolean;
  /** The host's problem with this amount, shown when the typed text passes the check here. */
  error?: string | undefined;
}) {
  const problem = value === "" && !showEmptyError ? undefined : amountProblem(value, currency, { allowZero });
  return (
    <TextField
      label={label}
      value={value}
      onChange={onChange}
      inputMode="decimal"
      autoComplete="off"
      error={problem ?? error}
      hint={
        currency
          ? currency.decimals === 0
            ? `Whole ${currency.code}`
            : `Up to ${currency.decimals} ${currency.decimals === 1 ? "decimal" : "decimals"}, such as 12.${"5".padEnd(currency.decimals, "0")}`
          : undefined
      }
    />
  );
}
