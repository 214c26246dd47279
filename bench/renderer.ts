/**
 * The renderer at commune scale (issues 4 and 6): a member's host in browser
 * mode (`npm run serve`, a real process) on a copy of the synthetic commune,
 * and Debian's Chromium driven by Playwright. Three figures per size, each a
 * median of `runs` page opens:
 * - first render of balances: from navigating to the app's address until the
 *   "Purse balances" show the commune's currencies (host already running);
 * - ledger first rows: from clicking "Purse" until the ledger's first row of
 *   data is on screen;
 * - start to balances: from starting the host process until the balances
 *   show (the whole "open the app" a member waits through), the first run
 *   cold (no saved views) and the rest with the views the host saved.
 * The baseline is the same page's own fixed cost: navigating to the built
 * renderer until the browser's load event, measured in the same browser.
 * Called by bench/main.ts once per fixture size; returns rows for its table.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium, startBrowserMode, stopBrowserModes, type BrowserModeHost } from "../tests/e2e/browser";
import { progress, stats, type Stats } from "./measure";
import { becomeMember, copyDataDir, type Fixture } from "./synthetic";

export interface RendererRow {
  n: number;
  figure: string;
  unit: "ms";
  commune: Stats;
  baseline: string;
  baselineValue: Stats;
  note: string;
}

const WAIT_MS = 600_000;

async function balancesShown(page: Page): Promise<void> {
  await page.getByLabel("Purse balances").first().getByText(/EUR/).first().waitFor({ state: "visible", timeout: WAIT_MS });
}

async function firstLedgerRow(page: Page): Promise<void> {
  await page.getByRole("table", { name: "Ledger" }).locator(".ledger__row:not(.ledger__row--loading)").first().waitFor({ state: "visible", timeout: WAIT_MS });
}

async function openPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** Median, min and max over `runs` (at least 5) opens of the renderer on a purse of N entries. */
export async function rendererFigures(f: Fixture, options: { runs: number; scratch: string }): Promise<RendererRow[]> {
  const n = f.spec.entries;
  const runs = Math.max(5, options.runs);
  const dir = join(options.scratch, `renderer-${n}`);
  await rm(dir, { recursive: true, force: true });
  await copyDataDir(f.template, dir);
  await becomeMember(dir, f, 0, []);
  const browser = await launchChromium();
  const start: number[] = [];
  const balances: number[] = [];
  const ledger: number[] = [];
  const load: number[] = [];
  let cold = Number.NaN;
  try {
    for (let r = 0; r < runs + 1; r++) {
      progress(`N=${n}: renderer open ${r + 1}/${runs + 1}`);
      const began = performance.now();
      const host: BrowserModeHost = await startBrowserMode(dir);
      try {
        const page = await openPage(browser);
        await page.goto(host.url);
        await balancesShown(page);
        const toBalances = performance.now() - began;
        // The first open has no saved views: reported apart, as the cold case.
        if (r === 0) cold = toBalances;
        else start.push(toBalances);
        await page.context().close();

        if (r === 0) continue;
        const again = await openPage(browser);
        const navigated = performance.now();
        await again.goto(host.url);
        await balancesShown(again);
        balances.push(performance.now() - navigated);
        const clicked = performance.now();
        await again.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Purse", exact: true }).click();
        await firstLedgerRow(again);
        ledger.push(performance.now() - clicked);
        const bare = performance.now();
        await again.goto(new URL("/index.html?bench", host.url).href, { waitUntil: "load" });
        load.push(performance.now() - bare);
        await again.context().close();
      } finally {
        await host.stop();
      }
    }
  } finally {
    await browser.close();
    await stopBrowserModes();
    await rm(dir, { recursive: true, force: true });
  }
  const baseline = "page load of the built renderer (load event)";
  const baselineValue = stats(load);
  return [
    { n, figure: "renderer: first render of balances (browser mode)", unit: "ms", commune: stats(balances), baseline, baselineValue, note: "host running; navigate to balances on screen" },
    { n, figure: "renderer: ledger first rows", unit: "ms", commune: stats(ledger), baseline, baselineValue, note: "click Purse to the first ledger row" },
    {
      n,
      figure: "renderer: start host to balances on screen",
      unit: "ms",
      commune: stats(start),
      baseline,
      baselineValue,
      note: `saved views; cold first open ${Math.round(cold)} ms`,
    },
  ];
}
