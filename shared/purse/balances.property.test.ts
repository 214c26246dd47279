import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CommuneState } from "../commune/state";
import type { PublicKey } from "../identity/keys";
import { canonicalOrder, purse, PurseLedger, purseTotal, standingTotal, type PurseView, type ShardEntry } from "./balances";
import { standingHistory } from "./history";
import type { SignedEntry } from "./entry";
import { proposalSpending } from "./spend-authority";
import {
  OTHER_COMMUNE,
  ada,
  bo,
  communeState,
  cy,
  di,
  ed,
  entry,
  inShard,
  on,
  rememberingSignatureCheck,
  spendProposal,
  zed,
  type Decision,
} from "../testing/purse-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

/*
 * Signing and verifying cost ~1.5 ms each, so every entry here is signed once
 * when the file loads, and each run picks a subset of the pool in some
 * arrival order. Verdicts are remembered per object (see
 * rememberingSignatureCheck); a test below checks the remembered verdicts
 * give the same view as verifying afresh.
 */

const passed: Decision = { outcome: "passed", decidesAt: on("2026-01-20") };
const state: CommuneState = communeState({
  proposals: [
    spendProposal({ id: "roof", title: "New roof", amount: 600_00, payee: { outside: "Roofers Ltd" } }, passed),
    spendProposal({ id: "bike", title: "Bo's bike", amount: 200_00, payee: { member: bo.publicKey } }, passed),
    spendProposal({ id: "party", title: "Party", amount: 300_00, payee: { outside: "Caterer" } }, { ...passed, outcome: "rejected" }),
    spendProposal({ id: "car", title: "Car", amount: 900_00, payee: { outside: "Garage" } }, { ...passed, outcome: "open" }),
  ],
});

const check = rememberingSignatureCheck();
const judge = (entries: readonly ShardEntry[]): PurseView => purse(crypto, entries, state, { checkSignature: check });

/** Hour `h` of 21 January: few distinct times, so many entries tie on time. */
const h = (hour: number) => on("2026-01-21", hour);

const contributionByBo = entry(bo, { kind: "contribution", at: h(1), amount: 80_00 });
const contributionByCy = entry(cy, { kind: "contribution", at: h(1), amount: 60_00 });
const { sig: _unused, ...unsignedFields } = entry(bo, { kind: "contribution", at: h(1), amount: 100_00 });

/** Valid and invalid entries of every kind: contributions, transfers, spends within and above the limit, some overdrawing. */
const mixedPool: ShardEntry[] = [
  // contributions
  entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 150_00 }),
  entry(ada, { kind: "contribution", at: h(0), amount: 700_00 }),
  contributionByBo,
  contributionByCy,
  entry(ada, { kind: "contribution", at: h(2), amount: 30_00 }),
  entry(bo, { kind: "contribution", at: h(0), amount: 5_00, currency: "HOUR" }),
  entry(cy, { kind: "contribution", at: h(2), amount: 3_00, currency: "HOUR" }),
  entry(ed, { kind: "contribution", at: on("2026-03-02"), amount: 40_00 }),
  entry(di, { kind: "contribution", at: on("2026-01-15"), amount: 25_00 }),
  entry(bo, { kind: "contribution", at: h(1), amount: 1_00, id: "aaa" }),
  entry(bo, { kind: "contribution", at: h(1), amount: 2_00, id: "AAA" }),
  // transfers
  entry(bo, { kind: "transfer", at: h(1), amount: 40_00, to: cy.publicKey }),
  entry(cy, { kind: "transfer", at: h(2), amount: 10_00, to: ada.publicKey }),
  entry(ada, { kind: "transfer", at: h(1), amount: 2_00, currency: "HOUR", to: bo.publicKey }),
  // spends within the limit
  entry(bo, { kind: "disbursement", at: h(1), amount: 45_00, payee: "Bakery" }),
  entry(cy, { kind: "disbursement", at: h(2), amount: 30_00, to: bo.publicKey }),
  entry(ada, { kind: "disbursement", at: h(1), amount: 50_00, payee: "Hardware" }),
  entry(bo, { kind: "exchange", at: h(2), amount: 40_00, partner: "Hillside", direction: "out" }),
  entry(cy, { kind: "exchange", at: h(0), amount: 70_00, partner: "Hillside", direction: "in" }),
  // spends above the limit, allowed or not
  entry(ada, { kind: "disbursement", at: h(2), amount: 300_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(bo, { kind: "disbursement", at: h(2), amount: 300_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(cy, { kind: "disbursement", at: h(3), amount: 250_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(ada, { kind: "exchange", at: h(3), amount: 90_00, partner: "Hillside", direction: "out", proposal: "roof" }),
  entry(cy, { kind: "disbursement", at: h(3), amount: 200_00, to: bo.publicKey, proposal: "bike" }),
  entry(bo, { kind: "disbursement", at: h(3), amount: 100_00, payee: "Caterer", proposal: "party" }),
  entry(ada, { kind: "disbursement", at: h(3), amount: 100_00, payee: "Garage", proposal: "car" }),
  entry(bo, { kind: "disbursement", at: h(3), amount: 60_00, payee: "Hardware" }),
  entry(bo, { kind: "disbursement", at: h(2), amount: 1, currency: "HOUR", to: cy.publicKey }),
  // untrusted
  entry(zed, { kind: "contribution", at: h(1), amount: 100_00 }),
  entry(di, { kind: "contribution", at: on("2026-02-10"), amount: 100_00 }),
  entry(ed, { kind: "contribution", at: on("2026-02-15"), amount: 100_00 }),
  entry(bo, { kind: "contribution", at: h(1), amount: 100_00, commune: OTHER_COMMUNE }),
  unsignedFields as SignedEntry,
  { ...contributionByCy, amount: 600_00 },
  // the same entry twice, a copy in another shard, and another entry claiming its id earlier
  contributionByBo,
  entry(bo, { kind: "contribution", at: h(0), amount: 7_00, id: contributionByBo.id }),
].map((signed) => inShard(signed));
mixedPool.push(inShard(contributionByBo, cy.publicKey));

/** Little money and many members spending it at the same moments: most spends cannot all count. */
const contestedPool: ShardEntry[] = [
  entry(ada, { kind: "contribution", at: h(0), amount: 100_00 }),
  entry(bo, { kind: "contribution", at: h(0), amount: 50_00 }),
  entry(cy, { kind: "contribution", at: h(2), amount: 40_00 }),
  entry(cy, { kind: "exchange", at: h(1), amount: 20_00, partner: "Hillside", direction: "in" }),
  entry(ada, { kind: "disbursement", at: h(1), amount: 50_00, payee: "Hardware" }),
  entry(bo, { kind: "disbursement", at: h(1), amount: 45_00, to: cy.publicKey }),
  entry(cy, { kind: "disbursement", at: h(1), amount: 40_00, payee: "Bakery" }),
  entry(cy, { kind: "disbursement", at: h(1), amount: 30_00, to: ada.publicKey }),
  entry(bo, { kind: "exchange", at: h(1), amount: 50_00, partner: "Hillside", direction: "out" }),
  entry(ada, { kind: "disbursement", at: h(1), amount: 120_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(bo, { kind: "disbursement", at: h(1), amount: 200_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(cy, { kind: "disbursement", at: h(2), amount: 150_00, to: bo.publicKey, proposal: "bike" }),
  entry(ada, { kind: "disbursement", at: h(2), amount: 60_00, to: bo.publicKey, proposal: "bike" }),
  entry(bo, { kind: "transfer", at: h(1), amount: 70_00, to: ada.publicKey }),
  entry(cy, { kind: "disbursement", at: h(3), amount: 10_00, payee: "Bakery" }),
].map((signed) => inShard(signed));

/** Many entries, most at or under the spend limit, drawing on the same proposals: their budgets cannot cover them all. */
const budgetPool: ShardEntry[] = [
  entry(ada, { kind: "contribution", at: h(0), amount: 2000_00 }),
  entry(ada, { kind: "disbursement", at: h(1), amount: 200_00, to: bo.publicKey, proposal: "bike" }),
  entry(bo, { kind: "disbursement", at: h(1), amount: 50_00, to: bo.publicKey, proposal: "bike" }),
  entry(cy, { kind: "disbursement", at: h(2), amount: 50_00, to: bo.publicKey, proposal: "bike" }),
  entry(cy, { kind: "disbursement", at: h(2), amount: 1, to: bo.publicKey, proposal: "bike" }),
  entry(ada, { kind: "disbursement", at: h(1), amount: 400_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(bo, { kind: "disbursement", at: h(1), amount: 50_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(cy, { kind: "disbursement", at: h(2), amount: 50_00, payee: "Roofers Ltd", proposal: "roof" }),
  entry(bo, { kind: "exchange", at: h(2), amount: 50_00, partner: "Hillside", direction: "out", proposal: "roof" }),
  entry(ada, { kind: "disbursement", at: h(3), amount: 49_99, payee: "Roofers Ltd", proposal: "roof" }),
  entry(cy, { kind: "disbursement", at: h(3), amount: 10_00, payee: "Caterer", proposal: "party" }),
  entry(bo, { kind: "disbursement", at: h(3), amount: 10_00, payee: "Garage", proposal: "car" }),
  entry(bo, { kind: "disbursement", at: on("2026-01-19"), amount: 10_00, payee: "Roofers Ltd", proposal: "roof" }),
].map((signed) => inShard(signed));

const adaGives = entry(ada, { kind: "contribution", at: h(0), amount: 700_00 });
const boToCy = entry(bo, { kind: "transfer", at: h(1), amount: 40_00, to: cy.publicKey });
const boPaysBakery = entry(bo, { kind: "disbursement", at: h(1), amount: 45_00, payee: "Bakery" });
const cyExchangesIn = entry(cy, { kind: "exchange", at: h(0), amount: 70_00, partner: "Hillside", direction: "in" });
const keysOf = (key: PublicKey) => [ada, bo, cy, di, ed, zed].find((keys) => keys.publicKey === key)!;
const voidOf = (target: SignedEntry, at: number, fields: Partial<SignedEntry> = {}, author = target) =>
  entry(author === target ? keysOf(target.by) : keysOf(author.by), {
    kind: "void",
    at,
    amount: target.amount,
    currency: target.currency,
    of: target.id,
    ...fields,
  });

/**
 * Voids and corrections of entries in the mixed pool, honest and not: any
 * subset may arrive, so each may find its target counted, overdrawn,
 * voided already or missing.
 */
const voidPool: ShardEntry[] = [
  voidOf(adaGives, h(3)),
  voidOf(boToCy, h(2)),
  voidOf(boToCy, h(3), { memo: "again" }),
  voidOf(boPaysBakery, h(2)),
  entry(bo, { kind: "disbursement", at: h(3), amount: 4_50, payee: "Bakery", corrects: boPaysBakery.id }),
  entry(bo, { kind: "disbursement", at: h(3), amount: 5_00, payee: "Bakery", corrects: boPaysBakery.id }),
  voidOf(cyExchangesIn, h(1)),
  voidOf(boToCy, h(2), { memo: "not mine" }, cyExchangesIn),
  voidOf(adaGives, h(2), { amount: 7_00 }),
  entry(ada, { kind: "transfer", at: h(3), amount: 1_00, to: bo.publicKey, corrects: "never-voided" }),
].map((signed) => inShard(signed));

const indices = (pool: readonly unknown[]) => pool.map((_, index) => index);

/**
 * Reorders an arrival so that, of two versions one author signed under one
 * id, the one first in the pool arrives first: the order of the documents'
 * history, which every member sees alike. Copies of a version go anywhere.
 */
function firstSeenAsInPool(pool: readonly ShardEntry[], order: readonly number[]): number[] {
  const claim = (index: number) => `${pool[index]!.entry.by}:${pool[index]!.entry.id}`;
  const rank = (index: number) =>
    pool.findIndex((item) => item.entry.by === pool[index]!.entry.by && item.entry.id === pool[index]!.entry.id && item.entry.sig === pool[index]!.entry.sig);
  const result = [...order];
  for (const key of new Set(order.map(claim))) {
    const positions = result.flatMap((index, position) => (claim(index) === key ? [position] : []));
    const sorted = positions.map((position) => result[position]!).sort((a, b) => rank(a) - rank(b));
    positions.forEach((position, i) => (result[position] = sorted[i]!));
  }
  return result;
}

/** A subset of the pool in a random arrival order that respects first-seen, and the same subset in pool order. */
const arrivals = (pool: readonly ShardEntry[]) =>
  fc.shuffledSubarray(indices(pool)).map((order) => ({
    arrived: firstSeenAsInPool(pool, order).map((index) => pool[index]!),
    inPoolOrder: [...order].sort((a, b) => a - b).map((index) => pool[index]!),
  }));

const takesMoneyOut = (signed: SignedEntry) => signed.kind === "disbursement" || (signed.kind === "exchange" && signed.direction === "out");

/** The balances replayed from the counted entries alone, by this test's own reading of what each kind does. */
function replay(view: PurseView) {
  const pursed: Record<string, number> = { ...purse(crypto, [], state).purse };
  const members: Record<PublicKey, Record<string, number>> = structuredClone(purse(crypto, [], state).members);
  const add = (key: PublicKey, code: string, delta: number) => (members[key]![code] = members[key]![code]! + delta);
  for (const { entry: signed, status, balanceAfter, reverses } of view.entries) {
    const { amount, currency: code, by } = signed;
    if (status === "overdrawn") {
      expect(takesMoneyOut(signed) || signed.kind === "void").toBe(true);
      expect(pursed[code]! - amount).toBeLessThan(0);
    }
    if (status !== "counted") {
      expect(balanceAfter).toBeUndefined();
      continue;
    }
    if (signed.kind === "void") {
      // A void undoes its target: the test's own reading, not effectOf's.
      expect(reverses).toMatchObject({ by, id: signed.of, amount, currency: code });
      const target = reverses!;
      if (target.kind === "contribution") {
        pursed[code]! -= amount;
        add(by, code, -amount);
      } else if (target.kind === "disbursement") {
        pursed[code]! += amount;
        if (target.to !== undefined) add(target.to, code, amount);
      } else if (target.kind === "transfer") {
        add(by, code, amount);
        add(target.to!, code, -amount);
      } else {
        pursed[code]! -= target.direction === "in" ? amount : -amount;
      }
    } else if (signed.kind === "contribution") {
      pursed[code]! += amount;
      add(by, code, amount);
    } else if (signed.kind === "disbursement") {
      pursed[code]! -= amount;
      if (signed.to !== undefined) add(signed.to, code, -amount);
    } else if (signed.kind === "transfer") {
      add(by, code, -amount);
      add(signed.to!, code, amount);
    } else {
      pursed[code]! += signed.direction === "in" ? amount : -amount;
    }
    expect(balanceAfter).toBe(pursed[code]);
    expect(pursed[code]).toBeGreaterThanOrEqual(0);
  }
  return { purse: pursed, members };
}

describe("how every figure adds up", () => {
  it("gives each member's standing and the purse as the sum of their breakdown lines, and each member's chart ending at their standing, for any history in any order", () => {
    fc.assert(
      fc.property(arrivals([...mixedPool, ...contestedPool, ...voidPool]), ({ arrived }) => {
        const view = judge(arrived);
        for (const [code, balance] of Object.entries(view.purse)) expect(purseTotal(view.breakdown.purse[code]!)).toBe(balance);
        for (const [key, standings] of Object.entries(view.members))
          for (const [code, standing] of Object.entries(standings)) {
            expect(standingTotal(view.breakdown.members[key]![code]!)).toBe(standing);
            // The member's chart ends where their row does.
            expect(standingHistory(view.entries, key, code, 50).at(-1)?.balance ?? 0).toBe(standing);
          }
        // What the standings leave out is exactly the commune's own spending: outside payees and exchanges.
        for (const [code, balance] of Object.entries(view.purse)) {
          const standings = Object.values(view.members).reduce((sum, member) => sum + (member[code] ?? 0), 0);
          const lines = view.breakdown.purse[code]!;
          expect(standings - balance).toBe(lines.paidOutside - lines.exchangedIn + lines.exchangedOut);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("every member computes the same purse", () => {
  it("remembers signature verdicts exactly as verifying afresh would", () => {
    expect(judge(mixedPool)).toEqual(purse(crypto, mixedPool, state));
    expect(judge(contestedPool)).toEqual(purse(crypto, contestedPool, state));
    const statuses = new Set([...judge(mixedPool).entries, ...judge(contestedPool).entries].map((view) => view.status));
    expect(statuses).toEqual(new Set(["counted", "overdrawn", "untrusted"]));
    // The voids and corrections, all arrived: some count, and every way of not counting is met.
    const citing = judge([...mixedPool, ...voidPool]).entries.filter(({ entry: signed }) => signed.kind === "void" || signed.corrects !== undefined);
    expect(citing.filter((view) => view.status === "counted").length).toBeGreaterThanOrEqual(3);
    expect(new Set(citing.map((view) => view.status))).toEqual(new Set(["counted", "overdrawn", "untrusted"]));
    for (const refusal of [
      /which entry-\w+ voided already$/,
      /another amount or currency/,
      /not an entry of Cy that counted before it/,
      /another entry corrected already/,
      /which no void of Ada took back/,
    ])
      expect(citing.some((view) => refusal.test(view.reason ?? ""))).toBe(true);
  });

  it("gives the same balances and the same status to every entry whatever order entries arrive in", () => {
    fc.assert(
      fc.property(arrivals([...mixedPool, ...voidPool]), ({ arrived, inPoolOrder }) => {
        const view = judge(arrived);
        expect(view).toEqual(judge(inPoolOrder));
        expect(Object.values(view.purse).every((balance) => balance >= 0)).toBe(true);
        const replayed = replay(view);
        expect(view.purse).toEqual(replayed.purse);
        expect(view.members).toEqual(replayed.members);
      }),
      { numRuns: 1_000 },
    );
  });

  it("resolves concurrent overdrawing spends identically for every arrival order, never below zero, with balances that are the sum of counted entries", () => {
    fc.assert(
      fc.property(arrivals(contestedPool), ({ arrived, inPoolOrder }) => {
        const view = judge(arrived);
        expect(view).toEqual(judge(inPoolOrder));
        expect(Object.values(view.purse).every((balance) => balance >= 0)).toBe(true);
        const replayed = replay(view);
        expect(view.purse).toEqual(replayed.purse);
        expect(view.members).toEqual(replayed.members);
      }),
      { numRuns: 1_000 },
    );
  });
  it("never lets the counted entries citing a proposal add up past its amount, nor count against one that did not pass, for every arrival order", () => {
    const amounts = new Map(
      Object.values(state.proposals).flatMap(({ proposal, tally }) =>
        proposal.kind === "spend" && tally.outcome === "passed" ? [[proposal.id, proposal.amount]] : [],
      ),
    );
    fc.assert(
      fc.property(arrivals(budgetPool), ({ arrived, inPoolOrder }) => {
        const view = judge(arrived);
        expect(view).toEqual(judge(inPoolOrder));
        const spent = new Map<string, number>();
        for (const { entry: signed, status } of view.entries) {
          if (status !== "counted" || signed.proposal === undefined) continue;
          expect(amounts.has(signed.proposal)).toBe(true);
          expect(signed.at).toBeGreaterThanOrEqual(passed.decidesAt);
          spent.set(signed.proposal, (spent.get(signed.proposal) ?? 0) + signed.amount);
        }
        for (const [id, total] of spent) expect(total).toBeLessThanOrEqual(amounts.get(id)!);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("the running ledger gives what a full replay gives", () => {
  it("extends a ledger with entries that come after it exactly as judging everything at once would", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(mixedPool), fc.nat(), (subset, cut) => {
        const ordered = canonicalOrder(subset);
        const k = ordered.length === 0 ? 0 : cut % (ordered.length + 1);
        const ledger = new PurseLedger(crypto, state, { checkSignature: check });
        ledger.judgeInOrder(ordered.slice(0, k));
        const later = ordered.slice(k);
        // Entries tied with the last one judged cannot be appended; everything else can.
        const appended = ledger.tryAppend([...later].reverse());
        if (appended) expect(ledger.view()).toEqual(judge([...ordered.slice(0, k), ...later.reverse()]));
        else expect(ledger.view()).toEqual(judge(ordered.slice(0, k)));
      }),
      { numRuns: 1_000 },
    );
  });

  it("keeps a view taken before an append as it was, whether its entries were read before the append or after", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(mixedPool), fc.nat(), fc.boolean(), (subset, cut, readEarly) => {
        const ordered = canonicalOrder(subset);
        const k = ordered.length === 0 ? 0 : cut % (ordered.length + 1);
        const ledger = new PurseLedger(crypto, state, { checkSignature: check });
        ledger.judgeInOrder(ordered.slice(0, k));
        const before = ledger.view();
        if (readEarly) expect(before.entries).toHaveLength(k);
        ledger.tryAppend(ordered.slice(k));
        expect(before).toEqual(judge(ordered.slice(0, k)));
      }),
      { numRuns: 1_000 },
    );
  });

  it("counts statuses and proposal use as a pass over its entries would", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(mixedPool), fc.nat(), (subset, cut) => {
        const ordered = canonicalOrder(subset);
        const k = ordered.length === 0 ? 0 : cut % (ordered.length + 1);
        const ledger = new PurseLedger(crypto, state, { checkSignature: check });
        ledger.judgeInOrder(ordered.slice(0, k));
        ledger.tryAppend(ordered.slice(k));
        const view = ledger.view();
        const counts = { counted: 0, overdrawn: 0, untrusted: 0 };
        for (const { status } of view.entries) counts[status]++;
        expect(view.counts).toEqual(counts);
        expect(view.used).toEqual(proposalSpending(view.entries, state));
      }),
      { numRuns: 1_000 },
    );
  });

  it("previews the next entry as a replay with it last would judge it, without booking it", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(mixedPool, { minLength: 1 }), (subset) => {
        const ordered = canonicalOrder(subset);
        const next = ordered.at(-1)!;
        const ledger = new PurseLedger(crypto, state, { checkSignature: check });
        ledger.judgeInOrder(ordered.slice(0, -1));
        const before = ledger.view();
        const preview = ledger.preview(next);
        if (preview) expect(preview).toEqual(judge(ordered).entries.at(-1));
        expect(ledger.view()).toEqual(before);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("an author who signs a second version of her entry under its id changes nothing", () => {
  const authors = { [ada.publicKey]: ada, [bo.publicKey]: bo, [cy.publicKey]: cy };
  /** For each entry of the contested pool, a second version: ten times the amount, dated an hour earlier. */
  const secondVersions: ShardEntry[] = contestedPool.map(({ entry: signed }) => {
    const { sig: _sig, by: _by, ...fields } = signed;
    return inShard(entry(authors[signed.by]!, { ...fields, amount: signed.amount * 10, at: signed.at - 3_600_000 }));
  });

  it("gives the honest balances and statuses for any arrival order in which the first version comes first", () => {
    fc.assert(
      fc.property(
        arrivals(contestedPool),
        fc.array(fc.boolean(), { minLength: contestedPool.length, maxLength: contestedPool.length }),
        fc.infiniteStream(fc.nat()),
        ({ arrived }, attacked, randomness) => {
          const honestView = judge(arrived);
          const random = randomness[Symbol.iterator]();
          const withVersions = [...arrived];
          contestedPool.forEach((original, index) => {
            if (!attacked[index]) return;
            const after = withVersions.indexOf(original) + 1;
            if (after === 0) return;
            withVersions.splice(after + ((random.next().value as number) % (withVersions.length - after + 1)), 0, secondVersions[index]!);
          });
          const view = judge(withVersions);
          expect(view.purse).toEqual(honestView.purse);
          expect(view.members).toEqual(honestView.members);
          expect(view.used).toEqual(honestView.used);
          for (const judged of honestView.entries) expect(view.entries.find((other) => other.entry === judged.entry)).toEqual(judged);
          const added = view.entries.filter((judged) => !arrived.some((item) => item.entry === judged.entry));
          expect(added.every((judged) => judged.status === "untrusted" && judged.code === "record.equivocation")).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
