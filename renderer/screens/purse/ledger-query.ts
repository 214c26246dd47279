import type { CommandInput } from "../../../shared/commands/commands";
import type { EntryKind } from "../../../shared/purse/entry";

/** The ledger's filters as the member set them; dates are the form's "YYYY-MM-DD" text. */
export interface LedgerFilters {
  member: string;
  kind: "" | EntryKind;
  currency: string;
  status: "" | "counted" | "overdrawn" | "untrusted";
  from: string;
  until: string;
  oldestFirst: boolean;
}

export const NO_FILTERS: LedgerFilters = { member: "", kind: "", currency: "", status: "", from: "", until: "", oldestFirst: false };

export type LedgerQuery = Omit<CommandInput<"purse.ledger">, "offset" | "limit">;

const DAY_MS = 86_400_000;

/** Midnight at the start of a local "YYYY-MM-DD" day, or undefined for an empty or impossible date. */
export function dayStart(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const at = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
  return Number.isFinite(at) && at >= 0 ? at : undefined;
}

/** The purse.ledger input for these filters: "until" includes the whole of its day. */
export function ledgerQuery(commune: string, filters: LedgerFilters): LedgerQuery {
  const from = dayStart(filters.from);
  const untilDay = dayStart(filters.until);
  return {
    commune,
    ...(filters.member ? { member: filters.member } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.currency ? { currency: filters.currency } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(untilDay !== undefined ? { until: untilDay + DAY_MS - 1 } : {}),
    newestFirst: !filters.oldestFirst,
  };
}

/** Why the date range cannot match anything, or undefined. */
export function dateRangeProblem(filters: LedgerFilters): string | undefined {
  const from = dayStart(filters.from);
  const until = dayStart(filters.until);
  return from !== undefined && until !== undefined && until < from ? "The end date is before the start date" : undefined;
}
