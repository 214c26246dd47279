import type { RuleChange } from "../../../shared/commune/rules";
import { perMemberPer } from "../../../shared/commune/spend-period";
import type { Currency } from "../../../shared/money/currency";
import { moneyText } from "../../ui";

/** A rule change in one sentence: "Changes: quorum 60%; a single block vetoes; spend limit 50.00 EUR; new currency SEED (Seed swaps, 0 decimals)." */
export function ruleChangeText(change: RuleChange, currencies: readonly Currency[]): string {
  const added = change.addCurrencies ?? [];
  const parts: string[] = [];
  if (change.quorumPercent !== undefined) parts.push(`quorum ${change.quorumPercent}%`);
  if (change.thresholdPercent !== undefined) parts.push(`approval threshold ${change.thresholdPercent}%`);
  if (change.allowBlock !== undefined) parts.push(change.allowBlock ? "a single block vetoes" : "no blocking");
  if (change.admission !== undefined) parts.push(change.admission === "direct" ? "an invite admits" : "admission by proposal");
  // A limit may name a currency the same change adds: format it with that currency's decimals.
  const known = [...currencies, ...added];
  for (const [code, limit] of Object.entries(change.spendLimit ?? {})) parts.push(`spend limit ${moneyText(limit, code, known)}`);
  if (change.spendPeriod !== undefined) parts.push(`spend limits ${perMemberPer(change.spendPeriod)}`);
  for (const [code, threshold] of Object.entries(change.confirmAbove ?? {}))
    parts.push(threshold > 0 ? `members confirm entries above ${moneyText(threshold, code, known)}` : `no amount to confirm in ${code}`);
  for (const [partner, limits] of Object.entries(change.partnerCredit ?? {}))
    for (const [code, limit] of Object.entries(limits)) parts.push(`partner ${partner.slice(0, 8)} may owe us at most ${moneyText(limit, code, known)}`);
  for (const currency of added) parts.push(`new currency ${currency.code} (${currency.name}, ${plural(currency.decimals, "decimal")})`);
  // The record schema lets an empty spend limit through as "a change".
  return parts.length === 0 ? "Changes no rule." : `Changes: ${parts.join("; ")}.`;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
