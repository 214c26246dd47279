import { resolve, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { becomeMember, copyDataDir, fixture, type Fixture } from "../../bench/synthetic";
import { stopAll, tempDir } from "../integration/processes";
import { launchChromium, screenshot, shows, showsText, startBrowserMode, stopBrowserModes, type BrowserModeHost } from "./browser";

/**
 * A purse of 100,000 signed entries (the bench's synthetic commune, cached
 * under bench/results/fixtures) opened in browser mode: the balances show,
 * the ledger knows all 100,000 rows, and scrolling to its far end and to its
 * middle brings the rows there onto the screen. How fast is the bench's job
 * (npm run bench: "renderer" figures); this test pins that it works.
 */
const ENTRIES = 100_000;
const OPEN_MS = 600_000;
const root = resolve(import.meta.dirname, "../..");

let browser: Browser;
let host: BrowserModeHost;
let commune: Fixture;
const dirs: string[] = [];

beforeAll(async () => {
  commune = await fixture({ entries: ENTRIES, members: 10, seed: 1 }, join(root, "bench/results/fixtures"));
  const dir = await tempDir("e2e-large");
  dirs.push(dir);
  await copyDataDir(commune.template, dir);
  await becomeMember(dir, commune, 0, []);
  host = await startBrowserMode(dir, OPEN_MS);
  browser = await launchChromium();
}, OPEN_MS);

afterAll(async () => {
  await browser?.close();
  await stopBrowserModes();
  await stopAll(dirs);
}, 120_000);

describe("a purse of 100,000 entries", () => {
  it(
    "shows its balances and scrolls its ledger end to end",
    async () => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await page.goto(host.url);
      await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Purse", exact: true }).click();
      const ledger = page.getByRole("table", { name: "Ledger" });
      await shows(ledger, OPEN_MS);
      await showsText(page.getByLabel("Purse balances").first(), "EUR", OPEN_MS);
      await expect.poll(() => ledger.getAttribute("aria-rowcount"), { timeout: OPEN_MS }).toBe(String(ENTRIES + 1));

      // aria-rowcount counts the header row. Newest first: the top row is entry #100000; the far end holds #1.
      const rows = page.getByRole("region", { name: "Ledger rows, scrollable" }).or(page.getByLabel("Ledger rows, scrollable"));
      await showsText(ledger, String(ENTRIES), OPEN_MS);
      await rows.first().evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await shows(ledger.getByRole("row").filter({ has: page.getByRole("cell", { name: "1", exact: true }) }), OPEN_MS);
      await screenshot(page, "purse-100k-end");
      await rows.first().evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
      await shows(ledger.getByRole("row").filter({ has: page.getByRole("cell", { name: /^5\d{4}$/ }) }), OPEN_MS);
      await expect.poll(() => ledger.getByText("Loading…").count(), { timeout: OPEN_MS }).toBe(0);
      await screenshot(page, "purse-100k-middle");
    },
    OPEN_MS * 2,
  );
});
