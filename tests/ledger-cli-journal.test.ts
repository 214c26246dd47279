import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSnapshot, parseSnapshotText } from "../shared/snapshot/json-snapshot";
import { accountSegment, purseJournal } from "../shared/snapshot/journal";
import { partyNames } from "../shared/snapshot/party-names";
import { ada, purseStory } from "../shared/testing/snapshot-fixtures";
import { nobleCrypto } from "../shared/identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

/**
 * Runs the real ledger-cli (Debian package `ledger`, installed by .ci/run) on
 * the same exported journal hledger reads in hledger-journal.test.ts: the
 * purse and every member's standing per currency must be the app's. ledger
 * prints quantities without the commodity's fixed decimals, so they are
 * compared as numbers in minor units.
 */
const ledger = spawnSync("ledger", ["--version"], { encoding: "utf8" });
const available = ledger.status === 0;
const directory = mkdtempSync(join(tmpdir(), "commune-ledger-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!available)("ledger-cli reading an exported journal (skipped: ledger is not on PATH; apt-get install ledger)", () => {
  it("shows the purse balance per currency and every member's standing as the app computes them", () => {
    const story = purseStory();
    const read = parseSnapshotText(crypto, JSON.stringify(createSnapshot(crypto, story.input, ada, { now: story.end })), story.end);
    if (!read.ok) throw new Error(read.error.message);
    const { view, state } = read.value;
    const file = join(directory, "purse.journal");
    writeFileSync(file, purseJournal({ entries: view.entries, state }));

    const currencies = new Map(state.rules.flatMap((version) => version.rules.currencies).map((c) => [c.code, c]));
    const shown = new Map<string, number>();
    for (const [code, currency] of currencies) {
      const out = execFileSync(
        "ledger",
        [
          "-f",
          file,
          "balance",
          "--flat",
          "--no-total",
          "--limit",
          `commodity =~ /^"?${code}"?$/`,
          "--format",
          "%(account)\t%(quantity(scrub(display_total)))\n",
        ],
        { encoding: "utf8" },
      );
      for (const line of out.trim().split("\n").filter(Boolean)) {
        const [account, quantity] = line.split("\t") as [string, string];
        shown.set(`${account}|${code}`, Math.round(Number(quantity) * 10 ** currency.decimals));
      }
    }

    const expected = new Map<string, number>();
    for (const [code, minor] of Object.entries(view.purse)) if (minor !== 0) expected.set(`assets:purse|${code}`, minor);
    const names = partyNames(state, { normalise: accountSegment, disambiguate: (name, prefix) => `${name} ${prefix}` });
    for (const [key, standings] of Object.entries(view.members)) {
      for (const [code, minor] of Object.entries(standings)) if (minor !== 0) expected.set(`members:${names.member(key)}|${code}`, minor);
    }
    const relevant = new Map([...shown].filter(([key]) => key.startsWith("assets:purse|") || key.startsWith("members:")));
    expect(relevant).toEqual(expected);
    expect(expected.get("assets:purse|EUR")).toBe(73_500);
    expect(expected.size).toBeGreaterThanOrEqual(8);
  });
});
