import type { PublicKey } from "../identity/keys";
import type { ProcessTally } from "../proposals/processes/decide";
import type { SignedProposal } from "../proposals/proposal";
import type { Currency } from "../money/currency";
import type { CommuneId } from "./genesis";
import type { Rules } from "./rules";
import type { ProblemCode } from "../result";
import { longDay } from "../history/claimed-time";

/**
 * What a commune's documents mean at a moment: who was a member when, which
 * rules were in force when, how each proposal came out, and what was ignored
 * and why. Computed by `communeState` from the documents alone, so every
 * member derives the same state from the same documents.
 */
export type MemberStatus = "applicant" | "active" | "left" | "removed";

export interface StatusChange {
  at: number;
  status: MemberStatus;
  /** What caused it, for people: "founded the commune", "admitted by proposal 'Welcome Bo'". */
  why: string;
}

export interface Member {
  key: PublicKey;
  name: string;
  /** In time order; the member has no status before the first change. */
  history: StatusChange[];
}

export interface RulesVersion {
  /** In force from this time (inclusive) until the next version. */
  from: number;
  rules: Rules;
  /** The rule proposal that made this version; absent for the founding rules. */
  proposal?: string;
}

export interface ProposalState {
  /** The version that counts, when its author signed more than one under this id (see `versions`). */
  proposal: SignedProposal;
  /**
   * Every version its author signed under this id, in first-seen order, with
   * its hash (shared/proposals/version.ts): more than one is an
   * equivocation, shown with the version that counts.
   */
  versions: { proposal: SignedProposal; version: string }[];
  /** The hash of the version that counts: the one its votes must name. */
  version: string;
  /** Keys of the members active when the proposal was made: they, and only they, vote on it. */
  electorate: PublicKey[];
  tally: ProcessTally;
}

export type ProblemSubject = "genesis" | "membership" | "proposal" | "vote" | "comment" | "outcome" | "entry" | "item";

/** Something in the documents that counts for nothing, and why, in words a member understands. */
export interface Problem {
  subject: ProblemSubject;
  /** The record's id where it has one (entry id, proposal id, ...), else its signature. */
  id: string;
  by: PublicKey | undefined;
  reason: string;
  /** The judge's machine code for the refusal (shared/judges/), where a judge made it. */
  code?: ProblemCode;
}

export interface CommuneState {
  id: CommuneId;
  name: string;
  founder: PublicKey;
  /** The time the state was computed for: proposals deciding later are still open. */
  now: number;
  members: Record<PublicKey, Member>;
  /** In time order; the first is the founding rules. */
  rules: RulesVersion[];
  proposals: Record<string, ProposalState>;
  problems: Problem[];
}

export function statusAt(state: CommuneState, key: PublicKey, at: number): MemberStatus | undefined {
  const history = state.members[key]?.history;
  if (!history) return undefined;
  let status: MemberStatus | undefined;
  for (const change of history) {
    if (change.at > at) break;
    status = change.status;
  }
  return status;
}

/**
 * Why a member was not active at a time, with the change that made it so:
 * "was not an active member at 4 December 2026, 12:03 UTC: removed by
 * proposal "Remove Bo" at 4 December 2026, 12:01 UTC". A day alone told a
 * member removed minutes earlier nothing (issue 16).
 */
export function notActiveClause(state: CommuneState, key: unknown, at: number): string {
  const history = typeof key === "string" && Object.hasOwn(state.members, key) ? state.members[key]!.history : [];
  let last: StatusChange | undefined;
  for (const change of history) {
    if (change.at > at) break;
    last = change;
  }
  if (last) return `was not an active member at ${longDay(at)}: ${last.why} at ${longDay(last.at)}`;
  const first = history[0];
  if (first) return `was not yet a member at ${longDay(at)} (${first.why} at ${longDay(first.at)})`;
  return `was not a member of the commune at ${longDay(at)}`;
}

export const isActiveAt = (state: CommuneState, key: PublicKey, at: number): boolean => statusAt(state, key, at) === "active";

export function rulesAt(state: CommuneState, at: number): Rules {
  let current = state.rules[0]!.rules;
  for (const version of state.rules) {
    if (version.from > at) break;
    current = version.rules;
  }
  return current;
}

export function currencyAt(state: CommuneState, code: string, at: number): Currency | undefined {
  return rulesAt(state, at).currencies.find((currency) => currency.code === code);
}

export const currentStatus = (state: CommuneState, key: PublicKey): MemberStatus | undefined => statusAt(state, key, Number.MAX_SAFE_INTEGER);
