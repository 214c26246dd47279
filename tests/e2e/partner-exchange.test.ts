import { rm } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { relayLinks } from "../../host/sync/relay-links";
import { must } from "../../host/testing/host-harness";
import { startRelay, type RunningRelay } from "../../relay/relay";
import type { PartnerSharedView } from "../../shared/commands/views";
import { tempDir } from "../integration/processes";
import { LIVE_MS, accessibilityProblems, appOn, nav, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 14's e2e: two private communes, Riverside (Ada) and Hillside (Hana),
 * on one relay. Their partnership is set up through the hosts' commands (an
 * offer, a proposal passed and carried out on each side), as
 * host/commands/partner-relay.test.ts does; then, in the apps, Hana takes in
 * Riverside's answer copied from Ada's Partners screen and sees
 * Riverside's shared item in Hillside's combined inventory with where
 * it comes from, Ada gives Hillside 30 EUR from the Partners screen, Hana
 * reads Riverside and accepts it, and both purses and both accounts show it;
 * a second exchange Hana declines, with a reason, counts for nothing on
 * either side.
 */
const EUR = { code: "EUR", name: "Euro", decimals: 2 };

let relay: RunningRelay | undefined;
let relayDir = "";
let riverside: PreparedApp | undefined;
let hillside: PreparedApp | undefined;
let riversideId = "";
let hillsideId = "";

async function decide(host: Host, commune: string, offer: string): Promise<void> {
  const taken = await must(host, "partner.accept", { commune, offer });
  if (!("proposed" in taken)) throw new Error(`expected a partner proposal, got ${JSON.stringify(taken)}`);
  await must(host, "proposal.vote", { commune, proposal: taken.proposed, choice: "yes" });
  await must(host, "proposal.execute", { commune, proposal: taken.proposed });
}

/** Reads what a partner shares until it has reached the relay: a wait for the sync, not a timing assertion. */
async function readOnceSynced(host: Host, commune: string, partner: string, arrived: (view: PartnerSharedView) => boolean): Promise<void> {
  const deadline = Date.now() + LIVE_MS;
  for (;;) {
    const read = await host.run("partner.shared", { commune, partner });
    if (read.ok && arrived(read.value as PartnerSharedView)) return;
    if (Date.now() > deadline) throw new Error(`what ${partner} shares did not arrive: ${JSON.stringify(read)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The two communes partnered through their hosts up to Riverside's answer, each host closed afterwards so the apps can open their folders. */
async function partnered(riversideDir: string, hillsideDir: string, url: string): Promise<void> {
  const ada = await Host.open({ dataDir: riversideDir, links: relayLinks });
  const hana = await Host.open({ dataDir: hillsideDir, links: relayLinks });
  try {
    await must(ada, "identity.rename", { name: "Ada" });
    await must(hana, "identity.rename", { name: "Hana" });
    riversideId = (
      await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [url], private: true, rules: { spendLimit: { EUR: "100" } } })
    ).commune;
    hillsideId = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [url], private: true })).commune;
    await must(ada, "purse.contribute", { commune: riversideId, amount: "200", currency: "EUR", memo: "" });
    await must(ada, "inventory.add", {
      commune: riversideId,
      title: "Sourdough guide",
      body: "Feed the starter **twice** a day, and keep it warm.",
      sharedWith: "partners",
    });

    await must(hana, "inventory.add", { commune: hillsideId, title: "Cider press to lend", kind: "offer", body: "Bring your own apples." });

    await decide(hana, hillsideId, (await must(ada, "partner.offer", { commune: riversideId })).offer);
    const [hillsideAnswer] = await must(hana, "partner.list", { commune: hillsideId });
    await decide(ada, riversideId, hillsideAnswer!.answer!);
    // Hillside's shared document is on the relay before the hosts close; Riverside's answer is taken in by Hana in the app.
    await readOnceSynced(ada, riversideId, hillsideId, (view) => view.items.some((item) => item.title === "Cider press to lend"));
  } finally {
    await ada.close();
    await hana.close();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the partner again in the Partners screen until `arrived` is on it: the other app's write reaching the relay, waited for, not timed. */
async function readUntil(page: Page, partner: string, arrived: Locator): Promise<void> {
  const again = page.getByRole("region", { name: `What ${partner} shares` }).getByRole("button", { name: `Read ${partner} again` });
  const deadline = Date.now() + LIVE_MS;
  const late = () => new Error(`${String(arrived)} did not show after reading ${partner} again and again for ${LIVE_MS / 1000} s`);
  for (;;) {
    await again.waitFor({ state: "visible", timeout: LIVE_MS });
    // The read in progress ends first: the button is busy (disabled) until then.
    while (!(await again.isEnabled())) {
      if (Date.now() > deadline) throw late();
      await pause(200);
    }
    if ((await arrived.count()) > 0) return;
    if (Date.now() > deadline) throw late();
    await pause(500);
    await again.click();
  }
}

/** Refreshes the partners' items on the Knowledge screen until `text` shows: Riverside's shared document reaching the relay, waited for, not timed. */
async function refreshUntil(page: Page, line: Locator, text: string): Promise<void> {
  const refresh = page.getByRole("button", { name: "Refresh partners" });
  const deadline = Date.now() + LIVE_MS;
  for (;;) {
    await refresh.waitFor({ state: "visible", timeout: LIVE_MS });
    while (!(await refresh.isEnabled())) {
      if (Date.now() > deadline) throw new Error(`the partners' items were still being read after ${LIVE_MS / 1000} s`);
      await pause(200);
    }
    if (((await line.textContent()) ?? "").includes(text)) return;
    if (Date.now() > deadline) throw new Error(`${String(line)} did not show "${text}": it showed "${await line.textContent()}"`);
    await pause(500);
    await refresh.click();
  }
}

beforeAll(async () => {
  relayDir = await tempDir("e2e-partner-exchange-relay");
  relay = await startRelay({ port: 0, dataDir: relayDir });
  const riversideDir = await tempDir("e2e-partner-exchange-riverside");
  const hillsideDir = await tempDir("e2e-partner-exchange-hillside");
  await partnered(riversideDir, hillsideDir, relay.url);
  riverside = await appOn(riversideDir);
  hillside = await appOn(hillsideDir);
}, 600_000);

afterAll(async () => {
  await riverside?.close();
  await hillside?.close();
  await relay?.close();
  if (relayDir) await rm(relayDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}, 120_000);

describe("two partner communes' apps on one relay", () => {
  it("show Riverside's item in Hillside's combined inventory, and an exchange of 30 EUR offered by Riverside, accepted by Hillside, in both purses and accounts, and a second one declined with a reason", async () => {
    // The last step of partnering, in the apps: Riverside's answer, copied from Ada's Partners screen, pasted into Hana's.
    const ada = await riverside!.page({ height: 1600, screen: "Partners" });
    const adasHillside = ada.getByRole("article", { name: "Hillside" });
    await showsText(adasHillside, "Partners: Riverside and Hillside each read what the other shares");
    await adasHillside.locator("summary").filter({ hasText: "Our answer to send to Hillside" }).click();
    const answer = await adasHillside.getByLabel("Our answer to send to Hillside").inputValue();
    expect(answer).toMatch(/^commune-partner/);
    const hana = await hillside!.page({ height: 1100, screen: "Partners" });
    const hanasRiverside = hana.getByRole("article", { name: "Riverside" });
    await showsText(hanasRiverside, "Waiting for Riverside's answer: send Riverside ours (below), and paste theirs here when it comes.");
    expect(await accessibilityProblems(hana), "Partners, waiting for the partner's answer").toEqual([]);
    const takeIn = hanasRiverside.getByRole("form", { name: "Take in Riverside's answer" });
    await takeIn.getByRole("button", { name: "Take in the answer" }).click();
    await shows(takeIn.getByText("Paste the answer Riverside sent", { exact: false }));
    await takeIn.getByLabel("Riverside's answer").fill(answer);
    await takeIn.getByRole("button", { name: "Take in the answer" }).click();
    await showsText(hanasRiverside, "Riverside's answer is kept: Hillside can now read what Riverside shares.");
    await showsText(hanasRiverside, "Partners: Hillside and Riverside each read what the other shares");

    // Hana's combined inventory: Riverside's item, read through the relay, with where it comes from, verified and read only.
    await nav(hana, "Knowledge");
    const partnersLine = hana.getByRole("list", { name: "Partners' items" });
    await refreshUntil(hana, partnersLine, "Riverside: 1 item, read");
    const guide = hana.getByRole("article", { name: "Sourdough guide" });
    await showsText(guide, "From Riverside");
    await showsText(guide, "Verified: signed by a member on Riverside's roster.");
    expect(await guide.locator("strong").textContent()).toBe("twice");
    expect(await guide.getByRole("button").count()).toBe(0);
    // The one search box finds it, and leaves it out when the words are not in it.
    await hana.getByRole("searchbox", { name: "Search knowledge" }).fill("starter");
    await showsText(hana.getByRole("status").filter({ hasText: "match" }), "1 item match");
    await hana.getByRole("searchbox", { name: "Search knowledge" }).fill("tractor");
    await showsText(hana.getByRole("status").filter({ hasText: "match" }), "0 items match");
    await hana.getByRole("searchbox", { name: "Search knowledge" }).fill("");
    await shows(guide);
    // By source: Riverside's items only, then ours only.
    const bySource = hana.getByRole("group", { name: "Filter by source" });
    await bySource.getByRole("button", { name: "Riverside" }).click();
    await showsText(hana.getByRole("status").filter({ hasText: "match" }), "1 item match");
    expect(await hana.getByRole("article", { name: "Cider press to lend" }).count()).toBe(0);
    await bySource.getByRole("button", { name: "Hillside (ours)" }).click();
    await shows(hana.getByRole("article", { name: "Cider press to lend" }));
    expect(await guide.count()).toBe(0);
    await bySource.getByRole("button", { name: "Every commune" }).click();
    await shows(guide);
    await hana.getByRole("button", { name: "Refresh partners" }).click();
    await showsText(partnersLine, "Riverside: 1 item, read");
    await showsText(hana.getByRole("article", { name: "Cider press to lend" }), "From Hillside (our commune)");
    await screenshot(hana, "knowledge-partner-item");
    expect(await accessibilityProblems(hana), "Knowledge with a partner's item").toEqual([]);

    // Ada, in Riverside's Partners screen: Hillside is an active partner; she gives it 30 EUR from the keyboard path the card offers.
    await adasHillside.getByRole("button", { name: "Exchange with Hillside" }).click();
    const exchange = ada.getByRole("form", { name: "Exchange with a partner" });
    expect(await exchange.getByLabel("Partner commune id").inputValue()).toBe(hillsideId);
    await exchange.getByLabel("Amount").fill("30");
    await exchange.getByLabel("Memo").fill("Apple saplings");
    await exchange.getByRole("button", { name: "Offer the exchange" }).click();
    await showsText(exchange.getByRole("status"), "Offered 30.00 EUR to Hillside.");

    // Hana reads Riverside in Hillside's Partners screen until Ada's offer has come through the relay, and accepts it.
    await nav(hana, "Partners");
    await showsText(hanasRiverside, "Partners: Hillside and Riverside each read what the other shares");
    await hanasRiverside.getByRole("button", { name: "Read what Riverside shares" }).click();
    const shared = hana.getByRole("region", { name: "What Riverside shares" });
    await readUntil(hana, "Riverside", shared.getByRole("button", { name: "Accept 30.00 EUR" }));
    const offered = shared.getByRole("list", { name: "Exchanges Riverside offers us" });
    await showsText(offered, "Apple saplings");
    expect(await accessibilityProblems(hana), "Partners, an exchange offered to us").toEqual([]);
    await shared.getByRole("button", { name: "Accept 30.00 EUR" }).click();
    await showsText(shared, "Accepted from Riverside: it is in our purse.");
    await showsText(shared, "We owe Riverside 30.00 EUR.");
    expect(await shared.getByRole("button", { name: "Accept 30.00 EUR" }).count()).toBe(0);
    await showsText(hana.getByRole("table", { name: "Exchanges in the ledger" }), "Accepted from Riverside into our purse.");
    await screenshot(hana, "partner-exchange-accepted-hillside");
    expect(await accessibilityProblems(hana), "Partners, the exchange accepted").toEqual([]);
    await hana.emulateMedia({ colorScheme: "dark" });
    expect(await accessibilityProblems(hana), "Partners, the exchange accepted (dark)").toEqual([]);
    await hana.emulateMedia({ colorScheme: "light" });

    // Ada reads Hillside until its acceptance has come through the relay: the account shows it accepted, with the same position.
    await adasHillside.getByRole("button", { name: "Read what Hillside shares" }).click();
    const adasAccount = ada.getByRole("region", { name: "What Hillside shares" });
    await readUntil(ada, "Hillside", adasAccount.getByRole("table", { name: "Exchanges with Hillside" }).getByRole("cell", { name: "Accepted", exact: true }));
    await showsText(adasAccount, "Hillside owes us 30.00 EUR.");
    await showsText(adasAccount, "No mismatches: both sides' records agree.");
    // The account below the exchange form is asked again after the read too.
    await showsText(ada.getByRole("region", { name: "Partner accounts" }), "Hillside owes us 30.00 EUR.");
    await showsText(ada.getByRole("table", { name: "Exchanges in the ledger" }), "Accepted by Hillside into its purse.");
    await screenshot(ada, "partner-exchange-accepted-riverside");
    expect(await accessibilityProblems(ada), "Partners, the partner's acceptance read").toEqual([]);

    // A second exchange, declined by Hillside with a reason: it counts for nothing on both sides, and the position stays.
    await exchange.getByLabel("Amount").fill("10");
    await exchange.getByLabel("Memo").fill("Spare roof tiles");
    await exchange.getByRole("button", { name: "Offer the exchange" }).click();
    await showsText(exchange.getByRole("status"), "Offered 10.00 EUR to Hillside.");
    const tiles = offered.getByRole("listitem").filter({ hasText: "Spare roof tiles" });
    await readUntil(hana, "Riverside", tiles.getByRole("button", { name: "Decline…" }));
    // From the keyboard: Decline… opens the reason with the focus in it, and Enter sends it.
    await tiles.getByRole("button", { name: "Decline…" }).focus();
    await hana.keyboard.press("Enter");
    const declineForm = tiles.getByRole("form", { name: "Decline 10.00 EUR from Riverside" });
    await shows(declineForm);
    expect(await hana.locator(":focus").getAttribute("id")).toBe(await declineForm.getByLabel("Reason for declining").getAttribute("id"));
    await hana.keyboard.press("Enter");
    await shows(declineForm.getByText("Say why, so Riverside knows what to do about it."));
    await hana.keyboard.type("We have tiles enough");
    await hana.keyboard.press("Enter");
    await showsText(shared, "Declined: Riverside reads why, and the exchange counts for nothing.");
    // The offer leaves the list once the view made after the decline arrives, which may be a moment after the form's own words.
    await expect.poll(() => tiles.getByRole("button").count(), { timeout: 30_000 }).toBe(0);
    await showsText(shared, "We owe Riverside 30.00 EUR.");
    await readUntil(ada, "Hillside", ada.getByRole("table", { name: "Exchanges in the ledger" }).getByText("Declined by Hillside", { exact: false }));
    await showsText(adasAccount, "Hillside owes us 30.00 EUR.");

    // Both purses: Riverside's exchange out, Hillside's in; the declined one in Riverside's, said to count for nothing.
    await nav(ada, "Purse");
    const adasLedger = ada.getByRole("table", { name: "Ledger" });
    await showsText(adasLedger.getByRole("row").filter({ hasText: "Apple saplings" }), "Hillside (to partner)");
    await showsText(adasLedger.getByRole("row").filter({ hasText: "Apple saplings" }), "30.00");
    await showsText(adasLedger.getByRole("row").filter({ hasText: "Spare roof tiles" }), "Declined by Hillside on");
    await nav(hana, "Purse");
    const hillsideRow = hana.getByRole("table", { name: "Ledger" }).getByRole("row").filter({ hasText: "Apple saplings" });
    await showsText(hillsideRow, "Riverside (from partner)");
    await showsText(hillsideRow, "30.00");
    expect(await hana.getByRole("table", { name: "Ledger" }).getByRole("row").filter({ hasText: "Spare roof tiles" }).count()).toBe(0);
  }, 900_000);
});
