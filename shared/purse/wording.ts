import type { CommuneState } from "../commune/state";
import { formatMoney } from "../money/amount";
import type { Currency } from "../money/currency";

/**
 * How the purse names members, days and amounts in the reasons it gives, so
 * every reason a member reads uses the same words.
 */

/** The member's name when the commune knows the key, else its first 8 hex digits. */
export function memberName(state: CommuneState, key: unknown): string {
  const text = String(key);
  return Object.hasOwn(state.members, text) ? state.members[text]!.name : text.slice(0, 8);
}

const ISO_DAY = /^([+-]?\d+-\d\d-\d\d)T/;

/** "2026-03-01": the UTC day of a time in milliseconds since the epoch. */
export function isoDay(at: number): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return `time ${String(at)}`;
  return ISO_DAY.exec(date.toISOString())?.[1] ?? `time ${String(at)}`;
}

/** "50.00 EUR". The one place the purse formats money; amounts are safe integers of minor units. */
export function money(minor: number, currency: Currency): string {
  return formatMoney(minor, currency);
}
