import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { testKeys } from "../../shared/testing/commune-builder";
import { must, noRelays } from "../testing/host-harness";

/** Issue 17, "Closing": what the host signs on a new proposal, and the least time it leaves for voting. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

async function riverside(): Promise<{ host: Host; commune: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-proposal-commands-"));
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
  return { host, commune };
}

describe("a new proposal", () => {
  it("is signed to close early, and says it closed early once its outcome was settled", async () => {
    const { host, commune } = await riverside();
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    const model = host.node(commune);
    if (!model.ok) throw new Error(model.error.message);
    const current = model.value.model();
    if (!current.ok) throw new Error(current.error.message);
    expect(current.value.state.proposals[id]!.proposal.closesEarly).toBe(true);

    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({ outcome: "passed", early: "everyone-voted" });
    expect(view!.decidesAt).toBeLessThan(view!.deadline);
  });

  it("closes on the vote that settles it, before the other members vote, and refuses a vote after that", async () => {
    const { host, commune } = await riverside();
    await must(host, "commune.admit", { commune, member: testKeys(2).publicKey, name: "Bo" });
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    // Half of two voted yes and the threshold is 50%: whatever Bo votes, it passes.
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({ outcome: "passed", early: "settled", closesEarly: true, yes: 1, voted: 1, electorate: 2, myVote: "yes" });
    const again = await host.run("proposal.vote", { commune, proposal: id, choice: "no" });
    expect(again.ok ? undefined : again.error.message).toMatch(/voted after "Garden day" was decided/);
  });

  it("is refused with the reason when its deadline leaves less than an hour to vote", async () => {
    const { host, commune } = await riverside();
    const soon = await host.run("proposal.create", { commune, kind: "general", title: "Now", deadline: { at: Date.now() + 150_000 } });
    expect(soon).toMatchObject({
      ok: false,
      error: {
        code: "proposal.tooShort",
        field: "deadline",
        message: "A proposal needs at least 1 hour for members to vote; the deadline given is in 2 minutes",
      },
    });
    const inDays = await host.run("proposal.create", { commune, kind: "general", title: "Now", deadline: { days: 0.001 } });
    expect(inDays.ok ? undefined : inDays.error.message).toBe(
      "deadline.days: A proposal needs at least 1 hour for members to vote; the deadline given is in 86 seconds",
    );
    expect(await must(host, "proposal.list", { commune })).toEqual([]);
  });
});

describe("a proposal whose votes are hidden until it closes", () => {
  it("shows how many voted and one's own vote while open, and neither the counts nor who voted what", async () => {
    const { host, commune } = await riverside();
    // Everyone must vote: Ada's yes leaves it open while Bo and Cy have not voted.
    const { id: open } = await must(host, "proposal.create", {
      commune,
      kind: "rule",
      title: "Everyone votes",
      change: { quorumPercent: 100 },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal: open, choice: "yes" });
    for (const [member, name] of [
      [testKeys(2), "Bo"],
      [testKeys(3), "Cy"],
    ] as const)
      await must(host, "commune.admit", { commune, member: member.publicKey, name });

    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Secret ballot", deadline: { days: 7 }, hideVotes: true });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "no", reason: "too soon" });
    const hidden = (await must(host, "proposal.list", { commune })).find((view) => view.id === id)!;
    expect(hidden).toMatchObject({ outcome: "open", hiddenVotes: true, voted: 1, electorate: 3, myVote: "no", yes: 0, no: 0, thresholdMet: false });
    expect(hidden.votes).toBeUndefined();
  });

  it("is signed with hiddenVotes, and a closed one shows every vote", async () => {
    const { host, commune } = await riverside();
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Secret ballot", deadline: { days: 7 }, hideVotes: true });
    const node = host.node(commune);
    if (!node.ok) throw new Error(node.error.message);
    const current = node.value.model();
    if (!current.ok) throw new Error(current.error.message);
    expect(current.value.state.proposals[id]!.proposal.hiddenVotes).toBe(true);

    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    const [closed] = await must(host, "proposal.list", { commune });
    expect(closed).toMatchObject({ outcome: "passed", yes: 1, votes: [{ name: "Ada", choice: "yes" }] });
    expect(closed!.hiddenVotes).toBeUndefined();
  });
});
