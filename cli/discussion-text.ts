import type { ProposalView } from "../shared/commands/views";
import type { Currency } from "../shared/money/currency";
import { clean, formatTime, money, shortId } from "./text";

/**
 * A proposal's discussion under its row in `commune proposals`: each
 * comment with its short id (what --reply-to, --edit and --retract take),
 * author and time, replies indented under the comment they answer.
 */
export function discussionUnder(proposal: ProposalView | undefined): string[] {
  if (!proposal?.discussion) return [];
  return [
    "discussion:",
    ...proposal.discussion.map((comment) => {
      const head = `${"  ".repeat(comment.depth + 1)}${shortId(comment.id)} ${clean(comment.byName)} (${formatTime(comment.at)})`;
      if (comment.retracted) return `${head}: retracted by ${clean(comment.byName)} (${formatTime(comment.retracted.at)})`;
      const edited =
        comment.edited !== undefined
          ? ` [edited ${formatTime(comment.edited)}; ${comment.versions.length} earlier version${comment.versions.length === 1 ? "" : "s"}]`
          : "";
      return `${head}: ${JSON.stringify(clean(comment.text ?? ""))}${edited}`;
    }),
  ];
}

/** Under a decided proposal: what the commune said came of it (and when to look again), and the payments that carried out a spend. */
export function outcomeUnder(proposal: ProposalView | undefined, currencies: readonly Currency[]): string[] {
  if (!proposal) return [];
  const lines: string[] = [];
  const stated = proposal.outcomeStatement;
  if (stated) {
    const review = stated.review !== undefined ? `; review on ${formatTime(stated.review).slice(0, 10)}` : "";
    const earlier = proposal.history?.length ? `; ${proposal.history.length} earlier statement${proposal.history.length === 1 ? "" : "s"}` : "";
    lines.push(`outcome: ${JSON.stringify(clean(stated.statement))} (${clean(stated.byName)}, ${formatTime(stated.at)}${review}${earlier})`);
  }
  for (const paid of proposal.paidBy ?? [])
    lines.push(
      `paid by: entry ${shortId(paid.id)}, ${money(paid.amount, paid.currency, currencies)} by ${clean(paid.authorName)} (${formatTime(paid.at)})${paid.voided ? ", since voided" : ""}`,
    );
  return lines;
}
