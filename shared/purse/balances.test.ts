import { describe, expect, it } from "vitest";
import type { CommuneState } from "../commune/state";
import { sign } from "../identity/signed";
import { purse, type EntryView, type PurseView, type ShardEntry } from "./balances";
import type { SignedEntry } from "./entry";
import {
  COMMUNE,
  OTHER_COMMUNE,
  ada,
  bo,
  communeState,
  cy,
  di,
  ed,
  entry,
  inShard,
  inShards,
  on,
  proposal,
  rememberingSignatureCheck,
  spendProposal,
  zed,
  type Decision,
} from "../testing/purse-fixtures";
import { disbursementFor, type SpendProposal } from "./spend-authority";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const state = communeState();

/** Ada puts 1,000.00 EUR into the purse on 5 January. */
const seed = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 1000_00 });

const viewOf = (view: PurseView, signed: SignedEntry): EntryView => {
  const found = view.entries.find((candidate) => candidate.entry === signed);
  if (!found) throw new Error("entry missing from the view");
  return found;
};

/** The bad entry is untrusted for `reason`, and the balances are those without it. */
function expectIgnored(bad: ShardEntry, reason: string, within: CommuneState = state, others: ShardEntry[] = inShards(seed)) {
  const without = purse(crypto, others, within);
  const withIt = purse(crypto, [...others, bad], within);
  expect(viewOf(withIt, bad.entry)).toEqual({ entry: bad.entry, status: "untrusted", reason });
  expect(withIt.purse).toEqual(without.purse);
  expect(withIt.members).toEqual(without.members);
}

const unsigned = (signed: SignedEntry): SignedEntry => {
  const { sig: _sig, ...fields } = signed;
  return fields as SignedEntry;
};

const passed = (at: string): Decision => ({ outcome: "passed", decidesAt: on(at) });

describe("canonical order", () => {
  it("lists entries by time, then author, id and signature, whatever order they arrive in", () => {
    const at = on("2026-01-06");
    const arrived = [
      entry(cy, { kind: "contribution", at: on("2026-01-07"), amount: 100 }),
      entry(bo, { kind: "contribution", at, amount: 100, id: "c" }),
      entry(bo, { kind: "contribution", at, amount: 100, id: "b" }),
      entry(ada, { kind: "contribution", at, amount: 100, id: "z" }),
      entry(bo, { kind: "contribution", at, amount: 200, id: "b" }),
      seed,
    ];
    const key = (signed: SignedEntry) => [String(signed.at).padStart(16, "0"), signed.by, signed.id, signed.sig].join("|");
    const expected = [...arrived].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    for (const order of [arrived, [...arrived].reverse(), [...arrived.slice(3), ...arrived.slice(0, 3)]]) {
      expect(purse(crypto, inShards(...order), state).entries.map((view) => view.entry)).toEqual(expected);
    }
  });

  it("compares ids by code unit, not by the locale's alphabet", () => {
    const lower = entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 100, id: "a" });
    const upper = entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 100, id: "B" });
    expect("a".localeCompare("B")).toBeLessThan(0);
    expect(purse(crypto, inShards(lower, upper), state).entries.map((view) => view.entry.id)).toEqual(["B", "a"]);
  });

  it("places a copy of an entry in another member's shard identically for every arrival order", () => {
    const gift = entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 100 });
    const copies = [inShard(gift), inShard(gift, cy.publicKey)];
    const view = purse(crypto, copies, state);
    expect(purse(crypto, [...copies].reverse(), state)).toEqual(view);
    expect(view.entries.map((item) => item.status).sort()).toEqual(["counted", "untrusted"]);
  });
});

describe("what counted entries do", () => {
  it("adds a contribution to the purse and to its author's standing", () => {
    const view = purse(crypto, inShards(seed), state);
    expect(view.purse.EUR).toBe(1000_00);
    expect(view.members[ada.publicKey]!.EUR).toBe(1000_00);
    expect(viewOf(view, seed)).toEqual({ entry: seed, status: "counted", balanceAfter: 1000_00 });
  });

  it("pays a disbursement to a member out of the purse and lowers that member's standing", () => {
    const pay = entry(ada, { kind: "disbursement", at: on("2026-01-06"), amount: 40_00, to: bo.publicKey });
    const view = purse(crypto, inShards(seed, pay), state);
    expect(view.purse.EUR).toBe(960_00);
    expect(view.members[bo.publicKey]!.EUR).toBe(-40_00);
    expect(view.members[ada.publicKey]!.EUR).toBe(1000_00);
    expect(viewOf(view, pay).balanceAfter).toBe(960_00);
  });

  it("pays an outside payee out of the purse without changing any member's standing", () => {
    const pay = entry(bo, { kind: "disbursement", at: on("2026-01-06"), amount: 25_00, payee: "Bakery" });
    const view = purse(crypto, inShards(seed, pay), state);
    expect(view.purse.EUR).toBe(975_00);
    expect(view.members[bo.publicKey]!.EUR).toBe(0);
    expect(view.members[ada.publicKey]!.EUR).toBe(1000_00);
  });

  it("moves standing from the author to the recipient of a transfer and leaves the purse alone", () => {
    const give = entry(ada, { kind: "transfer", at: on("2026-01-06"), amount: 300_00, to: cy.publicKey });
    const view = purse(crypto, inShards(seed, give), state);
    expect(view.purse.EUR).toBe(1000_00);
    expect(view.members[ada.publicKey]!.EUR).toBe(700_00);
    expect(view.members[cy.publicKey]!.EUR).toBe(300_00);
    expect(viewOf(view, give).balanceAfter).toBe(1000_00);
  });

  it("lets a member's standing go below zero, since drawing on the common purse is the point", () => {
    const give = entry(bo, { kind: "transfer", at: on("2026-01-06"), amount: 70_00, to: cy.publicKey });
    const draw = entry(ada, { kind: "disbursement", at: on("2026-01-07"), amount: 50_00, to: bo.publicKey });
    const view = purse(crypto, inShards(seed, give, draw), state);
    expect(view.members[bo.publicKey]!.EUR).toBe(-120_00);
    expect(view.entries.every((item) => item.status === "counted")).toBe(true);
  });

  it("adds an incoming exchange to the purse and takes an outgoing one out, without changing standings", () => {
    const incoming = entry(bo, { kind: "exchange", at: on("2026-01-06"), amount: 80_00, partner: "Hillside", direction: "in" });
    const outgoing = entry(cy, { kind: "exchange", at: on("2026-01-07"), amount: 30_00, partner: "Hillside", direction: "out" });
    const view = purse(crypto, inShards(seed, incoming, outgoing), state);
    expect(view.purse.EUR).toBe(1050_00);
    expect(viewOf(view, incoming).balanceAfter).toBe(1080_00);
    expect(view.members[bo.publicKey]!.EUR).toBe(0);
    expect(view.members[cy.publicKey]!.EUR).toBe(0);
  });

  it("keeps each currency's balances apart", () => {
    const hours = entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 3_50, currency: "HOUR" });
    const view = purse(crypto, inShards(seed, hours), state);
    expect(view.purse).toEqual({ EUR: 1000_00, HOUR: 3_50 });
    expect(view.members[bo.publicKey]).toEqual({ EUR: 0, HOUR: 3_50 });
    expect(viewOf(view, hours).balanceAfter).toBe(3_50);
  });

  it("lists every member and every currency, at zero when nothing touched them", () => {
    const view = purse(crypto, [], state);
    expect(view.entries).toEqual([]);
    expect(view.purse).toEqual({ EUR: 0, HOUR: 0 });
    expect(Object.keys(view.members).sort()).toEqual(Object.keys(state.members).sort());
    expect(view.members[di.publicKey]).toEqual({ EUR: 0, HOUR: 0 });
  });

  it("verifies each entry's signature exactly once", () => {
    const check = rememberingSignatureCheck();
    const entries = inShards(seed, entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 100 }), seed);
    purse(crypto, entries, state, { checkSignature: check });
    expect(check.calls()).toBe(3);
  });
});

describe("entries that count for nothing", () => {
  const gift = (fields: Partial<Parameters<typeof entry>[1]> = {}) => entry(bo, { kind: "contribution", at: on("2026-01-10"), amount: 5_00, ...fields });

  it("excludes an unsigned entry from every balance", () => {
    expectIgnored(inShard(unsigned(gift())), "unsigned");
    expectIgnored(inShard({ ...gift(), sig: "" }), "unsigned");
  });

  it("excludes an entry whose amount was altered after signing", () => {
    expectIgnored(inShard({ ...gift(), amount: 500_00 }), "altered after signing or badly signed");
  });

  it("excludes an entry signed by another key than the author it names", () => {
    const forged = { ...entry(zed, { kind: "contribution", at: on("2026-01-10"), amount: 5_00 }), by: bo.publicKey };
    expectIgnored(inShard(forged), "altered after signing or badly signed");
  });

  it("excludes a contribution signed by a non-member, naming the key by its first digits", () => {
    const outsider = entry(zed, { kind: "contribution", at: on("2026-01-10"), amount: 5_00 });
    expectIgnored(inShard(outsider), `${zed.publicKey.slice(0, 8)} was not a member of the commune at 10 January 2026, 00:00 UTC`);
  });

  it("excludes a transfer signed by a non-member from every balance", () => {
    const outsider = entry(zed, { kind: "transfer", at: on("2026-01-10"), amount: 5_00, to: bo.publicKey });
    expectIgnored(inShard(outsider), `${zed.publicKey.slice(0, 8)} was not a member of the commune at 10 January 2026, 00:00 UTC`);
  });

  it("excludes an entry a member signed after their removal, but keeps what they wrote while active", () => {
    const before = entry(di, { kind: "contribution", at: on("2026-01-15"), amount: 20_00 });
    const after = entry(di, { kind: "disbursement", at: on("2026-02-10"), amount: 20_00, to: di.publicKey });
    expectIgnored(
      inShard(after),
      "Di was not an active member at 10 February 2026, 00:00 UTC: fixture at 1 February 2026, 00:00 UTC",
      state,
      inShards(seed, before),
    );
    expect(purse(crypto, inShards(seed, before, after), state).members[di.publicKey]!.EUR).toBe(20_00);
  });

  it("excludes an entry written before its author was admitted, and counts one written after", () => {
    const early = entry(ed, { kind: "contribution", at: on("2026-02-15"), amount: 10_00 });
    const admitted = entry(ed, { kind: "contribution", at: on("2026-03-02"), amount: 10_00 });
    expectIgnored(inShard(early), "Ed was not an active member at 15 February 2026, 00:00 UTC: fixture at 1 February 2026, 00:00 UTC");
    expect(viewOf(purse(crypto, inShards(seed, admitted), state), admitted).status).toBe("counted");
  });

  it("excludes an entry found in another member's purse shard", () => {
    expectIgnored(inShard(gift(), cy.publicKey), "written into another member's purse shard");
  });

  it("excludes an entry of another commune", () => {
    expectIgnored(inShard(gift({ commune: OTHER_COMMUNE })), "belongs to another commune");
  });

  it("counts an entry found twice only once", () => {
    const once = gift();
    expectIgnored(inShard({ ...once }), "duplicate of an earlier entry", state, inShards(seed, once));
  });

  it("names the author of a second version of an entry under its id, and counts the first", () => {
    const first = gift({ id: "shared-id" });
    const reused = gift({ id: "shared-id", at: on("2026-01-11"), amount: 9_00 });
    const view = purse(crypto, inShards(seed, first, reused), state);
    expect(viewOf(view, reused)).toEqual({
      entry: reused,
      status: "untrusted",
      code: "record.equivocation",
      reason: `Bo signed a second version of the contribution shared-id: 5.00 EUR → 9.00 EUR, date: 2026-01-10T00:00:00.000Z → 2026-01-11T00:00:00.000Z; the first counts`,
    });
    expect(view.purse).toEqual(purse(crypto, inShards(seed, first), state).purse);
  });

  it("does not let a forged copy dated earlier displace the genuine entry with that id", () => {
    const genuine = gift({ id: "target" });
    const forged = { ...genuine, at: on("2026-01-06"), amount: 1 };
    const view = purse(crypto, inShards(seed, forged, genuine), state);
    expect(viewOf(view, forged).reason).toBe("altered after signing or badly signed");
    expect(viewOf(view, genuine).status).toBe("counted");
  });

  it.each([0, -5_00, "500"])("excludes an entry whose amount is %j", (amount) => {
    expectIgnored(inShard(gift({ amount: amount as number })), "its amount is not a positive whole number of the currency's smallest unit");
  });

  it("excludes an entry in a currency the commune does not have", () => {
    expectIgnored(inShard(gift({ currency: "XYZ" })), "is in XYZ, which was not one of the commune's currencies on 2026-01-10");
  });

  it("excludes an entry in a currency written before a rule change added it, and counts it after", () => {
    const meal = { code: "MEAL", name: "Shared meals", decimals: 0 };
    const rules = state.rules[0]!.rules;
    const withMeals = { ...rules, currencies: [...rules.currencies, meal] };
    const later = communeState({ laterRules: [{ from: on("2026-06-01"), rules: withMeals, proposal: "meals" }] });
    expectIgnored(inShard(gift({ currency: "MEAL", at: on("2026-05-31") })), "is in MEAL, which was not one of the commune's currencies on 2026-05-31", later);
    const counted = gift({ currency: "MEAL", at: on("2026-06-01"), amount: 3 });
    expect(purse(crypto, inShards(counted), later).purse.MEAL).toBe(3);
  });

  it("excludes transfers to no one, to their own author, or to someone who was not a member then", () => {
    const transfer = (fields: object) => entry(bo, { kind: "transfer", at: on("2026-02-10"), amount: 5_00, ...fields });
    expectIgnored(inShard(transfer({})), "is a transfer to no one");
    expectIgnored(inShard(transfer({ to: bo.publicKey })), "is a transfer from its author to themselves");
    expectIgnored(
      inShard(transfer({ to: di.publicKey })),
      "transfers to Di, who was not an active member at 10 February 2026, 00:00 UTC: fixture at 1 February 2026, 00:00 UTC",
    );
    expectIgnored(
      inShard(transfer({ to: zed.publicKey })),
      `transfers to ${zed.publicKey.slice(0, 8)}, who was not a member of the commune at 10 February 2026, 00:00 UTC`,
    );
  });

  it("excludes disbursements that pay both a member and an outsider, no one, or a former member", () => {
    const pay = (fields: object) => entry(bo, { kind: "disbursement", at: on("2026-02-10"), amount: 5_00, ...fields });
    expectIgnored(inShard(pay({ to: cy.publicKey, payee: "Bakery" })), "names both a member and an outside payee; a disbursement pays one of them");
    expectIgnored(inShard(pay({})), "pays no one: a disbursement names a member or an outside payee");
    expectIgnored(inShard(pay({ payee: "  " })), "names an outside payee without a name");
    expectIgnored(
      inShard(pay({ to: di.publicKey })),
      "pays Di, who was not an active member at 10 February 2026, 00:00 UTC: fixture at 1 February 2026, 00:00 UTC",
    );
  });

  it("excludes exchanges without a partner commune or a direction", () => {
    const exchange = (fields: object) => entry(bo, { kind: "exchange", at: on("2026-02-10"), amount: 5_00, ...fields });
    expectIgnored(inShard(exchange({ direction: "in" })), "names no partner commune");
    expectIgnored(inShard(exchange({ partner: "", direction: "in" })), "names no partner commune");
    expectIgnored(inShard(exchange({ partner: "Hillside" })), "has no direction: an exchange goes in or out of the purse");
    expectIgnored(inShard(exchange({ partner: "Hillside", direction: "sideways" })), "has no direction: an exchange goes in or out of the purse");
  });

  it("excludes an entry of a kind the purse does not know", () => {
    expectIgnored(inShard(gift({ kind: "gift" as never })), "is of a kind the purse does not know");
  });

  it("explains, without failing, signed entries whose fields hold the wrong types", () => {
    const badDate = sign(crypto, "entry", { commune: COMMUNE, id: "x1", kind: "contribution", at: "yesterday", amount: 5, currency: "EUR", memo: "" }, bo);
    const badId = sign(crypto, "entry", { commune: COMMUNE, id: 7, kind: "contribution", at: on("2026-01-10"), amount: 5, currency: "EUR", memo: "" }, bo);
    const badTo = sign(
      crypto,
      "entry",
      { commune: COMMUNE, id: "x3", kind: "transfer", at: on("2026-01-10"), amount: 5, currency: "EUR", memo: "", to: 42 },
      bo,
    );
    const badProposal = sign(
      crypto,
      "entry",
      { commune: COMMUNE, id: "x4", kind: "disbursement", at: on("2026-01-10"), amount: 90_00, currency: "EUR", memo: "", payee: "Shop", proposal: ["roof"] },
      bo,
    );
    expectIgnored(inShard(badDate as unknown as SignedEntry), "has no valid date");
    expectIgnored(inShard(badId as unknown as SignedEntry), "has no id");
    expectIgnored(inShard(badTo as unknown as SignedEntry), "transfers to 42, who was not a member of the commune at 10 January 2026, 00:00 UTC");
    expectIgnored(inShard(badProposal as unknown as SignedEntry), "cites a proposal the commune does not have");
  });
});

describe("spend authority", () => {
  const roof = spendProposal({ id: "roof", title: "New roof", amount: 600_00, payee: { outside: "Roofers Ltd" } }, passed("2026-01-20"));
  const withRoof = (decision: Decision = passed("2026-01-20")) => communeState({ proposals: [{ ...roof, tally: { ...roof.tally, ...decision } }] });
  const OVER = "above the spend limit of 50.00 EUR a month per member";
  const payRoofers = (amount: number, fields: object = {}) =>
    entry(bo, { kind: "disbursement", at: on("2026-01-21"), amount, payee: "Roofers Ltd", proposal: "roof", ...fields });

  it("counts a disbursement up to the spend limit without a proposal", () => {
    const pay = entry(bo, { kind: "disbursement", at: on("2026-01-06"), amount: 50_00, payee: "Hardware" });
    expect(viewOf(purse(crypto, inShards(seed, pay), state), pay).status).toBe("counted");
  });

  it("excludes a disbursement above the spend limit that cites no proposal", () => {
    const pay = entry(bo, { kind: "disbursement", at: on("2026-01-06"), amount: 50_01, payee: "Hardware" });
    expectIgnored(inShard(pay), `${OVER} and cites no passed spend proposal`);
  });

  it("counts a disbursement above the limit that a passed spend proposal allows", () => {
    const pay = payRoofers(600_00);
    const view = purse(crypto, inShards(seed, pay), withRoof());
    expect(viewOf(view, pay)).toEqual({ entry: pay, status: "counted", balanceAfter: 400_00 });
  });

  it.each<[string, Decision["outcome"]]>([
    ["was rejected", "rejected"],
    ["is still open", "open"],
    ["expired without a decision", "expired"],
  ])("excludes a disbursement citing a proposal that %s, whether above the limit or not", (words, outcome) => {
    const decided = withRoof({ outcome, decidesAt: on("2026-01-20") });
    expectIgnored(inShard(payRoofers(300_00)), `cites proposal 'New roof', which ${words}`, decided);
    expectIgnored(inShard(payRoofers(10_00)), `cites proposal 'New roof', which ${words}`, decided);
  });

  it("excludes a disbursement written before its proposal passed, and counts one written at that moment", () => {
    const early = payRoofers(300_00, { at: on("2026-01-19") });
    expectIgnored(inShard(early), "cites proposal 'New roof', which passed only on 2026-01-20, after this entry", withRoof());
    const onTime = payRoofers(300_00, { at: on("2026-01-20") });
    expect(viewOf(purse(crypto, inShards(seed, onTime), withRoof()), onTime).status).toBe("counted");
  });

  it("excludes a disbursement citing a proposal the commune does not have, or one that is not a spend", () => {
    const party = proposal({ kind: "general", id: "party", title: "Summer party" }, passed("2026-01-20"));
    const withParty = communeState({ proposals: [party] });
    const unknown = payRoofers(300_00, { proposal: "nope" });
    expectIgnored(inShard(unknown), "cites a proposal the commune does not have", withParty);
    const general = payRoofers(300_00, { proposal: "party" });
    expectIgnored(inShard(general), "cites proposal 'Summer party', which is not a spend proposal", withParty);
  });

  it("excludes a disbursement in another currency than its proposal", () => {
    const hours = entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 1000_00, currency: "HOUR" });
    expectIgnored(inShard(payRoofers(300_00, { currency: "HOUR" })), "proposal 'New roof' allows EUR, not HOUR", withRoof(), inShards(seed, hours));
  });

  it("excludes a disbursement to another payee than its proposal names", () => {
    expectIgnored(inShard(payRoofers(300_00, { payee: "Cheap Roofs" })), "proposal 'New roof' pays 'Roofers Ltd', not 'Cheap Roofs'", withRoof());
    const bike = spendProposal({ id: "bike", title: "Bo's bike", amount: 200_00, payee: { member: bo.publicKey } }, passed("2026-01-20"));
    const toCy = entry(ada, { kind: "disbursement", at: on("2026-01-21"), amount: 200_00, to: cy.publicKey, proposal: "bike" });
    expectIgnored(inShard(toCy), "proposal 'Bo's bike' pays Bo, not Cy", communeState({ proposals: [bike] }));
    const toBo = entry(ada, { kind: "disbursement", at: on("2026-01-21"), amount: 200_00, to: bo.publicKey, proposal: "bike" });
    expect(purse(crypto, inShards(seed, toBo), communeState({ proposals: [bike] })).members[bo.publicKey]!.EUR).toBe(-200_00);
  });

  it("lets every counted entry citing a proposal use it up, and no further than its amount", () => {
    const first = payRoofers(550_00);
    const tooMuch = payRoofers(100_00, { at: on("2026-01-22") });
    const rest = payRoofers(50_00, { at: on("2026-01-23") });
    const beyond = payRoofers(50_01, { at: on("2026-01-24") });
    const view = purse(crypto, inShards(seed, first, tooMuch, rest, beyond), withRoof());
    expect(viewOf(view, tooMuch).reason).toBe("proposal 'New roof' allows 600.00 EUR and 550.00 EUR of it is already spent");
    expect(viewOf(view, rest).status).toBe("counted");
    expect(viewOf(view, beyond).reason).toBe("proposal 'New roof' allows 600.00 EUR and 600.00 EUR of it is already spent");
    expect(view.purse.EUR).toBe(400_00);
  });

  it("uses up a proposal only with entries that counted", () => {
    const small = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 100_00 });
    const overdrawn = payRoofers(500_00);
    const topUp = entry(ada, { kind: "contribution", at: on("2026-01-22"), amount: 1000_00 });
    const whole = payRoofers(600_00, { at: on("2026-01-23") });
    const view = purse(crypto, inShards(small, overdrawn, topUp, whole), withRoof());
    expect(viewOf(view, overdrawn).status).toBe("overdrawn");
    expect(viewOf(view, whole).status).toBe("counted");
  });

  it("refuses the small disbursements that would pay a 100 EUR proposal out twice", () => {
    const shed = spendProposal({ id: "shed", title: "Shed", amount: 100_00, payee: { outside: "Roofers Ltd" } }, passed("2026-01-20"));
    const withShed = communeState({ proposals: [shed] });
    const executed = payRoofers(100_00, { proposal: "shed" });
    const firstHalf = payRoofers(50_00, { proposal: "shed", at: on("2026-01-22") });
    const secondHalf = payRoofers(50_00, { proposal: "shed", at: on("2026-01-23") });
    const view = purse(crypto, inShards(seed, secondHalf, executed, firstHalf), withShed);
    expect(viewOf(view, executed).status).toBe("counted");
    for (const piece of [firstHalf, secondHalf]) {
      expect(viewOf(view, piece).reason).toBe("proposal 'Shed' allows 100.00 EUR and 100.00 EUR of it is already spent");
    }
    expect(view.purse.EUR).toBe(900_00);
  });

  it("caps a proposal's executed and manual entries together, to the minor unit", () => {
    const manual = payRoofers(30_00);
    const executed = payRoofers(569_99, { at: on("2026-01-22") });
    const lastCent = payRoofers(1, { at: on("2026-01-23") });
    const overByOne = payRoofers(1, { at: on("2026-01-24") });
    const view = purse(crypto, inShards(seed, manual, executed, lastCent, overByOne), withRoof());
    expect([manual, executed, lastCent].map((signed) => viewOf(view, signed).status)).toEqual(["counted", "counted", "counted"]);
    expect(viewOf(view, overByOne).reason).toBe("proposal 'New roof' allows 600.00 EUR and 600.00 EUR of it is already spent");
  });

  it("judges a small entry by the proposal it cites, not by the limit it would fit under", () => {
    expectIgnored(inShard(payRoofers(10_00, { proposal: "nope" })), "cites a proposal the commune does not have", withRoof());
    expectIgnored(
      inShard(payRoofers(10_00, { at: on("2026-01-19") })),
      "cites proposal 'New roof', which passed only on 2026-01-20, after this entry",
      withRoof(),
    );
    expectIgnored(inShard(payRoofers(10_00, { payee: "Cheap Roofs" })), "proposal 'New roof' pays 'Roofers Ltd', not 'Cheap Roofs'", withRoof());
  });

  it("holds outgoing exchanges to the spend limit without matching payees, and lets incoming ones in freely", () => {
    const out = (fields: object) => entry(cy, { kind: "exchange", at: on("2026-01-21"), amount: 300_00, partner: "Hillside", direction: "out", ...fields });
    expectIgnored(inShard(out({})), `${OVER} and cites no passed spend proposal`);
    const cited = out({ proposal: "roof" });
    const incoming = entry(cy, { kind: "exchange", at: on("2026-01-21"), amount: 5000_00, partner: "Hillside", direction: "in" });
    const view = purse(crypto, inShards(seed, cited, incoming), withRoof());
    expect(viewOf(view, cited).status).toBe("counted");
    expect(viewOf(view, incoming).status).toBe("counted");
    expect(view.purse.EUR).toBe(5700_00);
  });

  it("needs a proposal for any spend in a currency without a spend limit", () => {
    const hours = entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 10_00, currency: "HOUR" });
    const pay = entry(bo, { kind: "disbursement", at: on("2026-01-07"), amount: 1, currency: "HOUR", to: cy.publicKey });
    expectIgnored(inShard(pay), "above the spend limit of 0.00 HOUR a month per member and cites no passed spend proposal", state, inShards(hours));
  });

  it("applies the spend limit of the rules in force when the entry was written", () => {
    const rules = state.rules[0]!.rules;
    const raised = communeState({ laterRules: [{ from: on("2026-03-01"), rules: { ...rules, spendLimit: { EUR: 200_00 } }, proposal: "limit" }] });
    const before = entry(bo, { kind: "disbursement", at: on("2026-02-28"), amount: 150_00, payee: "Hardware" });
    const after = entry(bo, { kind: "disbursement", at: on("2026-03-01"), amount: 150_00, payee: "Hardware" });
    expectIgnored(inShard(before), `${OVER} and cites no passed spend proposal`, raised);
    expect(viewOf(purse(crypto, inShards(seed, after), raised), after).status).toBe("counted");
  });

  it("drafts the disbursement a passed spend proposal allows, which then counts above the limit", () => {
    expect(disbursementFor(roof.proposal as SpendProposal)).toEqual({
      kind: "disbursement",
      amount: 600_00,
      currency: "EUR",
      payee: "Roofers Ltd",
      proposal: "roof",
      memo: "New roof",
    });
    const bike = spendProposal({ id: "bike", title: "Bo's bike", amount: 200_00, payee: { member: bo.publicKey } }, passed("2026-01-20"));
    const draft = disbursementFor(bike.proposal as SpendProposal);
    expect(draft).toEqual({ kind: "disbursement", amount: 200_00, currency: "EUR", to: bo.publicKey, proposal: "bike", memo: "Bo's bike" });
    const signed = sign(crypto, "entry", { ...draft, commune: COMMUNE, id: "pay-bike", at: on("2026-01-21") }, cy);
    const view = purse(crypto, inShards(seed, signed), communeState({ proposals: [bike] }));
    expect(viewOf(view, signed).status).toBe("counted");
    expect(view.members[bo.publicKey]!.EUR).toBe(-200_00);
  });
});

describe("overdrawing the purse", () => {
  it("marks a spend that would take the purse below zero as overdrawn and counts nothing of it", () => {
    const small = entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 40_00 });
    const pay = entry(bo, { kind: "disbursement", at: on("2026-01-06"), amount: 45_00, to: bo.publicKey });
    const out = entry(bo, { kind: "exchange", at: on("2026-01-06"), amount: 40_01, partner: "Hillside", direction: "out" });
    const view = purse(crypto, inShards(small, pay, out), state);
    expect(viewOf(view, pay)).toEqual({ entry: pay, status: "overdrawn", reason: "would take the purse below zero (balance 40.00 EUR)" });
    expect(viewOf(view, out).status).toBe("overdrawn");
    expect(view.purse.EUR).toBe(40_00);
    expect(view.members[bo.publicKey]!.EUR).toBe(0);
  });

  it("lets exactly one of two members spending the last 100 EUR count, the same one whatever the arrival order", () => {
    const proposals = [
      spendProposal({ id: "bike", title: "Bike repair", amount: 100_00, payee: { outside: "Bike shop" } }, passed("2026-01-20")),
      spendProposal({ id: "seeds", title: "Seeds", amount: 100_00, payee: { outside: "Seed co-op" } }, passed("2026-01-20")),
    ];
    const within = communeState({ proposals });
    const last = entry(ada, { kind: "contribution", at: on("2026-01-21"), amount: 100_00 });
    const spends = [
      entry(bo, { kind: "disbursement", at: on("2026-01-22", 9), amount: 100_00, payee: "Bike shop", proposal: "bike" }),
      entry(cy, { kind: "disbursement", at: on("2026-01-22", 9), amount: 100_00, payee: "Seed co-op", proposal: "seeds" }),
    ];
    const first = [...spends].sort((a, b) => (a.by < b.by ? -1 : 1))[0]!;
    const orders = [
      [last, spends[0]!, spends[1]!],
      [last, spends[1]!, spends[0]!],
      [spends[0]!, last, spends[1]!],
      [spends[1]!, last, spends[0]!],
      [spends[0]!, spends[1]!, last],
      [spends[1]!, spends[0]!, last],
    ];
    const views = orders.map((order) => purse(crypto, inShards(...order), within));
    for (const view of views) {
      expect(view).toEqual(views[0]);
      expect(spends.map((spend) => viewOf(view, spend).status).sort()).toEqual(["counted", "overdrawn"]);
      expect(viewOf(view, first).status).toBe("counted");
      expect(view.purse.EUR).toBe(0);
    }
    const loser = spends.find((spend) => spend !== first)!;
    expect(viewOf(views[0]!, loser).reason).toBe("would take the purse below zero (balance 0.00 EUR)");
  });
});

// How fast is for `npm run bench` (docs/performance.md), never a timed assertion on a shared machine.
describe("scale", () => {
  it("judges 100,000 entries in one pass", () => {
    const people = [ada, bo, cy].map((keys) => keys.publicKey);
    const entries: ShardEntry[] = [];
    for (let i = 0; i < 100_000; i++) {
      const by = people[i % 3]!;
      const fields =
        i % 4 === 3 ? { kind: "disbursement" as const, to: people[(i + 1) % 3]!, amount: 40_00 } : { kind: "contribution" as const, amount: 10_00 + (i % 7) };
      const at = on("2026-01-10") + ((i * 7919) % 10_000_000);
      entries.push({ entry: { commune: COMMUNE, id: `e${i}`, at, currency: "EUR", memo: "", by, sig: `s${i}`, ...fields }, shardOwner: by });
    }
    const view = purse(crypto, entries, state, { checkSignature: () => undefined });
    expect(view.entries).toHaveLength(100_000);
    expect(view.counts.counted + view.counts.overdrawn + view.counts.untrusted).toBe(100_000);
    expect(view.purse.EUR).toBeGreaterThanOrEqual(0);
  });
});
