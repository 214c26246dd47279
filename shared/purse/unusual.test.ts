import { describe, expect, it } from "vitest";
import { EUR } from "../money/currency";
import { ada, bo } from "../testing/purse-fixtures";
import { unusualEntry } from "./unusual";

/** The 5,000-for-50 typo, and a transfer of standing one does not have, are asked about before anything is signed. */
describe("an unusual entry", () => {
  it("is a transfer of 5,000 EUR typed for 50 by a member whose transfers are 50: far above the usual, and below zero", () => {
    expect(unusualEntry({ kind: "transfer", amount: 5_000_00, by: ada.publicKey, to: bo.publicKey }, EUR, { standing: 1_215_06, usual: 48_20 })).toBe(
      "This transfer of 5000.00 EUR is more than 10 times your usual transfer (48.20 EUR on average), and takes your standing to -3784.94 EUR. Check the amount; record it anyway only if it is right.",
    );
  });

  it("is a payment to oneself that takes one's standing below zero", () => {
    expect(unusualEntry({ kind: "disbursement", amount: 30_00, by: ada.publicKey, to: ada.publicKey }, EUR, { standing: 20_00, usual: undefined })).toMatch(
      /takes your standing to -10\.00 EUR/,
    );
  });

  it.each([
    ["a usual amount", { kind: "contribution" as const, amount: 60_00 }, { standing: 0, usual: 50_00 }],
    ["no history to call usual yet", { kind: "contribution" as const, amount: 5_000_00 }, { standing: 0, usual: undefined }],
    ["a contribution, which only raises a standing", { kind: "contribution" as const, amount: 10_00 }, { standing: -100_00, usual: undefined }],
    [
      "a payment to someone outside, which is the commune's, not the member's",
      { kind: "disbursement" as const, amount: 90_00 },
      { standing: 0, usual: undefined },
    ],
    ["a transfer the member's standing covers", { kind: "transfer" as const, amount: 20_00 }, { standing: 20_00, usual: undefined }],
  ])("is not %s", (_why, draft, facts) => {
    expect(unusualEntry({ ...draft, by: ada.publicKey, to: bo.publicKey }, EUR, facts)).toBeUndefined();
  });

  it("is any entry above the amount the commune set, and only above it", () => {
    const draft = { kind: "contribution" as const, amount: 600_00, by: ada.publicKey };
    expect(unusualEntry(draft, EUR, { standing: 0, usual: undefined }, 500_00)).toBe(
      "This contribution of 600.00 EUR is above the 500.00 EUR your commune asks members to confirm. Check the amount; record it anyway only if it is right.",
    );
    expect(unusualEntry({ ...draft, amount: 500_00 }, EUR, { standing: 0, usual: undefined }, 500_00)).toBeUndefined();
    // 0 is "no threshold", as a rule change that takes one away writes it.
    expect(unusualEntry(draft, EUR, { standing: 0, usual: undefined }, 0)).toBeUndefined();
  });
});
