import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAll, tempDir } from "../integration/processes";
import { launchChromium, screenshot, shows, showsText, startBrowserMode, stopBrowserModes } from "./browser";

/**
 * Browser mode restarted under an open tab: the host comes back on the same
 * port with a new token, which the old page does not hold. The page must say
 * so and what to do, and stop offering forms that could only fail.
 */
let browser: Browser;
const dirs: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopBrowserModes();
  await stopAll(dirs);
}, 120_000);

describe("an open tab after Commune restarts", () => {
  it("says Commune was restarted and which address to open, and disables its forms", async () => {
    const dir = await tempDir("e2e-restart");
    dirs.push(dir);
    const first = await startBrowserMode(dir);
    const port = Number(new URL(first.url).port);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(first.url);
    const nameForm = page.getByRole("form", { name: "Choose a name" });
    await shows(nameForm);
    expect(await nameForm.getByLabel("Your name").isEnabled()).toBe(true);

    await first.stop();
    const second = await startBrowserMode(dir, 180_000, port);
    expect(second.url).not.toBe(first.url);

    const banner = page.getByRole("alert").filter({ hasText: "Commune was restarted" });
    await showsText(banner, "Open the new address it printed when it started");
    expect(await nameForm.getByLabel("Your name").isDisabled()).toBe(true);
    await screenshot(page, "host-restarted");

    // The new address works as before.
    await page.goto(second.url);
    await shows(page.getByRole("form", { name: "Choose a name" }));
    expect(await page.getByRole("form", { name: "Choose a name" }).getByLabel("Your name").isEnabled()).toBe(true);
    expect(await page.getByRole("alert").filter({ hasText: "Commune was restarted" }).count()).toBe(0);
  });
});
