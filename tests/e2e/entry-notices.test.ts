import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineDoubleSpend, type DoubleSpend } from "../../host/testing/offline-double-spend";
import { accessibilityProblems, launchChromium, screenshot, shows, showsText, startBrowserMode, stopBrowserModes, type BrowserModeHost } from "./browser";

/**
 * Issue 16 on screen: Bo paid the garage 80 EUR while offline, and Ada had
 * already paid the roofer 80 of the purse's 100. When Bo's host synced, his
 * payment came out overdrawn. He opens the app: Home says so in words, with
 * what to do, until he marks it read.
 */

let browser: Browser;
let story: DoubleSpend;
let bo: BrowserModeHost;

beforeAll(async () => {
  story = await offlineDoubleSpend();
  bo = await startBrowserMode(story.boDir);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopBrowserModes();
  await story?.cleanup();
}, 120_000);

const notices = (page: Page) => page.getByRole("list", { name: "What happened to your entries" });

describe("a payment that lost the race, on the Home of the member who made it", () => {
  it("is told in words with what to do, in both themes, until he marks it read", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" })).newPage();
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    await page.goto(bo.url);

    const notice = notices(page).getByRole("listitem");
    await showsText(notice, "Overdrawn:");
    await showsText(notice, "Your payment of 80.00 EUR to Garage on");
    await showsText(notice, "came out overdrawn after a sync: another payment reached the purse first");
    await showsText(notice, "If the money already left, contribute it back");
    await screenshot(page, "home-overdrawn-notice");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await accessibilityProblems(page), `Home with a notice (${scheme})`).toEqual([]);
    }

    // From the keyboard: the button is reachable and marks it read; the notice goes, and stays gone after a reload.
    await notice.getByRole("button", { name: "Mark as read" }).focus();
    await page.keyboard.press("Enter");
    await shows(page.getByRole("heading", { name: "Riverside", level: 1 }));
    await expect.poll(() => notices(page).count(), { timeout: 30_000 }).toBe(0);
    await page.reload();
    await shows(page.getByRole("heading", { name: "Riverside", level: 1 }));
    await showsText(page.getByLabel("Purse balances").first(), "20.00 EUR");
    expect(await notices(page).count()).toBe(0);
  });

  it("explains the purse and each member's standing in lines that add up to the figure shown", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" })).newPage();
    await page.goto(bo.url);
    await shows(page.getByRole("heading", { name: "Riverside", level: 1 }));
    const minor = (text: string) => Math.round(Number(text.replace(/[^\d.\u2212+-]/g, "").replace("\u2212", "-")) * 100);
    const addsUp = async (table: ReturnType<Page["getByRole"]>) => {
      const lines = await table.locator("tbody td.num").allTextContents();
      const total = await table.locator("tfoot td").textContent();
      return { sum: lines.map(minor).reduce((a, b) => a + b, 0), total: minor(total ?? ""), lines: lines.length };
    };

    await page.getByLabel("Purse balances").first().getByText("How this adds up").click();
    const purse = page.getByRole("table", { name: "How the purse in EUR adds up" });
    await shows(purse);
    expect(await addsUp(purse)).toEqual({ sum: 20_00, total: 20_00, lines: 2 });

    await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Members", exact: true }).click();
    const members = page.getByRole("table", { name: "Members" });
    await shows(members);
    for (const summary of await page.getByText("How this adds up").all()) await summary.click();
    const ada = page.getByRole("table", { name: "How Ada's standing in EUR adds up" });
    await shows(ada);
    expect(await addsUp(ada)).toEqual({ sum: 100_00, total: 100_00, lines: 1 });
    await showsText(page.locator("main"), "A standing is what a member put into the purse");
    await screenshot(page, "members-adds-up");
    expect(await accessibilityProblems(page), "Members with breakdowns open").toEqual([]);
  });

  it("lets him propose reversing Ada's payment from its ledger row, and the proposal names the payment", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1400 }, locale: "en-US" })).newPage();
    await page.goto(bo.url);
    await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Purse", exact: true }).click();
    const ledger = page.getByRole("table", { name: "Ledger" });
    const roofRow = ledger.getByRole("row").filter({ hasText: "Roofer" });
    await shows(roofRow);
    // His own overdrawn payment offers nothing to take back; Ada's counted one offers a proposal.
    expect(
      await ledger
        .getByRole("row")
        .filter({ hasText: "Garage" })
        .getByRole("button", { name: /Correct or void|Propose reversing/ })
        .count(),
    ).toBe(0);
    await roofRow.getByRole("button", { name: /^Propose reversing payment \d+$/ }).click();
    const dialog = page.getByRole("dialog", { name: /^Propose reversing payment #\d+$/ });
    await showsText(dialog, "Ada paid 80.00 EUR to Roofer.");
    await dialog.getByLabel("Why").fill("The roofer never came.");
    expect(await accessibilityProblems(page), "the reversal dialog").toEqual([]);
    await dialog.getByRole("button", { name: "Propose" }).click();
    await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(false);

    await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Proposals", exact: true }).click();
    const card = page.getByRole("article").filter({ hasText: "Reverse Ada's payment of 80.00 EUR to Roofer" });
    await showsText(card, "Take back Ada's payment of 80.00 EUR to Roofer");
    await showsText(card, "Reverse a payment");
  });

  it("asks before it records a transfer that takes the member's standing below zero, and records nothing until he confirms", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" })).newPage();
    await page.goto(bo.url);
    await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Purse", exact: true }).click();
    const transfer = page.getByRole("form", { name: "Transfer" });
    await shows(transfer);
    const ledgerRows = () => page.getByRole("table", { name: "Ledger" }).getByRole("row").filter({ hasText: "typed 5000 for 50" }).count();
    const send = async () => {
      await transfer.getByLabel("To member").selectOption({ label: "Ada" });
      await transfer.getByLabel("Amount", { exact: true }).fill("5000");
      await transfer.getByLabel("Memo").fill("typed 5000 for 50");
      await transfer.getByRole("button", { name: "Transfer" }).click();
    };
    await send();
    const dialog = page.getByRole("dialog", { name: "Record it anyway?" });
    await showsText(dialog, "This transfer of 5000.00 EUR takes your standing to -5000.00 EUR.");
    await screenshot(page, "confirm-unusual-transfer");
    expect(await accessibilityProblems(page), "the confirmation").toEqual([]);
    await dialog.getByRole("button", { name: "Go back and check" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await ledgerRows()).toBe(0);

    await send();
    await dialog.getByRole("button", { name: "Record it anyway" }).click();
    await expect.poll(ledgerRows, { timeout: 30_000 }).toBe(1);
  });
});
