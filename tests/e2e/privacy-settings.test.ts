import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityProblems, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 13: Settings says plainly whether the commune is private, who holds
 * its current key, and what a relay's operator can and cannot see.
 */
let opened: PreparedApp;

beforeAll(async () => {
  opened = await preparedApp("e2e-privacy-settings", (dir) => onAdasCommune(dir, async () => {}, { private: true }));
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("privacy from relays, in Settings", () => {
  it("names the epoch and its holders, and lists what an operator can and cannot see, in light and dark", async () => {
    const page = await opened.page({ height: 1000, screen: "Settings" });
    const panel = page.getByRole("region", { name: "Privacy from relays" });
    await shows(panel);
    await showsText(panel, "This commune is private");
    await showsText(panel, "epoch 1");
    await showsText(panel.getByRole("list").first(), "Ada");
    await showsText(panel, "any name, memo, amount, vote, proposal or knowledge item");
    // Files leave the encryption behind: a backup made before the move still reads in the clear.
    await showsText(panel, "A backup made before this commune became private holds everything up to then in the clear");
    await screenshot(page, "settings-privacy");
    expect(await accessibilityProblems(page), "Settings").toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await accessibilityProblems(page), "Settings (dark)").toEqual([]);
  }, 600_000);
});
