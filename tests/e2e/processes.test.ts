import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { must, noRelays } from "../../host/testing/host-harness";
import { toStored } from "../../shared/docs/automerge-form";
import { nobleSigner } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Vote } from "../../shared/proposals/proposal";
import { testKeys } from "../../shared/testing/commune-builder";
import { accessibilityProblems, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 17's processes on screen. Ada and Bo; Bo's votes are his signed
 * records, written into Ada's copy as a sync would bring them. A consent
 * proposal passes the moment Ada consents after Bo (closed early); another,
 * past its deadline, was blocked by Bo's objection, shown with its reason;
 * Ada objects to a third from the keyboard, refused until she gives a
 * reason; and a dot vote over three spending options is ranked once Ada
 * spreads her dots beside Bo's.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const bo = testKeys(2);

let opened: PreparedApp;

/** Signs Bo's vote on a proposal (the version that counts) and adds it to Ada's copy of the proposals document. */
async function bosVote(host: Host, commune: string, proposal: string, fields: Omit<Vote, "commune" | "proposal" | "version">): Promise<void> {
  const node = host.nodes.get(commune)!;
  const model = node.model();
  if (!model.ok) throw new Error(model.error.message);
  const version = model.value.state.proposals[proposal]!.version;
  const vote = sign(nobleSigner, "vote", { commune, proposal, version, ...fields } as Vote, bo);
  node.docs.proposals.change((doc) => {
    const votes = doc.votes as unknown as Record<string, unknown[]>;
    if (votes[proposal] === undefined) votes[proposal] = [];
    votes[proposal].push(toStored(vote));
  });
  await node.persist();
}

async function riverside(dataDir: string): Promise<void> {
  let time = Date.now() - 3 * DAY;
  const host = await Host.open({ dataDir, links: noRelays, now: () => time });
  try {
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
    await must(host, "commune.admit", { commune, member: bo.publicKey, name: "Bo" });
    time += HOUR;
    // Three days ago, for a day: Ada consented, Bo objected with a reason, and the deadline has passed.
    const hall = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "Rent the hall for the party",
      deadline: { days: 1 },
      process: { kind: "consent" },
    });
    await must(host, "proposal.vote", { commune, proposal: hall.id, choice: "yes" });
    await bosVote(host, commune, hall.id, { at: time + HOUR, choice: "block", reason: "The hall is booked for the harvest that week." });

    time = Date.now() - HOUR;
    const paint = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "Paint the shed green",
      deadline: { days: 7 },
      process: { kind: "consent" },
    });
    await bosVote(host, commune, paint.id, { at: time + 1, choice: "yes" });
    await must(host, "proposal.create", { commune, kind: "general", title: "Keep bees", deadline: { days: 7 }, process: { kind: "consent" } });
    const buy = await must(host, "proposal.create", {
      commune,
      kind: "general",
      title: "What to spend the spring money on",
      deadline: { days: 7 },
      process: { kind: "poll", options: ["New roof", "Solar panels", "Garden tools"], dots: 5 },
    });
    await bosVote(host, commune, buy.id, { at: time + 1, choice: "yes", dots: [1, 3, 1] });
  } finally {
    await host.close();
  }
}

beforeAll(async () => {
  opened = await preparedApp("e2e-processes", riverside);
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("a consent process", () => {
  it("passes, closed early, once every member has consented", async () => {
    const page = await opened.page({ screen: "Proposals" });
    const paint = page.getByRole("article", { name: "Paint the shed green" });
    await showsText(paint, "No objection so far (1 member consented)");
    await paint.getByRole("group", { name: "Your vote on Paint the shed green" }).getByRole("button", { name: "Consent" }).click();
    await shows(paint.getByText("passed"));
    await showsText(paint, "Closed early: every member voted");
    await showsText(paint, "No objection (2 members consented)");
  }, 600_000);

  it("is rejected by one objection standing at the deadline, shown with its reason", async () => {
    const page = await opened.page({ screen: "Proposals" });
    const hall = page.getByRole("article", { name: "Rent the hall for the party" });
    await shows(hall.getByText("rejected"));
    const objections = hall.getByRole("list", { name: "Objections" });
    await showsText(objections, "Bo objects");
    await showsText(objections.locator("q"), "The hall is booked for the harvest that week.");
    await hall.scrollIntoViewIfNeeded();
    await screenshot(page, "proposal-consent-blocked");
    expect(await accessibilityProblems(page), "Proposals").toEqual([]);
  }, 600_000);

  it("takes an objection from the keyboard only with a reason", async () => {
    const page = await opened.page({ screen: "Proposals" });
    const bees = page.getByRole("article", { name: "Keep bees" });
    await bees.getByRole("button", { name: "Object…" }).focus();
    await page.keyboard.press("Enter");
    await bees.getByRole("button", { name: "Object", exact: true }).focus();
    await page.keyboard.press("Enter");
    await showsText(bees, "An objection needs a reason");
    await bees.getByLabel("Your objection").fill("Cy is allergic to stings.");
    await bees.getByRole("button", { name: "Object", exact: true }).focus();
    await page.keyboard.press("Enter");
    await showsText(bees.getByRole("list", { name: "Objections" }), "Ada objects");
    await showsText(bees, "You object.");
    // An objection standing may still be withdrawn: it does not close the proposal.
    await showsText(bees, "or earlier once every member has consented");
  }, 600_000);
});

describe("a dot vote", () => {
  it("ranks three spending options by the dots two members spread", async () => {
    const page = await opened.page({ screen: "Proposals" });
    const buy = page.getByRole("article", { name: "What to spend the spring money on" });
    await showsText(buy, "5 of 5 dots left to give.");
    for (let i = 0; i < 3; i++) await buy.getByRole("button", { name: "One more dot for New roof" }).click();
    await buy.getByRole("button", { name: "One more dot for Garden tools" }).focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await showsText(buy, "0 of 5 dots left to give.");
    await buy.getByRole("button", { name: "Cast my dots" }).click();
    await shows(buy.getByText("passed"));
    const ranking = buy.getByRole("list", { name: "Ranking of What to spend the spring money on" });
    const rows = ranking.getByRole("listitem");
    await showsText(rows.nth(0), "1. New roof: 4 dots");
    await showsText(rows.nth(1), "2. Solar panels: 3 dots");
    await showsText(rows.nth(2), "3. Garden tools: 3 dots");
    await buy.scrollIntoViewIfNeeded();
    await screenshot(page, "proposal-dot-vote");
    expect(await accessibilityProblems(page), "Proposals").toEqual([]);
  }, 600_000);
});
