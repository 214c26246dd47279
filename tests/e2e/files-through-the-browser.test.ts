import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { nav, onAdasCommune, preparedApp, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 15 in browser mode: files cross between the member's browser and
 * the host only as downloads and uploads. The member exports the purse
 * (a download the page saves) and verifies that very file (an upload), and a
 * page that tries to name a file on the host's machine over its link is
 * refused, the file untouched.
 */
const BASHRC = "# the member's shell setup\n";

let opened: PreparedApp;

beforeAll(async () => {
  opened = await preparedApp("e2e-files", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "purse.contribute", { commune, amount: "12.50", currency: "EUR", memo: "$(touch /tmp/pwned)" });
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("files through the browser", () => {
  it("exports the purse as a download and verifies that file as an upload", async () => {
    const { app, browser, dataDir: dir } = opened;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
    await page.goto(app.url);
    await nav(page, "Purse");
    const exporting = page.getByRole("form", { name: "Export the purse" });
    await shows(exporting);
    const [download] = await Promise.all([page.waitForEvent("download"), exporting.getByRole("button", { name: "Export" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^riverside-purse-\d{4}-\d{2}-\d{2}\.json$/);
    const saved = join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    await showsText(exporting, "Downloaded");

    const verifying = page.getByRole("form", { name: "Verify a snapshot" });
    await verifying.getByLabel("Snapshot file").setInputFiles(saved);
    await verifying.getByRole("button", { name: "Verify" }).click();
    await showsText(verifying, "Verified:");
    await showsText(verifying, "exported by Ada");
  }, 300_000);

  it("refuses a page that names a file on the host's machine, and leaves the file as it was", async () => {
    const { app, browser, dataDir: dir } = opened;
    const victim = join(dir, "bashrc");
    await writeFile(victim, BASHRC);
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url);
    const link = linkUrl(app.url);
    const communes = await readCommunes(page, link);
    const answer = await page.evaluate(
      ([link, commune, out]) =>
        new Promise<unknown>((resolve) => {
          const ws = new WebSocket(link!);
          ws.onopen = () => ws.send(JSON.stringify({ type: "command", id: 7, name: "snapshot.export", input: { commune, format: "csv", out } }));
          ws.onmessage = (event) => {
            const message = JSON.parse(String(event.data)) as { type: string; id?: number };
            if (message.type === "result" && message.id === 7) {
              ws.close();
              resolve(message);
            }
          };
        }),
      [link, communes[0], victim],
    );
    expect(answer).toMatchObject({ outcome: { ok: false, error: { code: "link.noPaths", field: "out" } } });
    expect(await readFile(victim, "utf8")).toBe(BASHRC);
  }, 300_000);
});

/** The page's link, as its own script opens it: same host, the token from the address's fragment. */
function linkUrl(appUrl: string): string {
  const url = new URL(appUrl);
  return `ws://${url.host}/link?token=${encodeURIComponent(url.hash.replace(/^#token=/, ""))}`;
}

/** The communes on this host, asked over the page's own link the way the attacker would. */
function readCommunes(page: Page, link: string): Promise<string[]> {
  return page.evaluate(
    (link) =>
      new Promise<string[]>((resolve) => {
        const ws = new WebSocket(link);
        ws.onopen = () => ws.send(JSON.stringify({ type: "command", id: 1, name: "commune.list", input: {} }));
        ws.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; outcome?: { ok: boolean; value?: { id: string }[] } };
          if (message.type === "result") {
            ws.close();
            resolve((message.outcome?.value ?? []).map((item) => item.id));
          }
        };
      }),
    link,
  );
}
