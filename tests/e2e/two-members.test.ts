import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayProcess, stopAll, tempDir, type RelayProcess } from "../integration/processes";
import {
  accessibilityProblems,
  launchChromium,
  LIVE_MS,
  screenshot,
  shows,
  showsText,
  startBrowserMode,
  stopBrowserModes,
  type BrowserModeHost,
} from "./browser";

/**
 * The desktop app's main journey in browser mode, with real processes: a
 * relay and two members' hosts (`npm run serve`), each driven in its own
 * Chromium context through what a person sees and clicks. Nothing reloads:
 * every change reaches the other screen through the host's live views.
 */
let browser: Browser;
let relay: RelayProcess;
let relayDir: string;
const hosts: BrowserModeHost[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  relayDir = await tempDir("e2e-relay");
  dirs.push(relayDir);
  relay = await startRelayProcess(relayDir);
  for (const name of ["ada", "bo"]) {
    const dir = await tempDir(`e2e-${name}`);
    dirs.push(dir);
    hosts.push(await startBrowserMode(dir));
  }
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopBrowserModes();
  await stopAll(dirs);
}, 120_000);

async function openApp(host: BrowserModeHost): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(host.url);
  return page;
}

async function chooseName(page: Page, name: string) {
  const form = page.getByRole("form", { name: "Choose a name" });
  await form.getByLabel("Your name").fill(name);
  await form.getByRole("button", { name: "Save" }).click();
}

const nav = (page: Page, screen: string) => page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: screen, exact: true }).click();
const balances = (page: Page) => page.getByLabel("Purse balances").first();
const syncStatus = (page: Page) => page.getByRole("status", { name: "Sync status" });

describe("two members run a commune in their browsers", () => {
  it("create, invite, join, contribute, propose, vote, execute; offline and back", async () => {
    const [adaHost, boHost] = hosts as [BrowserModeHost, BrowserModeHost];
    const ada = await openApp(adaHost);
    await chooseName(ada, "Ada");

    // Ada founds the commune with the relay.
    const create = ada.getByRole("form", { name: "Create a commune" });
    await create.getByLabel("Commune name").fill("Riverside");
    await create.getByLabel("Relay URL").fill(relay.url);
    // Private by default: the plaintext choice, for a relay on an older version, is off unless Ada ticks it.
    expect(await create.getByRole("checkbox", { name: "Allow a relay on an older version to read everything (plaintext)" }).isChecked()).toBe(false);
    await screenshot(ada, "first-run-create");
    await create.getByRole("button", { name: "Create commune" }).click();
    await showsText(syncStatus(ada), "Online");
    await screenshot(ada, "home");

    // Ada invites Bo.
    await nav(ada, "Members");
    const inviteForm = ada.getByRole("form", { name: "Create invite" });
    await inviteForm.getByRole("button", { name: "Create invite" }).click();
    const inviteBox = ada.getByRole("textbox", { name: "Invite", exact: true });
    await expect.poll(() => inviteBox.inputValue(), { timeout: LIVE_MS }).toMatch(/^commune-invite:/);
    const invite = await inviteBox.inputValue();
    await screenshot(ada, "members-invite");

    // Bo joins in a second browser.
    const bo = await openApp(boHost);
    await chooseName(bo, "Bo");
    await bo.getByRole("main").getByRole("button", { name: "Join a commune" }).click();
    const join = bo.getByRole("form", { name: "Join a commune" });
    await join.getByLabel("Invite").fill(invite);
    await join.getByRole("button", { name: "Join" }).click();
    await shows(bo.getByRole("navigation", { name: "Commune" }));
    const welcome = bo.getByRole("main").getByText(/You joined .* you are an active member/);
    await shows(welcome);
    await nav(bo, "Members");
    await shows(bo.getByRole("table", { name: "Members" }).getByText("Ada"));
    // What joining said was news about that moment: it does not follow Bo around the app.
    expect(await welcome.count()).toBe(0);
    await nav(bo, "Home");
    await shows(bo.getByRole("heading", { name: "Riverside", level: 1 }));
    expect(await welcome.count()).toBe(0);
    await nav(ada, "Members");
    await shows(ada.getByRole("table", { name: "Members" }).getByText("Bo"));

    // Ada contributes 100 EUR.
    await nav(ada, "Purse");
    const contribute = ada.getByRole("form", { name: "Contribute" });
    await contribute.getByLabel("Amount").fill("100");
    await contribute.getByLabel("Currency").selectOption("EUR");
    await contribute.getByLabel("Memo").fill("Spring dues");
    await contribute.getByRole("button", { name: "Contribute" }).click();
    await showsText(balances(ada), "100.00 EUR");
    // A memo opens in full from the keyboard, not only by hovering.
    const memo = ada.getByRole("table", { name: "Ledger" }).getByRole("button", { name: "Spring dues" });
    await memo.focus();
    await ada.keyboard.press("Enter");
    await showsText(ada.getByRole("cell", { name: /^Memo of entry/ }), "Spring dues");
    expect(await memo.getAttribute("aria-expanded")).toBe("true");
    // Money in and out by sign and in words, not by colour alone.
    const inflow = ada.getByRole("table", { name: "Ledger" }).getByRole("cell", { name: "+100.00", exact: true });
    expect(await inflow.getAttribute("title")).toBe("into the purse");

    // Bo proposes spending 60 EUR: above the 50 EUR limit, so it needs the group.
    await nav(bo, "Purse");
    await showsText(balances(bo), "100.00 EUR");
    await nav(bo, "Proposals");
    const propose = bo.getByRole("form", { name: "New proposal" });
    await propose.getByLabel("Kind").selectOption("spend");
    await propose.getByLabel("Title").fill("New tools");
    await propose.getByLabel("Amount").fill("60");
    await propose.getByLabel("Currency").selectOption("EUR");
    await propose.getByRole("radio", { name: "Someone outside the commune" }).check();
    await propose.getByLabel("Payee name").fill("Hardware shop");
    await propose.getByLabel("Deadline (days)").fill("7");
    await propose.getByRole("button", { name: "Create proposal" }).click();
    const boProposal = bo.getByRole("article", { name: "New tools" });
    await shows(boProposal);

    // Bo votes yes: at the commune's 50% threshold Ada's vote could no longer turn it, so it closes at once (issue 17).
    await boProposal.getByRole("button", { name: "Vote yes" }).click();
    await nav(ada, "Proposals");
    const adaProposal = ada.getByRole("article", { name: "New tools" });
    await shows(adaProposal.getByText("passed"));
    await showsText(adaProposal, "Closed early: the outcome could no longer change");
    await showsText(boProposal, "Closed early: the outcome could no longer change");
    await showsText(boProposal, "Your vote: yes");
    await showsText(adaProposal, "You did not vote.");
    await screenshot(bo, "proposals");

    // Ada executes it: the disbursement is recorded and both purses show 40 EUR.
    await adaProposal.getByRole("button", { name: "Execute" }).click();
    await nav(ada, "Home");
    await nav(bo, "Home");
    await showsText(balances(ada), "40.00 EUR");
    await showsText(balances(bo), "40.00 EUR");
    await screenshot(bo, "home-after-spend");

    // The relay stops: offline is shown plainly on both screens, not as an error.
    await relay.stop();
    for (const page of [ada, bo]) {
      // In words, with when it was last in sync: "Offline since 14:02", not "last synced 3 seconds ago".
      await showsText(syncStatus(page), "Offline since");
      expect(await syncStatus(page).textContent()).not.toContain("last synced");
      expect(await page.getByRole("alert").count()).toBe(0);
    }
    await screenshot(ada, "offline");

    // Bo contributes while offline; the relay comes back on the same port; Ada sees it without reloading.
    await nav(bo, "Purse");
    const boContribute = bo.getByRole("form", { name: "Contribute" });
    await boContribute.getByLabel("Amount").fill("5");
    await boContribute.getByLabel("Currency").selectOption("EUR");
    await boContribute.getByRole("button", { name: "Contribute" }).click();
    await showsText(balances(bo), "45.00 EUR");
    await showsText(syncStatus(bo), "with changes waiting to go out");
    relay = await startRelayProcess(relayDir, relay.port);
    await showsText(balances(ada), "45.00 EUR");
    await showsText(syncStatus(ada), "Online");
    // A day's history reads by the time of day at the axis's end, not the same date twice.
    await nav(ada, "Purse");
    await shows(ada.locator("figure.chart svg"));
    const [dateLabel, ...rest] = (await ada.locator("figure.chart svg text.chart__label").allTextContents()).slice(-2);
    expect(rest[0]).not.toBe(dateLabel);
    expect(rest[0]).toMatch(/^\d{1,2}:\d\d\s?(AM|PM)$/);
    // Every screen, in the light and the dark theme, with a commune's worth of data on it.
    for (const scheme of ["light", "dark"] as const) {
      await ada.emulateMedia({ colorScheme: scheme });
      for (const screen of ["Home", "Purse", "Members", "Proposals", "Knowledge", "Settings"]) {
        await nav(ada, screen);
        await shows(ada.getByRole("heading", { name: screen === "Home" ? "Riverside" : screen, level: 1 }));
        if (scheme === "light") await screenshot(ada, screen.toLowerCase());
        expect(await accessibilityProblems(ada), `${screen} (${scheme})`).toEqual([]);
      }
    }

    // Keyboard only: Tab from the top of the page reaches the navigation, Enter opens a screen,
    // and a form is filled and sent without the mouse.
    await ada.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
    const focused = () =>
      ada.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? "",
      );
    let presses = 0;
    while ((await focused()) !== "Knowledge" && presses++ < 40) await ada.keyboard.press("Tab");
    expect(await focused()).toBe("Knowledge");
    await ada.keyboard.press("Enter");
    await shows(ada.getByRole("heading", { name: "Knowledge", level: 1 }));
    const addItem = ada.getByRole("form", { name: "Add item" });
    await addItem.getByLabel("Title").focus();
    await ada.keyboard.type("Sourdough starter");
    await ada.keyboard.press("Tab");
    await ada.keyboard.type("Feed it daily.");
    await addItem.getByLabel("Title").focus();
    await ada.keyboard.press("Enter");
    await shows(ada.getByRole("article", { name: "Sourdough starter" }));
  }, 600_000);
});
