import { notActiveClause, statusAt, type CommuneState } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedOutcome } from "../proposals/outcome";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether an outcome statement counts: genuinely signed for this commune,
 * by a member active at its time, on a proposal that counts and is decided,
 * dated at or after its decision (an outcome of a vote still under way
 * would say what no one knows yet).
 */
export function judgeOutcome(verifier: Verifier, state: CommuneState, outcome: SignedOutcome): Verdict {
  const signature = checkSignature(verifier, "outcome", outcome);
  if (signature)
    return refuse(
      "outcome.bad-signature",
      signature === "unsigned" ? "This outcome is not signed" : "This outcome was altered after signing or is badly signed",
    );
  if (outcome.commune !== state.id) return refuse("outcome.other-commune", "This outcome belongs to another commune");
  const target = state.proposals[outcome.proposal];
  if (!target) return refuse("outcome.no-proposal", "This outcome is of a proposal that does not exist");
  const name = state.members[outcome.by]?.name ?? outcome.by.slice(0, 8);
  const { title } = target.proposal;
  if (target.tally.outcome === "open") return refuse("outcome.still-open", `"${title}" is still open: its outcome is recorded once it is decided`);
  if (outcome.at < target.tally.decidesAt) return refuse("outcome.before-decision", `${name}'s outcome is dated before "${title}" was decided`);
  if (statusAt(state, outcome.by, outcome.at) !== "active")
    return refuse("outcome.author-not-active", `${name} ${notActiveClause(state, outcome.by, outcome.at)}`);
  return "counted";
}
