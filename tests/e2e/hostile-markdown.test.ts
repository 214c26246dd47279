import type { Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { accessibilityProblems, nav, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 14: hostile Markdown in a knowledge item runs nothing and loads
 * nothing in the app. A member writes one item that tries script, event
 * handlers, javascript: links, remote images and CSS; the page that shows it
 * is watched for every request it makes, every dialog, every page error and
 * for the flag the script would set.
 */
const HOSTILE = [
  "## Compost, the *easy* way",
  "Turn it **weekly**. See [the guide](https://example.org/compost).",
  "<script>window.pwned = 'script'</script>",
  '<img src="https://tracker.example/a.png" onerror="window.pwned = \'onerror\'">',
  "![pixel](https://tracker.example/pixel.png)",
  "[click me](javascript:window.pwned='link')",
  '<a href="https://example.org" onclick="window.pwned = \'onclick\'">a plain link</a>',
  "<style>body { display: none !important }</style>",
  '<iframe src="https://evil.example/"></iframe>',
  "<svg onload=\"window.pwned = 'svg'\"></svg>",
].join("\n\n");

let opened: PreparedApp;

beforeAll(async () => {
  opened = await preparedApp("e2e-hostile-markdown", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "inventory.add", { commune, title: "Compost", body: HOSTILE, tags: ["garden"] });
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("a knowledge item with hostile Markdown", () => {
  it("shows its words and runs, loads and restyles nothing", async () => {
    const { app, browser } = opened;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const own = new URL(app.url).origin;
    const elsewhere: string[] = [];
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on("request", (request: Request) => {
      if (!request.url().startsWith(own) && !request.url().startsWith(own.replace("http", "ws"))) elsewhere.push(request.url());
    });
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(app.url);
    await nav(page, "Knowledge");

    const item = page.getByRole("article", { name: "Compost" });
    await shows(item.getByRole("heading", { name: "Compost, the easy way", level: 4 }));
    await showsText(item, "[image: pixel");
    await shows(item.getByText("click me"));
    expect(await item.getByRole("link", { name: "click me" }).count(), "a javascript: link is not a link").toBe(0);

    // The one web link still asks before it opens (the page's own question, as for an item's link).
    await item.getByRole("link", { name: "the guide" }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toContain("example.org");

    expect(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await item.locator("script, img, style, iframe, svg, [onclick], [onerror], [onload], [style]").count()).toBe(0);
    expect(await page.locator("body").isVisible()).toBe(true);
    expect(elsewhere, "requests that left the app").toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, "knowledge-hostile-markdown");
    expect(await accessibilityProblems(page), "Knowledge").toEqual([]);
  }, 600_000);
});
