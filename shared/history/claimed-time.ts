/**
 * What a record's claimed time (`at`, chosen by its author) may and may not
 * decide. An author's clock is not evidence: a time ahead of the judging
 * machine's clock has not happened yet, so the record waits for it.
 */

/**
 * How far apart two honest machines' clocks may be. A record dated further
 * ahead than this of the judging machine's clock is future-dated.
 */
export const CLOCK_SKEW_MS = 15 * 60_000;

/** Whether a record dated `at` is ahead of `now` by more than two honest clocks can differ. */
export const isFutureDated = (at: number, now: number): boolean => at > now + CLOCK_SKEW_MS;

/** When a future-dated record stops being future-dated on a machine whose clock reads `now`. */
export const dueAt = (at: number): number => at - CLOCK_SKEW_MS;

/** "dated 1 January 2099, ahead of this machine's clock: it counts from then". */
export function futureDatedReason(at: number): string {
  return `dated ${longDay(at)}, ahead of this machine's clock: it counts only from then`;
}

/** "4 December 2026, 12:00 UTC": a day and minute a person reads without converting. */
export function longDay(at: number): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return `time ${String(at)}`;
  const month = MONTHS[date.getUTCMonth()]!;
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}, ${date.toISOString().slice(11, 16)} UTC`;
}

// Spelled out rather than asked of Intl, so every member's reasons read the same whatever locale data its runtime has.
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
