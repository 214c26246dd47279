import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { LedgerRow, PartnerAccountView, PartnerOfferView } from "../../shared/commands/views";
import { AccountDetails } from "../../renderer/screens/partners/AccountDetails";
import { OfferSummary } from "../../renderer/screens/partners/OfferSummary";
import { exchangeStateWords, partnerIdProblem, partnersInLedger } from "../../renderer/screens/partners/partner-words";

/**
 * The Partners screen's words, rendered to HTML in Node: what a member reads
 * about a pasted offer, an exchange's state and the account with a partner.
 * The Chromium e2e (tests/e2e/partners.test.ts) drives the same screen.
 */
const RIVERSIDE = "0123456789abcdef0123456789abcdef";
const HILLSIDE = "fedcba9876543210fedcba9876543210";
const DAY = 86_400_000;
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

const row = (change: Partial<LedgerRow>): LedgerRow => ({
  n: 1,
  id: "e1",
  kind: "exchange",
  at: Date.UTC(2026, 11, 4),
  by: "k",
  byName: "Ada",
  amount: 3000,
  currency: "EUR",
  memo: "",
  status: "counted",
  ...change,
});

describe("a partner commune's id typed into the exchange form", () => {
  it("is asked for when empty, refused in words when it is not an id, and taken when it is", () => {
    expect(partnerIdProblem("  ")).toBe("Paste the partner commune's id.");
    expect(partnerIdProblem("Hillside")).toMatch(/32 characters, 0-9 and a-f/);
    expect(partnerIdProblem(`${HILLSIDE}0`)).toMatch(/32 characters/);
    expect(partnerIdProblem(` ${HILLSIDE} `)).toBeUndefined();
  });
});

describe("an exchange's state as the ledger has it", () => {
  it("says an exchange out is offered until the partner answers, a declined one counts for nothing, and one typed as text is ours alone", () => {
    expect(exchangeStateWords(row({ partner: HILLSIDE, partnerName: "Hillside", direction: "out", offer: "0f1e2d3c" }))).toBe(
      "Offered to Hillside: counts as given until Hillside accepts or declines it.",
    );
    expect(exchangeStateWords(row({ partner: HILLSIDE, direction: "out", offer: "0f1e2d3c", declinedAt: Date.UTC(2026, 11, 5) }))).toMatch(
      /^Declined by commune fedcba98 on .*2026: it counts for nothing from then on\.$/,
    );
    expect(exchangeStateWords(row({ partner: HILLSIDE, partnerName: "Hillside", direction: "in", offer: "0f1e2d3c" }))).toBe(
      "Accepted from Hillside into our purse.",
    );
    expect(exchangeStateWords(row({ partner: "the bakery", direction: "out" }))).toBe("Recorded by us alone: the bakery is not named as a commune.");
    expect(exchangeStateWords(row({ partner: HILLSIDE, direction: "out", offer: "x", status: "overdrawn", reason: "the purse had 10.00 EUR" }))).toBe(
      "Not counted: the purse had 10.00 EUR.",
    );
  });

  it("lists each partner commune the ledger names once, by name where it has one, and leaves out partners typed as text", () => {
    const rows = [
      row({ partner: HILLSIDE, direction: "out", offer: "a" }),
      row({ partner: HILLSIDE, partnerName: "Hillside", direction: "out", offer: "b" }),
      row({ partner: RIVERSIDE, direction: "in", offer: "c" }),
      row({ partner: "the bakery", direction: "out" }),
    ];
    expect(partnersInLedger(rows)).toEqual([
      { id: HILLSIDE, name: "Hillside" },
      { id: RIVERSIDE, name: "commune 01234567" },
    ]);
  });
});

describe("a pasted partner offer", () => {
  const offer: PartnerOfferView = {
    commune: RIVERSIDE,
    name: "Riverside",
    relays: ["wss://relay.example/"],
    by: "key",
    fingerprint: "ab12 cd34 ef56",
    at: Date.UTC(2026, 11, 1),
    expiresAt: Date.UTC(2026, 11, 1) + 14 * DAY,
  };

  it("shows who offers, their fingerprint, the relays and until when, and says what comes next", () => {
    const html = renderToStaticMarkup(createElement(OfferSummary, { offer, ourName: "Hillside" }));
    const words = text(html);
    expect(words).toContain("Riverside");
    expect(words).toContain(RIVERSIDE);
    expect(words).toContain("ab12 cd34 ef56");
    expect(words).toContain("wss://relay.example/");
    expect(words).toMatch(/Valid until .*2026/);
    expect(words).toContain("a proposal of kind “partner”");
    expect(words).toContain("Nothing has been proposed or agreed");
    expect(html).not.toMatch(/<button/);
  });
});

describe("the account with a partner", () => {
  const account: PartnerAccountView = {
    partner: HILLSIDE,
    name: "Hillside",
    words: "Hillside owes us 30.00 EUR.",
    position: { EUR: 3000 },
    offeredByUs: { EUR: 3000 },
    exchanges: [
      {
        offer: "0f1e2d3c",
        direction: "out",
        amount: 3000,
        currency: "EUR",
        at: Date.UTC(2026, 11, 4),
        state: "offered",
        words: "Hillside has not accepted 30.00 EUR sent on 4 December.",
      },
    ],
    mismatches: ["Hillside accepted 20.00 EUR of an exchange of 30.00 EUR we sent on 4 December."],
    checked: true,
    records: [],
  };

  it("gives the net position in words, each exchange with its state, and each mismatch", () => {
    const words = text(renderToStaticMarkup(createElement(AccountDetails, { account, currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] })));
    expect(words).toContain("Hillside owes us 30.00 EUR.");
    expect(words).toContain("Offered by us and not yet accepted: 30.00 EUR.");
    expect(words).toContain("Out");
    expect(words).toContain("30.00 EUR");
    expect(words).toContain("Offered");
    expect(words).toContain("Hillside has not accepted 30.00 EUR sent on 4 December.");
    expect(words).toContain("Hillside accepted 20.00 EUR of an exchange of 30.00 EUR we sent on 4 December.");
  });

  it("says only our side is shown while the partner's records have not reached us", () => {
    const words = text(renderToStaticMarkup(createElement(AccountDetails, { account: { ...account, checked: false, mismatches: [] }, currencies: [] })));
    expect(words).toContain("Only our side is shown");
    expect(words).not.toContain("No mismatches");
  });
});
