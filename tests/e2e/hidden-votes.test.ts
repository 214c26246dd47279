import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must } from "../../host/testing/host-harness";
import { toStored } from "../../shared/docs/automerge-form";
import { nobleCrypto } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Vote } from "../../shared/proposals/proposal";
import { testKeys } from "../../shared/testing/commune-builder";
import { onAdasCommune, preparedApp, showsText, type PreparedApp } from "./browser";

/**
 * Issue 17, votes hidden until close, on screen: while the proposal is
 * open the card says how many voted and nothing of how; once it closes the
 * counts and who voted what appear.
 */
let opened: PreparedApp;
const bo = testKeys(2);

beforeAll(async () => {
  // Ada and Bo; Ada's proposal with hidden votes, and Bo's signed "no" already in Ada's copy (as a sync brings it).
  opened = await preparedApp("e2e-hidden-votes", (dir) =>
    onAdasCommune(dir, async (host, commune) => {
      await must(host, "commune.admit", { commune, member: bo.publicKey, name: "Bo" });
      const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Paint the barn red", deadline: { days: 7 }, hideVotes: true });
      const node = host.node(commune);
      if (!node.ok) throw new Error(node.error.message);
      const vote = sign<Vote>(nobleCrypto(), "vote", { commune, proposal: id, at: Date.now(), choice: "no" }, bo);
      node.value.docs.proposals.change((doc) => {
        doc.votes[id]!.push(toStored(vote));
      });
    }),
  );
}, 300_000);

afterAll(() => opened?.close(), 120_000);

describe("a proposal with hidden votes", () => {
  it("shows no counts while open, and shows them once it closes", async () => {
    const page = await opened.page({ screen: "Proposals" });
    const card = page.getByRole("article", { name: "Paint the barn red" });
    await showsText(card, "Votes stay hidden until it closes: 1 of 2 have voted.");
    expect(await card.getByText(/Who voted what/).count()).toBe(0);
    expect(await card.getByText(/1 no/).count()).toBe(0);

    // Ada's vote completes the electorate: it closes, and the counts show.
    await card.getByRole("button", { name: "Vote yes" }).click();
    await showsText(card, "Closed early: every member voted");
    await showsText(card, "1 yes, 1 no");
    await card.getByText("Who voted what (2)").click();
    await showsText(card, "Bo: \u2717 no");
    expect(await card.getByText(/Votes stay hidden/).count()).toBe(0);
  }, 600_000);
});
