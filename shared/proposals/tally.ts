import type { Rules } from "../commune/rules";
import type { PublicKey } from "../identity/keys";
import type { Choice, Outcome } from "./proposal";

export interface Tally {
  outcome: Outcome;
  /**
   * When the decision is settled: the moment the last member of the
   * electorate cast a first vote, or the deadline, whichever comes first.
   * Votes after it do not count.
   */
  decidesAt: number;
  electorate: number;
  /** Members whose vote counts (so far, while open). */
  voted: number;
  yes: number;
  no: number;
  abstain: number;
  block: number;
  quorumMet: boolean;
  thresholdMet: boolean;
  blocked: boolean;
}

/** A vote already known to be genuine and cast by a member of the electorate while active. */
export interface Ballot {
  voter: PublicKey;
  at: number;
  choice: Choice;
  /** Breaks ties between two votes of one member at the same millisecond, identically everywhere. */
  sig: string;
}

interface Window {
  at: number;
  deadline: number;
}

const inWindow = (ballot: Ballot, window: Window, until: number) => ballot.at >= window.at && ballot.at <= until;

/**
 * A proposal is decided early once everyone who may vote has voted: a small
 * commune should not wait a week for a unanimous "yes". The moment is the
 * latest of the members' first votes, so it is the same for every arrival
 * order of the votes.
 */
export function decisionTime(proposal: Window, ballots: readonly Ballot[], electorate: readonly PublicKey[]): number {
  const firstVote = new Map<PublicKey, number>();
  for (const ballot of ballots) {
    if (!inWindow(ballot, proposal, proposal.deadline)) continue;
    const seen = firstVote.get(ballot.voter);
    if (seen === undefined || ballot.at < seen) firstVote.set(ballot.voter, ballot.at);
  }
  let last = proposal.at;
  for (const member of electorate) {
    const first = firstVote.get(member);
    if (first === undefined) return proposal.deadline;
    if (first > last) last = first;
  }
  return Math.min(last, proposal.deadline);
}

/** Which of two votes by one member is the later: by time, then by signature, identically everywhere. */
export const later = (a: Pick<Ballot, "at" | "sig">, b: Pick<Ballot, "at" | "sig">) => a.at > b.at || (a.at === b.at && a.sig > b.sig);

/**
 * The outcome of one proposal from its ballots, deterministically: each
 * member's latest vote up to the decision counts. Quorum is the share of the
 * electorate that voted at all; the threshold is the share of yes among yes
 * and no; with `allowBlock` a single block vetoes, without it a block counts
 * as a no. Open until `decidesAt`, then passed, rejected (quorum met but not
 * the threshold, or blocked) or expired (no quorum).
 */
export function tally(
  proposal: Window,
  ballots: readonly Ballot[],
  electorate: readonly PublicKey[],
  rules: Pick<Rules, "quorumPercent" | "thresholdPercent" | "allowBlock">,
  now: number,
): Tally {
  const decidesAt = decisionTime(proposal, ballots, electorate);
  const counting = new Set(electorate);
  const cutoff = Math.min(decidesAt, now);
  const latest = new Map<PublicKey, Ballot>();
  for (const ballot of ballots) {
    if (!counting.has(ballot.voter) || !inWindow(ballot, proposal, cutoff)) continue;
    const seen = latest.get(ballot.voter);
    if (!seen || later(ballot, seen)) latest.set(ballot.voter, ballot);
  }
  let yes = 0;
  let no = 0;
  let abstain = 0;
  let block = 0;
  for (const { choice } of latest.values()) {
    if (choice === "yes") yes++;
    else if (choice === "no" || (choice === "block" && !rules.allowBlock)) no++;
    else if (choice === "abstain") abstain++;
    else block++;
  }
  const voted = latest.size;
  const quorumMet = voted * 100 >= rules.quorumPercent * electorate.length && voted > 0;
  const thresholdMet = yes + no > 0 && yes * 100 >= rules.thresholdPercent * (yes + no);
  const blocked = block > 0;
  const outcome: Outcome = now < decidesAt ? "open" : !quorumMet ? "expired" : blocked || !thresholdMet ? "rejected" : "passed";
  return { outcome, decidesAt, electorate: electorate.length, voted, yes, no, abstain, block, quorumMet, thresholdMet, blocked };
}
