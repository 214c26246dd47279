import type { PublicKey } from "../../identity/keys";
import type { Decision } from "../proposal";
import { firstOf, type SawVote, type Tally } from "../tally";
import { ballotProblem, countBallots, type ProcessBallot, type ProcessWindow, type TallyRules } from "./ballots";

export interface Advice {
  voter: PublicKey;
  at: number;
  reason: string;
}

export interface AdviceResult {
  kind: "advice";
  /** Each member's counted advice, with its reason. */
  advice: Advice[];
  /** The proposer's decision, once recorded after the deadline. */
  decision?: { outcome: Decision; statement: string; at: number; sig: string };
  /** The advice period is over and the proposer has not decided yet. */
  awaiting: boolean;
}

/**
 * An advice process: members advise (an abstain with a reason) until the
 * deadline; then the proposer decides, and their decision is the outcome.
 * Until they decide it stays open and `awaiting`: a decision is theirs to
 * make, not the clock's. If the proposer recorded several, the first counts
 * (the one that saw none of the others in its author's copy, else the
 * earliest), so a decision cannot be taken back by signing another.
 */
export function adviceTally(
  proposal: ProcessWindow,
  ballots: readonly ProcessBallot[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw?: SawVote,
): Tally & { result: AdviceResult; counted: ProcessBallot[] } {
  const fitting = ballots.filter((ballot) => ballotProblem(proposal, ballot) === undefined);
  const advising = fitting.filter((ballot) => ballot.decision === undefined);
  const { tally, counted } = countBallots(proposal, advising, electorate, rules, now, saw, () => false);
  const decisions = fitting.filter((ballot) => ballot.decision !== undefined && ballot.at <= now);
  const decided = decisions.length > 0 ? firstOf(decisions, saw) : undefined;
  const decision =
    decided?.decision === undefined ? undefined : { outcome: decided.decision, statement: decided.reason ?? "", at: decided.at, sig: decided.sig };
  const over = tally.outcome !== "open";
  return {
    ...tally,
    counted,
    // The proposal is decided when its proposer decides, not at the end of the advice period: a spend passes only from then.
    ...(over && decision ? { decidesAt: decision.at } : {}),
    outcome: over && decision ? decision.outcome : "open",
    result: {
      kind: "advice",
      advice: counted.map((vote) => ({ voter: vote.voter, at: vote.at, reason: vote.reason ?? "" })),
      ...(decision ? { decision } : {}),
      awaiting: over && !decision,
    },
  };
}
