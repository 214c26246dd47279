import type { PublicKey } from "../../identity/keys";
import type { SawVote, Tally } from "../tally";
import { ballotProblem, countBallots, type ProcessBallot, type ProcessWindow, type TallyRules } from "./ballots";

export interface Objection {
  voter: PublicKey;
  at: number;
  reason: string;
}

export interface ConsentResult {
  kind: "consent";
  /** Members whose counted vote consents. */
  consents: number;
  /** The objections standing: each member's counted vote that objects, with its reason. */
  objections: Objection[];
}

/**
 * A consent process: passes at the deadline unless an objection stands. An
 * objection is a block with a reason (one without a reason does not fit and
 * counts for nothing); a later yes withdraws it. There is no quorum: silence
 * is consent. It closes early only once every member of the electorate has
 * consented, since a standing objection may still be withdrawn before the
 * deadline.
 */
export function consentTally(
  proposal: ProcessWindow,
  ballots: readonly ProcessBallot[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw?: SawVote,
): Tally & { result: ConsentResult; counted: ProcessBallot[] } {
  const fitting = ballots.filter((ballot) => ballotProblem(proposal, ballot) === undefined);
  const { tally, counted } = countBallots(proposal, fitting, electorate, rules, now, saw, (votes) => votes.every((vote) => vote.choice === "yes"));
  const objections = counted.flatMap((vote) => (vote.choice === "block" ? [{ voter: vote.voter, at: vote.at, reason: vote.reason ?? "" }] : []));
  return {
    ...tally,
    counted,
    outcome: tally.outcome === "open" ? "open" : objections.length > 0 ? "rejected" : "passed",
    quorumMet: true,
    thresholdMet: objections.length === 0,
    blocked: objections.length > 0,
    result: { kind: "consent", consents: counted.length - objections.length, objections },
  };
}
