import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { keyPairFromSecret } from "../identity/keys";
import { sign } from "../identity/signed";
import { parseWith } from "../docs/reasons";
import { entrySchema, exchangeDeclineSchema } from "../docs/records";
import { contentCheck } from "../purse/entry-checks";
import { ada, commune as riverside, entry } from "../testing/sample-docs";
import { communeState } from "../testing/purse-fixtures";
import { acceptanceOf, answerableExchange, citationOf, cites, declineOf } from "./exchange";

const crypto = nobleCrypto();
const hillside = "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6";
const cy = keyPairFromSecret(new Uint8Array(32).fill(41));

const reasonFor = (value: unknown): string => {
  const parsed = parseWith(entrySchema, value);
  return parsed.ok ? "ok" : parsed.error.message;
};

/** Riverside's 30 EUR to Hillside, offered under offer id "offer-1". */
const offered = entry({ kind: "exchange", partner: hillside, direction: "out", offer: "offer-1", amount: 3000, currency: "EUR", memo: "For the mill" });

/** Hillside's own exchange out to Riverside, signed by Cy (a member of Hillside). */
const theirs = entry(
  { commune: hillside, id: "h-1", kind: "exchange", partner: riverside, direction: "out", offer: "offer-h", amount: 400, currency: "HOURS" },
  cy,
);

describe("exchange records between communes", () => {
  it("reads an exchange out naming the partner by commune id with an offer id, and an acceptance citing it", () => {
    expect(reasonFor(offered)).toBe("ok");
    const accepted = entry(
      {
        commune: hillside,
        id: "h-2",
        kind: "exchange",
        partner: riverside,
        direction: "in",
        offer: "offer-1",
        amount: 3000,
        currency: "EUR",
        ...citationOf(offered),
      },
      cy,
    );
    expect(reasonFor(accepted)).toBe("ok");
  });

  it("keeps reading an older exchange whose partner is free text and which carries no offer", () => {
    expect(reasonFor(entry({ kind: "exchange", partner: "Hillside", direction: "in" }))).toBe("ok");
  });

  it.each([
    [
      "an offer id with a free-text partner",
      { partner: "Hillside" },
      "partner must be a commune id (32 lowercase hex digits) on an exchange that carries an offer id",
    ],
    ["half a citation", { direction: "in", answers: "e1" }, "answers must come with answersBy and answersSig: an acceptance cites the partner's entry whole"],
    ["a citation on an exchange out", { ...citationOf(theirs) }, "answers does not belong on an exchange out: an offer answers nothing"],
    [
      "a citation with no offer id",
      { direction: "in", offer: undefined, ...citationOf(theirs) },
      "offer is missing (an acceptance carries the offer id it accepts)",
    ],
    [
      "a signature hash that is not one",
      { direction: "in", ...citationOf(theirs), answersSig: "zz" },
      "answersSig must be a signature hash (64 lowercase hex digits)",
    ],
  ])("refuses an exchange with %s", (_case, fields, reason) => {
    expect(reasonFor({ ...offered, ...fields })).toBe(reason);
  });

  it("refuses an offer id or citation on anything but an exchange", () => {
    expect(reasonFor(entry({ offer: "offer-1" }))).toBe("offer does not belong on a contribution");
    expect(reasonFor(entry({ ...citationOf(theirs) }))).toContain("answers does not belong on a contribution");
  });

  it("reads a signed decline citing the exchange it declines, and refuses one that cites it by halves", () => {
    const decline = sign(crypto, "exchange-decline", declineOf(hillside, offered, "We have no mill.", offered.at + 1), cy);
    expect(parseWith(exchangeDeclineSchema, decline)).toEqual({ ok: true, value: decline });
    const { answersSig: _dropped, ...half } = decline;
    const refused = parseWith(exchangeDeclineSchema, half);
    expect(refused.ok ? "ok" : refused.error.message).toBe("answersSig is missing");
  });

  it("does not count an acceptance, in our own purse, of an offer our own commune made", () => {
    const state = communeState();
    const selfAnswer = entry({
      id: "e-2",
      kind: "exchange",
      partner: riverside,
      direction: "in",
      offer: "offer-1",
      amount: 3000,
      currency: "EUR",
      ...citationOf(offered),
    });
    const checked = contentCheck(selfAnswer, state);
    expect(checked.ok ? "counted" : checked.error.message).toBe("names its own commune as the partner: an exchange is between two communes");
  });
});

describe("answering a partner's exchange", () => {
  it("accepts an offer to us with our own entry in, of the same amount and currency, citing it", () => {
    const offer = answerableExchange(crypto, riverside, theirs);
    expect(offer).toEqual({ ok: true, value: theirs });
    const accepted = acceptanceOf(theirs, "Thanks for the help");
    expect(accepted).toMatchObject({ kind: "exchange", direction: "in", partner: hillside, offer: "offer-h", amount: 400, currency: "HOURS" });
    expect(cites(accepted, theirs)).toBe(true);
    expect(cites(accepted, { ...theirs, sig: offered.sig })).toBe(false);
  });

  it.each([
    [
      "our own exchange (only the partner it names may answer it)",
      () => offered,
      "That exchange is our own commune's: only the partner it names can accept or decline it.",
    ],
    [
      "an exchange offered to a third commune",
      () => entry({ commune: hillside, id: "h-3", kind: "exchange", partner: "c1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6", direction: "out", offer: "o3" }, cy),
      "That exchange is offered to another commune (c1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6), not to ours.",
    ],
    [
      "the partner's acceptance rather than an offer",
      () => entry({ commune: hillside, id: "h-4", kind: "exchange", partner: riverside, direction: "in", offer: "o4", ...citationOf(offered) }, cy),
      "That exchange is the partner's acceptance, not an offer: only an exchange out can be accepted or declined.",
    ],
    [
      "an older exchange with a free-text partner",
      () => entry({ commune: hillside, id: "h-5", kind: "exchange", partner: "Riverside", direction: "out" }, cy),
      "That exchange names its partner as free text and carries no offer id: it was never offered to a commune.",
    ],
    ["a contribution", () => entry({ commune: hillside }, cy), "That record is a contribution, not an exchange."],
    [
      "an offer altered after signing",
      () => ({ ...theirs, amount: 40_000 }),
      "That exchange's signature does not match it: it was altered after it was signed.",
    ],
    ["something that is not a record", () => "30 EUR", "That is not an exchange record: is not a record (it is text)."],
  ])("refuses to answer %s, in words", (_case, record, message) => {
    const answered = answerableExchange(crypto, riverside, record());
    expect(answered.ok ? "answered" : answered.error.message).toBe(message);
  });

  it("signs a decline that cites the offer and names both communes", () => {
    const decline = declineOf(riverside, theirs, "Not needed this season", theirs.at + 5);
    expect(decline).toEqual({
      commune: riverside,
      partner: hillside,
      offer: "offer-h",
      at: theirs.at + 5,
      reason: "Not needed this season",
      ...citationOf(theirs),
    });
    expect(ada.publicKey).not.toBe(cy.publicKey);
  });
});
