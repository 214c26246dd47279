import type { Rules } from "../../commune/rules";
import type { PublicKey } from "../../identity/keys";
import type { Decision } from "../proposal";
import { outcomeOf } from "../settled";
import { byVoter, countedFigures, countsOf, latestOf, tally, type Ballot, type SawVote, type Tally } from "../tally";
import type { Process } from "./process";

/** A ballot with what a process vote marks besides its choice (shared/proposals/proposal.ts `Vote`). */
export interface ProcessBallot extends Ballot {
  pick?: number;
  dots?: readonly number[];
  times?: readonly number[];
  decision?: Decision;
}

/** What a process tally needs of its proposal. */
export interface ProcessWindow {
  at: number;
  deadline: number;
  /** The proposer: the one who records an advice decision. */
  by: PublicKey;
  process?: Process;
}

export type TallyRules = Pick<Rules, "quorumPercent" | "thresholdPercent" | "allowBlock">;

const blank = (text: string | undefined) => text === undefined || text.trim() === "";

const isIndex = (value: number, length: number) => Number.isSafeInteger(value) && value >= 0 && value < length;

/** The marks a process vote carries that the process at hand has no use for. */
function strayMarks(ballot: Omit<ProcessBallot, "voter" | "sig">, keep: readonly (keyof ProcessBallot)[]): string | undefined {
  for (const mark of ["pick", "dots", "times", "decision"] as const) if (ballot[mark] !== undefined && !keep.includes(mark)) return mark;
  return undefined;
}

/**
 * Why a vote does not fit its proposal's process, as a sentence, or
 * undefined when it fits. The one rule for the host before it signs, the
 * vote judge on every replay and the process tallies, which skip what does
 * not fit: a vote that cannot be read one way by every member counts for
 * nothing.
 */
export function ballotProblem(proposal: ProcessWindow, ballot: Omit<ProcessBallot, "sig">): string | undefined {
  const { process } = proposal;
  if (process === undefined) {
    const stray = strayMarks(ballot, []);
    return stray === undefined ? undefined : `A vote on a yes/no proposal carries no ${stray}`;
  }
  switch (process.kind) {
    case "consent": {
      if (strayMarks(ballot, []) !== undefined) return "A vote on a consent process only consents or objects";
      if (ballot.choice !== "yes" && ballot.choice !== "block") return `A vote on a consent process consents (yes) or objects (block), not "${ballot.choice}"`;
      if (ballot.choice === "block" && blank(ballot.reason)) return "An objection needs a reason";
      return undefined;
    }
    case "advice": {
      if (strayMarks(ballot, ["decision"]) !== undefined) return "A vote on an advice process gives advice or records the decision";
      if (ballot.decision === undefined) {
        if (ballot.choice !== "abstain") return `Advice is given as an "abstain" vote with a reason, not "${ballot.choice}"`;
        // The judge cannot refuse it as after the decision: the decision itself comes after the deadline.
        if (ballot.at > proposal.deadline) return "Advice is given before the deadline: the advice period is over";
        return blank(ballot.reason) ? "Advice needs a reason: the advice itself" : undefined;
      }
      if (ballot.voter !== proposal.by) return "Only the proposer records the decision of an advice process";
      if (ballot.at <= proposal.deadline) return "The decision can be recorded only once the advice period is over";
      if (ballot.choice !== (ballot.decision === "passed" ? "yes" : "no")) return "A decision that passes is a yes, one that rejects is a no";
      return blank(ballot.reason) ? "A decision needs a statement" : undefined;
    }
    case "poll": {
      if (ballot.choice !== "yes") return `A vote on a poll is a "yes" carrying its ${process.dots === undefined ? "pick" : "dots"}`;
      if (process.dots === undefined) {
        if (strayMarks(ballot, ["pick"]) !== undefined || ballot.pick === undefined) return "A vote on this poll picks one option";
        if (!isIndex(ballot.pick, process.options.length)) return `The poll has options 1 to ${process.options.length}; there is no option ${ballot.pick + 1}`;
        return undefined;
      }
      if (strayMarks(ballot, ["dots"]) !== undefined || ballot.dots === undefined) return "A vote on this dot vote gives its dots to the options";
      if (ballot.dots.length !== process.options.length) return `A dot vote gives a number of dots to each of the ${process.options.length} options`;
      if (!ballot.dots.every((dots) => Number.isSafeInteger(dots) && dots >= 0)) return "Each option gets a whole number of dots, 0 or more";
      const given = ballot.dots.reduce((sum, dots) => sum + dots, 0);
      return given > process.dots ? `Each member has ${process.dots} dots to give; this vote gives ${given}` : undefined;
    }
    case "meeting": {
      if (ballot.choice !== "yes") return 'A vote on a meeting time poll is a "yes" carrying the times the member can make';
      if (strayMarks(ballot, ["times"]) !== undefined || ballot.times === undefined) return "A vote on a meeting time poll lists the times the member can make";
      if (!ballot.times.every((time) => isIndex(time, process.times.length))) return `The meeting offers times 1 to ${process.times.length}`;
      return new Set(ballot.times).size === ballot.times.length ? undefined : "A vote names each time at most once";
    }
  }
}

export interface Counted<B extends Ballot> {
  tally: Tally;
  /** Each voter's vote that counts, with its marks, in `tally.counted`'s order. */
  counted: B[];
}

/**
 * Counts a process's votes as the yes/no tally counts them, with one
 * difference: it closes before the deadline only by the all-voted rule and
 * only when `certain` says the votes counted then leave nothing to change
 * (a consent with an objection standing may still see it withdrawn).
 * Otherwise it is decided at the deadline by each member's latest vote.
 * `certain` is asked of the votes of the moment the whole electorate had
 * voted, which is the same for every arrival order, so the answer is too.
 * `ballots` must already fit the process (`ballotProblem`).
 */
export function countBallots<B extends Ballot>(
  proposal: ProcessWindow,
  ballots: readonly B[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw: SawVote | undefined,
  certain: (counted: readonly B[]) => boolean,
): Counted<B> {
  const window = { at: proposal.at, deadline: proposal.deadline };
  // The tally returns the ballots it was given, so each counted one is found again with its marks.
  const own = new Map<Ballot, B>(ballots.map((ballot) => [ballot, ballot]));
  const marked = (tallied: Tally) => tallied.counted.map((ballot) => own.get(ballot)!);
  const whenEveryoneVoted = tally(window, ballots, electorate, rules, Number.MAX_SAFE_INTEGER, saw);
  if (whenEveryoneVoted.decidesAt < proposal.deadline && certain(marked(whenEveryoneVoted))) {
    const tallied = tally(window, ballots, electorate, rules, now, saw);
    return { tally: tallied, counted: marked(tallied) };
  }
  return atTheDeadline(proposal, ballots, electorate, rules, now, saw);
}

/** Each member's latest vote in the window, decided at the deadline. */
function atTheDeadline<B extends Ballot>(
  proposal: ProcessWindow,
  ballots: readonly B[],
  electorate: readonly PublicKey[],
  rules: TallyRules,
  now: number,
  saw: SawVote | undefined,
): Counted<B> {
  const members = new Set(electorate);
  const cutoff = Math.min(proposal.deadline, now);
  const votes = byVoter(ballots, (ballot) => members.has(ballot.voter) && ballot.at >= proposal.at && ballot.at <= cutoff);
  const counted = [...votes.values()].map((mine) => latestOf(mine, saw)).sort((a, b) => (a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0));
  const counts = countsOf(counted, rules);
  return {
    tally: {
      outcome: now < proposal.deadline ? "open" : outcomeOf(counts, electorate.length, rules),
      decidesAt: proposal.deadline,
      ...countedFigures(counts, electorate.length, rules),
      late: [],
      counted,
    },
    counted,
  };
}
