import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMemberProcess, startRelayProcess, stopAll, tempDir, waitFor, type MemberProcess, type RelayProcess } from "./processes";

/**
 * The whole journey with real processes on 127.0.0.1: a relay and three
 * members' hosts, each its own Node process, driven through the hosts'
 * control servers exactly as the CLI drives them.
 */
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const dirs: string[] = [];
let relay: RelayProcess;
let ada: MemberProcess;
let bo: MemberProcess;
let cy: MemberProcess;
let commune: string;

async function dir(prefix: string) {
  const path = await tempDir(prefix);
  dirs.push(path);
  return path;
}

const purseOf = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances.purse;
const outcomesOf = async (member: MemberProcess) => Object.fromEntries((await member.must("proposal.list", { commune })).map((p) => [p.id, p.outcome]));

/** Waits until every member shows the same purse, and returns it. */
async function converged(members: MemberProcess[], expected: Record<string, number>) {
  for (const member of members) {
    await waitFor(
      async () => JSON.stringify(await purseOf(member)) === JSON.stringify(expected),
      `a purse of ${JSON.stringify(expected)} at ${member.dataDir}`,
    );
  }
}

beforeAll(async () => {
  relay = await startRelayProcess(await dir("relay"));
  [ada, bo, cy] = await Promise.all([startMemberProcess(await dir("ada")), startMemberProcess(await dir("bo")), startMemberProcess(await dir("cy"))]);
  await ada.must("identity.rename", { name: "Ada" });
  ({ commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url], rules: { spendLimit: { EUR: "10.00" } } }));
  // As the CLI does after a write: the relay must hold the new commune before anyone can join it.
  await waitFor(async () => {
    const status = await ada.must("sync.status", { commune });
    return (status.waiting === 0 && status.relays.some((r) => r.state === "connected")) || undefined;
  }, "the relay to hold Ada's new commune");
  for (const [member, name] of [
    [bo, "Bo"],
    [cy, "Cy"],
  ] as const) {
    const { invite } = await ada.must("commune.invite", { commune });
    expect(await member.must("commune.join", { invite, name })).toMatchObject({ commune, status: "active" });
  }
}, 180_000);

afterAll(() => stopAll(dirs));

describe("three members and a relay, as separate processes", () => {
  it("create, invite, join, contribute, propose, vote, execute: every member ends with the same balances and outcomes, and the member who was offline catches up", async () => {
    await waitFor(async () => (await ada.must("commune.show", { commune })).balances.members.length === 3 || undefined, "Ada to see all three members");
    await cy.stop();

    await ada.must("purse.contribute", { commune, amount: "100.00", currency: "EUR", memo: "first" });
    await converged([ada, bo], { EUR: 10000 });
    const { id: proposal } = await bo.must("proposal.create", {
      commune,
      kind: "spend",
      title: "New roof",
      amount: "60",
      currency: "EUR",
      payee: { outside: "Roofers" },
      deadline: { days: 7 },
    });
    await waitFor(async () => (await outcomesOf(ada))[proposal], "Ada to see Bo's proposal");
    // Cast at the same moment on two machines: both votes must survive the merge.
    await Promise.all([ada.must("proposal.vote", { commune, proposal, choice: "yes" }), bo.must("proposal.vote", { commune, proposal, choice: "yes" })]);
    // Cy is offline and part of the electorate, but two yes of three already meet the 50% threshold whatever Cy votes: it closes early (issue 17).
    await waitFor(async () => (await outcomesOf(ada))[proposal] === "passed" || undefined, "the spend proposal to pass");
    const decided = (await ada.must("proposal.list", { commune })).find((p) => p.id === proposal)!;
    expect(decided).toMatchObject({ yes: 2, voted: 2, electorate: 3, early: "settled" });
    await ada.must("proposal.execute", { commune, proposal });
    await converged([ada, bo], { EUR: 4000 });
    expect(await outcomesOf(bo)).toEqual(await outcomesOf(ada));

    cy = await startMemberProcess(cy.dataDir);
    await converged([cy], { EUR: 4000 });
    await waitFor(async () => JSON.stringify(await outcomesOf(cy)) === JSON.stringify(await outcomesOf(ada)) || undefined, "Cy to see the same outcomes");
    const ledgers = await Promise.all([ada, bo, cy].map((m) => m.must("purse.ledger", { commune })));
    expect(ledgers[1]).toEqual(ledgers[0]);
    expect(ledgers[2]).toEqual(ledgers[0]);
  }, 240_000);

  it("merges concurrent offline writes on two members with nothing lost", async () => {
    const before = (await purseOf(ada)).EUR!;
    await relay.stop();
    await ada.must("purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "offline at Ada's" });
    await bo.must("purse.contribute", { commune, amount: "7.00", currency: "EUR", memo: "offline at Bo's" });
    relay = await startRelayProcess(relay.dataDir, relay.port);
    await converged([ada, bo, cy], { EUR: before + 1200 });
  }, 240_000);

  it("loses no entry when the relay is killed in the middle of a sync", async () => {
    const before = (await purseOf(ada)).EUR!;
    const writes = Array.from({ length: 20 }, (_, i) => ada.must("purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: `burst ${i}` }));
    await new Promise((r) => setTimeout(r, 300));
    await relay.kill();
    await Promise.all(writes);
    relay = await startRelayProcess(relay.dataDir, relay.port);
    await converged([ada, bo, cy], { EUR: before + 2000 });
  }, 240_000);

  it("keeps an entry whose command returned success when the host is killed right after", async () => {
    const { id } = await bo.must("purse.contribute", { commune, amount: "3.00", currency: "EUR", memo: "just before the crash" });
    await bo.kill();
    bo = await startMemberProcess(bo.dataDir);
    const ledger = await bo.must("purse.ledger", { commune, limit: 1000 });
    expect(ledger.rows.some((row) => row.id === id)).toBe(true);
  }, 120_000);
});
