import type { RuleChange } from "../../shared/commune/rules";
import { currentStatus, rulesAt, type CommuneState } from "../../shared/commune/state";
import type { Discussion } from "../../shared/proposals/discussion";
import type { SignedOutcome } from "../../shared/proposals/outcome";
import type {
  BalancesView,
  CommentView,
  OutcomeView,
  CommuneView,
  ItemView,
  LedgerPage,
  LedgerRow,
  LinkedEntry,
  MemberView,
  ProposalView,
} from "../../shared/commands/views";
import type { ParsedInput } from "../../shared/commands/commands";
import { fingerprint, type PublicKey } from "../../shared/identity/keys";
import { searchItems } from "../../shared/inventory/inventory";
import { kindOf } from "../../shared/inventory/item";
import type { SpendProposal } from "../../shared/purse/spend-authority";
import { entryClaim, type EntryView, type PurseLedger, type PurseView } from "../../shared/purse/balances";
import type { SignedCheckpoint } from "../../shared/purse/checkpoint";
import type { CommuneModel } from "./commune-model";
import { processView } from "./process-views";
import type { ProcessBallot } from "../../shared/proposals/processes/ballots";

/** What the views read of a model: a commune still loading its purse can stand in another count. */
export type ViewModel = Pick<CommuneModel, "id" | "state" | "proposals" | "problems"> &
  Partial<Pick<CommuneModel, "notes" | "discussions" | "outcomes">> & {
    purse: Pick<PurseView, "purse" | "members" | "counts" | "used"> & Partial<Pick<PurseView, "breakdown">>;
    /** Absent in a view counted by another member: what a reverse proposal names is then not looked up. */
    ledger?: Pick<PurseLedger, "countedEntry" | "paymentsFor">;
  };

/**
 * The views the CLI prints and the renderer shows, built from a computed
 * model. Plain JSON: no documents, no keys.
 */
const nameOf = (state: CommuneState, key: PublicKey) => state.members[key]?.name ?? key.slice(0, 8);

export function membersView(model: ViewModel): MemberView[] {
  const { state } = model;
  return Object.values(state.members)
    .map((member) => {
      const last = member.history.at(-1)!;
      const view: MemberView = {
        key: member.key,
        name: member.name,
        fingerprint: fingerprint(member.key),
        status: last.status,
        since: last.at,
        why: last.why,
        balances: model.purse.members[member.key] ?? {},
      };
      const breakdown = model.purse.breakdown?.members[member.key];
      if (breakdown) view.breakdown = breakdown;
      const notes = model.notes?.of("member", member.key, member.key);
      if (notes) view.notes = notes;
      return view;
    })
    .sort((a, b) => a.name.localeCompare(b.name) || (a.key < b.key ? -1 : 1));
}

export function balancesView(model: ViewModel, now: number): BalancesView {
  // The ledger's counts, not a pass over the entries: a view after each new entry costs the same at any purse size.
  const entries = { ...model.purse.counts };
  const view: BalancesView = {
    commune: model.id,
    currencies: rulesAt(model.state, now).currencies,
    purse: model.purse.purse,
    members: membersView(model),
    entries,
  };
  if (model.purse.breakdown) view.purseBreakdown = model.purse.breakdown.purse;
  return view;
}

// Signed records keep fields this version does not know (the signature covers
// them); a view carries only the fields a front end is written to show.
function ruleChangeView(change: RuleChange): RuleChange {
  const view: RuleChange = {};
  if (change.quorumPercent !== undefined) view.quorumPercent = change.quorumPercent;
  if (change.thresholdPercent !== undefined) view.thresholdPercent = change.thresholdPercent;
  if (change.allowBlock !== undefined) view.allowBlock = change.allowBlock;
  if (change.admission !== undefined) view.admission = change.admission;
  if (change.spendLimit) view.spendLimit = { ...change.spendLimit };
  if (change.spendPeriod !== undefined) view.spendPeriod = change.spendPeriod;
  if (change.confirmAbove) view.confirmAbove = { ...change.confirmAbove };
  if (change.partnerCredit) view.partnerCredit = Object.fromEntries(Object.entries(change.partnerCredit).map(([partner, limits]) => [partner, { ...limits }]));
  if (change.addCurrencies) view.addCurrencies = change.addCurrencies.map(({ code, name, decimals }) => ({ code, name, decimals }));
  return view;
}

export function proposalViews(model: ViewModel, me: PublicKey): ProposalView[] {
  const { state } = model;
  const used = model.purse.used;
  return Object.values(state.proposals)
    .map(({ proposal, tally }) => {
      const rules = rulesAt(state, proposal.at);
      const view: ProposalView = {
        id: proposal.id,
        kind: proposal.kind,
        title: proposal.title,
        body: proposal.body,
        by: proposal.by,
        byName: nameOf(state, proposal.by),
        at: proposal.at,
        deadline: proposal.deadline,
        outcome: tally.outcome,
        decidesAt: tally.decidesAt,
        electorate: tally.electorate,
        voted: tally.voted,
        yes: tally.yes,
        no: tally.no,
        abstain: tally.abstain,
        block: tally.block,
        quorumMet: tally.quorumMet,
        thresholdMet: tally.thresholdMet,
        quorumPercent: rules.quorumPercent,
        thresholdPercent: rules.thresholdPercent,
        allowBlock: rules.allowBlock,
      };
      // "Your vote" is the one that counts: a vote the rules refused, or a change of mind that came too late, is not the member's vote.
      const mine = tally.counted.find((ballot) => ballot.voter === me);
      if (mine) view.myVote = mine.choice;
      if (proposal.closesEarly) view.closesEarly = true;
      if (tally.early) view.early = tally.early;
      if (tally.counted.length > 0)
        view.votes = tally.counted.map((ballot: ProcessBallot) => ({
          voter: ballot.voter,
          name: nameOf(state, ballot.voter),
          choice: ballot.choice,
          at: ballot.at,
          ...(ballot.reason !== undefined ? { reason: ballot.reason } : {}),
          // A poll's and a meeting's marks are the vote itself: who gave what is as visible as who voted yes.
          ...(ballot.pick !== undefined ? { pick: ballot.pick } : {}),
          ...(ballot.dots !== undefined ? { dots: [...ballot.dots] } : {}),
          ...(ballot.times !== undefined ? { times: [...ballot.times] } : {}),
        }));
      Object.assign(view, processView(state, proposal, tally, me));
      // An advice process awaiting its decision is past its advice period: the proposer decides in view of the advice.
      const undecided = tally.outcome === "open" && !(tally.result?.kind === "advice" && tally.result.awaiting);
      if (proposal.hiddenVotes && undecided) hideVotes(view);
      if (proposal.kind === "spend") {
        const spend = proposal as SpendProposal;
        const payee = "member" in spend.payee ? nameOf(state, spend.payee.member) : spend.payee.outside;
        view.spend = { amount: spend.amount, currency: spend.currency, payee, used: used.get(proposal.id) ?? 0 };
      }
      if (proposal.kind === "admit") view.member = { key: proposal.member, name: proposal.name };
      if (proposal.kind === "reverse") view.reverse = reverseView(model, proposal.author, proposal.entry);
      if (proposal.kind === "remove") view.member = { key: proposal.member, name: nameOf(state, proposal.member) };
      if (proposal.kind === "rule") view.change = ruleChangeView(proposal.change);
      const notes = model.notes?.of("proposal", proposal.id, proposal.by);
      if (notes) view.notes = notes;
      const outcomes = model.outcomes?.get(proposal.id);
      if (outcomes?.current) {
        view.outcomeStatement = outcomeView(state, outcomes.current);
        if (outcomes.history.length > 0) view.history = outcomes.history.map((earlier) => outcomeView(state, earlier));
      }
      const payments = proposal.kind === "spend" ? (model.ledger?.paymentsFor(proposal.id) ?? []) : [];
      if (payments.length > 0)
        view.paidBy = payments.map(({ entry, voided }) => ({
          id: entry.id,
          author: entry.by,
          authorName: nameOf(state, entry.by),
          amount: entry.amount,
          currency: entry.currency,
          at: entry.at,
          ...(voided ? { voided: true as const } : {}),
        }));
      const thread = model.discussions?.get(proposal.id);
      if (thread && thread.comments.length > 0) view.discussion = discussionView(state, thread, me);
      return view;
    })
    .sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1));
}

function outcomeView(state: CommuneState, outcome: SignedOutcome): OutcomeView {
  return {
    statement: outcome.statement,
    by: outcome.by,
    byName: nameOf(state, outcome.by),
    at: outcome.at,
    ...(outcome.review !== undefined ? { review: outcome.review } : {}),
  };
}

function discussionView(state: CommuneState, thread: Discussion, me: PublicKey): CommentView[] {
  return thread.comments.map((comment) => ({
    ...comment,
    versions: comment.versions.map((version) => ({ ...version })),
    byName: nameOf(state, comment.by),
    ...(comment.by === me ? { mine: true as const } : {}),
  }));
}

export function communeView(model: ViewModel, me: PublicKey, now: number): CommuneView {
  return {
    id: model.id,
    name: model.state.name,
    me,
    myStatus: currentStatus(model.state, me),
    rules: rulesAt(model.state, now),
    balances: balancesView(model, now),
    proposals: proposalViews(model, me),
    problems: model.problems.map(({ subject, id, by, reason }) => (by ? { subject, id, by, reason } : { subject, id, reason })),
  };
}

/**
 * The commune while its purse is still arriving: everything this machine
 * has counted itself (members, rules, proposals from the small documents),
 * with the balances, entry counts and amounts paid out under proposals of
 * a member's signed checkpoint, marked provisional and as that member's.
 */
export function checkpointView(model: Omit<ViewModel, "purse">, checkpoint: SignedCheckpoint, me: PublicKey, now: number): CommuneView {
  const counted = { purse: checkpoint.purse, members: checkpoint.members, counts: checkpoint.entries, used: new Map(Object.entries(checkpoint.used)) };
  const view = communeView({ ...model, purse: counted }, me, now);
  return { ...view, provisional: true, countedBy: { member: checkpoint.by, name: nameOf(model.state, checkpoint.by), at: checkpoint.at } };
}

/** While it is open, what the proposer hid: the counts and who voted what, and whether yes is ahead. How many voted, and one's own vote, stay. */
function hideVotes(view: ProposalView): void {
  Object.assign(view, { hiddenVotes: true, yes: 0, no: 0, abstain: 0, block: 0, thresholdMet: false });
  delete view.votes;
  // A ranking or the objections standing say as much as the counts.
  delete view.result;
}

function reverseView(model: ViewModel, author: PublicKey, entry: string): NonNullable<ProposalView["reverse"]> {
  const found = model.ledger?.countedEntry(author, entry);
  const view = { entry, author, authorName: nameOf(model.state, author), done: found?.voidedBy !== undefined };
  if (!found) return view;
  const { amount, currency, to, payee } = found.entry;
  return { ...view, amount, currency, payee: to !== undefined ? nameOf(model.state, to) : (payee ?? "") };
}

export function ledgerPage(model: CommuneModel, query: ParsedInput<"purse.ledger">): LedgerPage {
  const { state } = model;
  const rows: LedgerRow[] = [];
  const links = model.purse.voided.size > 0 ? correctionLinks(model.purse.entries, model.purse.voided) : undefined;
  model.purse.entries.forEach((view, index) => {
    const { entry } = view;
    if (query.member && entry.by !== query.member && entry.to !== query.member) return;
    if (query.kind && entry.kind !== query.kind) return;
    if (query.currency && entry.currency !== query.currency) return;
    if (query.status && view.status !== query.status) return;
    if (query.from !== undefined && entry.at < query.from) return;
    if (query.until !== undefined && entry.at > query.until) return;
    const row: LedgerRow = {
      n: index + 1,
      id: entry.id,
      kind: entry.kind,
      at: entry.at,
      by: entry.by,
      byName: nameOf(state, entry.by),
      amount: entry.amount,
      currency: entry.currency,
      memo: entry.memo,
      status: view.status,
    };
    if (entry.to) Object.assign(row, { to: entry.to, toName: nameOf(state, entry.to) });
    if (entry.payee) row.payee = entry.payee;
    if (entry.partner) row.partner = entry.partner;
    if (entry.partner && Object.hasOwn(model.doc.partners, entry.partner)) row.partnerName = model.doc.partners[entry.partner]!.name;
    if (entry.offer) row.offer = entry.offer;
    const declinedAt = model.purse.declined.size > 0 ? model.purse.declined.get(entryClaim(entry.by, entry.id)) : undefined;
    if (declinedAt !== undefined) row.declinedAt = declinedAt;
    if (entry.direction) row.direction = entry.direction;
    if (entry.proposal) {
      row.proposal = entry.proposal;
      const cited = Object.hasOwn(state.proposals, entry.proposal) ? state.proposals[entry.proposal] : undefined;
      if (cited) row.proposalTitle = cited.proposal.title;
    }
    if (view.reason) row.reason = view.reason;
    if (links) Object.assign(row, links.of(view));
    rows.push(row);
  });
  if (query.newestFirst) rows.reverse();
  const page = rows.slice(query.offset, query.offset + query.limit);
  // Notes are looked up for the rows sent, not for the whole purse: in an honest commune there are none to look up.
  if (model.notes.size > 0)
    for (const row of page) {
      const notes = model.notes.of("entry", row.id, row.by);
      if (notes) row.notes = notes;
    }
  return { total: rows.length, offset: query.offset, rows: page };
}

/**
 * The links between voided entries, their voids and their corrections,
 * found in one pass when the purse has voids at all (an honest purse of
 * 100,000 entries without any pays nothing for them). Only voided entries
 * are remembered by claim: both a void and a correction cite one.
 */
function correctionLinks(entries: readonly EntryView[], voided: ReadonlyMap<string, unknown>): { of(view: EntryView): Partial<LedgerRow> } {
  const rowOf = new Map<string, LinkedEntry & { memo: string }>();
  const voidOf = new Map<string, LinkedEntry & { memo: string }>();
  const correctionOf = new Map<string, LinkedEntry>();
  entries.forEach(({ entry, status, reverses }, index) => {
    const linked = { id: entry.id, n: index + 1, memo: entry.memo };
    const claim = entryClaim(entry.by, entry.id);
    if (voided.has(claim)) rowOf.set(claim, linked);
    if (status !== "counted") return;
    if (reverses) voidOf.set(entryClaim(reverses.by, reverses.id), linked);
    else if (entry.kind !== "void" && entry.corrects !== undefined) correctionOf.set(entryClaim(entry.by, entry.corrects), { id: linked.id, n: linked.n });
  });
  const link = (found: (LinkedEntry & { memo: string }) | undefined): LinkedEntry | undefined => found && { id: found.id, n: found.n };
  return {
    of({ entry, status, reverses }) {
      const claim = entryClaim(entry.by, entry.id);
      const row: Partial<LedgerRow> = {};
      const voidedBy = voidOf.get(claim);
      if (voidedBy) row.voidedBy = voidedBy;
      const correctedBy = correctionOf.get(claim);
      if (correctedBy) row.correctedBy = correctedBy;
      const voids = reverses ? link(rowOf.get(entryClaim(reverses.by, reverses.id))) : undefined;
      if (voids) row.voids = voids;
      const corrects =
        status === "counted" && entry.kind !== "void" && entry.corrects !== undefined ? link(rowOf.get(entryClaim(entry.by, entry.corrects))) : undefined;
      if (corrects) row.corrects = corrects;
      return row;
    },
  };
}

export function itemViews(model: CommuneModel, query: string): ItemView[] {
  return searchItems(model.items, query).map(({ item, author }) => {
    const view: ItemView = {
      id: item.id,
      version: item.version,
      title: item.title,
      body: item.body,
      tags: item.tags,
      kind: kindOf(item),
      editorName: nameOf(model.state, item.by),
      author,
      authorName: nameOf(model.state, author),
      at: item.at,
    };
    if (item.link) view.link = item.link;
    if (item.kind && item.amount !== undefined && item.currency !== undefined) {
      view.amount = item.amount;
      view.currency = item.currency;
    }
    if (item.retired) view.retired = true;
    const notes = model.notes.of("item", item.id, author);
    if (notes) view.notes = notes;
    return view;
  });
}
