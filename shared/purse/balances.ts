import type { CommuneState } from "../commune/state";
import type { PublicKey } from "../identity/keys";
import type { Currency } from "../money/currency";
import type { EntryStatus, SignedEntry } from "./entry";
import type { Verifier } from "../identity/crypto";
import { contentCheck, entrySignatureCheck, provenanceProblem, type SignatureCheck } from "./entry-checks";
import { recordLimitUse, recordProposalUse, spendAuthorityProblem, takesMoneyOut, type LimitUse, type ProposalUse } from "./spend-authority";
import { isoDay, memberName, money } from "./wording";
import type { ProblemCode } from "../result";
import { currencyAt } from "../commune/state";
import { dueAt, futureDatedReason, isFutureDated } from "../history/claimed-time";
import { USUAL_AFTER, type MemberFacts } from "./unusual";

/**
 * The common purse from every member's shard: what each entry means, the
 * purse's balance per currency and each member's standing. Pure and
 * deterministic: every member computes the same view from the same entries,
 * whatever order they arrived in.
 *
 * One pass in the canonical order. An entry counts when it passes, in this
 * order: its provenance (signature, commune, shard, author active), the id
 * check (no earlier entry claimed its id), its content (amount, currency,
 * kind fields), what it cites (a void's entry, a correction's void), spend
 * authority (for money going out), and the purse balance (money going out
 * never takes the purse below zero). Member standings may go below zero:
 * drawing on the common purse is the point.
 *
 * A void undoes its author's earlier counted entry from the void's place in
 * the order on: the purse and standings move back by that entry's effect,
 * and the breakdown lines it added shrink by its amount, so every figure
 * still sums its lines. It never restores a spend limit or a proposal's
 * remaining amount: a payment taken back is not an allowance to pay again.
 */

/** An entry as read from a purse shard, with the member whose shard it was read from. */
export interface ShardEntry {
  entry: SignedEntry;
  shardOwner: PublicKey;
  /**
   * The latest-dated entry of the shard's owner that this entry's author
   * provably had in their copy, when it is dated more than CLOCK_SKEW_MS
   * later than this one (shared/history/backdated.ts): the entry is
   * backdated, and the purse places it just after that entry, at its
   * **effective time** (`effectiveTime`), so a false date cannot win a race. Absent without a
   * history to read it from (a JSON snapshot).
   */
  writtenAfter?: SignedEntry;
}

/**
 * Where the canonical order places an entry: its claimed time, or, when its
 * history proves it was written later, 1 ms after the entry it was written
 * after (never tied with it, so it cannot come first by its id).
 */
export const effectiveTime = (item: ShardEntry): number =>
  item.writtenAfter !== undefined && item.writtenAfter.at >= item.entry.at ? item.writtenAfter.at + 1 : item.entry.at;

export interface EntryView {
  entry: SignedEntry;
  status: EntryStatus;
  /** Why the entry counts for nothing, for people; absent for counted entries. */
  reason?: string;
  /** The machine code for the reason where there is one: "record.equivocation" for a second version of an entry. */
  code?: ProblemCode;
  /** The purse balance in the entry's currency after it; counted entries only. */
  balanceAfter?: number;
  /** A counted void's target: the entry it takes back. */
  reverses?: SignedEntry;
}

export interface PurseView {
  /**
   * Every input entry, in the canonical order. From a ledger the list is
   * copied when first read, not when the view is taken: views on the path
   * of a new entry read the counts below instead, so taking one costs the
   * same at any purse size.
   */
  readonly entries: EntryView[];
  /** Currency code -> minor units, from counted entries. Every currency the commune ever had is listed. */
  purse: Record<string, number>;
  /** Each member's standing per currency; every member and currency is listed. */
  members: Record<PublicKey, Record<string, number>>;
  /** How many entries have each status. */
  counts: Record<EntryStatus, number>;
  /** How much of each spend proposal counted entries have used (what proposalSpending() finds in the entries). */
  used: ProposalUse;
  /** How each figure adds up, from counted entries: the purse's per currency, each member's standing per currency (see PurseBreakdown). */
  breakdown: { purse: Record<string, PurseBreakdown>; members: Record<PublicKey, Record<string, StandingBreakdown>> };
  /** The counted void of each voided entry, by `entryClaim` of the voided entry: few in any commune. */
  voided: ReadonlyMap<string, SignedEntry>;
  /** Exchanges out a partner declined (issue 14), by `entryClaim`, with the time from which each counts for nothing. */
  declined: ReadonlyMap<string, number>;
}

/** How the purse knows an entry: ids are unique per author, never across the commune. */
export const entryClaim = (by: unknown, id: unknown): string => `${String(by)}:${String(id)}`;

/**
 * Where the purse's money came from and went, in minor units, each a
 * magnitude: purse = contributions - paidToMembers - paidOutside +
 * exchangedIn - exchangedOut. The lines match the journal export's
 * accounts (shared/snapshot/journal.ts: income:contributions,
 * expenses:members, payees, partners).
 */
export interface PurseBreakdown {
  contributions: number;
  paidToMembers: number;
  paidOutside: number;
  exchangedIn: number;
  exchangedOut: number;
}

/**
 * A member's standing, line by line, each a magnitude: standing = putIn -
 * drawn - transferredAway + received. What they put into the purse, minus
 * what the purse paid them, minus what they transferred to other members,
 * plus what other members transferred to them. Payments to people outside
 * the commune and exchanges with partner communes are the commune's, not a
 * member's: that is why the standings need not add up to the purse.
 */
export interface StandingBreakdown {
  putIn: number;
  drawn: number;
  transferredAway: number;
  received: number;
}

export const purseTotal = (b: PurseBreakdown): number => b.contributions - b.paidToMembers - b.paidOutside + b.exchangedIn - b.exchangedOut;
export const standingTotal = (b: StandingBreakdown): number => b.putIn - b.drawn - b.transferredAway + b.received;

export interface PurseOptions {
  /** Defaults to verifying every entry with the verifier; a host may pass a check that knows entries it checked before. */
  checkSignature?: SignatureCheck;
  /**
   * A partner's declines of our exchanges out (issue 14), each already
   * verified against the partner's roster: `entryClaim` of the declined
   * entry and the decline's time. From that time on the entry counts for
   * nothing, as if voided there: a judged fact, the entry is not touched.
   */
  declines?: readonly { claim: string; at: number }[];
}

export function purse(verifier: Verifier, entries: readonly ShardEntry[], state: CommuneState, options: PurseOptions = {}): PurseView {
  const ledger = new PurseLedger(verifier, state, options);
  ledger.judgeArrivals(entries);
  return ledger.view();
}

/**
 * The purse as a running ledger: entries judged in canonical order, with the
 * balances, claimed ids and proposal use they leave behind. `purse()` builds
 * one from scratch; a host keeps one and extends it when new entries come
 * after everything judged so far (the usual case: a new entry is the
 * newest), which costs O(new entries) instead of a full replay. Entries that
 * would land earlier in the order cannot be appended: the caller replays.
 */
export class PurseLedger {
  readonly #state: CommuneState;
  readonly #verify: SignatureCheck;
  readonly #book: Book;
  /** Every id claimed so far, with the entry once it counted: what a void finds its target in. */
  readonly #claims = new Map<string, SignedEntry | undefined>();
  /** The counted void of each voided entry, by the voided entry's claim. */
  readonly #voided = new Map<string, SignedEntry>();
  /** The voided entries a counted correction replaced: each is replaced once. */
  readonly #corrected = new Set<string>();
  /** Per author and id, the first entry that arrived. */
  readonly #firstArrival = new Map<string, ShardEntry>();
  /** Per author and id signed in more than one version: every version, in arrival order. Rare, so only these are kept twice. */
  readonly #versions = new Map<string, ShardEntry[]>();
  readonly #proposalUse: ProposalUse = new Map();
  /** The counted entries that drew on each spend proposal, in the order counted: what paid it, found without a pass over the purse. */
  readonly #paidBy = new Map<string, SignedEntry[]>();
  readonly #limitUse: LimitUse = new Map();
  /** Only ever pushed to: a view records its length and copies that many when it is read, so later entries never show in it. */
  readonly #entries: EntryView[] = [];
  /**
   * Entries dated ahead of the clock (`state.now`), held out of the order:
   * they count for nothing until their time comes, and then the host judges
   * the purse again (`nextDue`). Kept out of the order so that one entry
   * dated 2099 neither decides a race nor makes every later entry land
   * "before the last one" and force a full replay.
   */
  readonly #held: EntryView[] = [];
  /** Every verdict in the order it was made, held entries included: what `judgedSince` reads. */
  readonly #judged: EntryView[] = [];
  /** The verdicts that are not "counted", in the order made: few in any commune, and what a member is told about their own. */
  readonly #uncounted: EntryView[] = [];
  #nextDue: number | undefined;
  /** Partner declines by time, and how many of them the order has passed (`#settleDeclines`). */
  readonly #declines: readonly { claim: string; at: number }[];
  #declinesSettled = 0;
  /** The declined entries that counted until their decline, with its time. */
  readonly #declined = new Map<string, number>();
  readonly #counts: Record<EntryStatus, number> = { counted: 0, overdrawn: 0, untrusted: 0 };
  #last: Keyed | undefined;

  constructor(verifier: Verifier, state: CommuneState, options: PurseOptions = {}) {
    this.#state = state;
    this.#verify = options.checkSignature ?? entrySignatureCheck(verifier);
    this.#book = new Book(state);
    this.#declines = [...(options.declines ?? [])].sort((a, b) => a.at - b.at || (a.claim < b.claim ? -1 : a.claim > b.claim ? 1 : 0));
  }

  get state(): CommuneState {
    return this.#state;
  }

  /**
   * Judges entries given in first-seen order (earlier in the documents'
   * history first; the same on every member): the order decides which of
   * two versions of one entry counts, the canonical order everything else.
   */
  judgeArrivals(entries: readonly ShardEntry[]): void {
    this.#noteArrivals(entries);
    this.#judgeOrdered(canonicalOrder(entries));
    this.#settleDeclines(this.#state.now + 1);
  }

  /**
   * Takes back, in the order, each declined exchange whose decline comes
   * before `before`: the purse and its lines move back as for a void. A
   * decline of an entry that never counted, was voided first, or is not
   * an exchange out changes nothing (its reader says why).
   */
  #settleDeclines(before: number): void {
    while (this.#declinesSettled < this.#declines.length && this.#declines[this.#declinesSettled]!.at < before) {
      const { claim, at } = this.#declines[this.#declinesSettled++]!;
      const target = this.#claims.get(claim);
      if (!target || target.kind !== "exchange" || target.direction !== "out" || this.#voided.has(claim) || this.#declined.has(claim)) continue;
      const currency = currencyAt(this.#state, target.currency, target.at);
      if (!currency) continue;
      this.#book.apply({ ...target, kind: "void", of: target.id }, currency, true, target);
      this.#declined.set(claim, at);
    }
  }

  /** The time of the latest decline the order has passed: an entry before it cannot be appended. */
  get #declinedThrough(): number {
    return this.#declinesSettled === 0 ? -Infinity : this.#declines[this.#declinesSettled - 1]!.at;
  }

  /**
   * Notes, per author and id, the versions in the order they arrived. The
   * canonical order follows claimed times, which the author chooses; the
   * arrival order does not depend on them, so a second version cannot
   * displace the first by claiming an earlier time.
   */
  #noteArrivals(entries: readonly ShardEntry[]): void {
    for (const item of entries) {
      const claim = claimOf(item.entry);
      const first = this.#firstArrival.get(claim);
      if (first === undefined) {
        this.#firstArrival.set(claim, item);
        continue;
      }
      // A copy in another shard is kept too: the first to arrive may be one that does not count there.
      const same = (known: ShardEntry) => known.entry.sig === item.entry.sig && known.shardOwner === item.shardOwner;
      if (same(first) && !this.#versions.has(claim)) continue;
      const versions = this.#versions.get(claim) ?? [first];
      if (!versions.some(same)) versions.push(item);
      this.#versions.set(claim, versions);
    }
  }

  /** The first validly signed version of an entry to arrive, when its author signed more than one: the one that counts. */
  #countingVersion(claim: string, next?: ShardEntry): SignedEntry | undefined {
    const versions = this.#versions.get(claim) ?? (next && this.#firstArrival.has(claim) ? [this.#firstArrival.get(claim)!] : undefined);
    if (versions === undefined) return undefined;
    for (const { entry, shardOwner } of next ? [...versions, next] : versions) {
      if (provenanceProblem(entry, shardOwner, this.#state, this.#verify, effectiveTime({ entry, shardOwner })) === undefined) return entry;
    }
    return undefined;
  }

  /** Judges entries already in canonical order, all after the ones judged so far. */
  judgeInOrder(ordered: readonly ShardEntry[]): void {
    // Entries not noted before arrive in this order.
    this.#noteArrivals(ordered);
    this.#judgeOrdered(ordered);
  }

  /** Judges entries in canonical order whose arrivals are already noted (each noted once: a purse of 100,000 notes 100,000, not twice that). */
  #judgeOrdered(ordered: readonly ShardEntry[]): void {
    for (const item of ordered) {
      if (this.#futureDated(item)) {
        this.#hold(item);
        continue;
      }
      const keyed = keyedOf(item);
      this.#settleDeclines(keyed.at + 1);
      const judged = this.#judge(item, keyed.at, true);
      this.#entries.push(judged);
      this.#judged.push(judged);
      if (judged.status !== "counted") this.#uncounted.push(judged);
      this.#counts[judged.status]++;
      this.#last = keyed;
    }
  }

  #futureDated({ entry }: ShardEntry): boolean {
    return typeof entry.at === "number" && isFutureDated(entry.at, this.#state.now);
  }

  #hold(item: ShardEntry): void {
    const held = futureDatedView(item.entry);
    this.#held.push(held);
    this.#judged.push(held);
    this.#uncounted.push(held);
    this.#counts.untrusted++;
    const due = dueAt(item.entry.at);
    if (this.#nextDue === undefined || due < this.#nextDue) this.#nextDue = due;
  }

  /** When the earliest entry held for being dated ahead of the clock comes due: the purse must then be judged again, with the clock of then. */
  get nextDue(): number | undefined {
    return this.#nextDue;
  }

  /** Judges new entries if they all come after every entry so far; false (nothing changed) if any does not. */
  tryAppend(items: readonly ShardEntry[]): boolean {
    const ordered = canonicalOrder(items);
    const first = ordered.find((item) => !this.#futureDated(item));
    if (first && this.#last && compareKeyed(keyedOf(first), this.#last) <= 0) return false;
    if (first && keyedOf(first).at <= this.#declinedThrough) return false;
    this.#noteArrivals(items);
    this.#judgeOrdered(ordered);
    return true;
  }

  /**
   * How an entry would be judged if it came next, without booking it: what
   * a host asks before it signs a member's command into the documents.
   * Undefined when the entry would not come last (then replay in full).
   */
  preview(item: ShardEntry): EntryView | undefined {
    if (this.#futureDated(item)) return futureDatedView(item.entry);
    const keyed = keyedOf(item);
    if (this.#last && compareKeyed(keyed, this.#last) <= 0) return undefined;
    if (keyed.at <= this.#declinedThrough) return undefined;
    return this.#judge(item, keyed.at, false, item);
  }

  /** What a member usually writes and where they stand, for the writer's "is this unusual?" (shared/purse/unusual.ts). */
  memberFacts(by: PublicKey, kind: string, code: string): MemberFacts {
    return { standing: this.#book.standing(by, code), usual: this.#book.usual(by, kind, code, USUAL_AFTER) };
  }

  /** An author's entry that counted, by id, and the void that took it back if one did: what a member's "void" or "correct" starts from. */
  countedEntry(by: PublicKey, id: string): { entry: SignedEntry; voidedBy?: SignedEntry; declinedAt?: number } | undefined {
    const claim = entryClaim(by, id);
    const entry = this.#claims.get(claim);
    if (entry === undefined) return undefined;
    const voidedBy = this.#voided.get(claim);
    const declinedAt = this.#declined.get(claim);
    return { entry, ...(voidedBy ? { voidedBy } : {}), ...(declinedAt !== undefined ? { declinedAt } : {}) };
  }

  /** Every entry judged not to count (overdrawn or untrusted), held ones included, without copying the purse. */
  uncounted(): readonly EntryView[] {
    return this.#uncounted.slice();
  }

  /** How many entries have been judged, held ones included. */
  get size(): number {
    return this.#judged.length;
  }

  /** The verdicts made after the first `count`, in the order they were made: what an append added, without copying the rest. */
  judgedSince(count: number): EntryView[] {
    return this.#judged.slice(count);
  }

  /**
   * The purse as judged so far, unchanged by what is judged later. Costs
   * the members and currencies, not the entries: the entry list is copied
   * (once per view) only when something reads it.
   */
  view(): PurseView {
    const all = this.#entries;
    const length = all.length;
    // Held entries are dated after every entry in the order, so the canonical order puts them last.
    const held = this.#held.slice();
    let entries: EntryView[] | undefined;
    return {
      get entries() {
        return (entries ??= held.length === 0 ? all.slice(0, length) : all.slice(0, length).concat(held));
      },
      ...this.#book.balances(),
      counts: { ...this.#counts },
      used: new Map(this.#proposalUse),
      voided: new Map(this.#voided),
      declined: new Map(this.#declined),
    };
  }

  /** The counted entries that paid a spend proposal, each with whether a counted void has taken it back since. */
  paymentsFor(proposal: string): { entry: SignedEntry; voided: boolean }[] {
    return (this.#paidBy.get(proposal) ?? []).map((entry) => ({ entry, voided: this.#voided.has(claimOf(entry)) }));
  }

  /**
   * `at` is the time the canonical order places the entry at (`keyedOf`),
   * which also picks the spend limit's period. `next` is an entry not yet
   * noted as arrived (a preview): it arrives after every other.
   */
  #judge({ entry, shardOwner }: ShardEntry, at: number, commit: boolean, next?: ShardEntry): EntryView {
    const state = this.#state;
    const untrusted = (reason: string): EntryView => ({ entry, status: "untrusted", reason });

    const provenance = provenanceProblem(entry, shardOwner, state, this.#verify, at);
    if (provenance !== undefined) return untrusted(provenance);
    // Ids are unique per author: keyed by id alone, any member could cancel
    // someone else's entry by signing one of their own with its id, dated earlier.
    const claim = claimOf(entry);
    const first = this.#countingVersion(claim, next);
    if (first !== undefined && first.sig !== entry.sig)
      return { entry, status: "untrusted", reason: equivocation(first, entry, state), code: "record.equivocation" };
    if (this.#claims.has(claim)) return untrusted("duplicate of an earlier entry");
    if (commit) this.#claims.set(claim, undefined);

    const content = contentCheck(entry, state);
    if (!content.ok) return untrusted(content.error.message);
    const currency = content.value;

    const cited = this.#citation(entry);
    if (!cited.ok) return untrusted(cited.problem);
    const reverses = cited.reverses;

    if (takesMoneyOut(entry)) {
      const authority = spendAuthorityProblem(entry, currency, state, this.#proposalUse, this.#limitUse, at);
      if (authority !== undefined) return untrusted(authority);
    }

    const outcome = this.#book.apply(entry, currency, commit, reverses);
    if (outcome.status !== "counted") return { entry, ...outcome };
    if (commit) {
      this.#claims.set(claim, entry);
      if (reverses) this.#voided.set(claimOf(reverses), entry);
      if (entry.kind !== "void" && entry.corrects !== undefined) this.#corrected.add(entryClaim(entry.by, entry.corrects));
      const usedBefore = entry.proposal === undefined ? undefined : this.#proposalUse.get(entry.proposal);
      recordProposalUse(entry, state, this.#proposalUse);
      if (entry.proposal !== undefined && this.#proposalUse.get(entry.proposal) !== usedBefore)
        this.#paidBy.set(entry.proposal, [...(this.#paidBy.get(entry.proposal) ?? []), entry]);
      recordLimitUse(entry, currency, this.#limitUse, at);
    }
    return reverses
      ? { entry, status: "counted", balanceAfter: outcome.balanceAfter, reverses }
      : { entry, status: "counted", balanceAfter: outcome.balanceAfter };
  }

  /**
   * What the entry cites must stand before it in the order: a void's
   * target is its author's own counted entry, not a void, not voided
   * already, in the same amount and currency; a correction follows a
   * counted void of its author's entry, and is the only one to.
   */
  #citation(entry: SignedEntry): { ok: true; reverses?: SignedEntry } | { ok: false; problem: string } {
    if (entry.kind !== "void" && entry.corrects === undefined) return CITES_NOTHING;
    const name = memberName(this.#state, entry.by);
    if (entry.kind === "void") {
      const reversal = entry.proposal === undefined ? undefined : reversalProblem(entry, this.#state);
      if (reversal !== undefined) return { ok: false, problem: reversal };
      const owner = entry.ofBy ?? entry.by;
      const targetClaim = entryClaim(owner, entry.of);
      const target = this.#claims.get(targetClaim);
      const whose = owner === entry.by ? name : memberName(this.#state, owner);
      if (target === undefined) return { ok: false, problem: `voids ${String(entry.of)}, which is not an entry of ${whose} that counted before it` };
      if (entry.proposal !== undefined && target.kind !== "disbursement")
        return { ok: false, problem: `reverses ${String(entry.of)}, which is not a payment out of the purse` };
      if (target.kind === "void") return { ok: false, problem: `voids a void (${String(entry.of)}): to restore an entry, write it again` };
      const earlier = this.#voided.get(targetClaim);
      if (earlier) return { ok: false, problem: `voids ${String(entry.of)}, which ${String(earlier.id)} voided already` };
      const declinedAt = this.#declined.get(targetClaim);
      if (declinedAt !== undefined)
        return { ok: false, problem: `voids ${String(entry.of)}, which the partner declined on ${isoDay(declinedAt)}: it counts for nothing already` };
      if (target.amount !== entry.amount || target.currency !== entry.currency) {
        return { ok: false, problem: `voids ${String(entry.of)} but names another amount or currency than that entry's` };
      }
      return { ok: true, reverses: target };
    }
    const replaced = entryClaim(entry.by, entry.corrects!);
    if (!this.#voided.has(replaced)) return { ok: false, problem: `corrects ${String(entry.corrects)}, which no void of ${name} took back before it` };
    if (this.#corrected.has(replaced)) return { ok: false, problem: `corrects ${String(entry.corrects)}, which another entry corrected already` };
    return CITES_NOTHING;
  }
}

/**
 * A void of another member's payment draws its authority from a passed
 * "reverse" proposal that names that payment, decided before the void:
 * otherwise no member may take back what another wrote.
 */
function reversalProblem(entry: SignedEntry, state: CommuneState): string | undefined {
  const id = entry.proposal;
  const cited = typeof id === "string" && Object.hasOwn(state.proposals, id) ? state.proposals[id] : undefined;
  if (!cited) return "cites a proposal the commune does not have";
  const { proposal, tally } = cited;
  const named = `proposal '${proposal.title}'`;
  if (proposal.kind !== "reverse") return `cites ${named}, which is not a proposal to reverse a payment`;
  if (tally.outcome !== "passed") return `cites ${named}, which has not passed (${tally.outcome})`;
  if (tally.decidesAt > entry.at) return `cites ${named}, which passed only after this entry`;
  if (proposal.author !== entry.ofBy || proposal.entry !== entry.of) return `cites ${named}, which reverses another payment`;
  return undefined;
}

/** Nearly every entry: it cites nothing, and is judged on as before. */
const CITES_NOTHING = { ok: true } as const;

function futureDatedView(entry: SignedEntry): EntryView {
  return { entry, status: "untrusted", reason: futureDatedReason(entry.at), code: "record.future-dated" };
}

/**
 * An entry's author signed a second, different version under the id of one
 * already seen: the first counts, and the reason names her and what changed
 * ("10.00 EUR → 900.00 EUR").
 */
function equivocation(first: SignedEntry, second: SignedEntry, state: CommuneState): string {
  const name = state.members[second.by]?.name ?? String(second.by).slice(0, 8);
  const amountOf = (entry: SignedEntry) => {
    const currency = typeof entry.currency === "string" ? currencyAt(state, entry.currency, entry.at) : undefined;
    return currency && Number.isSafeInteger(entry.amount) ? money(entry.amount, currency) : `${String(entry.amount)} ${String(entry.currency)}`;
  };
  const shown = (value: unknown) =>
    value === undefined ? "none" : typeof value === "number" && Number.isSafeInteger(value) ? new Date(value).toISOString() : String(value);
  const changes: string[] = [];
  if (first.kind !== second.kind) changes.push(`${String(first.kind)} → ${String(second.kind)}`);
  if (first.amount !== second.amount || first.currency !== second.currency) changes.push(`${amountOf(first)} → ${amountOf(second)}`);
  for (const key of ["to", "payee", "partner", "direction", "proposal", "memo", "at"] as const) {
    const before: unknown = first[key];
    const after: unknown = second[key];
    if (before !== after && (typeof before !== "object" || typeof after !== "object"))
      changes.push(`${key === "at" ? "date" : key}: ${shown(before)} → ${shown(after)}`);
  }
  const what = changes.length > 0 ? changes.join(", ") : "other fields";
  return `${name} signed a second version of the ${String(first.kind)} ${String(first.id)}: ${what}; the first counts`;
}

const claimOf = (entry: SignedEntry): string => entryClaim(entry.by, entry.id);

type Booking = { status: "counted"; balanceAfter: number } | { status: "overdrawn" | "untrusted"; reason: string };

/** What a counted entry does: the change to the purse and to members' standings, in its currency. A void does the opposite of the entry it `reverses`. */
export function effectOf(entry: SignedEntry, reverses?: SignedEntry): { purse: number; standings: [PublicKey, number][] } {
  const { amount, by } = entry;
  switch (entry.kind) {
    case "void": {
      if (reverses === undefined || reverses.kind === "void") return { purse: 0, standings: [] };
      const undone = effectOf(reverses);
      return { purse: -undone.purse, standings: undone.standings.map(([key, delta]) => [key, -delta]) };
    }
    case "contribution":
      return { purse: amount, standings: [[by, amount]] };
    case "disbursement":
      return { purse: -amount, standings: entry.to === undefined ? [] : [[entry.to, -amount]] };
    case "transfer":
      return {
        purse: 0,
        standings: [
          [by, -amount],
          [entry.to!, amount],
        ],
      };
    case "exchange":
      return { purse: entry.direction === "in" ? amount : -amount, standings: [] };
  }
}

/** Which lines of the breakdowns a counted entry adds its amount to (an ordinary entry: a void takes its target's lines back). */
function linesOf(entry: SignedEntry): { purse: keyof PurseBreakdown | undefined; standings: [PublicKey, keyof StandingBreakdown][] } {
  switch (entry.kind) {
    case "void":
      return { purse: undefined, standings: [] };
    case "contribution":
      return { purse: "contributions", standings: [[entry.by, "putIn"]] };
    case "disbursement":
      return entry.to === undefined ? { purse: "paidOutside", standings: [] } : { purse: "paidToMembers", standings: [[entry.to, "drawn"]] };
    case "transfer":
      return {
        purse: undefined,
        standings: [
          [entry.by, "transferredAway"],
          [entry.to!, "received"],
        ],
      };
    case "exchange":
      return { purse: entry.direction === "in" ? "exchangedIn" : "exchangedOut", standings: [] };
  }
}

const emptyPurseBreakdown = (): PurseBreakdown => ({ contributions: 0, paidToMembers: 0, paidOutside: 0, exchangedIn: 0, exchangedOut: 0 });
const emptyStandingBreakdown = (): StandingBreakdown => ({ putIn: 0, drawn: 0, transferredAway: 0, received: 0 });

/** The running balances: the purse per currency and each member's standing per currency, with how each adds up. */
class Book {
  readonly #purse = new Map<string, number>();
  readonly #standings = new Map<PublicKey, Map<string, number>>();
  readonly #purseLines = new Map<string, PurseBreakdown>();
  readonly #standingLines = new Map<PublicKey, Map<string, StandingBreakdown>>();
  /** Per author, kind and currency: how many entries counted and their total, for what is usual (shared/purse/unusual.ts). */
  readonly #usual = new Map<string, { count: number; total: number }>();

  constructor(state: CommuneState) {
    const codes = new Set(state.rules.flatMap((version) => version.rules.currencies.map((currency) => currency.code)));
    for (const code of codes) this.#purse.set(code, 0);
    for (const key of Object.keys(state.members)) this.#standings.set(key, new Map([...codes].map((code) => [code, 0])));
  }

  #standingsOf(key: PublicKey): Map<string, number> {
    let standings = this.#standings.get(key);
    if (!standings) this.#standings.set(key, (standings = new Map<string, number>()));
    return standings;
  }

  /** Books the entry if the purse allows it (only tells, with commit false); the entry has passed every other rule. */
  apply(entry: SignedEntry, currency: Currency, commit = true, reverses?: SignedEntry): Booking {
    const code = currency.code;
    const effect = effectOf(entry, reverses);
    const before = this.#purse.get(code) ?? 0;
    const after = before + effect.purse;
    const standings = effect.standings.map(([key, delta]) => [key, (this.#standings.get(key)?.get(code) ?? 0) + delta] as const);
    if (!Number.isSafeInteger(after) || standings.some(([, value]) => !Number.isSafeInteger(value))) {
      return { status: "untrusted", reason: "would take a balance beyond what the purse can count exactly" };
    }
    if (after < 0) {
      return { status: "overdrawn", reason: `would take the purse below zero (balance ${money(before, currency)})` };
    }
    if (commit) {
      this.#purse.set(code, after);
      for (const [key, value] of standings) this.#standingsOf(key).set(code, value);
      if (reverses) this.#addLines(reverses, code, -1);
      else this.#addLines(entry, code, 1);
    }
    return { status: "counted", balanceAfter: after };
  }

  standing(key: PublicKey, code: string): number {
    return this.#standings.get(key)?.get(code) ?? 0;
  }

  /** The mean of an author's counted entries of a kind and currency, once there are `atLeast`. */
  usual(by: PublicKey, kind: string, code: string, atLeast: number): number | undefined {
    const seen = this.#usual.get(`${by}\u0000${kind}\u0000${code}`);
    return seen && seen.count >= atLeast ? seen.total / seen.count : undefined;
  }

  /**
   * Adds an entry's amount to its lines (`sign` 1), or takes a voided
   * entry's back (`sign` -1). A transfer moves standing, not money: it adds
   * nothing to the purse's lines. What is usual counts what members wrote,
   * so a void leaves it as it was.
   */
  #addLines(entry: SignedEntry, code: string, sign: 1 | -1): void {
    if (sign === 1) {
      const usualKey = `${entry.by}\u0000${entry.kind}\u0000${code}`;
      const seen = this.#usual.get(usualKey) ?? { count: 0, total: 0 };
      this.#usual.set(usualKey, { count: seen.count + 1, total: seen.total + entry.amount });
    }
    const amount = sign * entry.amount;
    const lines = linesOf(entry);
    if (lines.purse !== undefined) {
      const purse = this.#purseLines.get(code) ?? emptyPurseBreakdown();
      purse[lines.purse] += amount;
      this.#purseLines.set(code, purse);
    }
    for (const [key, line] of lines.standings) {
      let byCurrency = this.#standingLines.get(key);
      if (!byCurrency) this.#standingLines.set(key, (byCurrency = new Map<string, StandingBreakdown>()));
      const standing = byCurrency.get(code) ?? emptyStandingBreakdown();
      standing[line] += amount;
      byCurrency.set(code, standing);
    }
  }

  balances(): Pick<PurseView, "purse" | "members" | "breakdown"> {
    const members: Record<PublicKey, Record<string, number>> = {};
    for (const [key, standings] of this.#standings) members[key] = Object.fromEntries(standings);
    const purseLines: Record<string, PurseBreakdown> = {};
    for (const code of this.#purse.keys()) purseLines[code] = { ...(this.#purseLines.get(code) ?? emptyPurseBreakdown()) };
    const memberLines: Record<PublicKey, Record<string, StandingBreakdown>> = {};
    for (const [key, standings] of this.#standings) {
      const lines: Record<string, StandingBreakdown> = {};
      for (const code of standings.keys()) lines[code] = { ...(this.#standingLines.get(key)?.get(code) ?? emptyStandingBreakdown()) };
      memberLines[key] = lines;
    }
    return { purse: Object.fromEntries(this.#purse), members, breakdown: { purse: purseLines, members: memberLines } };
  }
}

interface Keyed {
  item: ShardEntry;
  at: number;
  by: string;
  id: string;
  sig: string;
  owner: string;
  content?: string;
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A key-order-independent encoding, only for ties; it tolerates whatever a malformed entry holds. */
function contentKey(keyed: Keyed): string {
  if (keyed.content === undefined) {
    try {
      keyed.content = JSON.stringify(keyed.item.entry, (_key, value: unknown) =>
        value !== null && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => compareText(a, b)))
          : value,
      );
    } catch {
      keyed.content = "";
    }
  }
  return keyed.content;
}

function compareKeyed(a: Keyed, b: Keyed): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return (
    compareText(a.by, b.by) ||
    compareText(a.id, b.id) ||
    compareText(a.sig, b.sig) ||
    compareText(a.owner, b.owner) ||
    compareText(contentKey(a), contentKey(b))
  );
}

/**
 * The canonical order of purse entries: by time, then author, id and
 * signature, comparing strings by UTF-16 code unit (never localeCompare,
 * which differs between machines). Entries alike in all four (copies, or a
 * forgery reusing a signature) are ordered by shard owner and content, so
 * the order never depends on arrival. Malformed times sort first.
 */
export function canonicalOrder(entries: readonly ShardEntry[]): ShardEntry[] {
  return entries
    .map(keyedOf)
    .sort(compareKeyed)
    .map((keyed) => keyed.item);
}

function keyedOf(item: ShardEntry): Keyed {
  return {
    item,
    at: typeof item.entry.at === "number" && !Number.isNaN(item.entry.at) ? effectiveTime(item) : -Infinity,
    by: text(item.entry.by),
    id: text(item.entry.id),
    sig: text(item.entry.sig),
    owner: text(item.shardOwner),
  };
}
