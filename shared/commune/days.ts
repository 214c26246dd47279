import { fail, ok, type Result } from "../result";
import { MAX_INVITE_DAYS } from "./events";
import { votingDaysProblem } from "../proposals/voting-time";
import { MAX_VOTING_DAYS } from "./proposal-validity";

/**
 * A number of days as a person types it ("7", "0.5"), read the same way by
 * every front end (the app's forms and the CLI's --days) before the host
 * checks the number against the same limit with its command schema.
 */
export interface DaysLimit {
  max: number;
  /** What to say of a duration too short for this use, or undefined when it is long enough. */
  tooShort?: (days: number) => string | undefined;
  /** What a zero or negative duration means for this use, in a person's words. */
  notPositive: string;
  tooLong: string;
}

export const INVITE_DAYS: DaysLimit = {
  max: MAX_INVITE_DAYS,
  notPositive: "An invite must be valid for some time",
  tooLong: `An invite can be valid for at most ${MAX_INVITE_DAYS} days`,
};

export const VOTING_DAYS: DaysLimit = {
  max: MAX_VOTING_DAYS,
  tooShort: votingDaysProblem,
  notPositive: "The deadline must be after the proposal is made",
  tooLong: `Voting can stay open for at most ${MAX_VOTING_DAYS} days`,
};

/** Digits, optionally a fraction: no sign, exponent or spaces inside, so "1e3" and "-1" are not durations. */
const DAYS = /^[0-9]{1,6}(\.[0-9]{1,6})?$/;

/** Whether text is written as a number of days at all (the CLI words its own answer about the flag). */
export const readsAsDays = (text: string): boolean => DAYS.test(text.trim());

export function parseDays(text: string, limit: DaysLimit): Result<number> {
  const trimmed = text.trim();
  if (trimmed === "") return fail("days.missing", "Enter a number of days");
  if (!readsAsDays(trimmed)) return fail("days.notANumber", "Write the number of days in digits, such as 7", { params: { text: trimmed } });
  const days = Number(trimmed);
  if (days <= 0) return fail("days.notPositive", limit.notPositive);
  const tooShort = limit.tooShort?.(days);
  if (tooShort) return fail("days.tooFew", tooShort);
  if (days > limit.max) return fail("days.tooMany", limit.tooLong, { params: { max: limit.max } });
  return ok(days);
}
