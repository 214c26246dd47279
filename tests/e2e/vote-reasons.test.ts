import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { must, noRelays } from "../../host/testing/host-harness";
import { stopAll, tempDir } from "../integration/processes";
import { accessibilityProblems, launchChromium, screenshot, shows, showsText, startBrowserMode, stopBrowserModes, type BrowserModeHost } from "./browser";

/**
 * Issue 17 on screen: Ada votes on a proposal with a reason, from the
 * keyboard, and "Who voted what" shows her vote with the reason beside it.
 */
let browser: Browser;
let app: BrowserModeHost;
const dirs: string[] = [];

/** Ada's commune with one open proposal, made by her host before the app opens it. */
async function communeWithAProposal(dataDir: string): Promise<void> {
  const host = await Host.open({ dataDir, links: noRelays });
  try {
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
    await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", body: "Saturday, from ten.", deadline: { days: 7 } });
  } finally {
    await host.close();
  }
}

beforeAll(async () => {
  const dir = await tempDir("e2e-vote-reasons");
  dirs.push(dir);
  await communeWithAProposal(dir);
  app = await startBrowserMode(dir);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopBrowserModes();
  await stopAll(dirs);
}, 120_000);

const nav = (page: Page, screen: string) => page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: screen, exact: true }).click();

describe("a vote with its reason", () => {
  it("is cast from the keyboard with a reason, and shown with it in who voted what, in light and dark", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    await page.goto(app.url);
    await nav(page, "Proposals");

    const garden = page.getByRole("article", { name: "Garden day" });
    await garden.getByLabel("Why you vote so (optional)").fill("The beds need weeding before the frost.");
    await garden.getByRole("button", { name: "Vote yes" }).focus();
    await page.keyboard.press("Enter");
    // Ada is the whole electorate: her vote decides it.
    await shows(garden.getByText("passed"));
    await showsText(garden, "Your vote: yes");
    await garden.getByText("Who voted what (1)").focus();
    await page.keyboard.press("Enter");
    await showsText(garden, "Ada: \u2713 yes");
    await showsText(garden.locator("q"), "The beds need weeding before the frost.");
    await screenshot(page, "proposals-vote-reason");
    expect(await accessibilityProblems(page), "Proposals").toEqual([]);

    await page.emulateMedia({ colorScheme: "dark" });
    await showsText(garden.locator("q"), "The beds need weeding before the frost.");
    expect(await accessibilityProblems(page), "Proposals (dark)").toEqual([]);
  }, 600_000);
});
