import type { PublicKey } from "../../identity/keys";
import { tally, type SawVote, type Tally } from "../tally";
import { adviceTally, type AdviceResult } from "./advice";
import type { ProcessBallot, ProcessWindow, TallyRules } from "./ballots";
import { consentTally, type ConsentResult } from "./consent";
import { meetingTally, type MeetingResult } from "./meeting";
import { pollTally, type PollResult } from "./poll";

export type ProcessResult = ConsentResult | AdviceResult | PollResult | MeetingResult;

/** A proposal's tally and, when it has a process, what that process decided besides the outcome. */
export interface ProcessTally extends Tally {
  result?: ProcessResult;
  /** Each voter's vote that counts, with what it marks besides its choice. */
  counted: ProcessBallot[];
}

/**
 * The one place a proposal's outcome is computed: by its process when it
 * carries one, else by the yes/no vote (`tally`), exactly as before
 * processes existed.
 */
export function processTally(
  proposal: ProcessWindow & { closesEarly?: true },
  ballots: readonly ProcessBallot[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw?: SawVote,
): ProcessTally {
  const { process } = proposal;
  switch (process?.kind) {
    case undefined:
      return tally(proposal, ballots, electorate, rules, now, saw);
    case "consent":
      return consentTally(proposal, ballots, electorate, rules, now, saw);
    case "advice":
      return adviceTally(proposal, ballots, electorate, rules, now, saw);
    case "poll":
      return pollTally({ ...proposal, process }, ballots, electorate, rules, now, saw);
    case "meeting":
      return meetingTally({ ...proposal, process }, ballots, electorate, rules, now, saw);
  }
}
