import { currencyAt, rulesAt, statusAt, type CommuneState } from "./state";
import { applyRuleChange } from "./rules";
import type { Proposal } from "../proposals/proposal";
import { processProblem } from "../proposals/processes/process";

/** Longest a vote may stay open: a proposal nobody can close for years would hold spend authority hostage. */
export const MAX_VOTING_DAYS = 366;
const DAY = 86_400_000;

/**
 * Why a proposal cannot be put to the commune at its time, or undefined.
 * Checked when it is made (by the host before signing) and again when any
 * member replays the documents, so a proposal forged past the host's checks
 * counts for nothing.
 */
export function proposalProblem(proposal: Proposal, state: CommuneState): string | undefined {
  if (proposal.title.trim() === "") return "A proposal needs a title";
  if (!Number.isSafeInteger(proposal.deadline) || proposal.deadline <= proposal.at) return "The deadline must be after the proposal is made";
  if (proposal.deadline - proposal.at > MAX_VOTING_DAYS * DAY) return `Voting can stay open for at most ${MAX_VOTING_DAYS} days`;
  const process = proposal.process === undefined ? undefined : processProblem(proposal.kind, proposal.process);
  if (process !== undefined) return process;
  switch (proposal.kind) {
    case "spend": {
      if (!currencyAt(state, proposal.currency, proposal.at)) return `${proposal.currency} is not one of the commune's currencies`;
      if (!Number.isSafeInteger(proposal.amount) || proposal.amount <= 0) return "A spend proposal needs a positive amount";
      if ("member" in proposal.payee) {
        if (statusAt(state, proposal.payee.member, proposal.at) !== "active") return "The payee is not an active member";
      } else if (proposal.payee.outside.trim() === "") {
        return "A spend proposal needs a payee";
      }
      return undefined;
    }
    case "admit":
      if (statusAt(state, proposal.member, proposal.at) === "active") return "They are already a member";
      if (proposal.name.trim() === "") return "An admit proposal needs the new member's name";
      return undefined;
    case "remove": {
      const status = statusAt(state, proposal.member, proposal.at);
      return status === "active" || status === "applicant" ? undefined : "Only a current member can be removed";
    }
    case "rule": {
      const change = applyRuleChange(rulesAt(state, proposal.at), proposal.change);
      return "problem" in change ? change.problem : undefined;
    }
    case "general":
      return undefined;
    // Which payment it names, and whether it may be taken back, is judged when the void that executes it is.
    case "reverse":
      return proposal.entry.trim() === "" ? "A reverse proposal names the payment it takes back" : undefined;
    // Whether the offer and grant carried are genuine is checked with their signatures by the host, when proposed and again when executed.
    case "partner":
      if (proposal.offer.commune === proposal.commune) return "A commune cannot partner with itself";
      if (proposal.answer && proposal.answer.grant.commune !== proposal.offer.commune) return "The grant carried is from another commune than the offer";
      if (proposal.answer && proposal.answer.grant.partner !== proposal.commune) return "The grant carried is to another commune";
      return undefined;
    case "partner-end":
      return proposal.partner === proposal.commune ? "A commune cannot end a partnership with itself" : undefined;
  }
}
