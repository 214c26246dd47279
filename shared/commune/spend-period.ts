/**
 * The period a member's spending without a proposal is capped over: calendar
 * periods in UTC, so every member puts an instant in the same period
 * whatever their time zone. Weeks are ISO weeks, starting on Monday.
 */

export const SPEND_PERIODS = ["day", "week", "month", "year"] as const;

export type SpendPeriod = (typeof SPEND_PERIODS)[number];

/**
 * The period of rules that name none: communes founded before the period
 * existed read their spend limit as a limit per member per month, the
 * period a member is most likely to have meant by "the spend limit".
 */
export const DEFAULT_SPEND_PERIOD: SpendPeriod = "month";

/** The period a set of rules caps spending over; rules written before the field existed read as `DEFAULT_SPEND_PERIOD`. */
export const spendPeriodIn = (rules: { spendPeriod?: SpendPeriod }): SpendPeriod => rules.spendPeriod ?? DEFAULT_SPEND_PERIOD;

/** One calendar period: `key` tells periods apart (and periods of different lengths from each other), `words` name it for a person. */
export interface PeriodOf {
  key: string;
  words: string;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const DAY_MS = 86_400_000;

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/** "4 December 2026". */
const dayWords = (date: Date): string => `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;

/**
 * The calendar period of `period` length that the instant `at` (milliseconds
 * since the epoch) falls in: "2026-12-04" / "4 December 2026", "2026-W49" /
 * "the week of 30 November 2026", "2026-12" / "December 2026", "2026".
 * Times a calendar cannot show (beyond ±8.64e15 ms) all fall in one period,
 * so a far-off date cannot open a fresh allowance per instant.
 */
export function spendPeriodOf(at: number, period: SpendPeriod): PeriodOf {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return { key: "outside-the-calendar", words: "a time outside the calendar" };
  const year = date.getUTCFullYear();
  switch (period) {
    case "day":
      return { key: `${year}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`, words: dayWords(date) };
    case "week":
      return isoWeek(date);
    case "month":
      return { key: `${year}-${pad(date.getUTCMonth() + 1)}`, words: `${MONTHS[date.getUTCMonth()]} ${year}` };
    case "year":
      return { key: String(year), words: String(year) };
  }
}

/** The ISO week: it starts on Monday and belongs to the year its Thursday falls in. */
function isoWeek(date: Date): PeriodOf {
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  const monday = new Date(midnight - sinceMonday * DAY_MS);
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * DAY_MS)) + 1;
  // A Monday a calendar cannot show (the first days of time) has no words of its own; its week still has a key.
  const words = Number.isNaN(monday.getTime()) ? `the week of ${dayWords(date)}` : `the week of ${dayWords(monday)}`;
  return { key: `${weekYear}-W${pad(week)}`, words };
}

/** "a month": how the limit's period reads after an amount ("50.00 EUR a month per member"). */
export const perPeriod = (period: SpendPeriod): string => `a ${period}`;

/** "per member per month": the label of a spend limit in forms and displays. */
export const perMemberPer = (period: SpendPeriod): string => `per member per ${period}`;
