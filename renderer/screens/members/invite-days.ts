import { INVITE_DAYS, parseDays } from "../../../shared/commune/days";

/** The host's limit (commune.invite), read as the CLI reads --days. */
export function inviteDaysProblem(text: string): string | undefined {
  const days = parseDays(text, INVITE_DAYS);
  return days.ok ? undefined : days.error.message;
}
