import type { PublicKey } from "../identity/keys";
import type { SignedProposal, SignedVote } from "../proposals/proposal";
import { notActiveClause, statusAt, type CommuneState } from "../commune/state";
import { ballotProblem } from "../proposals/processes/ballots";
import { refuse, type Verdict } from "./verdict";

/** What a vote is judged against: its proposal, who may vote on it, and when it was decided (undefined while not known). */
export interface VoteSetting {
  state: CommuneState;
  proposal: SignedProposal;
  /** The members active when the proposal was made: they, and only they, vote on it. */
  electorate: ReadonlySet<PublicKey>;
  decidesAt: number | undefined;
  /**
   * The proposal version that counts (shared/proposals/version.ts) and
   * whether it is the first-seen one, which votes signed before versions
   * existed approve. Without it every vote on the proposal's id is judged.
   */
  version?: { counting: string; firstSeen: boolean };
}

const nameOf = (state: CommuneState, key: PublicKey) => state.members[key]?.name ?? key.slice(0, 8);

/**
 * Whether a vote counts: cast on a proposal that exists (the version of it
 * that counts), by a member of its
 * electorate, not dated before the proposal, while active, and not after the
 * decision, and fitting the proposal's process (`ballotProblem`: an
 * objection with a reason, a pick among the poll's options, the proposer's
 * advice decision after the deadline). On a yes/no proposal any choice is a
 * valid vote: where the rules in force when the proposal was made do not
 * allow blocking, the tally counts a block as a no.
 */
export function judgeVote(setting: VoteSetting | undefined, vote: SignedVote): Verdict {
  if (!setting) return refuse("vote.no-proposal", "votes on a proposal that does not exist");
  // No closures here: the replay judges every vote many times over.
  const { state, proposal, electorate, decidesAt, version } = setting;
  // A vote approves the version its voter signed: a later version of the proposal does not inherit it.
  if (version !== undefined && (vote.version === undefined ? !version.firstSeen : vote.version !== version.counting))
    return refuse("vote.other-version", `${nameOf(state, vote.by)}'s vote approves another version of "${proposal.title}" than the one that counts`);
  if (!electorate.has(vote.by)) return refuse("vote.not-in-electorate", `${nameOf(state, vote.by)} was not a member when "${proposal.title}" was proposed`);
  if (vote.at < proposal.at) return refuse("vote.before-proposal", `${nameOf(state, vote.by)}'s vote is dated before "${proposal.title}" was proposed`);
  if (statusAt(state, vote.by, vote.at) !== "active")
    return refuse("vote.voter-not-active", `${nameOf(state, vote.by)} ${notActiveClause(state, vote.by, vote.at)}`);
  const misfit = ballotProblem(proposal, { ...vote, voter: vote.by });
  if (misfit !== undefined) return refuse("vote.does-not-fit", `${nameOf(state, vote.by)}'s vote on "${proposal.title}" does not fit it: ${misfit}`);
  // An advice decision comes after the advice period by its nature (ballotProblem requires it).
  if (decidesAt !== undefined && vote.at > decidesAt && vote.decision === undefined)
    return refuse("vote.after-decision", `${nameOf(state, vote.by)} voted after "${proposal.title}" was decided`);
  return "counted";
}
