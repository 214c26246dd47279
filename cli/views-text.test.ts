import { describe, expect, it } from "vitest";
import type { ProposalView } from "../shared/commands/views";
import { proposalsText } from "./views-text";

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const SEED = { code: "SEED", name: "Seed swaps", decimals: 0 };

const ruleProposal = (change: ProposalView["change"]): ProposalView => ({
  id: "d1563021aaaa",
  kind: "rule",
  title: "Swap seeds",
  body: "",
  by: "a".repeat(64),
  byName: "Ada",
  at: Date.UTC(2026, 2, 1),
  deadline: Date.UTC(2026, 2, 8),
  outcome: "open",
  decidesAt: Date.UTC(2026, 2, 8),
  electorate: 2,
  voted: 0,
  yes: 0,
  no: 0,
  abstain: 0,
  block: 0,
  quorumMet: false,
  thresholdMet: false,
  quorumPercent: 50,
  thresholdPercent: 50,
  allowBlock: false,
  change,
});

describe("proposals as text", () => {
  it("names the currency a rule change adds, and formats a limit in it with its own decimals", () => {
    const text = proposalsText([ruleProposal({ addCurrencies: [SEED], spendLimit: { SEED: 5 } })], [EUR]);
    expect(text).toContain("spend limit 5 SEED, adds SEED (Seed swaps, 0 decimals)");
  });

  it("says over which period a rule change makes the spend limit run", () => {
    const text = proposalsText([ruleProposal({ spendLimit: { EUR: 100_00 }, spendPeriod: "week" })], [EUR]);
    expect(text).toContain("spend limit 100.00 EUR, spend limit per member per week");
  });

  it("keeps a hostile currency name from reaching the terminal as control characters", () => {
    const text = proposalsText([ruleProposal({ addCurrencies: [{ code: "SEED", name: "Seed\u001b[2Jswaps", decimals: 1 }] })], [EUR]);
    expect(text).toContain("adds SEED (Seed?[2Jswaps, 1 decimal)");
    expect(text).not.toContain("\u001b");
  });
});
