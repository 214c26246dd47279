import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ProposalView } from "../../shared/commands/views";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A host whose clock moves a second on every reading, so each record has its own time and rule versions fall between proposals. */
async function openHost() {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-views-"));
  dirs.push(dataDir);
  let time = Date.UTC(2026, 2, 1);
  const host = await Host.open({ dataDir, links: noRelays, now: () => (time += 1000) });
  hosts.push(host);
  return host;
}

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const SEED = { code: "SEED", name: "Seed swaps", decimals: 0 };

async function founded() {
  const host = await openHost();
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
  return { host, commune };
}

const titled = (views: ProposalView[], title: string) => views.find((view) => view.title === title)!;

describe("proposal views", () => {
  it("show the currencies a rule change adds, with its other changes", async () => {
    const { host, commune } = await founded();
    await must(host, "proposal.create", {
      commune,
      kind: "rule",
      title: "Swap seeds",
      change: { quorumPercent: 60, addCurrencies: [SEED], spendLimit: { SEED: "5" } },
      deadline: { days: 7 },
    });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view!.change).toEqual({ quorumPercent: 60, addCurrencies: [SEED], spendLimit: { SEED: 5 } });
  });

  it("offer blocking by the rules in force when each proposal was made, and count a block as a no where those rules do not allow it", async () => {
    const { host, commune } = await founded();
    await must(host, "proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 7 } });
    const { id: consent } = await must(host, "proposal.create", {
      commune,
      kind: "rule",
      title: "Consent",
      change: { allowBlock: true },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal: consent, choice: "yes" });
    await must(host, "proposal.create", { commune, kind: "general", title: "Orchard", deadline: { days: 7 } });

    const views = await must(host, "proposal.list", { commune });
    expect((await must(host, "commune.show", { commune })).rules.allowBlock).toBe(true);
    expect(titled(views, "Consent")).toMatchObject({ outcome: "passed", allowBlock: false });
    expect(titled(views, "Picnic")).toMatchObject({ outcome: "open", allowBlock: false });
    expect(titled(views, "Orchard")).toMatchObject({ outcome: "open", allowBlock: true });

    // The vote's judge is the tally's rule: a block under rules without blocking is a valid vote that counts as a no.
    const picnicBlock = await host.run("proposal.vote", { commune, proposal: titled(views, "Picnic").id, choice: "block" });
    expect(picnicBlock.ok).toBe(true);
    expect(titled(await must(host, "proposal.list", { commune }), "Picnic")).toMatchObject({ outcome: "rejected", no: 1, block: 0 });
    const orchardBlock = await host.run("proposal.vote", { commune, proposal: titled(views, "Orchard").id, choice: "block" });
    expect(orchardBlock.ok).toBe(true);
    expect(titled(await must(host, "proposal.list", { commune }), "Orchard")).toMatchObject({ outcome: "rejected", block: 1 });
  });
});

describe("who voted what, and why", () => {
  it("shows each member's counted vote with its reason, trimmed, and a vote without one as it was", async () => {
    const { host, commune } = await founded();
    const { id: picnic } = await must(host, "proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 7 } });
    const { id: orchard } = await must(host, "proposal.create", { commune, kind: "general", title: "Orchard", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: picnic, choice: "no", reason: "  rain all week\nand the meadow is mown  " });
    await must(host, "proposal.vote", { commune, proposal: orchard, choice: "yes", reason: "   " });

    const views = await must(host, "proposal.list", { commune });
    expect(titled(views, "Picnic").votes).toEqual([expect.objectContaining({ name: "Ada", choice: "no", reason: "rain all week\nand the meadow is mown" })]);
    expect(titled(views, "Orchard").votes![0]).not.toHaveProperty("reason");
  });

  it("refuses a reason past its bound, with control characters or of the wrong type, and records no vote", async () => {
    const { host, commune } = await founded();
    const { id: picnic } = await must(host, "proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 7 } });
    for (const reason of ["r".repeat(1001), "bell\u0007", 42]) {
      const refused = await host.run("proposal.vote", { commune, proposal: picnic, choice: "yes", reason } as never);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.message).toMatch(/reason: must (be at most 1000 characters|not contain control characters|be text)/);
    }
    expect(titled(await must(host, "proposal.list", { commune }), "Picnic")).toMatchObject({ voted: 0 });
  });
});
