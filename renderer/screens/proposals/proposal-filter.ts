import { awaitingDecision } from "../../../shared/commands/process-views";
import type { ProposalView } from "../../../shared/commands/views";

export type ProposalShow = "all" | "to-vote" | "mine" | "passed" | "rejected" | "expired";

export const SHOW_OPTIONS: { value: ProposalShow; label: string }[] = [
  { value: "all", label: "All proposals" },
  { value: "to-vote", label: "Waiting for my vote" },
  { value: "mine", label: "Proposed by me" },
  { value: "passed", label: "Passed" },
  { value: "rejected", label: "Rejected" },
  { value: "expired", label: "Expired (no quorum)" },
];

/** Whether a proposal is shown: it fits the choice, and every word of the search is in its title, text or proposer's name. */
export function proposalShown(proposal: ProposalView, show: ProposalShow, search: string, me: string | undefined): boolean {
  const fits =
    show === "all" ||
    (show === "to-vote" && proposal.outcome === "open" && proposal.myVote === undefined && !awaitingDecision(proposal)) ||
    (show === "mine" && proposal.by === me) ||
    proposal.outcome === show;
  if (!fits) return false;
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = `${proposal.title} ${proposal.body} ${proposal.byName}`.toLowerCase();
  return words.every((word) => text.includes(word));
}
