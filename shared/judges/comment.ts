import { notActiveClause, statusAt, type CommuneState } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedComment } from "../proposals/comment";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether a comment, edit or retraction counts on its own: genuinely signed
 * for this commune, on a proposal that counts, by a member active at its
 * time, not dated before the proposal. Comments are welcome while the
 * proposal is open and after it closes: talk does not change a tally.
 * The rules between records (whose comment an edit may change, what a
 * reply may answer) are the thread's: shared/proposals/discussion.ts.
 */
export function judgeComment(verifier: Verifier, state: CommuneState, comment: SignedComment): Verdict {
  const signature = checkSignature(verifier, "comment", comment);
  if (signature)
    return refuse(
      "comment.bad-signature",
      signature === "unsigned" ? "This comment is not signed" : "This comment was altered after signing or is badly signed",
    );
  if (comment.commune !== state.id) return refuse("comment.other-commune", "This comment belongs to another commune");
  const target = state.proposals[comment.proposal];
  if (!target) return refuse("comment.no-proposal", "This comment is on a proposal that does not exist");
  const name = state.members[comment.by]?.name ?? comment.by.slice(0, 8);
  if (comment.at < target.proposal.at) return refuse("comment.before-proposal", `${name}'s comment is dated before "${target.proposal.title}" was proposed`);
  if (statusAt(state, comment.by, comment.at) !== "active")
    return refuse("comment.author-not-active", `${name} ${notActiveClause(state, comment.by, comment.at)}`);
  return "counted";
}
