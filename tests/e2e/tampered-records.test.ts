import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { must, noRelays } from "../../host/testing/host-harness";
import { toStored } from "../../shared/docs/automerge-form";
import { readProposalsDoc, readPurseShardDoc } from "../../shared/docs/documents";
import { nobleSigner } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Proposal, Vote } from "../../shared/proposals/proposal";
import type { Entry } from "../../shared/purse/entry";
import { testKeys } from "../../shared/testing/commune-builder";
import { stopAll, tempDir } from "../integration/processes";
import { accessibilityProblems, launchChromium, screenshot, shows, showsText, startBrowserMode, stopBrowserModes, type BrowserModeHost } from "./browser";

/**
 * Issue 12 on screen: someone who holds Ada's documents rewrites them with
 * plain Automerge operations (a contribution's amount changed in place, a
 * passed spend re-signed to pay her more, the vote that removed Bo deleted),
 * and Ada opens the app. Each record still counts as signed, and its own
 * row says in words what was done to it.
 */
const DAY = 86_400_000;

let browser: Browser;
let app: BrowserModeHost;
const dirs: string[] = [];

/** Ada's commune of ten days ago, written by her host, then rewritten by the attacker on the same copy. */
async function tamperedCommune(dataDir: string): Promise<void> {
  let time = Date.now() - 10 * DAY;
  const host = await Host.open({ dataDir, links: noRelays, now: () => time });
  try {
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", {
      name: "Riverside",
      currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
      // A block vetoes: Bo could still block the Garden day after Ada's yes, so it waits for his vote (issue 17) and his vote decides it.
      rules: { spendLimit: { EUR: "10.00" }, allowBlock: true },
    });
    // Two hours after the founding, so that an entry backdated by one is still dated while Ada was a member.
    time += 2 * 60 * 60_000;
    await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR", memo: "savings" });
    await must(host, "purse.contribute", { commune, amount: "10.00", currency: "EUR", memo: "dues" });
    const roof = await must(host, "proposal.create", {
      commune,
      kind: "spend",
      title: "New roof",
      amount: "100",
      currency: "EUR",
      payee: { outside: "Roofer" },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal: roof.id, choice: "yes" });
    // Decided by Ada's vote alone: she is its whole electorate.
    const garden = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: garden.id, choice: "yes" });
    const bo = testKeys(2).publicKey;
    await must(host, "commune.admit", { commune, member: bo, name: "Bo" });
    const removal = await must(host, "proposal.create", { commune, kind: "remove", title: "Remove Bo", member: bo, deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: removal.id, choice: "yes" });

    // The attacker, on this copy: plain Automerge changes, no signatures broken on purpose.
    const node = host.nodes.get(commune)!;
    const shard = [...node.docs.shards.values()][0]!;
    shard.change((doc) => {
      const entries = (doc as unknown as { entries: Record<string, unknown>[] }).entries;
      entries.find((entry) => String(entry.memo) === "dues")!.amount = 900_00;
    });
    const read = readProposalsDoc(node.docs.proposals.doc());
    if (!read.ok) throw new Error(read.error.message);
    const { sig: _sig, by: _by, ...fields } = read.value.doc.proposals[roof.id]!;
    const greedy = sign(nobleSigner, "proposal", { ...fields, amount: 900_00, payee: { member: host.keys.publicKey } } as Proposal, host.keys);
    node.docs.proposals.change((doc) => {
      doc.proposals[roof.id] = toStored(greedy) as (typeof doc.proposals)[string];
      (doc.votes as unknown as Record<string, unknown[]>)[removal.id]!.splice(0, 1);
    });
    // Bo's "yes" completes the Garden day's electorate and decides it; then two "no" votes from Ada, signed on the copy
    // that holds both: one dated at the decision (late: it was made without it), one an hour before her "yes" (backdated).
    const adaYes = read.value.doc.votes[garden.id]![0]!;
    const { sig: _voteSig, by: _voteBy, ...vote } = adaYes;
    const boYes = sign(nobleSigner, "vote", { ...vote, at: adaYes.at + 1 } as Vote, testKeys(2));
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[garden.id]!.push(toStored(boYes)));
    const late = sign(nobleSigner, "vote", { ...vote, choice: "no", at: adaYes.at + 1 } as Vote, host.keys);
    const backdated = sign(nobleSigner, "vote", { ...vote, choice: "no", at: adaYes.at - 60 * 60_000 } as Vote, host.keys);
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[garden.id]!.push(toStored(late), toStored(backdated)));
    // A contribution dated 2099: held out of the purse until then.
    const dues = readPurseShardDoc(shard.doc());
    if (!dues.ok) throw new Error(dues.error.message);
    const { sig: _entrySig, by: _entryBy, ...entry } = dues.value.doc.entries.find((e) => e.memo === "savings")!;
    const future = sign(
      nobleSigner,
      "entry",
      { ...entry, id: "from-2099", amount: 5_000_00, memo: "from the future", at: Date.UTC(2099, 0, 1) } as Entry,
      host.keys,
    );
    // And a contribution dated an hour before her savings, signed on the copy that holds them: backdated, placed after them.
    const hourBefore = sign(
      nobleSigner,
      "entry",
      { ...entry, id: "hour-before", amount: 1_00, memo: "backdated", at: entry.at - 60 * 60_000 } as Entry,
      host.keys,
    );
    shard.change((doc) => {
      const list = (doc as unknown as { entries: Record<string, unknown>[] }).entries;
      list.push(toStored(future) as Record<string, unknown>);
      list.push(toStored(hourBefore) as Record<string, unknown>);
    });
    await node.persist();
  } finally {
    await host.close();
  }
}

beforeAll(async () => {
  const dir = await tempDir("e2e-tampered");
  dirs.push(dir);
  await tamperedCommune(dir);
  app = await startBrowserMode(dir);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopBrowserModes();
  await stopAll(dirs);
}, 120_000);

const nav = (page: Page, screen: string) => page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: screen, exact: true }).click();

describe("a tampered record, on the screen where the record is", () => {
  it("says on the ledger row, the proposal and the member row what was done, and that the signed original counts", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    await page.goto(app.url);

    await nav(page, "Purse");
    const ledger = page.getByRole("table", { name: "Ledger" });
    const dues = ledger.getByRole("row").filter({ hasText: "dues" });
    await showsText(
      dues,
      "Altered in the documents: Ada's contribution was changed after it was signed (amount: 10.00 EUR → 900.00 EUR); the purse judges the signed original",
    );
    await showsText(dues, "10.00");
    // The balance is the signed history's: 1,000 + 10 + the backdated 1, not 1,000 + 900.
    await showsText(page.getByLabel("Purse balances").first(), "1,011.00 EUR");
    const fromTheFuture = ledger.getByRole("row").filter({ hasText: "from the future" });
    await showsText(fromTheFuture, "dated 1 January 2099, 00:00 UTC, ahead of this machine's clock: it counts only from then");
    const backdated = ledger.getByRole("row").filter({ hasText: "backdated" });
    await showsText(backdated, "but was written after Ada's contribution of");
    await showsText(backdated, "the purse places it then");
    await screenshot(page, "tampered-ledger");
    expect(await accessibilityProblems(page), "Purse").toEqual([]);

    await nav(page, "Proposals");
    const roof = page.getByRole("article", { name: "New roof" });
    await showsText(
      roof,
      'Signed twice: Ada signed a second version of this proposal after it was made (amount: 100.00 EUR → 900.00 EUR, payee: "Roofer" → Ada); the version the votes approved counts',
    );
    await showsText(roof, "100.00 EUR to Roofer");
    const removal = page.getByRole("article", { name: "Remove Bo" });
    await showsText(removal, "Altered in the documents: Ada's signed yes vote was deleted after it was cast; it still counts");
    await shows(removal.getByText("passed"));
    const garden = page.getByRole("article", { name: "Garden day" });
    await showsText(garden, 'Ada\'s "no" vote, dated');
    await showsText(garden, "came too late: Bo's vote of");
    await showsText(garden, 'Ada\'s "no" vote is dated');
    await showsText(garden, "but was written after Bo's");
    await shows(garden.getByText("passed"));
    await showsText(garden, "Closed early: every member voted");
    // Her vote is still the "yes" that counts, not the late "no".
    await showsText(garden, "Your vote: yes");
    // Each choice with its own symbol beside the bar, not a colour alone.
    await showsText(garden, "\u2713 2 yes");
    await garden.getByText("Who voted what (2)").click();
    await showsText(garden, "Ada: \u2713 yes");
    await showsText(garden, "Bo: \u2713 yes");
    await screenshot(page, "tampered-proposals");
    // Finding a proposal: by a word of its title, then by what became of it.
    await page.getByRole("search", { name: "Find proposals" }).getByLabel("Search").fill("roof");
    await showsText(page.getByText(/proposals shown$/), "1 of 3 proposals shown");
    expect(await page.getByRole("article").count()).toBe(1);
    await page.getByRole("search", { name: "Find proposals" }).getByLabel("Search").fill("");
    await page.getByRole("search", { name: "Find proposals" }).getByLabel("Show").selectOption("rejected");
    await shows(page.getByText("No decided proposal fits the search."));
    await page.getByRole("search", { name: "Find proposals" }).getByLabel("Show").selectOption("all");
    expect(await accessibilityProblems(page), "Proposals").toEqual([]);

    await nav(page, "Members");
    const bo = page.getByRole("table", { name: "Members" }).getByRole("row").filter({ hasText: "Bo" });
    await showsText(bo, "removed");
    await showsText(bo, "A signed vote on Bo's removal was deleted after it was cast; Bo's removal stands (the signed vote still counts)");
    await screenshot(page, "tampered-members");
    expect(await accessibilityProblems(page), "Members").toEqual([]);

    // The notes' colours hold up in the dark theme too.
    await page.emulateMedia({ colorScheme: "dark" });
    for (const screen of ["Purse", "Proposals", "Members"]) {
      await nav(page, screen);
      await shows(page.getByText(/Altered in the documents/));
      expect(await accessibilityProblems(page), `${screen} (dark)`).toEqual([]);
    }
  }, 600_000);
});
