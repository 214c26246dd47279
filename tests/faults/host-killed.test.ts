import { afterAll, describe, expect, it } from "vitest";
import { startMemberProcess, stopAll, tempDir, type MemberProcess } from "../integration/processes";
import { PeakMemory, recordFaults } from "./fault-report";
import { scaled, timeLimit } from "./scale";

/**
 * A member's host killed with SIGKILL right after it acknowledged a
 * command, of a random kind, again and again: after each restart the
 * acknowledged write is there. "Acknowledged" is what the member was told
 * ("Recorded"); what the host wrote before saying so must be on disk.
 */

const KILLS = scaled(4, 200);
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const dirs: string[] = [];
afterAll(() => stopAll(dirs), 60_000);

type Check = (member: MemberProcess) => Promise<boolean>;

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

describe("a member's host killed with SIGKILL right after it acknowledged a write", () => {
  it(
    `${KILLS} times, after commands of random kinds: after every restart each acknowledged write is there`,
    async () => {
      const started = Date.now();
      const peaks = new PeakMemory();
      const dataDir = await tempDir("faults-host");
      dirs.push(dataDir);
      let member = await startMemberProcess(dataDir);
      await member.must("identity.rename", { name: "Ada" });
      const { commune } = await member.must("commune.create", {
        name: "Riverside",
        currencies: [EUR],
        rules: { spendLimit: { EUR: "100000.00" } },
      });
      await member.must("purse.contribute", { commune, amount: "1000.00", currency: "EUR", memo: "seed" });

      const acknowledged: { what: string; check: Check }[] = [];
      const unvoted: string[] = [];
      let entries = 1;
      let crashes = 0;
      const ledgerIds = async (on: MemberProcess) => {
        const page = await on.must("purse.ledger", { commune, limit: 1_000 });
        return new Set(page.rows.filter((row) => row.status === "counted").map((row) => row.id));
      };
      const commands: (() => Promise<{ what: string; check: Check }>)[] = [
        async () => {
          const { id } = await member.must("purse.contribute", { commune, amount: "2.50", currency: "EUR", memo: "dues" });
          entries++;
          return { what: `contribution ${id}`, check: async (on) => (await ledgerIds(on)).has(id) };
        },
        async () => {
          const { id } = await member.must("purse.disburse", { commune, amount: "1.00", currency: "EUR", payee: { outside: "Bakery" } });
          entries++;
          return { what: `disbursement ${id}`, check: async (on) => (await ledgerIds(on)).has(id) };
        },
        async () => {
          const { id } = await member.must("proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
          unvoted.push(id);
          return { what: `proposal ${id}`, check: async (on) => (await on.must("proposal.list", { commune })).some((p) => p.id === id) };
        },
        async () => {
          const proposal = unvoted.pop();
          if (proposal === undefined) return commands[0]!();
          const choice = pick(["yes", "no", "abstain"] as const);
          await member.must("proposal.vote", { commune, proposal, choice });
          return {
            what: `${choice} vote on ${proposal}`,
            check: async (on) => (await on.must("proposal.list", { commune })).find((p) => p.id === proposal)?.myVote === choice,
          };
        },
        async () => {
          const { id } = await member.must("inventory.add", { commune, title: "Seed library", body: "Heirloom tomatoes", tags: ["garden"] });
          return { what: `knowledge item ${id}`, check: async (on) => (await on.must("inventory.list", { commune })).some((item) => item.id === id) };
        },
        async () => {
          const name = pick(["Ada", "Ada L.", "Ada Lovelace"]);
          await member.must("identity.rename", { name });
          return { what: `rename to ${name}`, check: async (on) => (await on.must("identity.show", {})).name === name };
        },
      ];

      const missing: string[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const done = await pick(commands)();
        peaks.sample("host", member.child.pid);
        if (member.child.exitCode !== null) crashes++;
        await member.kill();
        member = await startMemberProcess(dataDir);
        if (!(await done.check(member))) missing.push(done.what);
        acknowledged.push(done);
      }
      // And all of them at the end, not only the last one each time.
      for (const done of acknowledged.filter((write) => !write.what.startsWith("rename")))
        if (!(await done.check(member))) missing.push(`${done.what} (at the end)`);
      peaks.sample("host", member.child.pid);

      recordFaults({
        scenario: "host kill -9 after each acknowledged command",
        faults: KILLS,
        entriesWritten: entries,
        entriesLost: missing.filter((what) => what.startsWith("contribution") || what.startsWith("disbursement")).length,
        crashes,
        hostileTried: 0,
        hostileAccepted: 0,
        peakRssMiB: peaks.peaks,
        boundMiB: { host: 1_024 },
        seconds: (Date.now() - started) / 1000,
      });
      expect(missing).toEqual([]);
      expect(crashes).toBe(0);
    },
    timeLimit(120_000, 1_800_000),
  );
});
