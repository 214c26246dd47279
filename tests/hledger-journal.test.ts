import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { purseTotal } from "../shared/purse/balances";
import { formatAmount } from "../shared/money/amount";
import { createSnapshot, parseSnapshotText } from "../shared/snapshot/json-snapshot";
import { purseJournal } from "../shared/snapshot/journal";
import { partyNames } from "../shared/snapshot/party-names";
import { accountSegment } from "../shared/snapshot/journal";
import { ada, bo, cy, purseStory } from "../shared/testing/snapshot-fixtures";
import { sign } from "../shared/identity/signed";
import { nobleSigner } from "../shared/identity/crypto";
import type { KeyPair } from "../shared/identity/keys";
import type { Entry } from "../shared/purse/entry";
import type { SnapshotInput } from "../shared/snapshot/json-snapshot";
import { DAY } from "../shared/testing/purse-fixtures";
import { nobleCrypto } from "../shared/identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

/**
 * Runs the real hledger (Debian package `hledger`) on an exported journal and
 * compares its balances with purse(): several currencies (EUR, HOUR and CO2
 * without decimals), transfers, disbursements to a member and to someone
 * outside, exchanges, an overdrawn and an untrusted entry.
 */
const hledger = spawnSync("hledger", ["--version"], { encoding: "utf8" });
const available = hledger.status === 0;
const directory = mkdtempSync(join(tmpdir(), "commune-journal-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!available)("hledger reading an exported journal (skipped: hledger is not on PATH; apt-get install hledger)", () => {
  it("shows the purse balance per currency and every member's standing as the app computes them", () => {
    const story = purseStory();
    const { view } = agreesWithHledger(story.input, story.end, "purse.journal");
    expect(view.entries.map((entry) => entry.status)).toEqual(expect.arrayContaining(["overdrawn", "untrusted"]));
    expect(view.purse.EUR).toBe(735_00);
  });

  it("agrees after voids and a correction: each void posts the opposite of its entry, and every figure still sums its lines", () => {
    const story = purseStory();
    const [, , transfer, , , , exchangeIn] = story.entries;
    const at = (day: number) => story.end - DAY + day * 60_000;
    const signed = (author: KeyPair, fields: Omit<Entry, "commune" | "currency"> & Partial<Pick<Entry, "currency">>) =>
      sign(nobleSigner, "entry", { commune: story.builder.id, currency: "EUR", ...fields } as Entry, author);
    const extra = [
      signed(ada, { id: "v1", kind: "void", at: at(1), amount: transfer!.amount, of: transfer!.id, memo: "typed 100 for 10" }),
      signed(ada, { id: "c1", kind: "transfer", at: at(2), amount: 10_00, to: bo.publicKey, corrects: transfer!.id, memo: "" }),
      signed(cy, { id: "v2", kind: "void", at: at(3), amount: exchangeIn!.amount, of: exchangeIn!.id, memo: "never came" }),
    ];
    const input = {
      ...story.input,
      shards: [
        ...story.input.shards,
        { owner: ada.publicKey, period: "2026-fix", entries: extra.slice(0, 2) },
        { owner: cy.publicKey, period: "2026-fix", entries: [extra[2]!] },
      ],
    };
    const { view } = agreesWithHledger(input, story.end, "corrected.journal");
    expect(view.entries.filter((entry) => entry.reverses).map((entry) => entry.entry.id)).toEqual(["v1", "v2"]);
    expect(view.entries.find((entry) => entry.entry.id === "c1")?.status).toBe("counted");
    expect(view.purse.EUR).toBe(735_00 - 10_00);
  });
});

/** Exports the story's purse as a journal, has hledger read it, and checks every balance and breakdown line against purse(). */
function agreesWithHledger(input: SnapshotInput, end: number, name: string) {
  const read = parseSnapshotText(crypto, JSON.stringify(createSnapshot(crypto, input, ada, { now: end })), end);
  if (!read.ok) throw new Error(read.error.message);
  const { view, state } = read.value;
  const file = join(directory, name);
  writeFileSync(file, purseJournal({ entries: view.entries, state }));

  const csv = execFileSync("hledger", ["-f", file, "balance", "--flat", "--no-total", "--layout=bare", "-O", "csv"], { encoding: "utf8" });
  const shown = new Map<string, string>();
  for (const line of csv.trim().split(/\r?\n/).slice(1)) {
    const [account, commodity, amount] = JSON.parse(`[${line}]`) as [string, string, string];
    shown.set(`${account}|${commodity}`, amount);
  }

  const currencies = new Map(state.rules.flatMap((version) => version.rules.currencies).map((c) => [c.code, c]));
  const expected = new Map<string, string>();
  for (const [code, minor] of Object.entries(view.purse)) {
    if (minor !== 0) expected.set(`assets:purse|${code}`, formatAmount(minor, currencies.get(code)!));
  }
  const names = partyNames(state, { normalise: accountSegment, disambiguate: (name, prefix) => `${name} ${prefix}` });
  for (const [key, standings] of Object.entries(view.members)) {
    for (const [code, minor] of Object.entries(standings)) {
      if (minor !== 0) expected.set(`members:${names.member(key)}|${code}`, formatAmount(minor, currencies.get(code)!));
    }
  }
  const relevant = new Map([...shown].filter(([key]) => key.startsWith("assets:purse|") || key.startsWith("members:")));
  expect(relevant).toEqual(expected);
  expect(expected.size).toBeGreaterThanOrEqual(8);

  // "How this adds up" has the journal's own accounts: each line of the purse's breakdown is an account's total there.
  const top = execFileSync("hledger", ["-f", file, "balance", "--depth", "1", "--no-total", "--layout=bare", "-O", "csv"], { encoding: "utf8" });
  const totals = new Map<string, string>();
  for (const line of top.trim().split(/\r?\n/).slice(1)) {
    const [account, commodity, amount] = JSON.parse(`[${line}]`) as [string, string, string];
    totals.set(`${account}|${commodity}`, amount);
  }
  // Partners are assets (what they owe us): their total is one level down.
  const partnerTotals = new Map<string, string>();
  const second = execFileSync("hledger", ["-f", file, "balance", "assets:partners", "--depth", "2", "--no-total", "--layout=bare", "-O", "csv"], {
    encoding: "utf8",
  });
  for (const line of second.trim().split(/\r?\n/).slice(1)) {
    const [, commodity, amount] = JSON.parse(`[${line}]`) as [string, string, string];
    partnerTotals.set(commodity, amount);
  }
  for (const [code, lines] of Object.entries(view.breakdown.purse)) {
    const currency = currencies.get(code)!;
    const expectAccount = (account: string, minor: number) =>
      expect(totals.get(`${account}|${code}`) ?? formatAmount(0, currency)).toBe(formatAmount(minor, currency));
    expectAccount("income", -lines.contributions);
    expectAccount("expenses", lines.paidToMembers);
    expectAccount("payees", lines.paidOutside);
    expect(partnerTotals.get(code) ?? formatAmount(0, currency)).toBe(formatAmount(lines.exchangedOut - lines.exchangedIn, currency));
    expect(purseTotal(lines)).toBe(view.purse[code]);
  }
  return { view };
}
