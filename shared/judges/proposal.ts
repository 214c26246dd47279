import { proposalProblem } from "../commune/proposal-validity";
import { notActiveClause, statusAt, type CommuneState } from "../commune/state";
import type { SignedProposal } from "../proposals/proposal";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether a proposal is put to the commune: made by a member active at its
 * time, and valid then (title, deadline, and what its kind needs; a rule
 * change must apply to the rules in force). Rule changes are proposals of
 * kind "rule", judged here when made and again when they pass.
 */
export function judgeProposal(state: CommuneState, proposal: SignedProposal): Verdict {
  if (statusAt(state, proposal.by, proposal.at) !== "active") {
    const name = state.members[proposal.by]?.name ?? proposal.by.slice(0, 8);
    return refuse("proposal.author-not-active", `${name} ${notActiveClause(state, proposal.by, proposal.at)}`);
  }
  const invalid = proposalProblem(proposal, state);
  return invalid ? refuse("proposal.invalid", invalid) : "counted";
}
