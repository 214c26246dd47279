import type { Rules } from "../commune/rules";
import type { Outcome } from "./proposal";

/** The votes that count at one moment, a block already read as a no where the rules do not allow blocking. */
export interface Counts {
  yes: number;
  no: number;
  abstain: number;
  block: number;
  /** Members with a vote that counts, whatever its choice. */
  voted: number;
}

type Shares = Pick<Rules, "quorumPercent" | "thresholdPercent">;

/** Quorum is the share of the electorate that voted at all, in integer arithmetic so every member gets the same answer. */
export const quorumMet = (counts: Counts, electorate: number, rules: Shares): boolean =>
  counts.voted > 0 && counts.voted * 100 >= rules.quorumPercent * electorate;

/** The threshold is the share of yes among yes and no. */
export const thresholdMet = (yes: number, no: number, rules: Shares): boolean => yes + no > 0 && yes * 100 >= rules.thresholdPercent * (yes + no);

/** The outcome were voting to end with these votes. */
export function outcomeOf(counts: Counts, electorate: number, rules: Shares): Exclude<Outcome, "open"> {
  if (!quorumMet(counts, electorate, rules)) return "expired";
  return counts.block > 0 || !thresholdMet(counts.yes, counts.no, rules) ? "rejected" : "passed";
}

/**
 * The outcome these votes already settle, whatever the members who have not
 * voted do (vote any choice, or not at all), or undefined while they could
 * still change it. Only the extremes need checking: quorum is already met
 * or not voting leaves it unmet; a block stays a veto; and the share of yes
 * falls with every missing member who votes no and rises with every one who
 * votes yes (an abstention moves neither), so if all of them voting no
 * still passes, and yes and no are not both empty without them, every
 * completion passes, and if all of them voting yes still falls short, every
 * completion is rejected. A missing member who could block keeps a proposal
 * from passing early. Pinned against every completion by
 * tally.property.test.ts.
 */
export function settledOutcome(
  counts: Counts,
  electorate: number,
  rules: Pick<Rules, "quorumPercent" | "thresholdPercent" | "allowBlock">,
): Exclude<Outcome, "open"> | undefined {
  const missing = electorate - counts.voted;
  if (missing <= 0) return outcomeOf(counts, electorate, rules);
  if (!quorumMet(counts, electorate, rules)) return undefined;
  if (counts.block > 0) return "rejected";
  if (!rules.allowBlock && thresholdMet(counts.yes, counts.no, rules) && thresholdMet(counts.yes, counts.no + missing, rules)) return "passed";
  if (!thresholdMet(counts.yes + missing, counts.no, rules)) return "rejected";
  return undefined;
}
