import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * The spend limit per member per period, through the one writer: a payment
 * that would take its author past what the rules allow without a proposal
 * in the current period is refused before it is acknowledged, with the
 * ledger's own words, and changes nothing.
 */

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

/** A host whose clock reads what the test sets, one millisecond later at every reading. */
async function hostAt(start: string) {
  let now = Date.parse(start);
  const dataDir = await mkdtemp(join(tmpdir(), "commune-limit-"));
  dirs.push(dataDir);
  const host = await Host.open({ dataDir, links: noRelays, now: () => now++ });
  hosts.push(host);
  await must(host, "identity.rename", { name: "Ada" });
  return { host, setClock: (at: string) => (now = Date.parse(at)) };
}

const pay = (commune: string, amount: string) => ({ commune, amount, currency: "EUR", payee: { outside: "Hardware" } });

async function ledgerRows(host: Host, commune: string) {
  return (await must(host, "purse.ledger", { commune })).rows.map((row) => [row.kind, row.amount, row.status]);
}

describe("the one writer holds each member to the spend limit per period", () => {
  it("refuses the second of six 50 EUR payments in one month under a 50 EUR limit, before writing it, and lets the next month's through", async () => {
    const { host, setClock } = await hostAt("2026-12-01T09:00:00Z");
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "50.00" } } });
    expect((await must(host, "commune.show", { commune })).rules).toMatchObject({ spendLimit: { EUR: 50_00 }, spendPeriod: "month" });
    await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR" });
    await must(host, "purse.disburse", pay(commune, "50.00"));

    // Days apart, with nothing else written between: the model judges each payment by the host's clock, not by the time of its last replay.
    for (const day of ["02", "09", "16", "23", "31"]) {
      setClock(`2026-12-${day}T10:00:00Z`);
      const refused = await host.run("purse.disburse", pay(commune, "50.00"));
      expect(refused).toEqual({
        ok: false,
        error: {
          kind: "rejected",
          code: "entry.untrusted",
          message:
            "Not recorded: the disbursement would not count (Ada has already taken 50.00 EUR without a proposal in December 2026; the limit is 50.00 EUR a month per member).",
        },
      });
    }
    const exchange = await host.run("purse.exchange", { commune, amount: "0.01", currency: "EUR", partner: "Hillside", direction: "out" });
    expect(exchange).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("Ada has already taken 50.00 EUR without a proposal in December 2026") },
    });
    expect(await ledgerRows(host, commune)).toEqual([
      ["disbursement", 50_00, "counted"],
      ["contribution", 1000_00, "counted"],
    ]);

    setClock("2027-01-01T00:00:00Z");
    await must(host, "purse.disburse", pay(commune, "50.00"));
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 900_00 });
  });

  it("pays a passed spend proposal beside the limit, without using it up", async () => {
    const { host } = await hostAt("2026-12-01T09:00:00Z");
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "50.00" } } });
    await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR" });
    const spend = { kind: "spend", title: "New roof", amount: "300", currency: "EUR", payee: { outside: "Roofers" }, deadline: { days: 7 } };
    const { id: proposal } = await must(host, "proposal.create", { commune, ...spend });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    await must(host, "proposal.execute", { commune, proposal });
    await must(host, "purse.disburse", pay(commune, "50.00"));
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 650_00 });
  });

  it("switches to a weekly limit when a rule proposal passes, counting what the member took earlier that week", async () => {
    // Sunday 6 December 2026, late: the week began on Monday 30 November.
    const { host, setClock } = await hostAt("2026-12-06T23:45:00Z");
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "50.00" } } });
    await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR" });
    await must(host, "purse.disburse", pay(commune, "30.00"));

    setClock("2026-12-06T23:46:00Z");
    const change = { kind: "rule", title: "Weekly, and more", change: { spendLimit: { EUR: "40.00" }, spendPeriod: "week" }, deadline: { days: 7 } };
    const { id: proposal } = await must(host, "proposal.create", { commune, ...change });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    expect((await must(host, "commune.show", { commune })).rules).toMatchObject({ spendLimit: { EUR: 40_00 }, spendPeriod: "week" });
    const [shown] = await must(host, "proposal.list", { commune });
    expect(shown).toMatchObject({ outcome: "passed", change: { spendLimit: { EUR: 40_00 }, spendPeriod: "week" } });

    setClock("2026-12-06T23:50:00Z");
    const refused = await host.run("purse.disburse", pay(commune, "10.01"));
    expect(refused).toMatchObject({
      ok: false,
      error: {
        message: expect.stringContaining(
          "Ada has already taken 30.00 EUR without a proposal in the week of 30 November 2026; the limit is 40.00 EUR a week per member",
        ),
      },
    });
    await must(host, "purse.disburse", pay(commune, "10.00"));

    // Monday: a new week, although the month still holds the 40.00 EUR taken.
    setClock("2026-12-07T00:00:00Z");
    await must(host, "purse.disburse", pay(commune, "40.00"));
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 920_00 });
  });

  it("refuses a spend period that is none of day, week, month or year as invalid input", async () => {
    const { host } = await hostAt("2026-12-01T09:00:00Z");
    const founded = await host.run("commune.create", { name: "Riverside", currencies: [EUR], rules: { spendPeriod: "fortnight" } });
    expect(founded).toMatchObject({ ok: false, error: { kind: "invalid-input", field: "rules.spendPeriod" } });
  });
});
