import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { spendPeriodIn, spendPeriodOf } from "../commune/spend-period";
import { rulesAt, type CommuneState } from "../commune/state";
import { nobleCrypto } from "../identity/crypto";
import { canonicalOrder, purse, type PurseView, type ShardEntry } from "./balances";
import type { SignedEntry } from "./entry";
import { ada, bo, communeState, cy, entry, foundingRules, inShard, on, rememberingSignatureCheck, spendProposal } from "../testing/purse-fixtures";

/**
 * For random histories of payments around the ends of days, ISO weeks and
 * months, under rules that change the limit and its period twice: no
 * member's counted outflow without a proposal, in any period, ever passes
 * the limit in force, every refusal for the limit is one the running total
 * called for, and every arrival order gives the same verdicts.
 */

const crypto = nobleCrypto();
const check = rememberingSignatureCheck();

const state: CommuneState = communeState({
  proposals: [
    spendProposal({ id: "roof", title: "New roof", amount: 500_00, payee: { outside: "Roofers Ltd" } }, { outcome: "passed", decidesAt: on("2026-01-20") }),
  ],
  laterRules: [
    // From Tuesday 10 February, 80.00 EUR a week; from Friday 20 February, 30.00 EUR a day.
    { from: on("2026-02-10", 12), rules: { ...foundingRules, spendLimit: { EUR: 80_00 }, spendPeriod: "week" }, proposal: "weekly" },
    { from: on("2026-02-20"), rules: { ...foundingRules, spendLimit: { EUR: 30_00, HOUR: 2_00 }, spendPeriod: "day" }, proposal: "daily" },
  ],
});

const judge = (entries: readonly ShardEntry[]): PurseView => purse(crypto, entries, state, { checkSignature: check });

/** Moments on either side of the ends of periods, and a few inside them. */
const MOMENTS = [
  on("2026-01-21", 9),
  on("2026-01-31", 23),
  on("2026-02-01") - 1,
  on("2026-02-01"),
  on("2026-02-01", 23),
  on("2026-02-02"),
  on("2026-02-08", 23),
  on("2026-02-09"),
  on("2026-02-10", 11),
  on("2026-02-10", 12),
  on("2026-02-12"),
  on("2026-02-15", 23),
  on("2026-02-16"),
  on("2026-02-19", 23),
  on("2026-02-20"),
  on("2026-02-20", 22),
  on("2026-02-21"),
  on("2026-03-01"),
];
const AMOUNTS = [10_00, 20_00, 25_00, 30_00, 40_00, 50_00, 1];

/** Signed once when the file loads (signing costs ~1.5 ms); each run takes a subset in some arrival order. */
const pool: ShardEntry[] = [
  entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 2000_00, id: "seed" }),
  entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 10_00, currency: "HOUR", id: "seed-hours" }),
  entry(cy, { kind: "contribution", at: on("2026-02-12", 1), amount: 100_00, id: "top-up" }),
  entry(bo, { kind: "disbursement", at: on("2026-02-01", 2), amount: 400_00, payee: "Roofers Ltd", proposal: "roof", id: "roof-1" }),
  entry(cy, { kind: "disbursement", at: on("2026-02-16", 1), amount: 100_00, payee: "Roofers Ltd", proposal: "roof", id: "roof-2" }),
  entry(bo, { kind: "disbursement", at: on("2026-02-21", 1), amount: 1_00, currency: "HOUR", to: cy.publicKey, id: "hours-1" }),
  entry(bo, { kind: "disbursement", at: on("2026-02-21", 2), amount: 1_50, currency: "HOUR", to: cy.publicKey, id: "hours-2" }),
].map((signed) => inShard(signed));
for (const [a, author] of [ada, bo, cy].entries()) {
  for (const [i, at] of MOMENTS.entries()) {
    const k = a + i;
    const amount = AMOUNTS[k % AMOUNTS.length]!;
    const signed =
      k % 4 === 0
        ? entry(author, { kind: "exchange", at, amount, partner: "Hillside", direction: "out", id: `x-${a}-${i}` })
        : entry(author, { kind: "disbursement", at, amount, payee: "Hardware", id: `p-${a}-${i}` });
    pool.push(inShard(signed));
  }
}

const takesOutWithoutProposal = (signed: SignedEntry) =>
  signed.proposal === undefined && (signed.kind === "disbursement" || (signed.kind === "exchange" && signed.direction === "out"));

/** This test's own running totals, walked over the counted entries in the ledger's order. */
function expectWithinLimits(view: PurseView) {
  const taken = new Map<string, number>();
  for (const { entry: signed, status, reason } of view.entries) {
    if (!takesOutWithoutProposal(signed)) continue;
    const rules = rulesAt(state, signed.at);
    const limit = rules.spendLimit[signed.currency] ?? 0;
    const key = `${signed.by} ${signed.currency} ${spendPeriodOf(signed.at, spendPeriodIn(rules)).key}`;
    const before = taken.get(key) ?? 0;
    if (status === "counted") {
      expect(before + signed.amount).toBeLessThanOrEqual(limit);
      // Booked in every period length: a later rule may reckon by another one.
      for (const period of ["day", "week", "month", "year"] as const) {
        const each = `${signed.by} ${signed.currency} ${spendPeriodOf(signed.at, period).key}`;
        taken.set(each, (taken.get(each) ?? 0) + signed.amount);
      }
    } else if (reason?.includes("without a proposal") || reason?.startsWith("above the spend limit")) {
      expect(before + signed.amount).toBeGreaterThan(limit);
    } else {
      // Refused for another reason (the purse could not cover it): then the limit allowed it.
      expect(status).toBe("overdrawn");
      expect(before + signed.amount).toBeLessThanOrEqual(limit);
    }
  }
}

const verdicts = (view: PurseView) => view.entries.map(({ entry: signed, status, reason }) => [signed.by, signed.id, status, reason]);

describe("the spend limit per member per period, for any history in any arrival order", () => {
  it("never lets a member's counted outflow without a proposal pass the limit in force in any period, whatever the order of arrival", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(pool), fc.infiniteStream(fc.nat()), (subset, seeds) => {
        const view = judge(subset);
        expectWithinLimits(view);
        const reversed = judge([...subset].reverse());
        const shuffled = judge([...subset].sort(() => (seeds.next().value % 2 === 0 ? -1 : 1)));
        expect(verdicts(reversed)).toEqual(verdicts(view));
        expect(verdicts(shuffled)).toEqual(verdicts(view));
        expect(view.entries.map((item) => item.entry)).toEqual(canonicalOrder(subset).map((item) => item.entry));
      }),
      { numRuns: 300 },
    );
  });

  it("counts some payments and refuses others for the limit in the whole pool, so the property above is not vacuous", () => {
    const view = judge(pool);
    const statuses = view.entries.filter(({ entry: signed }) => takesOutWithoutProposal(signed)).map(({ status, reason }) => `${status} ${reason ?? ""}`);
    expect(statuses.filter((text) => text.startsWith("counted")).length).toBeGreaterThan(10);
    expect(statuses.filter((text) => text.includes("has already taken")).length).toBeGreaterThan(10);
    expect(statuses.some((text) => text.includes("a week per member"))).toBe(true);
    expect(statuses.some((text) => text.includes("a day per member"))).toBe(true);
  });
});
