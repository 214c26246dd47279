import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toStored } from "../../shared/docs/automerge-form";
import { nobleCrypto } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Comment } from "../../shared/proposals/comment";
import { testKeys } from "../../shared/testing/commune-builder";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/** Issue 17, "Discussion": signed comments on a proposal, with replies, edits and retractions, as the host writes and shows them. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const bo = testKeys(2);

/** Ada's commune with Bo admitted, and an open general proposal by Ada. */
async function gardenDay(): Promise<{ host: Host; commune: string; proposal: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-discussion-"));
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
  await must(host, "commune.admit", { commune, member: bo.publicKey, name: "Bo" });
  const { id: proposal } = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
  return { host, commune, proposal };
}

async function discussionOf(host: Host, commune: string, proposal: string) {
  const views = await must(host, "proposal.list", { commune });
  return views.find((view) => view.id === proposal)!.discussion;
}

/** Bo's comment as Bo's own host would have signed it, arriving in Ada's copy (a test stands in for the sync). */
function receiveFromBo(host: Host, commune: string, fields: Omit<Comment, "commune" | "at">): void {
  const node = host.node(commune);
  if (!node.ok) throw new Error(node.error.message);
  const signed = sign<Comment>(nobleCrypto(), "comment", { commune, at: Date.now(), ...fields }, bo);
  node.value.docs.proposals.change((doc) => {
    doc.comments![fields.proposal]!.push(toStored(signed));
  });
}

describe("a proposal's discussion", () => {
  it("shows comments in order with their authors, replies under the comment they answer", async () => {
    const { host, commune, proposal } = await gardenDay();
    const { id: first } = await must(host, "proposal.comment", { commune, proposal, text: "Saturday suits me" });
    receiveFromBo(host, commune, { proposal, id: "bo-1", text: "Sunday is better", replyTo: first });
    await must(host, "proposal.comment", { commune, proposal, text: "Who brings tools?" });
    const discussion = await discussionOf(host, commune, proposal);
    expect(discussion?.map(({ byName, depth, text, mine }) => ({ byName, depth, text, mine }))).toEqual([
      { byName: "Ada", depth: 0, text: "Saturday suits me", mine: true },
      { byName: "Bo", depth: 1, text: "Sunday is better", mine: undefined },
      { byName: "Ada", depth: 0, text: "Who brings tools?", mine: true },
    ]);
  });

  it("shows an edited comment's latest text, marked edited, with the earlier version readable", async () => {
    const { host, commune, proposal } = await gardenDay();
    const { id } = await must(host, "proposal.comment", { commune, proposal, text: "Ten euros each" });
    await must(host, "proposal.comment", { commune, proposal, edit: id, text: "Twelve euros each" });
    const [shown] = (await discussionOf(host, commune, proposal))!;
    expect(shown).toMatchObject({ id, text: "Twelve euros each", versions: [{ text: "Ten euros each" }] });
    expect(shown!.edited).toBeGreaterThanOrEqual(shown!.at);
  });

  it("withholds a retracted comment's text and says when it was retracted", async () => {
    const { host, commune, proposal } = await gardenDay();
    const { id } = await must(host, "proposal.comment", { commune, proposal, text: "Wrong proposal, sorry" });
    await must(host, "proposal.comment", { commune, proposal, retract: id });
    const [shown] = (await discussionOf(host, commune, proposal))!;
    expect(shown).toMatchObject({ id, byName: "Ada", versions: [] });
    expect(shown!.text).toBeUndefined();
    expect(shown!.retracted!.at).toBeGreaterThanOrEqual(shown!.at);
  });

  it("takes comments after the proposal has closed", async () => {
    const { host, commune, proposal } = await gardenDay();
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view!.outcome).toBe("passed");
    await must(host, "proposal.comment", { commune, proposal, text: "Glad it passed" });
    expect((await discussionOf(host, commune, proposal))!.map((c) => c.text)).toEqual(["Glad it passed"]);
  });

  it("refuses with clear words and writes nothing: no such proposal, not your comment, a reply to nothing, empty text", async () => {
    const { host, commune, proposal } = await gardenDay();
    receiveFromBo(host, commune, { proposal, id: "bo-1", text: "Mine" });
    const refusals = [
      [{ proposal: "nothing", text: "Hello" }, "proposal.notFound", "There is no such proposal in this commune."],
      [{ proposal, edit: "bo-1", text: "Ada's words" }, "comment.notYours", "That comment is not yours to edit: only the member who wrote it can edit it."],
      [{ proposal, retract: "bo-1" }, "comment.notYours", "That comment is not yours to retract: only the member who wrote it can retract it."],
      [{ proposal, replyTo: "nowhere", text: "Yes!" }, "comment.notFound", 'There is no comment nowhere on "Garden day" to reply to.'],
      [{ proposal, text: "  \n " }, "comment.empty", "A comment needs some text."],
      [{ proposal }, "comment.empty", "A comment needs some text."],
    ] as const;
    for (const [input, code, message] of refusals) {
      const result = await host.run("proposal.comment", { commune, ...input });
      expect(result).toMatchObject({ ok: false, error: { code, message } });
    }
    expect((await discussionOf(host, commune, proposal))!.map((c) => c.text)).toEqual(["Mine"]);
  });

  it("refuses input the command schema cannot read: a retraction with text, or both an edit and a reply", async () => {
    const { host, commune, proposal } = await gardenDay();
    const withText = await host.run("proposal.comment", { commune, proposal, retract: "x", text: "Why" });
    expect(withText.ok ? undefined : withText.error.message).toMatch(/A retraction carries no text/);
    const both = await host.run("proposal.comment", { commune, proposal, edit: "x", replyTo: "y", text: "Hm" });
    expect(both.ok ? undefined : both.error.message).toMatch(/replies to a comment, edits one or retracts one/);
  });

  it("lists an edit of another member's comment that arrives from elsewhere as counting for nothing", async () => {
    const { host, commune, proposal } = await gardenDay();
    const { id } = await must(host, "proposal.comment", { commune, proposal, text: "Ada's view" });
    receiveFromBo(host, commune, { proposal, id: "bo-edit", edits: id, text: "Bo rewrote it" });
    expect((await discussionOf(host, commune, proposal))!.map((c) => c.text)).toEqual(["Ada's view"]);
    const shown = await must(host, "commune.show", { commune });
    expect(shown.problems).toContainEqual(
      expect.objectContaining({ subject: "comment", id: "bo-edit", reason: "This edit changes a comment by another member" }),
    );
  });
});
