import type { ProposalView } from "../commands/views";

/**
 * What Home asks of a member about outcomes (issue 17; loomio#2990): the
 * proposals they made that closed with no outcome recorded, and the
 * outcomes whose review day has come. A rejected or expired proposal has an
 * outcome worth saying too ("we will try again in spring"), so every closed
 * one is asked about.
 */
export function closedWithoutOutcome(proposals: readonly ProposalView[], me: string): ProposalView[] {
  return proposals
    .filter((proposal) => proposal.by === me && proposal.outcome !== "open" && !proposal.outcomeStatement)
    .sort((a, b) => b.decidesAt - a.decidesAt);
}

/** Outcomes to look at again: their review day has come, the longest due first. */
export function reviewsDue(proposals: readonly ProposalView[], now: number): ProposalView[] {
  return proposals
    .filter((proposal) => proposal.outcomeStatement?.review !== undefined && proposal.outcomeStatement.review <= now)
    .sort((a, b) => a.outcomeStatement!.review! - b.outcomeStatement!.review!);
}
