import { z } from "zod";

/**
 * Which proposals deserve an OS notification: still open, closing within the
 * next hour, and I have not voted. Each one is announced once. Pure, so the
 * rule is tested without a clock or a desktop.
 */
export const REMINDER_WINDOW_MS = 60 * 60 * 1000;

/** The fields of the host's views that reminders read; the rest of the view is not needed and not trusted here. */
export const communeListView = z.array(z.object({ id: z.string(), name: z.string() }));

export const proposalListView = z.array(
  z.object({
    id: z.string(),
    title: z.string(),
    deadline: z.number(),
    outcome: z.string(),
    myVote: z.string().optional(),
  }),
);

export type WatchedProposal = z.infer<typeof proposalListView>[number];

export interface Reminder {
  /** commune id and proposal id: what "once" is counted by. */
  key: string;
  commune: string;
  title: string;
  body: string;
}

export function reminderKey(commune: string, proposal: string): string {
  return `${commune}/${proposal}`;
}

export function needsReminder(proposal: WatchedProposal, now: number): boolean {
  const left = proposal.deadline - now;
  return proposal.outcome === "open" && proposal.myVote === undefined && left > 0 && left <= REMINDER_WINDOW_MS;
}

function minutesLeft(deadline: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((deadline - now) / 60_000));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

export function dueReminders(
  communes: ReadonlyMap<string, { name: string; proposals: readonly WatchedProposal[] }>,
  now: number,
  alreadyShown: ReadonlySet<string>,
): Reminder[] {
  const due: Reminder[] = [];
  for (const [commune, { name, proposals }] of communes) {
    for (const proposal of proposals) {
      const key = reminderKey(commune, proposal.id);
      if (alreadyShown.has(key) || !needsReminder(proposal, now)) continue;
      due.push({
        key,
        commune,
        title: `Vote closes in ${minutesLeft(proposal.deadline, now)}`,
        body: `${name}: "${proposal.title}" closes soon and you have not voted.`,
      });
    }
  }
  return due;
}

/** The notices of a commune's sync.status view (what happened to my entries after a sync); the rest of the view is not read here. */
export const syncStatusNotices = z.object({
  notices: z.array(z.object({ id: z.string(), status: z.string(), message: z.string(), advice: z.string() })).max(1_000),
});

export type WatchedNotice = z.infer<typeof syncStatusNotices>["notices"][number];

/** Each unread notice about my entries once, as an OS notification: the same words Home shows. */
export function noticeReminders(
  communes: ReadonlyMap<string, { name: string; notices: readonly WatchedNotice[] }>,
  alreadyShown: ReadonlySet<string>,
): Reminder[] {
  const due: Reminder[] = [];
  for (const [commune, { name, notices }] of communes) {
    for (const notice of notices) {
      const key = `${commune}/notice/${notice.id}`;
      if (alreadyShown.has(key)) continue;
      due.push({
        key,
        commune,
        title: notice.status === "overdrawn" ? `${name}: your payment did not count` : `${name}: your entry counts for nothing`,
        body: `${notice.message} ${notice.advice}`,
      });
    }
  }
  return due;
}
