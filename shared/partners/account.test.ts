import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleSigner } from "../identity/crypto";
import { sign } from "../identity/signed";
import type { KeyPair } from "../identity/keys";
import { EUR, HOUR } from "../money/currency";
import type { SignedEntry } from "../purse/entry";
import { ada, bo, cy, di, entry, foundingRules, on, zed } from "../testing/purse-fixtures";
import { applyRuleChange } from "../commune/rules";
import { parseWith } from "../docs/reasons";
import { ruleChangeSchema } from "../docs/records";
import { creditLimitProblem, partnerAccount, type AccountSide, type PartnerAccount } from "./account";
import { acceptanceOf, declineOf, type SignedExchangeDecline } from "./exchange";

const RIVERSIDE = "0123456789abcdef0123456789abcdef";
const HILLSIDE = "fedcba9876543210fedcba9876543210";
const currencies = [EUR, HOUR];
/** Riverside's members are Ada and Bo; Hillside's, Cy and Di. Zed is on neither roster. */
const hillsideKeys: readonly string[] = [cy.publicKey, di.publicKey];
const riversideKeys: readonly string[] = [ada.publicKey, bo.publicKey];

const offer = (author: KeyPair, from: string, to: string, id: string, amount: number, currency = "EUR", at = on("2026-12-04")): SignedEntry =>
  entry(author, { commune: from, id, kind: "exchange", direction: "out", partner: to, offer: id, amount, currency, at });

const accept = (author: KeyPair, of: SignedEntry, changes: Partial<SignedEntry> = {}, at = of.at + 3_600_000): SignedEntry =>
  entry(author, { ...acceptanceOf(of, ""), commune: of.partner!, id: `in-${of.id}-${author.publicKey.slice(0, 4)}`, at, ...changes });

const decline = (author: KeyPair, of: SignedEntry, at = of.at + 7_200_000, reason = "Not this season"): SignedExchangeDecline =>
  sign(nobleSigner, "exchange-decline", declineOf(of.partner!, of, reason, at), author);

interface Records {
  riverside: { entries: SignedEntry[]; declines: SignedExchangeDecline[] };
  hillside: { entries: SignedEntry[]; declines: SignedExchangeDecline[] };
}

/** Each commune's account, reading its own records as counted and the other's as checked against the other's roster. */
function accounts(records: Records): { riverside: PartnerAccount; hillside: PartnerAccount } {
  const riverside: AccountSide = { id: RIVERSIDE, name: "Riverside", ...records.riverside };
  const hillside: AccountSide = { id: HILLSIDE, name: "Hillside", ...records.hillside };
  const ownOnly = (side: AccountSide, keys: readonly string[]): AccountSide => ({
    ...side,
    entries: side.entries.filter((record) => keys.includes(record.by)),
    declines: side.declines.filter((record) => keys.includes(record.by)),
  });
  return {
    riverside: partnerAccount({
      us: ownOnly(riverside, riversideKeys),
      them: hillside,
      onTheirRoster: (record) => hillsideKeys.includes(record.by),
      currencies,
    }),
    hillside: partnerAccount({
      us: ownOnly(hillside, hillsideKeys),
      them: riverside,
      onTheirRoster: (record) => riversideKeys.includes(record.by),
      currencies,
    }),
  };
}

const thirty = offer(ada, RIVERSIDE, HILLSIDE, "o-eur", 30_00);
const fourHours = offer(bo, RIVERSIDE, HILLSIDE, "o-hours", 4_00, "HOUR", on("2026-12-04", 2));

describe("the account with a partner commune", () => {
  it("reconciles 30 EUR and 4 hours Riverside sent and Hillside accepted: Hillside owes Riverside both, on both sides", () => {
    const both = accounts({
      riverside: { entries: [thirty, fourHours], declines: [] },
      hillside: { entries: [accept(cy, thirty), accept(di, fourHours)], declines: [] },
    });
    expect(both.riverside.words).toBe("Hillside owes us 30.00 EUR and 4.00 HOUR.");
    expect(both.hillside.words).toBe("We owe Riverside 30.00 EUR and 4.00 HOUR.");
    expect(both.riverside.position).toEqual({ EUR: 30_00, HOUR: 4_00 });
    expect(both.hillside.position).toEqual({ EUR: -30_00, HOUR: -4_00 });
    expect(both.riverside.mismatches).toEqual([]);
    expect(both.hillside.mismatches).toEqual([]);
    expect(both.riverside.exchanges.map((exchange) => exchange.words)).toEqual([
      "30.00 EUR Riverside sent Hillside on 2026-12-04: accepted on 2026-12-04.",
      "4.00 HOUR Riverside sent Hillside on 2026-12-04: accepted on 2026-12-04.",
    ]);
  });

  it("shows an exchange not yet accepted as offered, owed by no one, and says so on both sides", () => {
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [], declines: [] } });
    const line = "Hillside has not accepted the 30.00 EUR Riverside sent Hillside on 2026-12-04.";
    expect(both.riverside.mismatches).toEqual([line]);
    expect(both.hillside.mismatches).toEqual([line]);
    expect(both.riverside.exchanges[0]).toMatchObject({
      state: "offered",
      words: "30.00 EUR Riverside sent Hillside on 2026-12-04: offered, not yet accepted.",
    });
    expect(both.riverside.words).toBe("Nothing is owed either way between us and Hillside.");
    expect(both.riverside.offeredByUs).toEqual({ EUR: 30_00 });
  });

  it("counts a declined exchange for nothing, with the decline's reason", () => {
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [], declines: [decline(cy, thirty)] } });
    expect(both.riverside.exchanges[0]).toMatchObject({
      state: "declined",
      words: '30.00 EUR Riverside sent Hillside on 2026-12-04: declined by Hillside on 2026-12-04 ("Not this season").',
    });
    expect(both.riverside.position).toEqual({});
    expect(both.riverside.mismatches).toEqual([]);
    expect(both.hillside.exchanges[0]!.state).toBe("declined");
  });

  it("shows an acceptance in a different amount as a mismatch on both sides, and counts it for nothing", () => {
    const wrong = accept(cy, thirty, { amount: 20_00 });
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [wrong], declines: [] } });
    const line = "Hillside recorded accepting 20.00 EUR on 2026-12-04 under offer o-eur, but Riverside offered 30.00 EUR.";
    expect(both.riverside.mismatches).toContain(line);
    expect(both.hillside.mismatches).toContain(line);
    expect(both.riverside.position).toEqual({});
  });

  it("shows an acceptance in another currency, and one citing an entry Riverside never wrote, as mismatches", () => {
    const otherCurrency = accept(cy, thirty, { currency: "HOUR" });
    const neverSent = accept(di, offer(ada, RIVERSIDE, HILLSIDE, "o-ghost", 50_00, "EUR", on("2026-12-04", 5)));
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [otherCurrency, neverSent], declines: [] } });
    expect(both.riverside.mismatches).toEqual([
      "Hillside recorded accepting 30.00 HOUR on 2026-12-04 under offer o-eur, but Riverside offered 30.00 EUR.",
      "Hillside recorded accepting 50.00 EUR on 2026-12-04 under offer o-ghost, an exchange Riverside never offered.",
      "Hillside has not accepted the 30.00 EUR Riverside sent Hillside on 2026-12-04.",
    ]);
    expect(both.hillside.mismatches).toEqual(both.riverside.mismatches);
  });

  it("refuses a forged acceptance signed by a key not on Hillside's roster", () => {
    const forged = accept(zed, thirty);
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [forged], declines: [] } });
    expect(both.riverside.mismatches).toEqual([
      "An exchange of 30.00 EUR said to be from Hillside on 2026-12-04 is not signed by a member on Hillside's roster: it counts for nothing.",
      "Hillside has not accepted the 30.00 EUR Riverside sent Hillside on 2026-12-04.",
    ]);
    expect(both.riverside.position).toEqual({});
  });

  it("refuses a forged decline, so the exchange stays offered", () => {
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [], declines: [decline(zed, thirty)] } });
    expect(both.riverside.exchanges[0]!.state).toBe("offered");
    expect(both.riverside.mismatches[0]).toBe(
      "A decline said to be from Hillside on 2026-12-04 is not signed by a member on Hillside's roster: it counts for nothing.",
    );
  });

  it("counts an exchange accepted and then declined for nothing, and says both were recorded", () => {
    const both = accounts({ riverside: { entries: [thirty], declines: [] }, hillside: { entries: [accept(cy, thirty)], declines: [decline(di, thirty)] } });
    expect(both.riverside.exchanges[0]!.state).toBe("declined");
    expect(both.riverside.mismatches).toEqual([
      "Hillside both accepted and declined the 30.00 EUR Riverside sent Hillside on 2026-12-04: it counts for nothing.",
    ]);
    expect(both.hillside.position).toEqual({});
  });

  it("nets exchanges both ways: what Riverside accepted from Hillside is owed back", () => {
    const fromHillside = offer(cy, HILLSIDE, RIVERSIDE, "h-eur", 12_50);
    const both = accounts({
      riverside: { entries: [thirty, accept(ada, fromHillside)], declines: [] },
      hillside: { entries: [fromHillside, accept(cy, thirty)], declines: [] },
    });
    expect(both.riverside.words).toBe("Hillside owes us 17.50 EUR.");
    expect(both.hillside.words).toBe("We owe Riverside 17.50 EUR.");
  });

  it("ignores older exchanges that name the partner as free text, and exchanges with a third commune", () => {
    const freeText = entry(ada, { commune: RIVERSIDE, kind: "exchange", direction: "out", partner: "Hillside", amount: 5_00, at: on("2026-11-01") });
    const third = offer(ada, RIVERSIDE, "abababababababababababababababab", "o-third", 9_00);
    const both = accounts({ riverside: { entries: [freeText, third], declines: [] }, hillside: { entries: [], declines: [] } });
    expect(both.riverside.exchanges).toEqual([]);
  });
});

describe("the credit limit with a partner", () => {
  it("is set by rule changes merged per partner and currency, in the commune's currencies only", () => {
    const rules = { ...foundingRules, partnerCredit: { [HILLSIDE]: { EUR: 100_00 } } };
    const changed = applyRuleChange(rules, { partnerCredit: { [HILLSIDE]: { HOUR: 8_00 }, [RIVERSIDE]: { EUR: 1_00 } } });
    expect("rules" in changed && changed.rules.partnerCredit).toEqual({ [HILLSIDE]: { EUR: 100_00, HOUR: 8_00 }, [RIVERSIDE]: { EUR: 1_00 } });
    expect(applyRuleChange(rules, { partnerCredit: { [HILLSIDE]: { SEED: 5 } } })).toEqual({
      problem: "A partner's credit limit names SEED, which is not one of the commune's currencies",
    });
    const signed = parseWith(ruleChangeSchema, { partnerCredit: { Hillside: { EUR: 5 } } });
    expect(signed.ok ? "ok" : signed.error.message).toBe("partnerCredit.Hillside must map partner commune ids to amounts per currency");
  });

  it("lets an exchange out reach the limit, and refuses one that passes it, counting offers not yet answered", () => {
    const { riverside } = accounts({
      riverside: { entries: [thirty, offer(bo, RIVERSIDE, HILLSIDE, "o-2", 20_00)], declines: [] },
      hillside: { entries: [accept(cy, thirty)], declines: [] },
    });
    expect(creditLimitProblem(riverside, "Hillside", 50_00, EUR, 100_00)).toBeUndefined();
    expect(creditLimitProblem(riverside, "Hillside", 50_01, EUR, 100_00)).toBe(
      "Sending 50.01 EUR would take what Hillside owes us to 100.01 EUR (counting 20.00 EUR offered and not yet answered), past the credit limit of 100.00 EUR the commune set for Hillside.",
    );
    expect(creditLimitProblem(riverside, "Hillside", 1_000_000_00, EUR, undefined)).toBeUndefined();
  });
});

/**
 * A pool of signed records, made once: each exchange, given either way,
 * with every answer it may get. The properties pick from it, so a case
 * costs no signing.
 */
const POOL = Array.from({ length: 8 }, (_, index) => {
  const fromRiverside = index % 2 === 0;
  const author = fromRiverside ? (index % 4 === 0 ? ada : bo) : index % 4 === 1 ? cy : di;
  const answerer = fromRiverside ? cy : ada;
  const sent = offer(
    author,
    fromRiverside ? RIVERSIDE : HILLSIDE,
    fromRiverside ? HILLSIDE : RIVERSIDE,
    `o-${index}`,
    (index + 1) * 1_00,
    index % 3 === 0 ? "HOUR" : "EUR",
    on("2026-12-01", index),
  );
  return {
    fromRiverside,
    sent,
    answers: {
      none: { entries: [], declines: [] },
      accepted: { entries: [accept(answerer, sent)], declines: [] },
      declined: { entries: [], declines: [decline(answerer, sent)] },
      both: { entries: [accept(answerer, sent)], declines: [decline(answerer, sent, sent.at + 1)] },
      differing: { entries: [accept(answerer, sent, { amount: sent.amount + 1 })], declines: [] },
      forged: { entries: [accept(zed, sent)], declines: [decline(zed, sent)] },
    } as Record<string, { entries: SignedEntry[]; declines: SignedExchangeDecline[] }>,
  };
});

const scenario = fc.array(fc.tuple(fc.nat(POOL.length - 1), fc.constantFrom("none", "accepted", "declined", "both", "differing", "forged")), { maxLength: 8 });

function recordsOf(picks: readonly [number, string][]): Records {
  const records: Records = { riverside: { entries: [], declines: [] }, hillside: { entries: [], declines: [] } };
  for (const [index, answer] of picks) {
    const { fromRiverside, sent, answers } = POOL[index]!;
    const giver = fromRiverside ? records.riverside : records.hillside;
    const receiver = fromRiverside ? records.hillside : records.riverside;
    giver.entries.push(sent);
    receiver.entries.push(...answers[answer]!.entries);
    receiver.declines.push(...answers[answer]!.declines);
  }
  return records;
}

/** The same records in an order fast-check picks, some of them twice (a record read from two copies). */
const shuffled = <T>(list: readonly T[], order: readonly number[]): T[] => {
  const keyed = list.map((item, index) => ({ item, key: order[index % Math.max(order.length, 1)] ?? 0, index }));
  const arranged = keyed.sort((a, b) => a.key - b.key || b.index - a.index).map(({ item }) => item);
  return [...arranged, ...arranged.filter((_, index) => order[index] !== undefined && order[index]! % 3 === 0)];
};

describe("the account, whatever the order records arrive in", () => {
  it("is the same for every arrival order and duplication of the records (1,000 cases)", () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.nat(1000), { maxLength: 24 }), (picks, order) => {
        const records = recordsOf(picks);
        const again: Records = {
          riverside: { entries: shuffled(records.riverside.entries, order), declines: shuffled(records.riverside.declines, order) },
          hillside: { entries: shuffled(records.hillside.entries, order.slice().reverse()), declines: shuffled(records.hillside.declines, order) },
        };
        expect(accounts(again)).toEqual(accounts(records));
      }),
      { numRuns: 1000 },
    );
  });

  it("gives two communes exact opposite positions, and the same exchanges in the same states (1,000 cases)", () => {
    fc.assert(
      fc.property(scenario, (picks) => {
        const both = accounts(recordsOf(picks));
        const codes = new Set([...Object.keys(both.riverside.position), ...Object.keys(both.hillside.position)]);
        // Summed rather than negated: toBe tells 0 from -0.
        for (const code of codes) expect((both.riverside.position[code] ?? 0) + (both.hillside.position[code] ?? 0)).toBe(0);
        const states = (account: PartnerAccount) => account.exchanges.map((exchange) => [exchange.entry.sig, exchange.state]);
        expect(states(both.riverside)).toEqual(states(both.hillside));
      }),
      { numRuns: 1000 },
    );
  });
});
