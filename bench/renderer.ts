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
 *   show (the whole "open the app" a member waits through): the first start
 *   cold (no saved views), restarts with the views the host saved.
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

/**
 * Median, min and max over `runs` (at least 5) page opens of the renderer on
 * a purse of N entries, on one running host. With `restarts`, also `runs`
 * restarts of the host process to balances on screen (slow: each is a new
 * process; the quick bench leaves it out and reports the first, cold start).
 */
export async function rendererFigures(f: Fixture, options: { runs: number; scratch: string; restarts: boolean }): Promise<RendererRow[]> {
  const n = f.spec.entries;
  const runs = Math.max(5, options.runs);
  const dir = join(options.scratch, `renderer-${n}`);
  await rm(dir, { recursive: true, force: true });
  await copyDataDir(f.template, dir);
  await becomeMember(dir, f, 0, []);
  const browser = await launchChromium();
  const starts: number[] = [];
  const balances: number[] = [];
  const ledger: number[] = [];
  const load: number[] = [];
  let cold: number;
  try {
    // The first start has no saved views: the cold case, reported in the notes.
    const startedAt = performance.now();
    let host: BrowserModeHost = await startBrowserMode(dir, WAIT_MS);
    try {
      const first = await openPage(browser);
      await first.goto(host.url);
      await balancesShown(first);
      cold = performance.now() - startedAt;
      await first.context().close();
      for (let r = 0; r < runs; r++) {
        progress(`N=${n}: renderer page open ${r + 1}/${runs}`);
        const page = await openPage(browser);
        const navigated = performance.now();
        await page.goto(host.url);
        await balancesShown(page);
        balances.push(performance.now() - navigated);
        const clicked = performance.now();
        await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Purse", exact: true }).click();
        await firstLedgerRow(page);
        ledger.push(performance.now() - clicked);
        const bare = performance.now();
        await page.goto(new URL("/index.html?bench", host.url).href, { waitUntil: "load" });
        load.push(performance.now() - bare);
        await page.context().close();
      }
      for (let r = 0; options.restarts && r < runs; r++) {
        progress(`N=${n}: renderer host restart ${r + 1}/${runs}`);
        await host.stop();
        const began = performance.now();
        host = await startBrowserMode(dir, WAIT_MS);
        const page = await openPage(browser);
        await page.goto(host.url);
        await balancesShown(page);
        starts.push(performance.now() - began);
        await page.context().close();
      }
    } finally {
      await host.stop();
    }
  } finally {
    await browser.close();
    await stopBrowserModes();
    await rm(dir, { recursive: true, force: true });
  }
  const baseline = "page load of the built renderer (load event)";
  const baselineValue = stats(load);
  const rows: RendererRow[] = [
    {
      n,
      figure: "renderer: first render of balances (browser mode)",
      unit: "ms",
      commune: stats(balances),
      baseline,
      baselineValue,
      note: "host running; navigate to balances on screen",
    },
    { n, figure: "renderer: ledger first rows", unit: "ms", commune: stats(ledger), baseline, baselineValue, note: "click Purse to the first ledger row" },
  ];
  rows.push(
    starts.length > 0
      ? {
          n,
          figure: "renderer: start host to balances on screen",
          unit: "ms",
          commune: stats(starts),
          baseline,
          baselineValue,
          note: `with saved views; the first, cold start took ${Math.round(cold)} ms`,
        }
      : {
          n,
          figure: "renderer: start host to balances on screen (cold, once)",
          unit: "ms",
          commune: stats([cold]),
          baseline,
          baselineValue,
          note: "first start, no saved views; restarts are measured in the full run",
        },
  );
  return rows;
}
