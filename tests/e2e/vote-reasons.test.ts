import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { accessibilityProblems, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 17 on screen: Ada votes on a proposal with a reason, from the
 * keyboard, and "Who voted what" shows her vote with the reason beside it.
 */
let opened: PreparedApp;

beforeAll(async () => {
  // Ada's commune with one open proposal, made by her host before the app opens it.
  opened = await preparedApp("e2e-vote-reasons", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", body: "Saturday, from ten.", deadline: { days: 7 } });
      await must(host, "proposal.create", { commune, kind: "general", title: "Fix the gate", body: "Before the goats find it.", deadline: { days: 0.5 } });
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("proposals waiting for my vote, on Home", () => {
  it("lists the soonest to close first, and says which close within a day", async () => {
    const page = await opened.page({ screen: "Home" });
    const waiting = page.getByRole("list", { name: "Proposals waiting for your vote" });
    await showsText(waiting, "Garden day");
    const items = waiting.getByRole("listitem");
    await showsText(items.first(), "Fix the gate");
    await showsText(items.first(), "closes soon");
    expect(await items.nth(1).getByText("closes soon").count()).toBe(0);
  }, 600_000);
});

describe("a vote with its reason", () => {
  it("is cast from the keyboard with a reason, and shown with it in who voted what, in light and dark", async () => {
    const page = await opened.page({ screen: "Proposals" });

    const garden = page.getByRole("article", { name: "Garden day" });
    await garden.getByLabel("Why you vote so (optional)").fill("The beds need weeding before the frost.");
    await garden.getByRole("button", { name: "Vote yes" }).focus();
    await page.keyboard.press("Enter");
    // Ada is the whole electorate: her vote decides it.
    await shows(garden.getByText("passed"));
    await showsText(garden, "Closed early: every member voted");
    await showsText(garden, "Your vote: yes");
    await garden.getByText("Who voted what (1)").focus();
    await page.keyboard.press("Enter");
    await showsText(garden, "Ada: \u2713 yes");
    await showsText(garden.locator("q"), "The beds need weeding before the frost.");
    await screenshot(page, "proposals-vote-reason");
    expect(await accessibilityProblems(page), "Proposals").toEqual([]);

    await page.emulateMedia({ colorScheme: "dark" });
    await showsText(garden.locator("q"), "The beds need weeding before the frost.");
    expect(await accessibilityProblems(page), "Proposals (dark)").toEqual([]);
  }, 600_000);
});
