import { describe, expect, it } from "vitest";
import { parseArgv } from "./parse";
import { partnerAccountText } from "./exchange-verbs";
import { ledgerText } from "./views-text";

/** The CLI verbs of exchanges between communes (issue 14), read without a host. */

const PARTNER = "fedcba9876543210fedcba9876543210";
const record = { commune: PARTNER, id: "e1", kind: "exchange", direction: "out", offer: "o1" };

function plan(...argv: string[]) {
  const parsed = parseArgv(argv);
  if (parsed.kind !== "command") throw new Error(`expected a command, got ${JSON.stringify(parsed)}`);
  return { name: parsed.plan.name, input: parsed.plan.input };
}

function usageError(...argv: string[]): string {
  const parsed = parseArgv(argv);
  if (parsed.kind !== "usage") throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe("exchanges between communes on the command line", () => {
  it("still records an exchange with `commune exchange`, now naming a partner commune by id", () => {
    expect(plan("exchange", "30", "EUR", "--partner", PARTNER, "--direction", "out")).toEqual({
      name: "purse.exchange",
      input: { amount: "30", currency: "EUR", partner: PARTNER, direction: "out" },
    });
  });

  it("accepts or declines a partner's exchange given as the JSON its shared document carries", () => {
    expect(plan("exchange", "accept", JSON.stringify(record), "--memo", "for the mill")).toEqual({
      name: "exchange.accept",
      input: { exchange: record, memo: "for the mill" },
    });
    expect(plan("exchange", "decline", JSON.stringify(record), "--reason", "not this season")).toEqual({
      name: "exchange.decline",
      input: { exchange: record, reason: "not this season" },
    });
    expect(usageError("exchange", "accept", "{not json")).toBe(
      "exchange accept: RECORD must be JSON, as the partner's shared document carries it (commune partner account --json prints ours)",
    );
  });

  it("reads the account with a partner, with or without the partner's records", () => {
    expect(plan("partner", "account", PARTNER)).toEqual({ name: "partner.account", input: { partner: PARTNER } });
    const theirs = { records: [record], rosters: [], anchors: ["ab".repeat(32)] };
    expect(plan("partner", "account", PARTNER, "--name", "Hillside", "--theirs", JSON.stringify(theirs))).toEqual({
      name: "partner.account",
      input: { partner: PARTNER, name: "Hillside", theirs },
    });
    expect(usageError("partner", "account", PARTNER, "--theirs", JSON.stringify({ records: [] }))).toBe(
      'partner account: --theirs must be {"records": [...], "rosters": [...], "anchors": ["KEY", ...]} with at least one anchor key',
    );
  });

  it("proposes a credit limit for a partner as a rule change", () => {
    expect(
      plan("propose", "rule", "--title", "Credit for Hillside", "--partner-credit", `${PARTNER}:EUR=100`, "--partner-credit", `${PARTNER}:HOUR=8`),
    ).toMatchObject({
      name: "proposal.create",
      input: { kind: "rule", title: "Credit for Hillside", change: { partnerCredit: { [PARTNER]: { EUR: "100", HOUR: "8" } } } },
    });
    expect(usageError("propose", "rule", "--title", "x", "--partner-credit", "EUR=100")).toBe(
      'propose: --partner-credit expects COMMUNE:CURRENCY=AMOUNT, such as PARTNER_ID:EUR=100, not "EUR=100"',
    );
  });

  it("lists the verbs in `commune help`", () => {
    const help = parseArgv(["help"]);
    const text = help.kind === "help" ? help.text : "";
    expect(text).toContain("exchange accept <RECORD>");
    expect(text).toContain("exchange decline <RECORD>");
    expect(text).toContain("partner account <PARTNER>");
  });

  it("prints the account in words: what is owed, each exchange, what does not match", () => {
    expect(
      partnerAccountText({
        partner: PARTNER,
        name: "Hillside",
        words: "Hillside owes us 30.00 EUR.",
        position: { EUR: 30_00 },
        offeredByUs: { EUR: 5_00 },
        exchanges: [
          {
            offer: "o1",
            direction: "out",
            amount: 30_00,
            currency: "EUR",
            at: 0,
            state: "accepted",
            words: "30.00 EUR Riverside sent Hillside on 2026-12-04: accepted on 2026-12-04.",
          },
          {
            offer: "o2",
            direction: "out",
            amount: 5_00,
            currency: "EUR",
            at: 0,
            state: "offered",
            words: "5.00 EUR Riverside sent Hillside on 2026-12-05: offered, not yet accepted.",
          },
        ],
        mismatches: ["Hillside has not accepted the 5.00 EUR Riverside sent Hillside on 2026-12-05."],
        checked: true,
        records: [],
      }),
    ).toBe(
      [
        "Hillside owes us 30.00 EUR.",
        "",
        "Exchanges:",
        "  30.00 EUR Riverside sent Hillside on 2026-12-04: accepted on 2026-12-04.",
        "  5.00 EUR Riverside sent Hillside on 2026-12-05: offered, not yet accepted.",
        "",
        "Not matching:",
        "  Hillside has not accepted the 5.00 EUR Riverside sent Hillside on 2026-12-05.",
      ].join("\n"),
    );
  });

  it("shows in the ledger the partner by name, the offer, and a partner's decline", () => {
    const row = {
      n: 1,
      id: "e1",
      kind: "exchange" as const,
      at: Date.UTC(2026, 11, 4),
      by: "ab".repeat(32),
      byName: "Ada",
      partner: PARTNER,
      partnerName: "Hillside",
      direction: "out" as const,
      offer: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      declinedAt: Date.UTC(2026, 11, 6, 9, 30),
      amount: 5_00,
      currency: "EUR",
      memo: "",
      status: "counted" as const,
    };
    const text = ledgerText({ total: 1, offset: 0, rows: [row] }, [{ code: "EUR", name: "Euro", decimals: 2 }], true);
    expect(text).toContain("to Hillside (offer 0f1e2d3c) (declined by the partner on 2026-12-06 09:30)");
  });
});
