import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { accessibilityProblems, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 17, "Outcome", on screen: a passed spend is paid from its card, the
 * card names the entry that paid it, and Ada records what came of it with a
 * day to look at it again.
 */
let opened: PreparedApp;

beforeAll(async () => {
  // 100 EUR in the purse and a spend of 60 EUR to the roofers that Ada, the whole electorate, has passed.
  opened = await preparedApp("e2e-outcome", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR", memo: "first month" });
      const { id } = await must(host, "proposal.create", {
        commune,
        kind: "spend",
        title: "New roof",
        body: "The shed roof leaks.",
        amount: "60",
        currency: "EUR",
        payee: { outside: "Roofers" },
        deadline: { days: 7 },
      });
      await must(host, "proposal.vote", { commune, proposal: id, choice: "yes", reason: "It rains in." });
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("Home prompts the proposer", () => {
  it("lists her proposal that closed without an outcome", async () => {
    const page = await opened.page({ screen: "Home" });
    const prompts = page.getByRole("list", { name: "Proposals you made that closed without an outcome" });
    await showsText(prompts, "New roof");
    expect(await accessibilityProblems(page), "Home with an outcome to record").toEqual([]);
  }, 600_000);
});

describe("the outcome of a passed spend", () => {
  it("is paid from the card, names the entry that paid it, and shows the outcome recorded with its review date", async () => {
    const page = await opened.page({ screen: "Proposals", height: 1200 });
    const card = page.getByRole("article", { name: "New roof" });
    await shows(card.getByText("passed"));
    await card.getByRole("button", { name: "Execute" }).click();
    const outcome = card.getByRole("region", { name: "Outcome of New roof" });
    await showsText(outcome, "Paid by");
    await showsText(outcome, "60.00 EUR by Ada");

    await outcome.getByRole("button", { name: "Record the outcome" }).click();
    await outcome.getByLabel("What came of it").fill("The roofers fixed it in a day; ten-year warranty.");
    await outcome.getByLabel("Review on (optional)").fill("2099-06-01");
    await outcome.getByRole("button", { name: "Record", exact: true }).click();
    await showsText(outcome, "The roofers fixed it in a day; ten-year warranty.");
    await showsText(outcome, "Recorded by Ada");
    await showsText(outcome, "Review on Jun 1, 2099");
    expect(await outcome.getByRole("button", { name: "Record a new outcome" }).count()).toBe(1);
    await screenshot(page, "proposal-outcome");
    expect(await accessibilityProblems(page), "Proposals with an outcome").toEqual([]);

    // Recorded: Home no longer asks for it.
    await page.getByRole("navigation", { name: "Commune" }).getByRole("link", { name: "Home", exact: true }).click();
    await shows(page.getByRole("heading", { name: "Riverside" }));
    await shows(page.getByRole("heading", { name: "Purse" }));
    expect(await page.getByRole("list", { name: "Proposals you made that closed without an outcome" }).count()).toBe(0);
  }, 600_000);
});
