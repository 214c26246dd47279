import type { PublicKey } from "../../identity/keys";
import type { SawVote, Tally } from "../tally";
import { ballotProblem, countBallots, type ProcessBallot, type ProcessWindow, type TallyRules } from "./ballots";
import type { Process } from "./process";
import { rank, type Ranked } from "./ranking";

export interface PollResult {
  kind: "poll";
  /** Absent for a single-choice poll; the dots each member had to give on a dot vote. */
  dots?: number;
  /** Every option with its votes (or dots), ranked. */
  ranking: (Ranked & { label: string })[];
}

type Poll = Extract<Process, { kind: "poll" }>;

/**
 * A poll: each member's latest vote counts, one option (`pick`) or dots
 * spread across the options (`dots`). Passed when quorum is met, else
 * expired: the ranking, not a threshold, is what it decides. Closes early
 * once everyone voted, as any proposal does.
 */
export function pollTally(
  proposal: ProcessWindow & { process: Poll },
  ballots: readonly ProcessBallot[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw?: SawVote,
): Tally & { result: PollResult; counted: ProcessBallot[] } {
  const { options, dots } = proposal.process;
  const fitting = ballots.filter((ballot) => ballotProblem(proposal, ballot) === undefined);
  const { tally, counted } = countBallots(proposal, fitting, electorate, rules, now, saw, () => true);
  const totals = options.map(() => 0);
  for (const vote of counted) {
    if (vote.pick !== undefined) totals[vote.pick]! += 1;
    vote.dots?.forEach((given, option) => (totals[option]! += given));
  }
  const ranking = rank(
    options.map((label, option) => ({ option, label, total: totals[option]! })),
    (a, b) => a.option - b.option,
  );
  return {
    ...tally,
    counted,
    outcome: tally.outcome === "open" ? "open" : tally.quorumMet ? "passed" : "expired",
    result: { kind: "poll", ...(dots === undefined ? {} : { dots }), ranking },
  };
}
