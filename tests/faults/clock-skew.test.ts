import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startRelay } from "../../relay/relay";
import { Host } from "../../host/host";
import { relayLinks } from "../../host/sync/relay-links";
import { must } from "../../host/testing/host-harness";
import { until } from "../../host/testing/offline-double-spend";
import { PeakMemory, recordFaults } from "./fault-report";

/**
 * Members whose clocks are a day off (docs/ARCHITECTURE.md, "Order that a
 * claimed time cannot game"). A record's date is its author's clock; the
 * judging machine's clock decides only whether that date has come yet.
 * Bo's clock runs a day ahead: his entries are dated tomorrow, and every
 * member with a true clock holds them, saying so, until tomorrow comes;
 * then they count, on every member alike. Cy's clock runs a day behind: his
 * joining would be dated before his invite was made, and his own host says
 * so instead of writing it.
 */

const DAY = 86_400_000;
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}, 60_000);

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-faults-clock-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

/** A member's host whose clock is `offset()` off the true one. */
async function memberWithClock(offset: () => number): Promise<Host> {
  const host = await Host.open({ dataDir: await folder(), links: relayLinks, joinTimeoutMs: 20_000, now: () => Date.now() + offset() });
  cleanups.push(() => host.close());
  return host;
}

describe("members whose clocks are a day off", () => {
  it("hold a day-ahead member's entries until their date, alike on every true clock, then count them everywhere; a day-behind member is told why he cannot join", async () => {
    const started = Date.now();
    const peaks = new PeakMemory();
    const relay = await startRelay({ port: 0, dataDir: await folder(), log: () => {} });
    cleanups.push(() => relay.close());
    // The true clocks may be moved on together, to the day Bo's entries are dated.
    let later = 0;
    const ada = await memberWithClock(() => later);
    const dee = await memberWithClock(() => later);
    const bo = await memberWithClock(() => DAY);
    const cy = await memberWithClock(() => -DAY);
    await must(ada, "identity.rename", { name: "Ada" });
    const { commune } = await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url] });
    await must(ada, "purse.contribute", { commune, amount: "100.00", currency: "EUR", memo: "savings" });
    await until("Ada's documents on the relay", async () => ada.nodes.get(commune)!.syncStatus().waiting === 0 || undefined);
    await must(dee, "commune.join", { invite: (await must(ada, "commune.invite", { commune })).invite, name: "Dee" });
    await must(bo, "commune.join", { invite: (await must(ada, "commune.invite", { commune })).invite, name: "Bo" });

    const refused = await cy.run("commune.join", { invite: (await must(ada, "commune.invite", { commune })).invite, name: "Cy" });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? "" : refused.error.message).toContain("the join is dated before the invite was made");

    const { id: tomorrow } = await must(bo, "purse.contribute", { commune, amount: "10.00", currency: "EUR", memo: "dated by a clock a day ahead" });
    const row = async (member: Host) => (await must(member, "purse.ledger", { commune })).rows.find((candidate) => candidate.id === tomorrow);
    const picture = async (member: Host) => {
      const view = await must(member, "commune.show", { commune });
      return { purse: view.balances.purse, entries: view.balances.entries, bo: (await row(member))?.status };
    };
    await until("Bo's entry at Ada and Dee", async () => ((await row(ada)) && (await row(dee)) ? true : undefined));
    const [atAda, atDee] = [await picture(ada), await picture(dee)];
    expect(atDee).toEqual(atAda);
    expect(atAda).toEqual({ purse: { EUR: 100_00 }, entries: { counted: 1, overdrawn: 0, untrusted: 1 }, bo: "untrusted" });
    expect((await row(ada))?.reason).toMatch(/^dated .*, ahead of this machine's clock: it counts only from then$/);
    expect(await picture(bo)).toEqual({ purse: { EUR: 110_00 }, entries: { counted: 2, overdrawn: 0, untrusted: 0 }, bo: "counted" });

    // A day and an hour later by every true clock: the same everywhere.
    later = DAY + 60 * 60_000;
    const [nowAda, nowDee, nowBo] = [await picture(ada), await picture(dee), await picture(bo)];
    expect(nowAda).toEqual({ purse: { EUR: 110_00 }, entries: { counted: 2, overdrawn: 0, untrusted: 0 }, bo: "counted" });
    expect(nowDee).toEqual(nowAda);
    expect(nowBo).toEqual(nowAda);
    peaks.sample("host", process.pid);

    recordFaults({
      scenario: "clocks a day ahead and a day behind",
      faults: 2,
      entriesWritten: 2,
      entriesLost: 0,
      crashes: 0,
      hostileTried: 0,
      hostileAccepted: 0,
      // Four hosts and the relay in the test's own process.
      peakRssMiB: peaks.peaks,
      boundMiB: { host: 2_048 },
      seconds: (Date.now() - started) / 1000,
    });
  }, 120_000);
});
