import type { Rules } from "../../../shared/commune/rules";
import type { Currency } from "../../../shared/money/currency";
import { moneyText } from "../../ui";

/** A rule change in one sentence: "Quorum 60%; a single block vetoes; spend limit 50.00 EUR". */
export function ruleChangeText(change: Partial<Rules>, currencies: readonly Currency[]): string {
  const parts: string[] = [];
  if (change.quorumPercent !== undefined) parts.push(`quorum ${change.quorumPercent}%`);
  if (change.thresholdPercent !== undefined) parts.push(`approval threshold ${change.thresholdPercent}%`);
  if (change.allowBlock !== undefined) parts.push(change.allowBlock ? "a single block vetoes" : "no blocking");
  if (change.admission !== undefined) parts.push(change.admission === "direct" ? "an invite admits" : "admission by proposal");
  const known = [...currencies, ...(change.currencies ?? [])];
  for (const [code, limit] of Object.entries(change.spendLimit ?? {})) parts.push(`spend limit ${moneyText(limit, code, known)}`);
  for (const currency of change.currencies ?? []) parts.push(`new currency ${currency.code} (${currency.name}, ${currency.decimals} decimals)`);
  // The host's view leaves out added currencies; a rule proposal always changes something, so nothing else listed means that.
  return parts.length === 0 ? "Adds a new currency." : `Changes: ${parts.join("; ")}.`;
}
