import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/** Issue 17, "Outcome": statements of what came of a decided proposal, and the payment that carried out a spend. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DAY = 86_400_000;

/** Ada's commune with 100 EUR in the purse and a spend proposal of 60 EUR to the roofers, still open. */
async function newRoof(): Promise<{ host: Host; commune: string; proposal: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-outcome-"));
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
  await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR" });
  const { id: proposal } = await must(host, "proposal.create", {
    commune,
    kind: "spend",
    title: "New roof",
    amount: "60",
    currency: "EUR",
    payee: { outside: "Roofers" },
    deadline: { days: 7 },
  });
  return { host, commune, proposal };
}

const viewOf = async (host: Host, commune: string, proposal: string) => (await must(host, "proposal.list", { commune })).find((view) => view.id === proposal)!;

describe("an outcome statement", () => {
  it("is refused while the proposal is open, and with a review date in the past, in words, writing nothing", async () => {
    const { host, commune, proposal } = await newRoof();
    expect(await host.run("proposal.outcome", { commune, proposal, statement: "Done" })).toMatchObject({
      ok: false,
      error: { code: "outcome.stillOpen", message: '"New roof" is still open: record its outcome once it is decided.' },
    });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    expect(await host.run("proposal.outcome", { commune, proposal, statement: "Done", review: Date.now() - DAY })).toMatchObject({
      ok: false,
      error: { code: "outcome.reviewPast", field: "review" },
    });
    expect(await host.run("proposal.outcome", { commune, proposal, statement: "  " })).toMatchObject({ ok: false, error: { code: "outcome.empty" } });
    expect(await host.run("proposal.outcome", { commune, proposal: "nothing", statement: "Done" })).toMatchObject({
      ok: false,
      error: { code: "proposal.notFound" },
    });
    expect((await viewOf(host, commune, proposal)).outcomeStatement).toBeUndefined();
  });

  it("shows the latest statement with its review date, the earlier as history, and the payment that paid the spend", async () => {
    const { host, commune, proposal } = await newRoof();
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    const { id: entry } = await must(host, "proposal.execute", { commune, proposal });
    const review = Date.now() + 180 * DAY;
    await must(host, "proposal.outcome", { commune, proposal, statement: "The roofers start in May." });
    await must(host, "proposal.outcome", { commune, proposal, statement: "The roof is done and dry.", review });

    const view = await viewOf(host, commune, proposal);
    expect(view.outcomeStatement).toMatchObject({ statement: "The roof is done and dry.", byName: "Ada", review });
    expect(view.history).toEqual([expect.objectContaining({ statement: "The roofers start in May." })]);
    expect(view.paidBy).toEqual([{ id: entry, author: expect.any(String), authorName: "Ada", amount: 6000, currency: "EUR", at: expect.any(Number) }]);
    // And the entry names the proposal back, by id and title.
    const { rows } = await must(host, "purse.ledger", { commune });
    expect(rows.find((row) => row.id === entry)).toMatchObject({ proposal, proposalTitle: "New roof" });
  });

  it("marks a payment voided once its author takes it back", async () => {
    const { host, commune, proposal } = await newRoof();
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    const { id: entry } = await must(host, "proposal.execute", { commune, proposal });
    await must(host, "purse.void", { commune, entry, reason: "paid twice by mistake" });
    expect((await viewOf(host, commune, proposal)).paidBy).toEqual([expect.objectContaining({ id: entry, voided: true })]);
  });
});
