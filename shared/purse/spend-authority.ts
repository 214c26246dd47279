import { SPEND_PERIODS, perPeriod, spendPeriodIn, spendPeriodOf } from "../commune/spend-period";
import { rulesAt, type CommuneState, type ProposalState } from "../commune/state";
import type { Currency } from "../money/currency";
import type { Outcome, Payee, SignedProposal } from "../proposals/proposal";
import type { Entry, SignedEntry } from "./entry";
import { isoDay, memberName, money } from "./wording";

/**
 * Who may take money out of the common purse, and how much: without asking
 * anyone, each member up to the spend limit of the rules in force at the
 * entry's time, in total over the calendar period those rules name (50 EUR
 * a month): judging each entry alone let six 50 EUR payments through a
 * 50 EUR limit. An entry that cites a proposal draws its authority from that proposal
 * whatever its size: a passed spend proposal, decided before the entry, for
 * the same currency and payee, and only up to the proposal's amount across
 * every counted entry that cites it. Judging small citing entries by the
 * limit alone let a 100 EUR proposal pay out 200 in 50 EUR pieces.
 */

export type SpendProposal = Extract<SignedProposal, { kind: "spend" }>;

/** A disbursement or an outgoing exchange: the entries the spend limit and the purse balance hold back. */
export const takesMoneyOut = (entry: Pick<Entry, "kind" | "direction">): boolean =>
  entry.kind === "disbursement" || (entry.kind === "exchange" && entry.direction === "out");

/** How much of each spend proposal counted entries have used so far, by proposal id. */
export type ProposalUse = Map<string, number>;

/**
 * What each member has taken out without citing a proposal, per currency
 * and calendar period (`limitKey`). Every counted entry is booked in its
 * period of every length, so when a rule change switches the period (a
 * month to a week) the member's total in the new, current period already
 * holds what they took in it before the change.
 */
export type LimitUse = Map<string, number>;

const limitKey = (by: unknown, code: string, period: string): string => `${String(by)}\n${code}\n${period}`;

const NOT_PASSED: Record<Exclude<Outcome, "passed">, string> = {
  open: "is still open",
  rejected: "was rejected",
  expired: "expired without a decision",
};

const citedProposal = (state: CommuneState, id: unknown): ProposalState | undefined =>
  typeof id === "string" && Object.hasOwn(state.proposals, id) ? state.proposals[id] : undefined;

const payeeWords = (state: CommuneState, payee: Payee): string => ("member" in payee ? memberName(state, payee.member) : `'${payee.outside}'`);

function payeeMismatch(state: CommuneState, entry: SignedEntry, payee: Payee): string | undefined {
  const matches = "member" in payee ? entry.to === payee.member : entry.payee === payee.outside;
  if (matches) return undefined;
  const paid = entry.to !== undefined ? memberName(state, entry.to) : `'${String(entry.payee)}'`;
  return `pays ${payeeWords(state, payee)}, not ${paid}`;
}

/**
 * Why this entry, which takes money out of the purse in `currency`, lacks the
 * authority to do so; undefined when it has it. `used` holds what earlier
 * counted entries took from each proposal, `taken` what they took without
 * one. `at` is the time the ledger orders the entry by: it picks the rules
 * in force and the period the entry falls in.
 */
export function spendAuthorityProblem(
  entry: SignedEntry,
  currency: Currency,
  state: CommuneState,
  used: ReadonlyMap<string, number>,
  taken: ReadonlyMap<string, number>,
  at: number,
): string | undefined {
  if (entry.proposal !== undefined) return proposalProblem(entry, currency, state, used);
  return limitProblem(entry, currency, state, taken, at);
}

function limitProblem(entry: SignedEntry, currency: Currency, state: CommuneState, taken: ReadonlyMap<string, number>, at: number): string | undefined {
  const rules = rulesAt(state, at);
  const limit = Object.hasOwn(rules.spendLimit, currency.code) ? (rules.spendLimit[currency.code] ?? 0) : 0;
  const period = spendPeriodIn(rules);
  const { key, words } = spendPeriodOf(at, period);
  const before = taken.get(limitKey(entry.by, currency.code, key)) ?? 0;
  if (before + entry.amount <= limit) return undefined;
  const cap = `${money(limit, currency)} ${perPeriod(period)} per member`;
  if (before === 0) return `above the spend limit of ${cap} and cites no passed spend proposal`;
  return `${memberName(state, entry.by)} has already taken ${money(before, currency)} without a proposal in ${words}; the limit is ${cap}`;
}

/** Books a counted entry that takes money out without citing a proposal against its author's allowance, in its period of every length. */
export function recordLimitUse(entry: SignedEntry, currency: Currency, taken: LimitUse, at: number): void {
  if (!takesMoneyOut(entry) || entry.proposal !== undefined) return;
  for (const period of SPEND_PERIODS) {
    const key = limitKey(entry.by, currency.code, spendPeriodOf(at, period).key);
    taken.set(key, (taken.get(key) ?? 0) + entry.amount);
  }
}

function proposalProblem(entry: SignedEntry, currency: Currency, state: CommuneState, used: ReadonlyMap<string, number>): string | undefined {
  const cited = citedProposal(state, entry.proposal);
  if (!cited || typeof entry.proposal !== "string") return "cites a proposal the commune does not have";
  const { proposal, tally } = cited;
  const named = `proposal '${proposal.title}'`;
  if (proposal.kind !== "spend") return `cites ${named}, which is not a spend proposal`;
  if (tally.outcome !== "passed") return `cites ${named}, which ${NOT_PASSED[tally.outcome]}`;
  if (tally.decidesAt > entry.at) return `cites ${named}, which passed only on ${isoDay(tally.decidesAt)}, after this entry`;
  if (proposal.currency !== entry.currency) return `${named} allows ${proposal.currency}, not ${currency.code}`;
  if (entry.kind === "disbursement") {
    const mismatch = payeeMismatch(state, entry, proposal.payee);
    if (mismatch !== undefined) return `${named} ${mismatch}`;
  }
  const spent = used.get(entry.proposal) ?? 0;
  if (spent + entry.amount > proposal.amount) {
    return `${named} allows ${money(proposal.amount, currency)} and ${money(spent, currency)} of it is already spent`;
  }
  return undefined;
}

/**
 * Books a counted entry against the spend proposal it cites. Every counted
 * outgoing entry that cites it uses it up, whatever its size: money spent
 * "for the new roof" is roof money.
 */
export function recordProposalUse(entry: SignedEntry, state: CommuneState, used: ProposalUse): void {
  if (!takesMoneyOut(entry)) return;
  const id = entry.proposal;
  const cited = citedProposal(state, id);
  if (id === undefined || cited?.proposal.kind !== "spend" || cited.proposal.currency !== entry.currency) return;
  used.set(id, (used.get(id) ?? 0) + entry.amount);
}

/** How much of each spend proposal the counted entries have used, by the same rule the purse applies. */
export function proposalSpending(entries: readonly { entry: SignedEntry; status: string }[], state: CommuneState): ProposalUse {
  const used: ProposalUse = new Map();
  for (const view of entries) if (view.status === "counted") recordProposalUse(view.entry, state, used);
  return used;
}

/** The fields of the disbursement a passed spend proposal allows; the host adds commune, id and time, then signs. */
export type DisbursementDraft = Omit<Entry, "commune" | "id" | "at">;

export function disbursementFor(proposal: SpendProposal): DisbursementDraft {
  const draft = {
    kind: "disbursement" as const,
    amount: proposal.amount,
    currency: proposal.currency,
    memo: proposal.title,
    proposal: proposal.id,
  };
  return "member" in proposal.payee ? { ...draft, to: proposal.payee.member } : { ...draft, payee: proposal.payee.outside };
}
