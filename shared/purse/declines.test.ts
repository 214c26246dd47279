import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { entryClaim, purse, PurseLedger, type PurseView } from "./balances";
import type { SignedEntry } from "./entry";
import { ada, communeState, entry, inShards, on } from "../testing/purse-fixtures";

/**
 * A partner's decline of our exchange out (issue 14) makes the entry count
 * for nothing from the decline's time on: a judged fact, like a void, but
 * written by the partner, so nothing of ours is edited.
 */

const crypto = nobleCrypto();
const state = communeState();
const HILLSIDE = "fedcba9876543210fedcba9876543210";

const seed = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 100_00, id: "seed" });
const sent = entry(ada, { kind: "exchange", direction: "out", partner: HILLSIDE, offer: "o-1", at: on("2026-01-06"), amount: 30_00, id: "sent" });
const declinedOn = on("2026-01-08");
const declines = [{ claim: entryClaim(ada.publicKey, "sent"), at: declinedOn }];

const judged = (entries: SignedEntry[], withDeclines = declines): PurseView => purse(crypto, inShards(...entries), state, { declines: withDeclines });

describe("a partner's decline of our exchange out", () => {
  it("gives the amount back to the purse from the decline's time, and leaves the entry counted until then", () => {
    const view = judged([seed, sent]);
    expect(view.purse.EUR).toBe(100_00);
    expect(view.breakdown.purse.EUR).toMatchObject({ contributions: 100_00, exchangedOut: 0 });
    expect(view.declined.get(entryClaim(ada.publicKey, "sent"))).toBe(declinedOn);
    expect(view.entries.find((verdict) => verdict.entry === sent)).toMatchObject({ status: "counted", balanceAfter: 70_00 });
  });

  it("does not give back what an entry before the decline could not pay, and pays what one after it can", () => {
    // Within Ada's spend limit (50.00 EUR a month) all along: only the purse's balance decides.
    const small = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 40_00, id: "small" });
    const before = entry(ada, { kind: "disbursement", payee: "Mill", at: on("2026-01-07"), amount: 20_00, id: "before" });
    const after = entry(ada, { kind: "disbursement", payee: "Mill", at: on("2026-01-09"), amount: 20_00, id: "after" });
    const view = judged([small, sent, before, after]);
    expect(view.entries.find((verdict) => verdict.entry === before)?.status).toBe("overdrawn");
    expect(view.entries.find((verdict) => verdict.entry === after)).toMatchObject({ status: "counted", balanceAfter: 20_00 });
  });

  it("refuses a void of a declined exchange, so it is never taken back twice", () => {
    const voided = entry(ada, { kind: "void", of: "sent", at: on("2026-01-09"), amount: 30_00, id: "void-sent" });
    const view = judged([seed, sent, voided]);
    expect(view.entries.find((verdict) => verdict.entry === voided)).toMatchObject({
      status: "untrusted",
      reason: "voids sent, which the partner declined on 2026-01-08: it counts for nothing already",
    });
    expect(view.purse.EUR).toBe(100_00);
  });

  it("changes nothing when its author voided the exchange before the decline", () => {
    const voided = entry(ada, { kind: "void", of: "sent", at: on("2026-01-07"), amount: 30_00, id: "void-sent" });
    const view = judged([seed, sent, voided]);
    expect(view.purse.EUR).toBe(100_00);
    expect(view.declined.size).toBe(0);
  });

  it("changes nothing for an entry that is not an exchange out", () => {
    const view = judged([seed], [{ claim: entryClaim(ada.publicKey, "seed"), at: declinedOn }]);
    expect(view.purse.EUR).toBe(100_00);
    expect(view.declined.size).toBe(0);
  });

  it("makes an entry dated before the latest decline wait for a full replay rather than append", () => {
    const ledger = new PurseLedger(crypto, state, { declines });
    ledger.judgeArrivals(inShards(seed, sent));
    const late = entry(ada, { kind: "contribution", at: on("2026-01-07"), amount: 1_00, id: "late" });
    expect(ledger.tryAppend(inShards(late))).toBe(false);
    const next = entry(ada, { kind: "contribution", at: on("2026-01-09"), amount: 1_00, id: "next" });
    expect(ledger.tryAppend(inShards(next))).toBe(true);
    expect(ledger.view().purse.EUR).toBe(101_00);
  });
});
