import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { accessibilityProblems, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 14 on screen: the inventory holds offers and needs beside
 * knowledge. Ada offers bike repairs for 2 hours in return, filters the
 * inventory to offers, retires a need that was met and brings it back: the
 * history stays, nothing is deleted.
 */
let opened: PreparedApp;

beforeAll(async () => {
  opened = await preparedApp("e2e-offers-needs", (dir) =>
    onAdasCommune(
      dir,
      async (host, commune) => {
        await must(host, "inventory.add", { commune, title: "Sourdough", body: "Feed the starter **daily**.", tags: ["kitchen"] });
        await must(host, "inventory.add", { commune, title: "Help with the apple harvest", kind: "need", tags: ["garden"] });
      },
      {
        currencies: [
          { code: "EUR", name: "Euro", decimals: 2 },
          { code: "HOUR", name: "Labour hours", decimals: 2 },
        ],
      },
    ),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("offers and needs in the inventory", () => {
  it("adds an offer with a price from the keyboard, filters by kind, and retires and brings back a need", async () => {
    const page = await opened.page({ height: 1000, screen: "Knowledge" });
    await shows(page.getByRole("article", { name: "Sourdough" }));

    const form = page.getByRole("form", { name: "Add item" });
    await form.getByRole("radio", { name: /An offer/ }).check();
    await form.getByLabel("Title").fill("Bike repairs");
    await form.getByLabel("Asks in return (optional)").fill("2.5");
    await form.getByLabel("Currency").selectOption("HOUR");
    await form.getByLabel("Tags").fill("tools");
    await form.getByRole("button", { name: "Add item" }).focus();
    await page.keyboard.press("Enter");
    const offer = page.getByRole("article", { name: "Bike repairs" });
    await showsText(offer, "Offer");
    await showsText(offer, "asks 2.50 HOUR in return");

    await page.getByRole("group", { name: "Filter by kind" }).getByRole("button", { name: "Offers" }).click();
    await showsText(page.getByRole("status").filter({ hasText: "match" }), "1 item match");
    expect(await page.getByRole("article", { name: "Sourdough" }).count()).toBe(0);
    await page.getByRole("group", { name: "Filter by kind" }).getByRole("button", { name: "Everything" }).click();

    const need = page.getByRole("article", { name: "Help with the apple harvest" });
    await need.getByRole("button", { name: "Retire Help with the apple harvest" }).click();
    await shows(page.getByText("1 retired item is hidden", { exact: false }));
    expect(await need.count()).toBe(0);
    await page.getByLabel("Show retired items").check();
    await showsText(need, "Retired by Ada");
    await screenshot(page, "knowledge-offers-needs");
    expect(await accessibilityProblems(page), "Knowledge").toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await accessibilityProblems(page), "Knowledge (dark)").toEqual([]);

    await need.getByRole("button", { name: "Bring back Help with the apple harvest" }).click();
    await showsText(need, "Edited by Ada");
    await showsText(need, "version 3");
  }, 600_000);
});
