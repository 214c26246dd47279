import type { CommuneId } from "../commune/genesis";
import type { RuleChange } from "../commune/rules";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import type { PartnerAnswerPart } from "../partners/answer";
import type { PartnerOffer } from "../partners/offer";
import type { Process } from "./processes/process";

export type ProposalKind = "spend" | "admit" | "remove" | "rule" | "general" | "reverse" | "partner" | "partner-end";

interface ProposalBase {
  commune: CommuneId;
  id: string;
  at: number;
  /** Voting closes here at the latest (ms since epoch). */
  deadline: number;
  title: string;
  body: string;
  /**
   * Signed on every proposal the host writes since early settling existed:
   * it is decided as soon as its outcome can no longer change
   * (shared/proposals/tally.ts `settlement`). Absent on proposals signed
   * before, which keep the rule they were signed under: decided early only
   * once every member has voted.
   */
  closesEarly?: true;
  /**
   * The proposer asked that how members voted stay out of sight until it
   * closes (loomio#6402), so early votes do not sway later ones. Every
   * member's copy holds the signed votes, and the tally is the same with or
   * without this: the app and CLI only do not show the counts or who voted
   * what while it is open.
   */
  hiddenVotes?: true;
  /**
   * How the outcome is decided (shared/proposals/processes/): consent,
   * advice, a poll or a meeting time poll. Absent on every proposal signed
   * before processes existed, and on a plain yes/no vote.
   */
  process?: Process;
}

/** Where a spend goes: a member (by key) or someone outside the commune (by name). */
export type Payee = { member: PublicKey } | { outside: string };

export type Proposal =
  | (ProposalBase & { kind: "spend"; amount: number; currency: string; payee: Payee })
  | (ProposalBase & { kind: "admit"; member: PublicKey; name: string })
  | (ProposalBase & { kind: "remove"; member: PublicKey })
  | (ProposalBase & { kind: "rule"; change: RuleChange })
  | (ProposalBase & { kind: "general" })
  /**
   * Takes back a payment out of the purse (`author`'s disbursement `entry`)
   * when its author cannot or will not: once passed, any active member
   * executes it with a void that cites it (shared/purse/entry.ts).
   */
  | (ProposalBase & { kind: "reverse"; author: PublicKey; entry: string })
  /**
   * Partner with another commune (docs/partners.md): carries its partner
   * offer, and, when it answers an offer of ours, its grant to us and the
   * address of what it shares with us. Once passed, a member executes it:
   * the host grants the partner the key to a document shared with it.
   */
  | (ProposalBase & { kind: "partner"; offer: PartnerOffer; answer?: PartnerAnswerPart })
  /** Ends the partnership with `partner` (a commune id): once executed, nothing new is shared with it. */
  | (ProposalBase & { kind: "partner-end"; partner: CommuneId; name: string });

export type SignedProposal = Signed<Proposal>;

export type Choice = "yes" | "no" | "abstain" | "block";

export interface Vote {
  commune: CommuneId;
  proposal: string;
  at: number;
  choice: Choice;
  /**
   * The proposal version the vote approves (proposalVersion()). Absent on
   * votes signed before versions existed: those count for the first-seen
   * version of their proposal.
   */
  version?: string;
  /**
   * Why the member voted so, shown beside the vote. Absent on votes signed
   * before reasons existed and on votes cast without one; never counted.
   */
  reason?: string;
  /** On a single-choice poll: the index of the option chosen. */
  pick?: number;
  /** On a dot vote: the dots given to each option, in the poll's order. */
  dots?: number[];
  /** On a meeting time poll: the indices of the times the member can make, possibly none. */
  times?: number[];
  /**
   * On an advice process: the proposer's decision, recorded after the
   * deadline, with the statement as `reason`. Not advice, and not a vote.
   */
  decision?: Decision;
}

export type Decision = "passed" | "rejected";

export type SignedVote = Signed<Vote>;

export type Outcome = "open" | "passed" | "rejected" | "expired";
