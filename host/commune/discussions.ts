import type { CommuneState, Problem } from "../../shared/commune/state";
import type { Verifier } from "../../shared/identity/crypto";
import { judgeComment } from "../../shared/judges/comment";
import type { SignedComment } from "../../shared/proposals/comment";
import { discussion, type Discussion } from "../../shared/proposals/discussion";

/**
 * Every proposal's discussion as the commune's model carries it: each list
 * of comment records judged (shared/judges/comment.ts) and threaded
 * (shared/proposals/discussion.ts). A list filed under a proposal that does
 * not count yields only refusals.
 */
export function discussionsOf(verifier: Verifier, state: CommuneState, comments: Record<string, readonly SignedComment[]>): Map<string, Discussion> {
  const found = new Map<string, Discussion>();
  const judge = (comment: SignedComment) => judgeComment(verifier, state, comment);
  for (const [proposal, records] of Object.entries(comments)) if (records.length > 0) found.set(proposal, discussion(records, judge));
  return found;
}

/** The records that count for nothing, as the model's problems. */
export function discussionProblems(discussions: ReadonlyMap<string, Discussion>): Problem[] {
  return [...discussions.values()].flatMap(({ refused }) => refused.map(({ id, by, code, reason }) => ({ subject: "comment" as const, id, by, code, reason })));
}
