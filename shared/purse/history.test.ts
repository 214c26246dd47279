import { describe, expect, it } from "vitest";
import type { EntryView } from "./balances";
import { purseHistory, standingHistory } from "./history";

const counted = (at: number, balanceAfter: number, currency = "EUR"): EntryView => ({
  entry: { at, currency } as EntryView["entry"],
  status: "counted",
  balanceAfter,
});

describe("purse history", () => {
  it("follows the balance after each counted entry of the currency, skipping others", () => {
    const entries: EntryView[] = [
      counted(1, 100),
      { entry: { at: 2, currency: "EUR" } as EntryView["entry"], status: "overdrawn", reason: "x" },
      counted(3, 40),
      counted(4, 5, "HOURS"),
    ];
    expect(purseHistory(entries, "EUR", 10)).toEqual([
      { at: 1, balance: 100 },
      { at: 3, balance: 40 },
    ]);
  });

  it("keeps at most the asked number of points, with the first and the latest balance", () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => counted(i * 1000, i));
    const points = purseHistory(entries, "EUR", 200);
    expect(points.length).toBeLessThanOrEqual(200);
    expect(points[0]).toEqual({ at: 0, balance: 0 });
    expect(points.at(-1)).toEqual({ at: 99_999_000, balance: 99_999 });
    for (let i = 1; i < points.length; i++) expect(points[i]!.at).toBeGreaterThan(points[i - 1]!.at);
  });

  it("is empty for a currency with no counted entries", () => {
    expect(purseHistory([counted(1, 1)], "HOURS", 50)).toEqual([]);
  });
});

describe("a member's standing over time", () => {
  const ada = "a".repeat(64);
  const bo = "b".repeat(64);
  const entry = (at: number, fields: Partial<EntryView["entry"]>, status: EntryView["status"] = "counted"): EntryView =>
    ({ entry: { at, currency: "EUR", by: ada, ...fields }, status, ...(status === "counted" ? { balanceAfter: 0 } : { reason: "x" }) }) as EntryView;

  it("moves with what the member puts in, draws, gives and receives, and not with the commune's own spending or entries that do not count", () => {
    const entries = [
      entry(1, { kind: "contribution", amount: 100 }),
      entry(2, { kind: "disbursement", amount: 30, payee: "Bakery" }),
      entry(3, { kind: "transfer", amount: 20, to: bo }),
      entry(4, { kind: "transfer", amount: 5, to: ada, by: bo }),
      entry(5, { kind: "disbursement", amount: 10, to: ada, by: bo }),
      entry(6, { kind: "contribution", amount: 999 }, "overdrawn"),
      entry(7, { kind: "contribution", amount: 7, currency: "HOUR" }),
    ];
    expect(standingHistory(entries, ada, "EUR", 100)).toEqual([
      { at: 1, balance: 100 },
      { at: 3, balance: 80 },
      { at: 4, balance: 85 },
      { at: 5, balance: 75 },
    ]);
    expect(standingHistory(entries, bo, "EUR", 100)).toEqual([
      { at: 3, balance: 20 },
      { at: 4, balance: 15 },
    ]);
  });
});
