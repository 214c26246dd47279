import { describe, expect, it } from "vitest";
import { createSnapshot, parseSnapshotText } from "./json-snapshot";
import { accountSegment, purseJournal } from "./journal";
import { ada, ada2, purseStory } from "../testing/snapshot-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const story = purseStory();
const read = parseSnapshotText(crypto, JSON.stringify(createSnapshot(crypto, story.input, ada, { now: story.end })), story.end);
if (!read.ok) throw new Error(read.error.message);
const { view, state } = read.value;
const journal = purseJournal({ entries: view.entries, state });
const lines = journal.split("\n");

describe("the purse as an accounting journal", () => {
  it("declares a commodity per currency with its decimals", () => {
    expect(lines).toEqual(expect.arrayContaining(["commodity 1.00 EUR", "commodity 1.00 HOUR", 'commodity 1. "CO2"']));
  });

  it("writes one transaction per counted entry, dated by day", () => {
    const transactions = lines.filter((line) => /^\d{4}-\d\d-\d\d \* /.test(line));
    expect(transactions).toHaveLength(view.entries.filter((entry) => entry.status === "counted").length);
    expect(transactions[0]).toBe('2026-01-06 * Contribution from Bo | the "big" repair');
  });

  it("leaves overdrawn and untrusted entries out, as comments with the reason", () => {
    expect(lines.filter((line) => line.startsWith("; overdrawn:") || line.startsWith("; untrusted:"))).toHaveLength(2);
    expect(journal).toContain("; overdrawn: e6 2026-01-10 Paid to Bo | more hours than there are (would take the purse below zero (balance 40.00 HOUR))");
    expect(purseJournal({ entries: view.entries, state }, { excludedAsComments: false })).not.toContain("; overdrawn");
  });

  it("posts contributions to the purse and to the member's standing", () => {
    const at = lines.indexOf(`2026-01-06 * Contribution from Ada ${ada.publicKey.slice(0, 8)} | roof fund, phase 1`);
    expect(lines.slice(at + 2, at + 5).map((line) => line.trim().split(/ {2,}/))).toEqual([
      ["assets:purse", "1000.00 EUR"],
      ["income:contributions", "-1000.00 EUR"],
      [`(members:Ada ${ada.publicKey.slice(0, 8)})`, "1000.00 EUR"],
    ]);
  });

  it("tells members who share a name apart by a key prefix", () => {
    expect(lines).toContain(`account members:Ada ${ada.publicKey.slice(0, 8)}`);
    expect(lines).toContain(`account members:Ada ${ada2.publicKey.slice(0, 8)}`);
  });

  it("keeps account names free of what would end or split them", () => {
    const accounts = lines.filter((line) => line.startsWith("    ") && !line.trim().startsWith(";")).map((line) => line.trim().split(/ {2,}/)[0]!);
    for (const account of accounts) expect(account).toMatch(/^[([]?[a-z]+(:[\p{L}\p{N} ._'-]+)+[)\]]?$/u);
    expect(accountSegment("Bo;  the #1 [boss]: (really)\tyes")).toBe("Bo_ the _1 _boss__ _really__yes");
    expect(accountSegment(";;")).toBe("__");
    expect(accountSegment("   ")).toBe("_");
  });

  it("keeps descriptions on one line without comment marks", () => {
    const descriptions = lines.filter((line) => /^\d{4}-/.test(line));
    expect(descriptions.some((line) => line.includes("line one line two line three"))).toBe(true);
    expect(descriptions.every((line) => !line.includes(";"))).toBe(true);
  });
});
