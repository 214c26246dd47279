import { describe, expect, it } from "vitest";
import type { CommuneView, ItemView, ProposalView } from "../shared/commands/views";
import { communeText, itemsText, proposalsText, syncText } from "./views-text";

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

describe("the commune as text", () => {
  const view = (entries: { counted: number; overdrawn: number; untrusted: number }): CommuneView => ({
    id: "0".repeat(32),
    name: "Riverside",
    me: "a".repeat(64),
    myStatus: "active",
    rules: { quorumPercent: 50, thresholdPercent: 50, allowBlock: false, spendLimit: {}, spendPeriod: "month", admission: "direct", currencies: [EUR] },
    balances: { commune: "0".repeat(32), currencies: [EUR], purse: { EUR: 0 }, members: [], entries },
    proposals: [],
    problems: [],
  });

  it("says under the purse how many entries count for nothing, and where to see them", () => {
    const text = communeText(view({ counted: 5, overdrawn: 2, untrusted: 1 }));
    expect(text).toContain("2 entries came out overdrawn and count for nothing: the purse could not cover them when made (commune ledger --status overdrawn).");
    expect(text).toContain("1 entry counts for nothing because a rule refused it (commune ledger --status untrusted says why).");
  });

  it("says nothing of the kind when every entry counts", () => {
    expect(communeText(view({ counted: 5, overdrawn: 0, untrusted: 0 }))).not.toMatch(/count for nothing|counts for nothing/);
  });
});

describe("commune status, with notices about my entries", () => {
  it("says what happened to each and what to do, and how to mark them read", () => {
    const text = syncText(
      {
        commune: "c".repeat(32),
        relays: [],
        peers: 0,
        waiting: 0,
        notices: [
          {
            id: "overdrawn:abc",
            entry: "e1",
            status: "overdrawn",
            at: Date.UTC(2026, 11, 4, 9),
            message: "Your payment of 80.00 EUR to Garage on 4 December 2026, 09:00 UTC came out overdrawn after a sync.",
            advice: "If the money already left, contribute it back.",
          },
        ],
      },
      "Riverside",
    );
    expect(text.split("\n").slice(-4)).toEqual([
      "About your entries (1 notice, unread):",
      "  ! Your payment of 80.00 EUR to Garage on 4 December 2026, 09:00 UTC came out overdrawn after a sync.",
      "    What to do: If the money already left, contribute it back.",
      "Mark them read with: commune notices read",
    ]);
  });
});

describe("the inventory as text", () => {
  const item = (fields: Partial<ItemView>): ItemView => ({
    id: "0123456789abcdef",
    version: 1,
    title: "Bike repairs",
    body: "",
    tags: [],
    kind: "knowledge",
    editorName: "Ada",
    author: "a".repeat(64),
    authorName: "Ada",
    at: Date.UTC(2026, 2, 1),
    ...fields,
  });

  it("names an offer with its price, a need, and a retired item with who retired it", () => {
    const text = itemsText(
      [
        item({ kind: "offer", amount: 1250, currency: "EUR" }),
        item({ id: "fedcba9876543210", kind: "need", title: "Harvest help" }),
        item({ id: "aaaabbbbccccdddd", title: "Old press", version: 2, retired: true, editorName: "Bo" }),
      ],
      "",
      [EUR],
    );
    expect(text).toContain("01234567  OFFER 12.50 EUR  Bike repairs");
    expect(text).toContain("fedcba98  NEED  Harvest help");
    expect(text).toContain("aaaabbbb  (retired) Old press");
    expect(text).toContain("version 2, retired by Bo");
  });

  it("shows a price in a currency the commune never had as minor units, cleaned of terminal escapes", () => {
    expect(itemsText([item({ kind: "offer", amount: 5, currency: "X\u001b[2J" })], "")).toContain("OFFER 5 X?[2J (minor units)");
  });
});

describe("privacy as text", () => {
  it("says a private commune's epoch and holders, then what an operator can and cannot see", async () => {
    const { privacyText } = await import("./privacy-verbs");
    const text = privacyText(
      {
        private: true,
        epoch: {
          number: 2,
          id: "e".repeat(64),
          startedAt: Date.UTC(2026, 11, 5, 9),
          startedBy: "Bo",
          holders: [
            { key: "a".repeat(64), name: "Ada" },
            { key: "b".repeat(64), name: "Bo" },
          ],
        },
        operatorSees: ["sizes"],
        operatorCannotSee: ["memos"],
      },
      "Riverside",
    );
    expect(text).toContain("Riverside is private");
    expect(text).toContain("Epoch 2, begun 2026-12-05 09:00 UTC by Bo");
    expect(text).toContain("Its key is held by: Ada, Bo");
    expect(text).toContain("A relay's operator can see:\n  - sizes\nA relay's operator cannot see:\n  - memos");
  });
});

describe("a proposal that closed early, as text", () => {
  const closed = (early: ProposalView["early"]): ProposalView => ({
    ...ruleProposal({ quorumPercent: 60 }),
    outcome: "passed",
    closesEarly: true,
    decidesAt: Date.UTC(2026, 2, 3, 9, 30),
    voted: 2,
    yes: 2,
    ...(early ? { early } : {}),
  });

  it("says so under the proposal, with why and when", () => {
    expect(proposalsText([closed("settled")], [EUR])).toContain("Closed early: the outcome could no longer change (2026-03-03 09:30 UTC)");
    expect(proposalsText([closed("everyone-voted")], [EUR])).toContain("Closed early: every member voted (2026-03-03 09:30 UTC)");
  });

  it("says nothing of closing early for a proposal decided at its deadline", () => {
    expect(proposalsText([closed(undefined)], [EUR])).not.toContain("Closed early");
  });
});
