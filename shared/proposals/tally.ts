import type { Rules } from "../commune/rules";
import type { PublicKey } from "../identity/keys";
import type { Choice, Outcome } from "./proposal";
import { outcomeOf, quorumMet, settledOutcome, thresholdMet, type Counts } from "./settled";

export interface Tally {
  outcome: Outcome;
  /**
   * When the decision is settled: the moment the last member of the
   * electorate cast a first vote (or, for a proposal that `closesEarly`,
   * the first moment the outcome could no longer change), or the
   * deadline, whichever comes first. Votes after it do not count.
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
  /** The vote that completed the electorate, or settled the outcome, when the proposal was decided early. */
  decidedBy?: Ballot;
  /**
   * Why a decided proposal closed before its deadline: every member of the
   * electorate had voted, or (a proposal signed with `closesEarly`) the
   * missing votes could no longer change the outcome. Absent otherwise.
   */
  early?: "everyone-voted" | "settled";
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
  /** Signed on the proposal: it closes as soon as its outcome is settled (`settlement`), not only when everyone has voted. */
  closesEarly?: true;
}

type Rule = Pick<Rules, "quorumPercent" | "thresholdPercent" | "allowBlock">;

const inWindow = (ballot: Ballot, window: Window, until: number) => ballot.at >= window.at && ballot.at <= until;

/**
 * A member's first vote: the earliest by claimed time among their votes
 * cast without another of their votes in their copy. A vote whose author
 * had already voted is a change of mind whatever time it claims, so a
 * voter cannot slip a new first vote in before the decision by dating it
 * early.
 */
export function firstOf<B extends Ballot>(votes: readonly B[], saw: SawVote | undefined): B {
  let first: B | undefined;
  for (const vote of votes) {
    if (saw && votes.some((other) => other.sig !== vote.sig && saw(vote.sig, other.sig) === true)) continue;
    if (!first || later(first, vote)) first = vote;
  }
  // Every vote saw another only if the history has a cycle, which Automerge's cannot; fall back to claimed time all the same.
  return first ?? votes.reduce((a, b) => (later(a, b) ? b : a));
}

/** A member's latest vote: the latest by claimed time among their votes that none of their other votes was cast after. */
export function latestOf<B extends Ballot>(votes: readonly B[], saw: SawVote | undefined): B {
  let last: B | undefined;
  for (const vote of votes) {
    if (saw && votes.some((other) => other.sig !== vote.sig && saw(other.sig, vote.sig) === true)) continue;
    if (!last || later(vote, last)) last = vote;
  }
  return last ?? votes.reduce((a, b) => (later(a, b) ? a : b));
}

export function byVoter<B extends Ballot>(ballots: readonly B[], keep: (ballot: B) => boolean): Map<PublicKey, B[]> {
  const grouped = new Map<PublicKey, B[]>();
  for (const ballot of ballots) {
    if (!keep(ballot)) continue;
    const list = grouped.get(ballot.voter);
    if (list) list.push(ballot);
    else grouped.set(ballot.voter, [ballot]);
  }
  return grouped;
}

interface Decision {
  at: number;
  /** Each voter's first vote, when the proposal was decided before its deadline. */
  first?: Map<PublicKey, Ballot>;
  /** The vote whose copy the decision is: changes of mind it was cast without are late. */
  decidedBy?: Ballot;
  /** Whether every member of the electorate had a vote that counts at the decision. */
  everyone?: boolean;
}

/**
 * A change of mind the deciding vote was cast without: it counts for
 * nothing, whatever time it claims. So does one whose author's first vote
 * is dated after the decision (only the history can show such a change of
 * mind, cast after a first vote and dated before it): the decision did not
 * wait for that member, so a vote dated back to before it cannot make them
 * a voter. A first vote is never late (the decision waited for it, or it
 * was missing and any choice of it was already weighed), nor is the
 * deciding vote itself.
 */
const lateFor =
  (decidedBy: Ballot, first: ReadonlyMap<PublicKey, Ballot>, at: number, saw: SawVote | undefined) =>
  (ballot: Ballot): boolean => {
    if (ballot.sig === decidedBy.sig) return false;
    const theirs = first.get(ballot.voter);
    if (theirs?.sig === ballot.sig) return false;
    return (theirs !== undefined && theirs.at > at) || saw?.(decidedBy.sig, ballot.sig) === false;
  };

/**
 * When the proposal is decided. Today's rule, for every proposal signed
 * without `closesEarly`: once everyone who may vote has voted (a small
 * commune should not wait a week for a unanimous "yes"), at the latest of
 * the members' first votes, so the same for every arrival order; else at
 * the deadline.
 */
function decision(proposal: Window, ballots: readonly Ballot[], electorate: readonly PublicKey[], rules: Rule, saw: SawVote | undefined): Decision {
  const votes = byVoter(ballots, (ballot) => inWindow(ballot, proposal, proposal.deadline));
  if (proposal.closesEarly) return settlement(proposal, votes, electorate, rules, saw);
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
  return { at: Math.max(last.at, proposal.at), first: firstVote, decidedBy: last, everyone: true };
}

/**
 * The rule of a proposal signed with `closesEarly`: it is decided at the
 * first moment its outcome can no longer change whatever the members who
 * have not voted do (`settledOutcome`: quorum, threshold and blocking as
 * the rules in force when it was made say), which includes the moment the
 * last of them votes; else at the deadline. The moments are the claimed
 * times of the members' first votes, taken in order, so the answer is the
 * same for every arrival order. At each moment the votes that count are
 * those the all-voted rule would count were it decided there: everyone's
 * first vote up to it, and a change of mind up to it only if the first
 * vote of that moment (the latest, by time then signature, when several
 * share it) was cast with it in its copy (`lateFor`). The decision freezes
 * them: a vote after it does not count, so a voter cannot undo a settled
 * outcome by changing their mind, and a member who had not voted could not
 * have changed it.
 *
 * Only a first vote makes a moment, as only the last first vote does in the
 * all-voted rule: a change of mind counts at the next member's first vote
 * (or the deadline), never closes the proposal by itself. Otherwise a voter
 * could sign a change of mind after the decision, date it a moment before,
 * and have it decide an earlier moment with its own choice. What no history
 * can tell apart remains, as for a decision at the deadline: a vote signed
 * on an old copy and dated before the decision looks cast offline, and a
 * vote that saw none of its author's others is a first vote. It counts at
 * its claimed time, and if the votes of that earlier moment already settle
 * the outcome, the decision moves there and the changes of mind after it no
 * longer count. The all-voted rule is not open to this only because it
 * waits for every member.
 */
function settlement(
  proposal: Window,
  votes: ReadonlyMap<PublicKey, Ballot[]>,
  electorate: readonly PublicKey[],
  rules: Rule,
  saw: SawVote | undefined,
): Decision {
  const first = new Map<PublicKey, Ballot>();
  for (const member of electorate) {
    const mine = votes.get(member);
    if (mine !== undefined) first.set(member, firstOf(mine, saw));
  }
  const candidates = [...first.values()].sort((a, b) => (later(a, b) ? 1 : later(b, a) ? -1 : 0));
  // The replay asks for the decision often: a member with one vote counts by it alone, and only those with several are weighed again at each moment.
  const single: Counts = { yes: 0, no: 0, abstain: 0, block: 0, voted: 0 };
  const several: Ballot[][] = [];
  for (let i = 0; i < candidates.length; i++) {
    const decidedBy = candidates[i]!;
    const mine = votes.get(decidedBy.voter)!;
    if (mine.length === 1) count(single, decidedBy.choice, rules);
    else several.push(mine);
    if (candidates[i + 1]?.at === decidedBy.at) continue;
    // A member's first vote always counts, so who has voted is known before any vote is weighed: without quorum nothing is settled.
    if (i + 1 < electorate.length && !quorumMet({ ...single, voted: i + 1 }, electorate.length, rules)) continue;
    const counts = { ...single };
    const late = lateFor(decidedBy, first, decidedBy.at, saw);
    for (const ballots of several)
      count(
        counts,
        latestOf(
          ballots.filter((ballot) => ballot.at <= decidedBy.at && !late(ballot)),
          saw,
        ).choice,
        rules,
      );
    if (settledOutcome(counts, electorate.length, rules) !== undefined)
      return { at: Math.max(decidedBy.at, proposal.at), first, decidedBy, everyone: i + 1 === electorate.length };
  }
  return { at: proposal.deadline };
}

function latestVotes(votes: ReadonlyMap<PublicKey, Ballot[]>, saw: SawVote | undefined): Map<PublicKey, Ballot> {
  const latest = new Map<PublicKey, Ballot>();
  for (const [voter, mine] of votes) latest.set(voter, latestOf(mine, saw));
  return latest;
}

/** Without `allowBlock` a block counts as a no. */
export function countsOf(latest: Iterable<Ballot>, rules: Pick<Rules, "allowBlock">): Counts {
  const counts: Counts = { yes: 0, no: 0, abstain: 0, block: 0, voted: 0 };
  for (const { choice } of latest) count(counts, choice, rules);
  return counts;
}

function count(counts: Counts, choice: Choice, rules: Pick<Rules, "allowBlock">): void {
  counts.voted++;
  if (choice === "yes") counts.yes++;
  else if (choice === "no" || (choice === "block" && !rules.allowBlock)) counts.no++;
  else if (choice === "abstain") counts.abstain++;
  else counts.block++;
}

/** What a tally reports of its counts: how many voted each way, and whether quorum and threshold are met and a block stands. */
export function countedFigures(
  counts: Counts,
  electorate: number,
  rules: Rule,
): Pick<Tally, "electorate" | "voted" | "yes" | "no" | "abstain" | "block" | "quorumMet" | "thresholdMet" | "blocked"> {
  const { yes, no, abstain, block, voted } = counts;
  return {
    electorate,
    voted,
    yes,
    no,
    abstain,
    block,
    quorumMet: quorumMet(counts, electorate, rules),
    thresholdMet: thresholdMet(yes, no, rules),
    blocked: block > 0,
  };
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
 * claimed times decide, as before. A proposal signed with `closesEarly`
 * is decided as soon as the missing votes could no longer change its
 * outcome (`settlement`), with the vote of that moment in place of the one
 * that completed the electorate. Quorum is the share of the
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
  const decided = decision(proposal, ballots, electorate, rules, saw);
  const decidesAt = decided.at;
  const counting = new Set(electorate);
  const cutoff = Math.min(decidesAt, now);
  const late: string[] = [];
  const { decidedBy, first } = decided;
  const lateForTheDecision = decidedBy !== undefined && first !== undefined && decidesAt <= now ? lateFor(decidedBy, first, decidesAt, saw) : () => false;
  const votes = byVoter(ballots, (ballot) => {
    if (!counting.has(ballot.voter) || !inWindow(ballot, proposal, cutoff)) return false;
    if (!lateForTheDecision(ballot)) return true;
    late.push(ballot.sig);
    return false;
  });
  const latest = latestVotes(votes, saw);
  const counts = countsOf(latest.values(), rules);
  const outcome: Outcome = now < decidesAt ? "open" : outcomeOf(counts, electorate.length, rules);
  const early =
    decidesAt <= now && decidesAt < proposal.deadline && decided.everyone !== undefined ? (decided.everyone ? "everyone-voted" : "settled") : undefined;
  return {
    outcome,
    decidesAt,
    ...countedFigures(counts, electorate.length, rules),
    late: late.sort(),
    ...(early ? { early } : {}),
    ...(decidedBy && decidesAt <= now ? { decidedBy } : {}),
    counted: [...latest.values()].sort((a, b) => (a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0)),
  };
}
