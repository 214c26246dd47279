import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { startMemberProcess, startRelayProcess, waitFor, type MemberProcess } from "../integration/processes";
import { EUR, recordFault, scratchFolders } from "./fault-harness";
import { PeakMemory } from "./fault-report";
import { scaled } from "./scale";

/**
 * A relay that lost everything (a new machine, a wiped disk) and comes
 * back on the same address with an empty data folder: the members, who
 * hold the commune's documents, seed it again, and a newcomer who joins
 * through it afterwards gets the whole purse.
 */

const ENTRIES = scaled(20, 200);
const dir = scratchFolders();

describe("a relay restarted with an empty data folder", () => {
  it(`is seeded again by the members: a newcomer who joins through it gets all ${ENTRIES} entries, and new entries flow again`, async () => {
    const started = Date.now();
    const peaks = new PeakMemory();
    const relayDir = await dir("faults-relay");
    let relay = await startRelayProcess(relayDir);
    const port = relay.port;
    const [ada, bo, cy] = [
      await startMemberProcess(await dir("ada")),
      await startMemberProcess(await dir("bo")),
      await startMemberProcess(await dir("cy")),
    ] as [MemberProcess, MemberProcess, MemberProcess];
    await ada.must("identity.rename", { name: "Ada" });
    const { commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url] });
    await waitFor(async () => (await ada.must("sync.status", { commune })).waiting === 0 || undefined, "the relay to hold the new commune");
    await bo.must("commune.join", { invite: (await ada.must("commune.invite", { commune })).invite, name: "Bo" });
    for (let i = 0; i < ENTRIES; i++) await (i % 2 === 0 ? ada : bo).must("purse.contribute", { commune, amount: "1.00", currency: "EUR" });
    const counted = async (member: MemberProcess, n: number) =>
      waitFor(
        async () => (await member.must("commune.show", { commune })).balances.entries.counted === n || undefined,
        `${n} entries at ${member.dataDir}`,
        120_000,
      );
    await counted(ada, ENTRIES);
    await counted(bo, ENTRIES);

    // The relay loses its disk.
    peaks.sample("relay", relay.child.pid);
    await relay.stop();
    await rm(relayDir, { recursive: true, force: true });
    relay = await startRelayProcess(await dir("faults-relay-empty"), port);

    // A newcomer's invite names the same address; joining needs the relay to hold the commune again.
    const { invite } = await ada.must("commune.invite", { commune });
    await waitFor(async () => (await cy.run("commune.join", { invite, name: "Cy" })).ok || undefined, "Cy to join through the emptied relay", 120_000);
    await counted(cy, ENTRIES);
    await cy.must("purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "Cy's share" });
    await counted(ada, ENTRIES + 1);
    await counted(bo, ENTRIES + 1);
    const views = await Promise.all([ada, bo, cy].map((member) => member.must("commune.show", { commune })));
    const purses = views.map((view) => view.balances.purse);
    for (const member of [ada, bo, cy]) peaks.sample("host", member.child.pid);
    peaks.sample("relay", relay.child.pid);

    recordFault("relay restarted empty, re-seeded", {
      faults: 1,
      written: ENTRIES + 1,
      lost: ENTRIES + 1 - Math.min(...views.map((view) => view.balances.entries.counted)),
      crashes: [ada, bo, cy].filter((member) => member.child.exitCode !== null).length + (relay.child.exitCode === null ? 0 : 1),
      started,
      peaks,
    });
    expect(purses).toEqual([{ EUR: ENTRIES * 100 + 500 }, { EUR: ENTRIES * 100 + 500 }, { EUR: ENTRIES * 100 + 500 }]);
  }, 300_000);
});
