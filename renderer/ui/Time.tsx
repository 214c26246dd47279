const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function timeText(at: number, withTime = true): string {
  return (withTime ? dateTime : dateOnly).format(new Date(at));
}

/** A moment (ms since 1970) as a readable date, with the exact time for machines in dateTime. */
export function Time({ at, withTime = true }: { at: number; withTime?: boolean }) {
  return <time dateTime={new Date(at).toISOString()}>{timeText(at, withTime)}</time>;
}

/** "3 minutes ago", "in 2 days": for deadlines and last sync. */
/**
 * A moment that has passed ("5 seconds ago", "now"). The page's clock ticks
 * only now and then, so a moment the host just stamped may look a few
 * seconds ahead of it: never show the past as "in 8 seconds".
 */
export function sinceText(at: number, now: number): string {
  return relativeText(Math.min(at, now), now);
}

export function relativeText(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86_400), "day");
}
