import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { accessibilityProblems, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 16, "a chart ... with a per-member view": the Purse screen's chart
 * shows the purse, or one member's standing, chosen from the keyboard. Ada
 * put 100 EUR in and the commune paid 40 EUR to a bakery: the purse holds 60
 * while Ada's standing stays 100 (outside spending is the commune's).
 */
let opened: PreparedApp;

beforeAll(async () => {
  opened = await preparedApp("e2e-member-chart", (dir) =>
    onAdasCommune(
      dir,
      async (host, commune) => {
        await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR", memo: "dues" });
        await must(host, "purse.disburse", { commune, amount: "40", currency: "EUR", payee: { outside: "Bakery" }, memo: "bread", confirmed: true });
      },
      { rules: { spendLimit: { EUR: "50" } } },
    ),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("the balance chart, per member", () => {
  it("switches from the purse to Ada's standing, and says which it shows", async () => {
    const page = await opened.page({ screen: "Purse" });
    const purse = page.getByRole("img", { name: "Purse balance of EUR over time" });
    await shows(purse);
    await showsText(page.locator("figcaption").first(), "60.00 EUR");

    await page.getByLabel("Whose").focus();
    await page.getByLabel("Whose").selectOption({ label: "Ada's standing" });
    await shows(page.getByRole("img", { name: "Ada's standing in EUR over time" }));
    await showsText(page.locator("figcaption").first(), "Ada's standing in EUR: 100.00 EUR");
    await screenshot(page, "purse-member-chart");
    expect(await accessibilityProblems(page), "Purse").toEqual([]);
  }, 600_000);
});
