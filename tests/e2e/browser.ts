import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { Host } from "../../host/host";
import { must, noRelays } from "../../host/testing/host-harness";
import { stopAll, tempDir } from "../integration/processes";

/**
 * End-to-end plumbing for browser mode: members' hosts run as real
 * `npm run serve` processes (serve/main.ts) on 127.0.0.1, and
 * Debian's Chromium drives their pages through Playwright. Chromium is
 * never downloaded: .ci/run installs the Debian package.
 */
const root = resolve(import.meta.dirname, "../..");
export const CHROMIUM = process.env.COMMUNE_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(root, "e2e/screenshots");

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
  // Amounts are shown in the member's locale ("1,010.00 EUR"): the tests read them in one, whatever the machine's.
  "--lang=en-US",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), as .ci/run does.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

const running = new Set<ChildProcess>();

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((done) => child.once("exit", () => done()));

export interface BrowserModeHost {
  url: string;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `npm run serve` on a data directory (the renderer must be built: npm test builds it first) and waits for its address. */
export async function startBrowserMode(dataDir: string, startMs = 180_000, port = 0): Promise<BrowserModeHost> {
  if (!existsSync(join(root, "dist/renderer/index.html"))) throw new Error("dist/renderer is missing: run npm run build (npm test does).");
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "serve/main.ts"), "--port", String(port), "--data", dataDir], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const log: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`browser mode did not start within ${startMs / 1000} s: ${log.join("") || "(nothing on stderr)"}`)),
      startMs,
    );
    lines.on("line", (line) => {
      const match = /running for your browser at (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}: ${log.join("")}`));
    });
  });
  return {
    url,
    dataDir,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

export async function stopBrowserModes(): Promise<void> {
  for (const child of running) child.kill("SIGTERM");
  await Promise.all([...running].map(exited));
}

/** Saves a full-page screenshot as e2e/screenshots/<name>.png (gitignored; the README shows current ones). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** How long a change may take to show on another member's screen: through a relay, on a shared, noisy machine. */
export const LIVE_MS = 90_000;

/** Waits until the element is on screen (Playwright's own wait, not a timed assertion). */
export async function shows(locator: Locator, timeout = LIVE_MS): Promise<void> {
  await locator.first().waitFor({ state: "visible", timeout });
}

/** Waits until the element's text contains `text`, failing with what it showed last. */
export async function showsText(locator: Locator, text: string, timeout = LIVE_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last =
      (await locator
        .first()
        .textContent({ timeout })
        .catch(() => null)) ?? "";
    if (last.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Expected ${String(locator)} to show "${text}", but it showed "${last}"`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * What axe-core (the accessibility rules engine browsers' own audits use)
 * finds wrong on the page as it is now: missing accessible names, broken
 * ARIA structure, contrast too low. One line per problem, for an assertion
 * that the list is empty.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> }; document: unknown };
    return (await page.axe.run(page.document, { resultTypes: ["violations"] })).violations;
  });
  return violations.map(
    (v) =>
      `${v.impact ?? "?"} ${v.id}: ${v.help} (${v.nodes
        .map((node) => node.target.join(" "))
        .slice(0, 3)
        .join(", ")})`,
  );
}

/** Goes to one of the app's screens by its navigation link. */
export const nav = (page: Page, screen: string) => page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: screen, exact: true }).click();

export interface PreparedApp {
  app: BrowserModeHost;
  browser: Browser;
  dataDir: string;
  /** A new page on the app, page errors logged, opened at `screen` when given. */
  page(options?: { height?: number; screen?: string }): Promise<Page>;
  /** Stops Chromium, browser mode and the data folder's processes: for afterAll. */
  close(): Promise<void>;
}

/**
 * The usual start of an e2e file: a data folder prepared before the app
 * opens it (`prepare`, often `onAdasCommune`), browser mode serving it, and
 * Chromium. Call it in beforeAll and `close` in afterAll.
 */
export async function preparedApp(label: string, prepare: (dataDir: string) => Promise<void>): Promise<PreparedApp> {
  const dataDir = await tempDir(label);
  await prepare(dataDir);
  return appOn(dataDir);
}

/** Browser mode and Chromium on a data folder already prepared: for a test that prepares several folders together (two communes partnering). */
export async function appOn(dataDir: string): Promise<PreparedApp> {
  // Chromium first: when it is missing the test fails at once, and no browser-mode process is left running behind it.
  const browser = await launchChromium();
  let app: BrowserModeHost;
  try {
    app = await startBrowserMode(dataDir);
  } catch (error) {
    await browser.close();
    await stopBrowserModes();
    await stopAll([dataDir]);
    throw error;
  }
  return {
    app,
    browser,
    dataDir,
    async page({ height = 900, screen } = {}) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height } })).newPage();
      page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
      await page.goto(app.url);
      if (screen) await nav(page, screen);
      return page;
    },
    async close() {
      await browser.close();
      await stopBrowserModes();
      await stopAll([dataDir]);
    },
  };
}

/** Ada, on her own host, founds Riverside (in euros unless `founding` says otherwise) and does `work` in it before the app opens the folder. */
export async function onAdasCommune(
  dataDir: string,
  work: (host: Host, commune: string) => Promise<void>,
  founding: { currencies?: { code: string; name: string; decimals: number }[]; rules?: object; private?: boolean } = {},
): Promise<void> {
  const host = await Host.open({ dataDir, links: noRelays });
  try {
    await must(host, "identity.rename", { name: "Ada" });
    const currencies = founding.currencies ?? [{ code: "EUR", name: "Euro", decimals: 2 }];
    const { commune } = await must(host, "commune.create", {
      name: "Riverside",
      currencies,
      ...(founding.rules ? { rules: founding.rules } : {}),
      ...(founding.private !== undefined ? { private: founding.private } : {}),
    });
    await work(host, commune);
  } finally {
    await host.close();
  }
}
