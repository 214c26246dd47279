import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { entryClaim, purse, PurseLedger, purseTotal, type PurseView } from "./balances";
import type { SignedEntry } from "./entry";
import { ada, bo, communeState, entry, inShards, on, rememberingSignatureCheck } from "../testing/purse-fixtures";

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

/** A pool signed once: contributions, exchanges out, payments that may overdraw, and a void, in January 2026. */
const day = (n: number, hour = 0) => on(`2026-01-${String(n).padStart(2, "0")}`, hour);
const POOL: SignedEntry[] = [
  entry(ada, { kind: "contribution", at: day(2), amount: 40_00, id: "c1" }),
  entry(bo, { kind: "contribution", at: day(3), amount: 25_00, id: "c2" }),
  ...[4, 5, 6, 7].map((n) =>
    entry(n % 2 === 0 ? ada : bo, { kind: "exchange", direction: "out", partner: HILLSIDE, offer: `x${n}`, at: day(n), amount: 12_00, id: `x${n}` }),
  ),
  entry(bo, { kind: "disbursement", payee: "Mill", at: day(8), amount: 20_00, id: "d1" }),
  entry(ada, { kind: "disbursement", payee: "Mill", at: day(12), amount: 20_00, id: "d2" }),
  entry(ada, { kind: "void", of: "x4", at: day(9), amount: 12_00, id: "v1" }),
];
const DECLINES = [4, 5, 6, 7].map((n) => ({ claim: entryClaim(n % 2 === 0 ? ada.publicKey : bo.publicKey, `x${n}`), at: day(n + 3, 12) }));
const check = rememberingSignatureCheck();

describe("declines, whatever the arrival order", () => {
  it("give the same purse for every arrival order, and the same whether the ledger replays or appends (1,000 cases)", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(POOL), fc.subarray(DECLINES), fc.nat(POOL.length), (entries, declines, split) => {
        const options = { declines, checkSignature: check };
        const whole = purse(crypto, inShards(...entries), state, options);
        const reversed = purse(crypto, inShards(...[...entries].reverse()), state, options);
        expect(reversed.purse).toEqual(whole.purse);
        expect(reversed.breakdown).toEqual(whole.breakdown);
        expect(reversed.declined).toEqual(whole.declined);
        // A host's ledger: what came first judged whole, the rest appended when it comes after (else replayed whole).
        const ordered = inShards(...entries).sort((a, b) => a.entry.at - b.entry.at || (a.entry.id < b.entry.id ? -1 : 1));
        const ledger = new PurseLedger(crypto, state, options);
        ledger.judgeArrivals(ordered.slice(0, split));
        const appended = ledger.tryAppend(ordered.slice(split)) ? ledger.view() : purse(crypto, ordered, state, options);
        expect(appended.purse).toEqual(whole.purse);
        expect(appended.declined).toEqual(whole.declined);
        for (const [code, lines] of Object.entries(whole.breakdown.purse)) expect(whole.purse[code]).toBe(purseTotal(lines));
      }),
      { numRuns: 1000 },
    );
  });
});
