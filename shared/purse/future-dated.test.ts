import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { CLOCK_SKEW_MS } from "../history/claimed-time";
import { purse, PurseLedger, type PurseView } from "./balances";
import type { SignedEntry } from "./entry";
import { ada, bo, communeState, cy, entry, inShards, on, spendProposal } from "../testing/purse-fixtures";

/**
 * An author chooses an entry's claimed time. Dated ahead of the judging
 * machine's clock, an entry has not happened yet: it counts for nothing
 * until then, and it can neither win nor lose the race that decides which
 * of two spends overdraws the purse.
 */

const crypto = nobleCrypto();
const NOW = on("2026-12-04", 12);
const state = communeState({ now: NOW });
const statusOf = (view: PurseView, signed: SignedEntry) => view.entries.find((candidate) => candidate.entry === signed)?.status;

const seed = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 100_00 });

describe("an entry dated ahead of the clock", () => {
  it("counts for nothing until its time, and says when it will count", () => {
    const in2099 = entry(bo, { kind: "contribution", at: on("2099-01-01"), amount: 1_000_00 });
    const view = purse(crypto, inShards(seed, in2099), state);
    expect(view.entries.find((candidate) => candidate.entry === in2099)).toEqual({
      entry: in2099,
      status: "untrusted",
      code: "record.future-dated",
      reason: "dated 1 January 2099, 00:00 UTC, ahead of this machine's clock: it counts only from then",
    });
    expect(view.purse.EUR).toBe(100_00);
    expect(view.counts).toEqual({ counted: 1, overdrawn: 0, untrusted: 1 });
  });

  it("does not decide the race between two concurrent spends of the last 100 EUR: the attacker's 2099 spend loses nothing and wins nothing", () => {
    const within = communeState({
      now: NOW,
      proposals: [
        spendProposal({ id: "roof", title: "Roof", amount: 100_00, payee: { outside: "Roofer" } }, { outcome: "passed", decidesAt: on("2026-02-01") }),
        spendProposal({ id: "car", title: "Car", amount: 100_00, payee: { outside: "Garage" } }, { outcome: "passed", decidesAt: on("2026-02-01") }),
      ],
    });
    const honest = entry(cy, { kind: "disbursement", at: on("2026-03-01"), amount: 100_00, payee: "Roofer", proposal: "roof" });
    const dated2099 = entry(bo, { kind: "disbursement", at: on("2099-01-01"), amount: 100_00, payee: "Garage", proposal: "car" });
    const view = purse(crypto, inShards(seed, dated2099, honest), within);
    expect(statusOf(view, honest)).toBe("counted");
    expect(statusOf(view, dated2099)).toBe("untrusted");
    expect(view.purse.EUR).toBe(0);
  });

  it("counts an entry dated within the clock difference two honest machines may have", () => {
    const slightlyAhead = entry(bo, { kind: "contribution", at: NOW + CLOCK_SKEW_MS, amount: 5_00 });
    const tooFar = entry(bo, { kind: "contribution", at: NOW + CLOCK_SKEW_MS + 1, amount: 7_00 });
    const view = purse(crypto, inShards(seed, slightlyAhead, tooFar), state);
    expect(statusOf(view, slightlyAhead)).toBe("counted");
    expect(statusOf(view, tooFar)).toBe("untrusted");
  });

  it("counts once the clock reaches it, in its place in the order", () => {
    const nextWeek = entry(bo, { kind: "contribution", at: on("2026-12-11"), amount: 20_00 });
    const later = purse(crypto, inShards(seed, nextWeek), communeState({ now: on("2026-12-11") }));
    expect(statusOf(later, nextWeek)).toBe("counted");
    expect(later.purse.EUR).toBe(120_00);
  });

  it("tells the host when the purse must be judged again, and leaves the append path open to entries written now", () => {
    const ledger = new PurseLedger(crypto, state);
    const nextWeek = entry(bo, { kind: "contribution", at: on("2026-12-11"), amount: 20_00 });
    const in2099 = entry(bo, { kind: "contribution", at: on("2099-01-01"), amount: 20_00 });
    ledger.judgeArrivals(inShards(seed, in2099, nextWeek));
    expect(ledger.nextDue).toBe(on("2026-12-11") - CLOCK_SKEW_MS);

    // Without holding them aside, every entry written today would land "before the last one" and force a full replay.
    const today = entry(ada, { kind: "contribution", at: NOW - 1, amount: 1_00 });
    expect(ledger.tryAppend(inShards(today))).toBe(true);
    const view = ledger.view();
    expect(view.entries.map((candidate) => candidate.entry)).toEqual([seed, today, nextWeek, in2099]);
    expect(view.purse.EUR).toBe(101_00);
    expect(ledger.judgedSince(0).map((candidate) => candidate.entry)).toEqual([seed, nextWeek, in2099, today]);
  });

  it("is refused by the writer's preview before it is signed into the documents", () => {
    const ledger = new PurseLedger(crypto, state);
    ledger.judgeArrivals(inShards(seed));
    const ahead = entry(ada, { kind: "contribution", at: on("2027-06-01"), amount: 1_00 });
    expect(ledger.preview(inShards(ahead)[0]!)).toMatchObject({ status: "untrusted", code: "record.future-dated" });
  });
});
