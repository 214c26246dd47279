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
  /**
   * Signatures of votes dated before the decision that came too late for
   * it: changes of mind that the vote which completed the electorate was
   * cast without (see `tally`). Empty when the proposal was not decided
   * early, or the documents' history was not given.
   */
  late: string[];
  /** The vote that completed the electorate, when the proposal was decided early. */
  decidedBy?: Ballot;
  /** Each voter's vote that counts, by voter key: what members see as "who voted what". */
  counted: Ballot[];
}

/**
 * What the documents' change graph says about two votes, by signature:
 * whether the one's author had the other in their copy when casting it
 * (shared/history/change-graph.ts). Undefined when the history does not
 * say (a vote from a file with no history, say).
 */
export type SawVote = (later: string, earlier: string) => boolean | undefined;

/** A vote already known to be genuine and cast by a member of the electorate while active. */
export interface Ballot {
  voter: PublicKey;
  at: number;
  choice: Choice;
  /** Breaks ties between two votes of one member at the same millisecond, identically everywhere. */
  sig: string;
  /** Why the member voted so: carried to "who voted what", never counted. */
  reason?: string;
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
export function decisionTime(proposal: Window, ballots: readonly Ballot[], electorate: readonly PublicKey[], saw?: SawVote): number {
  return decision(proposal, ballots, electorate, saw).at;
}

/**
 * A member's first vote: the earliest by claimed time among their votes
 * cast without another of their votes in their copy. A vote whose author
 * had already voted is a change of mind whatever time it claims, so a
 * voter cannot slip a new first vote in before the decision by dating it
 * early.
 */
function firstOf(votes: readonly Ballot[], saw: SawVote | undefined): Ballot {
  let first: Ballot | undefined;
  for (const vote of votes) {
    if (saw && votes.some((other) => other.sig !== vote.sig && saw(vote.sig, other.sig) === true)) continue;
    if (!first || later(first, vote)) first = vote;
  }
  // Every vote saw another only if the history has a cycle, which Automerge's cannot; fall back to claimed time all the same.
  return first ?? votes.reduce((a, b) => (later(a, b) ? b : a));
}

/** A member's latest vote: the latest by claimed time among their votes that none of their other votes was cast after. */
function latestOf(votes: readonly Ballot[], saw: SawVote | undefined): Ballot {
  let last: Ballot | undefined;
  for (const vote of votes) {
    if (saw && votes.some((other) => other.sig !== vote.sig && saw(other.sig, vote.sig) === true)) continue;
    if (!last || later(vote, last)) last = vote;
  }
  return last ?? votes.reduce((a, b) => (later(a, b) ? a : b));
}

function byVoter(ballots: readonly Ballot[], keep: (ballot: Ballot) => boolean): Map<PublicKey, Ballot[]> {
  const grouped = new Map<PublicKey, Ballot[]>();
  for (const ballot of ballots) {
    if (!keep(ballot)) continue;
    const list = grouped.get(ballot.voter);
    if (list) list.push(ballot);
    else grouped.set(ballot.voter, [ballot]);
  }
  return grouped;
}

/** When the proposal is decided, and the members' first votes with the one that completed the electorate, when it was completed before the deadline. */
function decision(
  proposal: Window,
  ballots: readonly Ballot[],
  electorate: readonly PublicKey[],
  saw: SawVote | undefined,
): { at: number; first?: Map<PublicKey, Ballot>; decidedBy?: Ballot } {
  const votes = byVoter(ballots, (ballot) => inWindow(ballot, proposal, proposal.deadline));
  const firstVote = new Map<PublicKey, Ballot>();
  let last: Ballot | undefined;
  for (const member of electorate) {
    const mine = votes.get(member);
    if (mine === undefined) return { at: proposal.deadline };
    const first = firstOf(mine, saw);
    firstVote.set(member, first);
    if (!last || later(first, last)) last = first;
  }
  if (!last) return { at: proposal.deadline };
  return { at: Math.max(last.at, proposal.at), first: firstVote, decidedBy: last };
}

/** Which of two votes by one member is the later: by time, then by signature, identically everywhere. */
export const later = (a: Pick<Ballot, "at" | "sig">, b: Pick<Ballot, "at" | "sig">) => a.at > b.at || (a.at === b.at && a.sig > b.sig);

/**
 * The outcome of one proposal from its ballots, deterministically: each
 * member's latest vote up to the decision counts.
 *
 * A claimed time is the voter's word, so when the whole electorate has
 * voted before the deadline, a change of mind counts only if the vote that
 * completed the electorate was cast with it in the voter's copy (`saw`):
 * the decision is what that last voter's copy held, plus everyone's first
 * vote. A "no" signed after a 2-1 decision and dated a millisecond before
 * it is late, whatever it claims; an honest change of mind that reached the
 * others before the last vote counts. Where the history orders one
 * member's votes (one was cast on a copy holding the other), it decides
 * which is first and which is latest, whatever times they claim. A member
 * who writes on an old copy on purpose makes a vote look cast offline,
 * concurrently: the history cannot tell that from the truth, and claimed
 * times decide between such votes. Without a history (`saw` undefined)
 * claimed times decide, as before. Quorum is the share of the
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
  saw?: SawVote,
): Tally {
  const decided = decision(proposal, ballots, electorate, saw);
  const decidesAt = decided.at;
  const counting = new Set(electorate);
  const cutoff = Math.min(decidesAt, now);
  const late: string[] = [];
  const { decidedBy, first } = decided;
  const lateForTheDecision = (ballot: Ballot): boolean =>
    saw !== undefined &&
    decidedBy !== undefined &&
    decidesAt <= now &&
    first?.get(ballot.voter)?.sig !== ballot.sig &&
    saw(decidedBy.sig, ballot.sig) === false;
  const votes = byVoter(ballots, (ballot) => {
    if (!counting.has(ballot.voter) || !inWindow(ballot, proposal, cutoff)) return false;
    if (!lateForTheDecision(ballot)) return true;
    late.push(ballot.sig);
    return false;
  });
  const latest = new Map<PublicKey, Ballot>();
  for (const [voter, mine] of votes) latest.set(voter, latestOf(mine, saw));
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
  return {
    outcome,
    decidesAt,
    electorate: electorate.length,
    voted,
    yes,
    no,
    abstain,
    block,
    quorumMet,
    thresholdMet,
    blocked,
    late: late.sort(),
    ...(decidedBy && decidesAt <= now ? { decidedBy } : {}),
    counted: [...latest.values()].sort((a, b) => (a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0)),
  };
}
