import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { entrySchema } from "../docs/records";
import { purseJournal } from "../snapshot/journal";
import { purseCsv } from "../snapshot/csv";
import { entryClaim, purse, purseTotal, standingTotal, type EntryView, type PurseView } from "./balances";
import type { SignedEntry } from "./entry";
import { standingHistory } from "./history";
import { ada, bo, communeState, cy, entry, inShards, on, proposal, spendProposal } from "../testing/purse-fixtures";

/**
 * A void takes its author's own entry back with a new signed record; a
 * correction replaces it. Nothing is deleted: both stay in the ledger,
 * linked, and every figure still adds up.
 */

const crypto = nobleCrypto();
const state = communeState();

const seed = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 1000_00, id: "seed" });
/** Ada meant to give Bo 50.00 EUR and typed 5,000. */
const typo = entry(ada, { kind: "transfer", at: on("2026-01-06"), amount: 5000_00, to: bo.publicKey, id: "typo" });
const voidOfTypo = entry(ada, { kind: "void", at: on("2026-01-06", 1), amount: 5000_00, of: "typo", id: "void-typo", memo: "typed 5000 for 50" });
const corrected = entry(ada, { kind: "transfer", at: on("2026-01-06", 2), amount: 50_00, to: bo.publicKey, id: "fixed", corrects: "typo" });

const judged = (...entries: SignedEntry[]): PurseView => purse(crypto, inShards(...entries), state);
const verdictOf = (view: PurseView, signed: SignedEntry): EntryView => {
  const found = view.entries.find((candidate) => candidate.entry === signed);
  if (!found) throw new Error("entry missing from the view");
  return found;
};

describe("voiding one's own entry", () => {
  it("takes a mistaken transfer back: both standings return, and the entry stays in the ledger linked to its void", () => {
    const view = judged(seed, typo, voidOfTypo);
    expect(view.members[ada.publicKey]!.EUR).toBe(1000_00);
    expect(view.members[bo.publicKey]!.EUR).toBe(0);
    expect(verdictOf(view, typo).status).toBe("counted");
    expect(verdictOf(view, voidOfTypo)).toMatchObject({ status: "counted", reverses: typo });
    expect(view.voided.get(entryClaim(ada.publicKey, "typo"))).toBe(voidOfTypo);
  });

  it("with its correction, leaves what was meant: 50.00 EUR given to Bo", () => {
    const view = judged(seed, typo, voidOfTypo, corrected);
    expect(verdictOf(view, corrected).status).toBe("counted");
    expect(view.members[ada.publicKey]!.EUR).toBe(950_00);
    expect(view.members[bo.publicKey]!.EUR).toBe(50_00);
  });

  it("gives a contribution back only while the purse holds it", () => {
    const garage = spendProposal(
      { id: "garage", title: "Repair", amount: 900_00, payee: { outside: "Garage" } },
      { outcome: "passed", decidesAt: on("2026-01-06") },
    );
    const spent = entry(bo, { kind: "disbursement", at: on("2026-01-07"), amount: 900_00, payee: "Garage", proposal: "garage", id: "paid-garage" });
    const takeBack = entry(ada, { kind: "void", at: on("2026-01-08"), amount: 1000_00, of: "seed", id: "void-seed" });
    const view = purse(crypto, inShards(seed, spent, takeBack), communeState({ proposals: [garage] }));
    expect(verdictOf(view, spent).status).toBe("counted");
    expect(verdictOf(view, takeBack)).toMatchObject({ status: "overdrawn" });
    expect(view.purse.EUR).toBe(100_00);
  });

  it("keeps every figure equal to the sum of its lines, and the standing chart ends where the standing is", () => {
    const payBo = entry(ada, { kind: "disbursement", at: on("2026-01-07"), amount: 20_00, to: bo.publicKey, id: "pay-bo" });
    const voidPay = entry(ada, { kind: "void", at: on("2026-01-08"), amount: 20_00, of: "pay-bo", id: "void-pay" });
    const view = judged(seed, typo, voidOfTypo, corrected, payBo, voidPay);
    expect(purseTotal(view.breakdown.purse.EUR!)).toBe(view.purse.EUR);
    for (const member of [ada, bo]) {
      expect(standingTotal(view.breakdown.members[member.publicKey]!.EUR!)).toBe(view.members[member.publicKey]!.EUR);
      expect(standingHistory(view.entries, member.publicKey, "EUR", 100).at(-1)!.balance).toBe(view.members[member.publicKey]!.EUR);
    }
    expect(view.breakdown.members[bo.publicKey]!.EUR).toEqual({ putIn: 0, drawn: 0, transferredAway: 0, received: 50_00 });
    expect(view.breakdown.purse.EUR).toMatchObject({ contributions: 1000_00, paidToMembers: 0 });
  });
});

describe("what a void may not do", () => {
  const untrustedFor = (view: PurseView, signed: SignedEntry) => {
    const verdict = verdictOf(view, signed);
    expect(verdict.status).toBe("untrusted");
    return verdict.reason;
  };

  it("void another member's entry: Bo cannot take Ada's contribution back by naming its id", () => {
    const boVoids = entry(bo, { kind: "void", at: on("2026-01-06"), amount: 1000_00, of: "seed", id: "bo-void" });
    const view = judged(seed, boVoids);
    expect(untrustedFor(view, boVoids)).toBe("voids seed, which is not an entry of Bo that counted before it");
    expect(view.purse.EUR).toBe(1000_00);
  });

  it("be dated before the entry it voids", () => {
    const early = entry(ada, { kind: "void", at: on("2026-01-04"), amount: 1000_00, of: "seed", id: "early" });
    expect(untrustedFor(judged(seed, early), early)).toBe("voids seed, which is not an entry of Ada that counted before it");
  });

  it("void one entry twice", () => {
    const again = entry(ada, { kind: "void", at: on("2026-01-07"), amount: 5000_00, of: "typo", id: "void-again" });
    const view = judged(seed, typo, voidOfTypo, again);
    expect(untrustedFor(view, again)).toBe("voids typo, which void-typo voided already");
    expect(view.members[bo.publicKey]!.EUR).toBe(0);
  });

  it("name another amount than the entry's (a void of 5.00 for a 5,000.00 transfer)", () => {
    const partial = entry(ada, { kind: "void", at: on("2026-01-07"), amount: 5_00, of: "typo", id: "partial" });
    expect(untrustedFor(judged(seed, typo, partial), partial)).toBe("voids typo but names another amount or currency than that entry's");
  });

  it("void a void", () => {
    const undoVoid = entry(ada, { kind: "void", at: on("2026-01-07"), amount: 5000_00, of: "void-typo", id: "undo" });
    expect(untrustedFor(judged(seed, typo, voidOfTypo, undoVoid), undoVoid)).toBe("voids a void (void-typo): to restore an entry, write it again");
  });

  it("let a correction count without its void, or twice", () => {
    expect(untrustedFor(judged(seed, typo, corrected), corrected)).toBe("corrects typo, which no void of Ada took back before it");
    const second = entry(ada, { kind: "transfer", at: on("2026-01-07"), amount: 50_00, to: bo.publicKey, id: "fixed-2", corrects: "typo" });
    const view = judged(seed, typo, voidOfTypo, corrected, second);
    expect(untrustedFor(view, second)).toBe("corrects typo, which another entry corrected already");
    expect(view.members[bo.publicKey]!.EUR).toBe(50_00);
  });
});

describe("a void on the wire", () => {
  it("needs the entry it voids, and carries no payee or correction", () => {
    const { sig: _sig, ...fields } = voidOfTypo;
    expect(entrySchema.safeParse({ ...voidOfTypo }).success).toBe(true);
    const { of: _of, ...noTarget } = fields;
    expect(entrySchema.safeParse({ ...noTarget, sig: voidOfTypo.sig }).error?.issues[0]?.message).toBe("is missing (a void needs it)");
    expect(entrySchema.safeParse({ ...voidOfTypo, payee: "Garage" }).error?.issues[0]?.message).toBe("does not belong on a void");
    expect(entrySchema.safeParse({ ...voidOfTypo, corrects: "x" }).error?.issues[0]?.message).toBe("does not belong on a void");
  });
});

describe("exports of a voided entry", () => {
  it("the journal posts the void as the opposite of the entry, so hledger's balances are the purse's", () => {
    const view = judged(seed, typo, voidOfTypo, corrected);
    const journal = purseJournal({ entries: view.entries, state });
    expect(journal).toContain("Void of Transfer from Ada to Bo | typed 5000 for 50");
    expect(journal).toContain("; voids: typo");
    expect(journal).toMatch(/\[members:Ada\]\s+5000\.00 EUR/);
    expect(journal).toMatch(/\[members:Bo\]\s+-5000\.00 EUR/);
  });

  it("the CSV names what each row voids or corrects", () => {
    const csv = purseCsv({ entries: judged(seed, typo, voidOfTypo, corrected).entries, state });
    const rows = csv.trim().split("\r\n");
    expect(rows[0]).toBe("date,kind,from,to,amount,currency,memo,proposal,status,reason,id,voids,corrects");
    expect(rows.find((row) => row.includes(",void-typo,"))).toMatch(/,void,Bo,Ada,5000\.00,EUR,typed 5000 for 50,,counted,,void-typo,typo,$/);
    expect(rows.find((row) => row.includes(",fixed,"))).toMatch(/,fixed,,typo$/);
  });
});

describe("a payment reversed by a proposal", () => {
  const roof = spendProposal({ id: "roof", title: "Roof", amount: 300_00, payee: { outside: "Roofers" } }, { outcome: "passed", decidesAt: on("2026-01-06") });
  const paid = entry(bo, { kind: "disbursement", at: on("2026-01-07"), amount: 300_00, payee: "Roofers", proposal: "roof", id: "paid-roof" });
  const reverseRoof = (decision: { outcome: "passed" | "rejected" | "open"; decidesAt: number }, entryId = "paid-roof") =>
    proposal({ id: "undo-roof", kind: "reverse", title: "The roofers never came", author: bo.publicKey, entry: entryId }, decision);
  /** Cy, not the payment's author, executes the reversal. */
  const cyVoids = (fields: Partial<SignedEntry> = {}) =>
    entry(cy, { kind: "void", at: on("2026-01-09"), amount: 300_00, of: "paid-roof", ofBy: bo.publicKey, proposal: "undo-roof", id: "cy-void", ...fields });
  const judgedWith = (reversal: ReturnType<typeof reverseRoof>, ...entries: SignedEntry[]) =>
    purse(crypto, inShards(seed, paid, ...entries), communeState({ proposals: [roof, reversal] }));

  it("takes Bo's payment back into the purse when Cy executes the passed proposal", () => {
    const view = judgedWith(reverseRoof({ outcome: "passed", decidesAt: on("2026-01-08") }), cyVoids());
    expect(verdictOf(view, view.entries.find((candidate) => candidate.entry.id === "cy-void")!.entry)).toMatchObject({ status: "counted", reverses: paid });
    expect(view.purse.EUR).toBe(1000_00);
    expect(view.voided.get(entryClaim(bo.publicKey, "paid-roof"))?.id).toBe("cy-void");
  });

  it("counts for nothing without a passed proposal that names that payment, before the void", () => {
    const cases: [ReturnType<typeof reverseRoof>, Partial<SignedEntry>, string][] = [
      [reverseRoof({ outcome: "rejected", decidesAt: on("2026-01-08") }), {}, "cites proposal 'The roofers never came', which has not passed (rejected)"],
      [reverseRoof({ outcome: "passed", decidesAt: on("2026-01-10") }), {}, "cites proposal 'The roofers never came', which passed only after this entry"],
      [reverseRoof({ outcome: "passed", decidesAt: on("2026-01-08") }, "other"), {}, "cites proposal 'The roofers never came', which reverses another payment"],
      [
        reverseRoof({ outcome: "passed", decidesAt: on("2026-01-08") }),
        { proposal: "roof" },
        "cites proposal 'Roof', which is not a proposal to reverse a payment",
      ],
    ];
    for (const [reversal, fields, reason] of cases) {
      const view = judgedWith(reversal, cyVoids(fields));
      expect(view.entries.find((candidate) => candidate.entry.id === "cy-void")).toMatchObject({ status: "untrusted", reason });
      expect(view.purse.EUR).toBe(700_00);
    }
  });

  it("reverses only a payment out of the purse, never a contribution", () => {
    const undoGift = proposal(
      { id: "undo-roof", kind: "reverse", title: "Not a gift", author: ada.publicKey, entry: "seed" },
      { outcome: "passed", decidesAt: on("2026-01-08") },
    );
    const view = purse(
      crypto,
      inShards(seed, paid, cyVoids({ of: "seed", ofBy: ada.publicKey, amount: 1000_00 })),
      communeState({ proposals: [roof, undoGift] }),
    );
    expect(view.entries.find((candidate) => candidate.entry.id === "cy-void")).toMatchObject({
      status: "untrusted",
      reason: "reverses seed, which is not a payment out of the purse",
    });
  });

  it("on the wire, names whose entry it voids and the proposal, both or neither", () => {
    const signed = cyVoids();
    expect(entrySchema.safeParse(signed).success).toBe(true);
    const { proposal: _proposal, ...withoutProposal } = signed;
    expect(entrySchema.safeParse(withoutProposal).error?.issues[0]?.message).toBe(
      "a void of another member's entry names whose it is (ofBy) and the proposal that allows it, both or neither",
    );
  });
});
