/**
 * The least time a new proposal leaves its members to vote: a deadline 86
 * seconds away decides before anyone has seen the proposal. Checked where a
 * person or program asks for a new proposal (the app's form, the CLI, the
 * host's command schema and the host before it signs, against its own
 * clock), never when a signed proposal is judged, so proposals already
 * signed with a shorter deadline keep their meaning.
 */
export const MIN_VOTING_MS = 3_600_000;

const DAY_MS = 86_400_000;

/** The same least time in days, for those who type days: 1/24. */
export const MIN_VOTING_DAYS = MIN_VOTING_MS / DAY_MS;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;

/** "86 seconds", "2 minutes": how far off a deadline below the least is, in whole units a person reads at a glance. */
function shortWait(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "less than a second";
  return seconds < 120 ? plural(seconds, "second") : plural(Math.floor(seconds / 60), "minute");
}

/** Why a proposal whose voting stays open `ms` from now is too short, or undefined when it is long enough. */
export function votingTimeProblem(ms: number): string | undefined {
  if (ms >= MIN_VOTING_MS) return undefined;
  return `A proposal needs at least 1 hour for members to vote; the deadline given ${ms <= 0 ? "has already passed" : `is in ${shortWait(ms)}`}`;
}

/** The same for a number of days as a person types it, counted the way the host turns days into a deadline. */
export const votingDaysProblem = (days: number): string | undefined => votingTimeProblem(Math.round(days * DAY_MS));
