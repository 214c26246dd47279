import { describe, expect, it } from "vitest";
import type { Rules } from "../commune/rules";
import type { CommuneState, RulesVersion } from "../commune/state";
import { nobleCrypto } from "../identity/crypto";
import type { KeyPair } from "../identity/keys";
import { purse, type EntryView, type PurseView } from "./balances";
import type { SignedEntry } from "./entry";
import { ada, bo, communeState, cy, entry, foundingRules, inShards, on, spendProposal, type EntryFields } from "../testing/purse-fixtures";

/**
 * The spend limit that needs no proposal is a limit per member per period:
 * what one member takes out of the purse without citing a proposal adds up
 * over the calendar period (UTC) of the rules in force. The fixture's
 * founding rules allow 50.00 EUR and name no period, so they read as a month.
 */

const crypto = nobleCrypto();

/** Ada fills the purse with 10,000.00 EUR and 1,000 hours on the founding day. */
const seed = [
  entry(ada, { kind: "contribution", at: on("2026-01-01"), amount: 10_000_00, id: "seed-eur" }),
  entry(ada, { kind: "contribution", at: on("2026-01-01"), amount: 1000_00, currency: "HOUR", id: "seed-hours" }),
];

/** A payment to the hardware shop, citing no proposal; its id is a digest of its fields, so two alike payments are one. */
const pays = (author: KeyPair, at: number, amount: number, fields: Partial<EntryFields> = {}): SignedEntry =>
  entry(author, { kind: "disbursement", at, amount, payee: "Hardware", ...fields });

/** The founding rules changed from the start (as if founded so), and later versions after them. */
const under = (changes: Partial<Rules>, later: RulesVersion[] = []): CommuneState =>
  communeState({ laterRules: [{ from: on("2026-01-01"), rules: { ...foundingRules, ...changes }, proposal: "founded-so" }, ...later] });

const counted = (view: PurseView, signed: SignedEntry): EntryView => {
  const found = view.entries.find((candidate) => candidate.entry === signed);
  if (!found) throw new Error("entry missing from the view");
  return found;
};

const judge = (state: CommuneState, ...entries: SignedEntry[]) => {
  const view = purse(crypto, inShards(...seed, ...entries), state);
  return { view, status: (signed: SignedEntry) => counted(view, signed).status, reason: (signed: SignedEntry) => counted(view, signed).reason };
};

describe("the spend limit per member per period", () => {
  it("counts only the first of six 50 EUR payments in one month under a 50 EUR limit", () => {
    const six = [5, 8, 12, 19, 23, 30].map((day) => pays(bo, on(`2026-01-${String(day).padStart(2, "0")}`, 10), 50_00));
    const { view, status, reason } = judge(communeState(), ...six.toReversed());
    expect(six.map(status)).toEqual(["counted", "untrusted", "untrusted", "untrusted", "untrusted", "untrusted"]);
    for (const piece of six.slice(1)) {
      expect(reason(piece)).toBe("Bo has already taken 50.00 EUR without a proposal in January 2026; the limit is 50.00 EUR a month per member");
    }
    expect(view.purse.EUR).toBe(10_000_00 - 50_00);
  });

  it("reads rules that name no period as a month: the same payments a month apart each count", () => {
    const monthly = ["2026-01-20", "2026-02-20", "2026-03-20"].map((day) => pays(bo, on(day), 50_00));
    const { status } = judge(communeState(), ...monthly);
    expect(monthly.map(status)).toEqual(["counted", "counted", "counted"]);
  });

  it("counts payments that reach the limit exactly, and refuses one minor unit more", () => {
    const first = pays(bo, on("2026-01-10"), 20_00);
    const rest = pays(bo, on("2026-01-11"), 30_00);
    const cent = pays(bo, on("2026-01-12"), 1);
    const { status, reason } = judge(communeState(), first, rest, cent);
    expect([first, rest].map(status)).toEqual(["counted", "counted"]);
    expect(reason(cent)).toBe("Bo has already taken 50.00 EUR without a proposal in January 2026; the limit is 50.00 EUR a month per member");
  });

  it("words a single payment above the whole limit as before, with the period", () => {
    const big = pays(bo, on("2026-01-10"), 50_01);
    expect(judge(communeState(), big).reason(big)).toBe("above the spend limit of 50.00 EUR a month per member and cites no passed spend proposal");
  });

  it("gives every member their own allowance", () => {
    const byBo = pays(bo, on("2026-01-10"), 50_00);
    const byCy = pays(cy, on("2026-01-10"), 50_00);
    const byAda = pays(ada, on("2026-01-11"), 50_00);
    const { status } = judge(communeState(), byBo, byCy, byAda);
    expect([byBo, byCy, byAda].map(status)).toEqual(["counted", "counted", "counted"]);
  });

  it("adds disbursements and outgoing exchanges together, and keeps each currency apart", () => {
    const hourly = under({ spendLimit: { EUR: 50_00, HOUR: 8_00 } });
    const paid = pays(bo, on("2026-01-10"), 30_00);
    const traded = entry(bo, { kind: "exchange", at: on("2026-01-11"), amount: 20_00, partner: "Hillside", direction: "out", id: "trade-1" });
    const hours = pays(bo, on("2026-01-12"), 8_00, { currency: "HOUR", payee: undefined, to: cy.publicKey });
    const more = entry(bo, { kind: "exchange", at: on("2026-01-13"), amount: 1, partner: "Hillside", direction: "out", id: "trade-2" });
    const { status, reason } = judge(hourly, paid, traded, hours, more);
    expect([paid, traded, hours].map(status)).toEqual(["counted", "counted", "counted"]);
    expect(reason(more)).toBe("Bo has already taken 50.00 EUR without a proposal in January 2026; the limit is 50.00 EUR a month per member");
  });

  it("does not use the allowance with entries that cite a proposal, which their proposal alone judges", () => {
    const roof = spendProposal(
      { id: "roof", title: "New roof", amount: 600_00, payee: { outside: "Roofers Ltd" } },
      { outcome: "passed", decidesAt: on("2026-01-09") },
    );
    const withRoof = communeState({ proposals: [roof] });
    const roofers = pays(bo, on("2026-01-10"), 600_00, { payee: "Roofers Ltd", proposal: "roof" });
    const smallCited = pays(bo, on("2026-01-11"), 10_00, { payee: "Roofers Ltd", proposal: "roof" });
    const ownLimit = pays(bo, on("2026-01-12"), 50_00);
    const { status, reason } = judge(withRoof, roofers, smallCited, ownLimit);
    expect(status(roofers)).toBe("counted");
    expect(reason(smallCited)).toBe("proposal 'New roof' allows 600.00 EUR and 600.00 EUR of it is already spent");
    expect(status(ownLimit)).toBe("counted");
  });

  it("does not use the allowance with a payment the purse could not cover", () => {
    const small = [entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 30_00, id: "small" })];
    const overdrawn = pays(bo, on("2026-01-10"), 50_00);
    const topUp = entry(ada, { kind: "contribution", at: on("2026-01-11"), amount: 100_00, id: "top-up" });
    const again = pays(bo, on("2026-01-12"), 50_00);
    const view = purse(crypto, inShards(...small, overdrawn, topUp, again), communeState());
    expect(counted(view, overdrawn).status).toBe("overdrawn");
    expect(counted(view, again).status).toBe("counted");
    expect(view.purse.EUR).toBe(80_00);
  });

  it("refuses a payment over the allowance as such even when the purse could not cover it either", () => {
    const small = [entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 60_00, id: "small" })];
    const first = pays(bo, on("2026-01-10"), 50_00);
    const second = pays(bo, on("2026-01-11"), 20_00);
    const view = purse(crypto, inShards(...small, first, second), communeState());
    expect(counted(view, second)).toMatchObject({ status: "untrusted", reason: expect.stringContaining("Bo has already taken 50.00 EUR") });
  });
});

describe("where one period ends and the next begins (UTC)", () => {
  it.each<[Rules["spendPeriod"], string, string]>([
    ["day", "2026-03-10T23:59:59.999Z", "2026-03-11T00:00:00.000Z"],
    ["week", "2026-03-15T23:59:59.999Z", "2026-03-16T00:00:00.000Z"],
    ["month", "2026-03-31T23:59:59.999Z", "2026-04-01T00:00:00.000Z"],
    ["year", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00.000Z"],
  ])("a %s: the last millisecond and the first of the next each take the whole limit", (spendPeriod, last, next) => {
    const state = under({ spendPeriod });
    const before = pays(bo, Date.parse(last), 50_00);
    const after = pays(bo, Date.parse(next), 50_00);
    const again = pays(bo, Date.parse(next) + 1, 1);
    const { status, reason } = judge(state, before, after, again);
    expect([before, after].map(status)).toEqual(["counted", "counted"]);
    expect(reason(again)).toMatch(/^Bo has already taken 50\.00 EUR without a proposal in .+; the limit is 50\.00 EUR a (day|week|month|year) per member$/);
  });

  it("keeps a week whole across the end of a month: Thursday 29 January and Sunday 1 February share one allowance", () => {
    const thursday = pays(bo, on("2026-01-29"), 50_00);
    const sunday = pays(bo, on("2026-02-01"), 1);
    const { reason } = judge(under({ spendPeriod: "week" }), thursday, sunday);
    expect(reason(sunday)).toBe("Bo has already taken 50.00 EUR without a proposal in the week of 26 January 2026; the limit is 50.00 EUR a week per member");
  });

  it("names the day and the year in its words", () => {
    const morning = pays(bo, on("2026-12-04", 9), 50_00);
    const evening = pays(bo, on("2026-12-04", 21), 1);
    expect(judge(under({ spendPeriod: "day" }), morning, evening).reason(evening)).toBe(
      "Bo has already taken 50.00 EUR without a proposal in 4 December 2026; the limit is 50.00 EUR a day per member",
    );
    expect(judge(under({ spendPeriod: "year" }), morning, evening).reason(evening)).toBe(
      "Bo has already taken 50.00 EUR without a proposal in 2026; the limit is 50.00 EUR a year per member",
    );
  });
});

describe("a rule change in the middle of a period", () => {
  it("applies a raised limit from its decision on, with what the member already took this month still counting", () => {
    const raised: RulesVersion = { from: on("2026-01-15"), rules: { ...foundingRules, spendLimit: { EUR: 100_00 } }, proposal: "raise" };
    const state = communeState({ laterRules: [raised] });
    const early = pays(bo, on("2026-01-10"), 40_00);
    const refusedBefore = pays(bo, on("2026-01-14"), 20_00);
    const after = pays(bo, on("2026-01-20"), 60_00);
    const beyond = pays(bo, on("2026-01-21"), 1);
    const { status, reason } = judge(state, early, refusedBefore, after, beyond);
    expect(reason(refusedBefore)).toBe("Bo has already taken 40.00 EUR without a proposal in January 2026; the limit is 50.00 EUR a month per member");
    expect([early, after].map(status)).toEqual(["counted", "counted"]);
    expect(reason(beyond)).toBe("Bo has already taken 100.00 EUR without a proposal in January 2026; the limit is 100.00 EUR a month per member");
  });

  it("counts what the member took earlier in the week when the period turns from a month to a week", () => {
    const weekly: RulesVersion = { from: on("2026-01-14"), rules: { ...foundingRules, spendPeriod: "week" }, proposal: "weekly" };
    const state = communeState({ laterRules: [weekly] });
    const monday = pays(bo, on("2026-01-12"), 50_00);
    const thursday = pays(bo, on("2026-01-15"), 1);
    const nextMonday = pays(bo, on("2026-01-19"), 50_00);
    const { status, reason } = judge(state, monday, thursday, nextMonday);
    expect(reason(thursday)).toBe("Bo has already taken 50.00 EUR without a proposal in the week of 12 January 2026; the limit is 50.00 EUR a week per member");
    expect([monday, nextMonday].map(status)).toEqual(["counted", "counted"]);
  });

  it("lowers the limit below what the member took: nothing more this month, and what counted still counts", () => {
    const lowered: RulesVersion = { from: on("2026-01-15"), rules: { ...foundingRules, spendLimit: { EUR: 20_00 } }, proposal: "lower" };
    const early = pays(bo, on("2026-01-10"), 30_00);
    const later = pays(bo, on("2026-01-20"), 1);
    const february = pays(bo, on("2026-02-02"), 20_00);
    const { status, reason } = judge(communeState({ laterRules: [lowered] }), early, later, february);
    expect(status(early)).toBe("counted");
    expect(reason(later)).toBe("Bo has already taken 30.00 EUR without a proposal in January 2026; the limit is 20.00 EUR a month per member");
    expect(status(february)).toBe("counted");
  });
});
