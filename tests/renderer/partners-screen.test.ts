import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { LedgerRow, PartnerAccountView, PartnerOfferView, PartnerOfferedView, PartnerSharedView, PartnerView } from "../../shared/commands/views";
import { AccountDetails } from "../../renderer/screens/partners/AccountDetails";
import { linkWords } from "../../renderer/screens/purse/Ledger";
import { OfferSummary } from "../../renderer/screens/partners/OfferSummary";
import { OfferedExchange } from "../../renderer/screens/partners/OfferedExchange";
import { SharedItems } from "../../renderer/screens/partners/SharedItems";
import { acceptedOffers, exchangeStateWords, partnerIdProblem, partnersInLedger, partnershipWords } from "../../renderer/screens/partners/partner-words";

/**
 * The Partners screen's words, rendered to HTML in Node: what a member reads
 * about a pasted offer, an exchange's state and the account with a partner.
 * The Chromium e2e (tests/e2e/partners.test.ts) drives the same screen.
 */
const RIVERSIDE = "0123456789abcdef0123456789abcdef";
const HILLSIDE = "fedcba9876543210fedcba9876543210";
const DAY = 86_400_000;
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

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

  it("says an exchange out is accepted once the account with the partner has its acceptance", () => {
    const out = row({ partner: HILLSIDE, partnerName: "Hillside", direction: "out", offer: "0f1e2d3c" });
    const account = (state: "offered" | "accepted", partner = HILLSIDE): PartnerAccountView => ({
      partner,
      name: "Hillside",
      words: "",
      position: {},
      offeredByUs: {},
      exchanges: [{ offer: "0f1e2d3c", direction: "out", amount: 3000, currency: "EUR", at: 0, state, words: "" }],
      mismatches: [],
      checked: true,
      records: [],
    });
    expect(exchangeStateWords(out, acceptedOffers([account("accepted")]))).toBe("Accepted by Hillside into its purse.");
    expect(exchangeStateWords(out, acceptedOffers([account("offered")]))).toMatch(/^Offered to Hillside/);
    expect(exchangeStateWords(out, acceptedOffers([account("accepted", RIVERSIDE)]))).toMatch(/^Offered to Hillside/);
  });

  it("says under the purse's ledger row that a declined exchange counts for nothing, and nothing under one not declined", () => {
    expect(linkWords(row({ partner: HILLSIDE, partnerName: "Hillside", direction: "out", offer: "0f1e2d3c", declinedAt: Date.UTC(2026, 11, 5) }))).toMatch(
      /^Declined by Hillside on .*2026: it counts for nothing from then on$/,
    );
    expect(linkWords(row({ partner: HILLSIDE, partnerName: "Hillside", direction: "out", offer: "0f1e2d3c" }))).toBeUndefined();
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

describe("a partnership as the commune's decisions left it", () => {
  const partner: PartnerView = {
    commune: RIVERSIDE,
    name: "Riverside",
    status: "agreed",
    proposal: "p1",
    decidedAt: Date.UTC(2026, 11, 4),
    granted: true,
    answer: "commune-partner-answer:abc",
    items: 2,
    theirs: false,
    endedByThem: false,
    active: false,
  };

  it("says what is left to do until both sides hold the other's grant, and what an active or ended partnership means", () => {
    expect(partnershipWords({ ...partner, granted: false }, "Hillside")).toBe(
      "Hillside agreed to partner with Riverside. Carry out the passed proposal in Proposals: it makes what Hillside shares and the answer to send.",
    );
    expect(partnershipWords(partner, "Hillside")).toBe("Waiting for Riverside's answer: send Riverside ours (below), and paste theirs here when it comes.");
    expect(partnershipWords({ ...partner, theirs: true, active: true }, "Hillside")).toBe(
      "Partners: Hillside and Riverside each read what the other shares, and exchange through their purses.",
    );
    expect(partnershipWords({ ...partner, status: "ended", theirs: true }, "Hillside")).toBe(
      "Ended: nothing new is shared between Hillside and Riverside, and no new exchange is offered.",
    );
    expect(partnershipWords({ ...partner, theirs: true, endedByThem: true }, "Hillside")).toBe(
      "Riverside ended the partnership: nothing new is shared between Hillside and Riverside. Hillside can end it too, by a proposal, to say so on its side.",
    );
  });
});

describe("what a partner shares, as read through its relay", () => {
  const item = (change: Partial<PartnerSharedView["items"][number]>): PartnerSharedView["items"][number] => ({
    id: "i1",
    title: "Sourdough guide",
    body: "Feed the starter **twice** a day.",
    kind: "knowledge",
    tags: [],
    verified: true,
    ...change,
  });

  it("marks each item verified or not signed by a member on the partner's roster, and lists offers and needs apart, read only", () => {
    const items = [
      item({}),
      item({ id: "i2", title: "Lend a ladder", kind: "offer", body: "" }),
      item({ id: "i3", title: "Help with the harvest", kind: "need", body: "", verified: false }),
    ];
    const html = renderToStaticMarkup(createElement(SharedItems, { name: "Riverside", items }));
    const words = text(html);
    expect(words).toContain("Knowledge");
    expect(words).toContain("Sourdough guide");
    expect(html).toContain("<strong>twice</strong>");
    expect(words).toContain("Verified: signed by a member on Riverside's roster.");
    expect(words).toContain("Offers and needs");
    expect(words).toMatch(/Lend a ladder Offer/);
    expect(words).toMatch(/Help with the harvest Need Not verified/);
    expect(words).toContain("Not verified: not signed by a member on its roster.");
    expect(html).not.toMatch(/<button|<input|<textarea/);
  });

  it("says when a partner shares nothing yet", () => {
    expect(text(renderToStaticMarkup(createElement(SharedItems, { name: "Riverside", items: [] })))).toContain("Riverside shares no items with us yet.");
  });

  it("offers Accept and Decline on an exchange not answered yet, and only its words once answered", () => {
    const offered: PartnerOfferedView = {
      offer: "0f1e2d3c",
      amount: 3000,
      currency: "EUR",
      memo: "Apple saplings",
      at: Date.UTC(2026, 11, 4),
      state: "offered",
      words: "Riverside offers 30.00 EUR (Apple saplings), on 2026-12-04: not answered yet.",
      record: {} as PartnerOfferedView["record"],
    };
    const props = { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }], onAccept: async () => true, onDecline: async () => true };
    const open = renderToStaticMarkup(createElement(OfferedExchange, { ...props, exchange: offered }));
    expect(text(open)).toContain("Riverside offers 30.00 EUR (Apple saplings), on 2026-12-04: not answered yet.");
    expect(open).toMatch(/<button[^>]*>Accept 30.00 EUR<\/button>/);
    expect(open).toMatch(/<button[^>]*>Decline…<\/button>/);
    const answered = renderToStaticMarkup(
      createElement(OfferedExchange, { ...props, exchange: { ...offered, state: "accepted", words: "Accepted by Hana." } }),
    );
    expect(text(answered)).toContain("Accepted by Hana.");
    expect(answered).not.toMatch(/<button/);
  });
});
