import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nobleCrypto, nobleSigner } from "../shared/identity/crypto";
import { sign } from "../shared/identity/signed";
import { EUR, HOUR } from "../shared/money/currency";
import { partnerAccount } from "../shared/partners/account";
import { acceptanceOf, declineOf } from "../shared/partners/exchange";
import { entryClaim, purse } from "../shared/purse/balances";
import type { SignedEntry } from "../shared/purse/entry";
import { purseJournal } from "../shared/snapshot/journal";
import { ada, bo, COMMUNE, communeState, cy, entry, foundingRules, inShards, on, OTHER_COMMUNE } from "../shared/testing/purse-fixtures";

/**
 * Issue 14: each partner is its own account in the journal
 * (`assets:partners:<name>`), and a reconciled exchange of 30 EUR and 4
 * hours from Riverside to Hillside nets to zero across the two communes'
 * journals, as the real hledger reads them.
 */
const crypto = nobleCrypto();
const hledger = spawnSync("hledger", ["--version"], { encoding: "utf8" });
const directory = mkdtempSync(join(tmpdir(), "commune-partner-journals-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Riverside's members may give up to 50.00 EUR and 10.00 hours a month each. */
const riversideState = {
  ...communeState({ laterRules: [{ from: on("2026-11-01"), rules: { ...foundingRules, spendLimit: { EUR: 50_00, HOUR: 10_00 } } }] }),
  id: COMMUNE,
  name: "Riverside",
};
const hillsideState = { ...communeState(), id: OTHER_COMMUNE, name: "Hillside" };

const seed = [
  entry(ada, { commune: COMMUNE, kind: "contribution", at: on("2026-12-01"), amount: 100_00, id: "seed-eur" }),
  entry(ada, { commune: COMMUNE, kind: "contribution", at: on("2026-12-01"), amount: 10_00, currency: "HOUR", id: "seed-hours" }),
];
const out = (author: typeof ada, id: string, amount: number, currency: string, day: string): SignedEntry =>
  entry(author, { commune: COMMUNE, id, kind: "exchange", direction: "out", partner: OTHER_COMMUNE, offer: id, amount, currency, at: on(day) });
const thirty = out(ada, "o-eur", 30_00, "EUR", "2026-12-04");
const fourHours = out(bo, "o-hours", 4_00, "HOUR", "2026-12-04");
const declinedFive = out(ada, "o-declined", 5_00, "EUR", "2026-12-05");
const accepted = [thirty, fourHours].map((offer) =>
  entry(cy, { ...acceptanceOf(offer, ""), commune: OTHER_COMMUNE, id: `in-${offer.id}`, at: offer.at + 3_600_000 }),
);
const decline = sign(nobleSigner, "exchange-decline", declineOf(OTHER_COMMUNE, declinedFive, "Not this season", on("2026-12-06")), cy);

function journals() {
  const declines = [{ claim: entryClaim(declinedFive.by, declinedFive.id), at: decline.at }];
  const riverside = purse(crypto, inShards(...seed, thirty, fourHours, declinedFive), riversideState, { declines });
  const hillside = purse(crypto, inShards(...accepted), hillsideState);
  const riversideFile = join(directory, "riverside.journal");
  const hillsideFile = join(directory, "hillside.journal");
  writeFileSync(
    riversideFile,
    purseJournal({ entries: riverside.entries, state: riversideState, partnerNames: { [OTHER_COMMUNE]: "Hillside" }, declined: riverside.declined }),
  );
  writeFileSync(hillsideFile, purseJournal({ entries: hillside.entries, state: hillsideState, partnerNames: { [COMMUNE]: "Riverside" } }));
  return { riverside, hillside, riversideFile, hillsideFile };
}

/** hledger's balances of the accounts under `query`, as account|commodity -> amount. */
function balances(files: readonly string[], query: string, ...flags: string[]): Map<string, string> {
  const csv = execFileSync("hledger", [...files.flatMap((file) => ["-f", file]), "balance", query, "--no-total", "--layout=bare", "-O", "csv", ...flags], {
    encoding: "utf8",
  });
  const shown = new Map<string, string>();
  for (const line of csv.trim().split(/\r?\n/).slice(1)) {
    const [account, commodity, amount] = JSON.parse(`[${line}]`) as [string, string, string];
    shown.set(`${account}|${commodity}`, amount);
  }
  return shown;
}

describe.skipIf(hledger.status !== 0)("two partner communes' journals (skipped: hledger is not on PATH)", () => {
  it("give each partner its own account, with opposite balances that net to zero across the two journals", () => {
    const { riverside, hillside, riversideFile, hillsideFile } = journals();
    expect(balances([riversideFile], "assets:partners", "--flat")).toEqual(
      new Map([
        ["assets:partners:Hillside|EUR", "30.00"],
        ["assets:partners:Hillside|HOUR", "4.00"],
      ]),
    );
    expect(balances([hillsideFile], "assets:partners", "--flat")).toEqual(
      new Map([
        ["assets:partners:Riverside|EUR", "-30.00"],
        ["assets:partners:Riverside|HOUR", "-4.00"],
      ]),
    );
    // Both journals read together: every partner account sums to nothing.
    const together = balances([riversideFile, hillsideFile], "assets:partners", "--depth", "2", "--empty");
    // hledger shows a zero balance as one row "0", whatever its commodities.
    expect(together.size).toBeGreaterThan(0);
    expect([...together.values()].every((amount) => Number(amount) === 0)).toBe(true);

    // The declined 5 EUR went back on the decline's day: the purse's balance is hledger's.
    expect(balances([riversideFile], "assets:purse", "--flat")).toEqual(
      new Map([
        ["assets:purse|EUR", "70.00"],
        ["assets:purse|HOUR", "6.00"],
      ]),
    );
    expect(riverside.purse).toEqual({ EUR: 70_00, HOUR: 6_00 });
    expect(hillside.purse).toEqual({ EUR: 30_00, HOUR: 4_00 });
  });

  it("agree with both communes' partner accounts", () => {
    const { riverside, hillside } = journals();
    const counted = (view: typeof riverside) => view.entries.filter((verdict) => verdict.status === "counted").map((verdict) => verdict.entry);
    const sides = {
      riverside: { id: COMMUNE, name: "Riverside", entries: counted(riverside), declines: [] },
      hillside: { id: OTHER_COMMUNE, name: "Hillside", entries: counted(hillside), declines: [decline] },
    };
    const currencies = [EUR, HOUR];
    const fromRiverside = partnerAccount({ us: sides.riverside, them: sides.hillside, onTheirRoster: (record) => record.by === cy.publicKey, currencies });
    const fromHillside = partnerAccount({ us: sides.hillside, them: sides.riverside, onTheirRoster: () => true, currencies });
    expect(fromRiverside.words).toBe("Hillside owes us 30.00 EUR and 4.00 HOUR.");
    expect(fromHillside.words).toBe("We owe Riverside 30.00 EUR and 4.00 HOUR.");
    expect(fromRiverside.exchanges.map((exchange) => exchange.state)).toEqual(["accepted", "accepted", "declined"]);
  });
});
