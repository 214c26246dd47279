import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Host } from "../../host/host";
import { must } from "../../host/testing/host-harness";
import { toStored } from "../../shared/docs/automerge-form";
import { nobleCrypto } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Comment } from "../../shared/proposals/comment";
import type { Vote } from "../../shared/proposals/proposal";
import { testKeys } from "../../shared/testing/commune-builder";
import { accessibilityProblems, onAdasCommune, preparedApp, screenshot, shows, showsText, type PreparedApp } from "./browser";

/**
 * Issue 17 on screen: a proposal's discussion between two members. Bo's
 * comment and his vote with its reason are signed with his own key and
 * reach Ada's documents before her app opens them (as a sync would bring
 * them); Ada then replies, comments, edits and retracts from the keyboard.
 */
let opened: PreparedApp;
const bo = testKeys(2);

/** Bo's signed records, put into Ada's copy of the proposals document as they would arrive from his host. */
function fromBo(host: Host, commune: string, proposal: string, at: number): void {
  const node = host.node(commune);
  if (!node.ok) throw new Error(node.error.message);
  const crypto = nobleCrypto();
  const comment = sign<Comment>(crypto, "comment", { commune, proposal, id: "bo-borrow", at, text: "Could we borrow the Millers' mower instead?" }, bo);
  const vote = sign<Vote>(crypto, "vote", { commune, proposal, at: at + 1000, choice: "no", reason: "Borrowing costs nothing." }, bo);
  node.value.docs.proposals.change((doc) => {
    doc.comments![proposal]!.push(toStored(comment));
    doc.votes[proposal]!.push(toStored(vote));
  });
}

beforeAll(async () => {
  opened = await preparedApp("e2e-discussion", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "commune.admit", { commune, member: bo.publicKey, name: "Bo" });
      const { id } = await must(host, "proposal.create", {
        commune,
        kind: "general",
        title: "Buy a lawnmower",
        body: "The grass is knee-high.",
        deadline: { days: 7 },
      });
      fromBo(host, commune, id, Date.now());
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("a proposal's discussion", () => {
  it("shows comments in order with replies under them, an edit marked with its earlier version, a retraction, and votes with reasons", async () => {
    const page = await opened.page({ screen: "Proposals", height: 1400 });
    const card = page.getByRole("article", { name: "Buy a lawnmower" });
    const discussion = card.getByRole("region", { name: /^Discussion/ });
    await showsText(discussion, "Could we borrow the Millers' mower instead?");

    // A reply to Bo, from the keyboard: Reply, type, Ctrl+Enter.
    await discussion.getByRole("button", { name: "Reply to Bo" }).focus();
    await page.keyboard.press("Enter");
    const box = discussion.getByLabel("Your reply to Bo");
    await expect(box.evaluate((element) => element === element.ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.type("They need it every weekend.");
    await page.keyboard.press("Control+Enter");
    const byAda = (text: string) => discussion.getByRole("article", { name: "Comment by Ada" }).filter({ hasText: text });
    await shows(byAda("They need it every weekend."));

    // A comment of her own, then a new version of it.
    await discussion.getByLabel("Your comment", { exact: true }).fill("A good one costs 250 EUR.");
    await discussion.getByRole("button", { name: "Comment", exact: true }).click();
    await shows(byAda("A good one costs 250 EUR."));
    await byAda("A good one costs 250 EUR.").getByRole("button", { name: "Edit your comment" }).click();
    const editBox = discussion.getByLabel("New version of your comment");
    await editBox.fill("A good one costs 280 EUR, with the catcher.");
    await editBox.press("Control+Enter");
    await shows(byAda("A good one costs 280 EUR, with the catcher."));

    // One more, taken back after the confirmation.
    await discussion.getByLabel("Your comment", { exact: true }).fill("Wrong proposal, sorry.");
    await discussion.getByLabel("Your comment", { exact: true }).press("Control+Enter");
    await shows(byAda("Wrong proposal, sorry."));
    await byAda("Wrong proposal, sorry.").getByRole("button", { name: "Retract your comment" }).click();
    const confirm = page.getByRole("dialog", { name: "Retract your comment?" });
    await shows(confirm);
    await confirm.getByRole("button", { name: "Retract it" }).click();
    await showsText(discussion, "Retracted by Ada");

    // Ada votes with her reason; who voted what shows both reasons.
    await card.getByLabel("Why you vote so (optional)").fill("Hiring one every week costs more.");
    await card.getByRole("button", { name: "Vote yes" }).click();
    await showsText(card, "Your vote: yes");
    await card.getByText(/Who voted what/).click();
    await showsText(card, "Borrowing costs nothing.");
    await showsText(card, "Hiring one every week costs more.");

    const comments = discussion.getByRole("listitem").filter({ has: page.getByRole("article") });
    const texts = await comments.evaluateAll((items) => items.map((item) => (item.querySelector("article")?.textContent ?? "").replace(/\s+/g, " ")));
    expect(texts).toHaveLength(4);
    expect(texts[0]).toMatch(/^Bo .*Could we borrow the Millers' mower instead\?/);
    expect(texts[1]).toMatch(/^Ada .*· reply.*They need it every weekend\./);
    expect(texts[2]).toMatch(/^Ada .*· edited .*A good one costs 280 EUR, with the catcher\..*Earlier versions \(1\)/);
    expect(texts[3]).toMatch(/^Ada .*Retracted by Ada on /);
    expect(texts[3]).not.toContain("Wrong proposal, sorry.");
    await discussion.getByText("Earlier versions (1)").click();
    await showsText(discussion, "A good one costs 250 EUR.");
    await screenshot(page, "proposal-discussion");
    expect(await accessibilityProblems(page), "Proposals with a discussion").toEqual([]);
  }, 600_000);
});
