import type { ProposalView } from "../shared/commands/views";
import { clean, formatTime, shortId } from "./text";

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
