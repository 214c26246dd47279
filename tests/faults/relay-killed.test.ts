import { describe, expect, it } from "vitest";
import { startMemberProcess, startRelayProcess, waitFor, type MemberProcess, type RelayProcess } from "../integration/processes";
import { EUR, ledgerRows, recordFault, scratchFolders } from "./fault-harness";
import { PeakMemory } from "./fault-report";
import { scaled, timeLimit } from "./scale";

/**
 * The relay killed with SIGKILL at random points while three members write
 * into the purse and sync through it, again and again; each time it is
 * started again on its own data folder. Every entry a member's host
 * acknowledged must reach every member, and all must end with the same
 * purse and ledger.
 */

const KILLS = scaled(3, 20);
const ENTRIES = scaled(60, 1_000);
const dir = scratchFolders();

const randomBelow = (n: number) => Math.floor(Math.random() * n);

describe("a relay killed with SIGKILL during sync", () => {
  it(
    `${KILLS} times, while 3 members write ${ENTRIES} entries: every member converges to the same purse and ledger, and no acknowledged entry is lost`,
    async () => {
      const started = Date.now();
      const peaks = new PeakMemory();
      const relayDir = await dir("faults-relay");
      let relay: RelayProcess = await startRelayProcess(relayDir);
      const port = relay.port;
      const members: MemberProcess[] = [];
      for (const name of ["ada", "bo", "cy"]) members.push(await startMemberProcess(await dir(`faults-${name}`)));
      const [ada] = members as [MemberProcess, MemberProcess, MemberProcess];
      await ada.must("identity.rename", { name: "Ada" });
      const { commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url] });
      await waitFor(async () => (await ada.must("sync.status", { commune })).waiting === 0 || undefined, "the relay to hold the new commune");
      for (const [member, name] of [
        [members[1]!, "Bo"],
        [members[2]!, "Cy"],
      ] as const) {
        const { invite } = await ada.must("commune.invite", { commune });
        await member.must("commune.join", { invite, name });
      }

      let written = 0;
      let total = 0;
      let relayCrashes = 0;
      const perRound = Math.ceil(ENTRIES / KILLS / members.length);
      for (let round = 0; round < KILLS; round++) {
        const writing = members.map(async (member) => {
          for (let i = 0; i < perRound && written < ENTRIES; i++) {
            // 1.00 to 9.99 EUR: never 10 times a member's usual contribution, which the host asks to confirm (shared/purse/unusual.ts).
            const cents = 100 + randomBelow(900);
            written++;
            await member.must("purse.contribute", { commune, amount: (cents / 100).toFixed(2), currency: "EUR", memo: `round ${round}` });
            total += cents;
          }
        });
        // A random point in the round: before, during or after most of the writes reached the relay.
        await new Promise((resolve) => setTimeout(resolve, randomBelow(1_500)));
        peaks.sample("relay", relay.child.pid);
        if (relay.child.exitCode !== null) relayCrashes++;
        await relay.kill();
        await Promise.all(writing);
        relay = await startRelayProcess(relayDir, port);
      }

      const counts = async () =>
        JSON.stringify(
          await Promise.all(
            members.map(async (member) => ({
              counted: (await member.must("commune.show", { commune })).balances.entries.counted,
              sync: await member.must("sync.status", { commune }),
            })),
          ),
        );
      for (const member of members) {
        await waitFor(
          async () => (await member.must("commune.show", { commune })).balances.entries.counted === written || undefined,
          `all ${written} entries at ${member.dataDir} (${await counts()})`,
          timeLimit(120_000, 600_000),
        );
      }
      const pictures = await Promise.all(
        members.map(async (member) => ({
          purse: (await member.must("commune.show", { commune })).balances.purse,
          ledger: (await ledgerRows(member, commune)).sort(),
        })),
      );
      for (const member of members) peaks.sample("host", member.child.pid);
      peaks.sample("relay", relay.child.pid);
      const counted = Math.min(...pictures.map((picture) => picture.ledger.filter((row) => row.endsWith(":counted")).length));
      const crashes = relayCrashes + members.filter((member) => member.child.exitCode !== null).length;

      recordFault("relay kill -9 during sync", { faults: KILLS, written, lost: written - counted, crashes, started, peaks });
      expect(pictures[0]!.purse).toEqual({ EUR: total });
      expect(pictures[1]).toEqual(pictures[0]);
      expect(pictures[2]).toEqual(pictures[0]);
      expect(counted).toBe(written);
      expect(crashes).toBe(0);
    },
    timeLimit(240_000, 1_800_000),
  );
});
