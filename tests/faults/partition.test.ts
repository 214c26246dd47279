import { describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { must } from "../../host/testing/host-harness";
import { unreachable } from "../../host/testing/offline-double-spend";
import { startMemberProcess, startRelayProcess, waitFor } from "../integration/processes";
import { EUR, ledgerRows, recordFault, scratchFolders } from "./fault-harness";
import { PeakMemory } from "./fault-report";
import { scaled, timeLimit } from "./scale";

/**
 * A partition: Cy's machine loses the network. He goes on writing into the
 * purse offline while Ada and Bo write through the relay; before anything
 * else, Ada pays the roofer 80 of the purse's 100 and Cy, offline, pays the
 * garage 80 from what he last saw. When Cy's host comes back, all three
 * must agree on every entry, and on which of the two payments lost.
 */

const OFFLINE = scaled(10, 500);
const ONLINE = scaled(10, 500);
const dir = scratchFolders();

// 1.00 to 9.99 EUR: never 10 times a member's usual contribution, which the host asks to confirm (shared/purse/unusual.ts).
const cents = () => 100 + Math.floor(Math.random() * 900);
const amount = (minor: number) => (minor / 100).toFixed(2);

describe("a member partitioned from the others", () => {
  it(
    `writes ${OFFLINE} entries offline while the others write ${ONLINE}: after he rejoins, all converge, and the same one of two concurrent overspends lost everywhere`,
    async () => {
      const started = Date.now();
      const peaks = new PeakMemory();
      const relay = await startRelayProcess(await dir("faults-relay"));
      const cyDir = await dir("faults-cy");
      const ada = await startMemberProcess(await dir("faults-ada"));
      const bo = await startMemberProcess(await dir("faults-bo"));
      let cy = await startMemberProcess(cyDir);
      await ada.must("identity.rename", { name: "Ada" });
      const { commune } = await ada.must("commune.create", {
        name: "Riverside",
        currencies: [EUR],
        relays: [relay.url],
        rules: { spendLimit: { EUR: "100000.00" } },
      });
      await waitFor(async () => (await ada.must("sync.status", { commune })).waiting === 0 || undefined, "the relay to hold the new commune");
      for (const [member, name] of [
        [bo, "Bo"],
        [cy, "Cy"],
      ] as const)
        await member.must("commune.join", { invite: (await ada.must("commune.invite", { commune })).invite, name });
      await ada.must("purse.contribute", { commune, amount: "100.00", currency: "EUR", memo: "savings" });
      await waitFor(async () => (await cy.must("commune.show", { commune })).balances.purse.EUR === 100_00 || undefined, "Cy to see the savings");

      // The partition: Cy's host stops, and Cy works on without a network.
      peaks.sample("host", cy.child.pid);
      await cy.stop();
      const offline = await Host.open({ dataDir: cyDir, links: unreachable });
      let total = 100_00;
      try {
        const roof = await ada.must("purse.disburse", { commune, amount: "80.00", currency: "EUR", payee: { outside: "Roofer" } });
        const garage = await must(offline, "purse.disburse", { commune, amount: "80.00", currency: "EUR", payee: { outside: "Garage" } });
        total -= 80_00;
        const writes: Promise<void>[] = [
          (async () => {
            for (let i = 0; i < OFFLINE; i++) {
              const minor = cents();
              await must(offline, "purse.contribute", { commune, amount: amount(minor), currency: "EUR", memo: "offline" });
              total += minor;
            }
          })(),
          ...[ada, bo].map(async (member, index) => {
            for (let i = index; i < ONLINE; i += 2) {
              const minor = cents();
              await member.must("purse.contribute", { commune, amount: amount(minor), currency: "EUR", memo: "online" });
              total += minor;
            }
          }),
        ];
        await Promise.all(writes);
        await offline.close();

        // Cy's machine is back on the network.
        cy = await startMemberProcess(cyDir);
        const members = [ada, bo, cy];
        const written = 1 + 2 + OFFLINE + ONLINE;
        for (const member of members) {
          await waitFor(
            async () => {
              const { entries } = (await member.must("commune.show", { commune })).balances;
              return entries.counted + entries.overdrawn + entries.untrusted === written || undefined;
            },
            `all ${written} entries at ${member.dataDir}`,
            timeLimit(120_000, 600_000),
          );
        }
        const pictures = await Promise.all(
          members.map(async (member) => {
            const view = await member.must("commune.show", { commune });
            return { purse: view.balances.purse, members: view.balances.members, ledger: await ledgerRows(member, commune) };
          }),
        );
        for (const member of members) peaks.sample("host", member.child.pid);
        peaks.sample("relay", relay.child.pid);
        const statuses = new Map(pictures[0]!.ledger.map((row) => [row.split(":")[0]!, row.split(":")[2]!]));
        const counted = [...statuses.values()].filter((status) => status === "counted").length;
        const crashes = [ada, bo, cy].filter((member) => member.child.exitCode !== null).length + (relay.child.exitCode === null ? 0 : 1);

        // The losing payment is judged, not lost: it is every member's "overdrawn" row.
        recordFault("partition: one member offline, then back", { faults: 1, written, lost: written - statuses.size, crashes, started, peaks });
        expect(pictures[1]).toEqual(pictures[0]);
        expect(pictures[2]).toEqual(pictures[0]);
        expect(statuses.get(roof.id)).toBe("counted");
        expect(statuses.get(garage.id)).toBe("overdrawn");
        expect(counted).toBe(written - 1);
        expect(pictures[0]!.purse).toEqual({ EUR: total });
        // And Cy, whose payment lost, is told.
        expect((await cy.must("sync.status", { commune })).notices).toEqual([expect.objectContaining({ entry: garage.id, status: "overdrawn" })]);
        expect(crashes).toBe(0);
      } finally {
        await offline.close();
      }
    },
    timeLimit(180_000, 1_800_000),
  );
});
