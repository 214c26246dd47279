import type { PublicKey } from "../../identity/keys";
import type { SawVote, Tally } from "../tally";
import { ballotProblem, countBallots, type ProcessBallot, type ProcessWindow, type TallyRules } from "./ballots";
import type { Process } from "./process";
import { rank, type Ranked } from "./ranking";

export interface MeetingResult {
  kind: "meeting";
  /** Every time offered with how many can make it and who, ranked. */
  ranking: (Ranked & { time: number; who: PublicKey[] })[];
}

type Meeting = Extract<Process, { kind: "meeting" }>;

/**
 * A meeting time poll: each member's latest vote lists the times they can
 * make (possibly none). The times rank by how many can make them, ties by
 * the earlier time. Passed when quorum is met, else expired, as a poll.
 */
export function meetingTally(
  proposal: ProcessWindow & { process: Meeting },
  ballots: readonly ProcessBallot[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw?: SawVote,
): Tally & { result: MeetingResult; counted: ProcessBallot[] } {
  const { times } = proposal.process;
  const fitting = ballots.filter((ballot) => ballotProblem(proposal, ballot) === undefined);
  const { tally, counted } = countBallots(proposal, fitting, electorate, rules, now, saw, () => true);
  const who = times.map((): PublicKey[] => []);
  for (const vote of counted) for (const option of vote.times ?? []) who[option]!.push(vote.voter);
  const ranking = rank(
    times.map((time, option) => ({ option, time, total: who[option]!.length, who: who[option]! })),
    (a, b) => a.time - b.time || a.option - b.option,
  );
  return {
    ...tally,
    counted,
    outcome: tally.outcome === "open" ? "open" : tally.quorumMet ? "passed" : "expired",
    result: { kind: "meeting", ranking },
  };
}
