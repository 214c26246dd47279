import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../shared/identity/keys";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * Issue 16, "corrections as records": a member takes back their own entry
 * with a new signed void, or replaces it with a correction; the ledger
 * links the pair, and nothing is deleted.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const bo = generateKeyPair().publicKey;

async function adaWithBo({ bo: withBo = true } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-corrections-"));
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "100" } } });
  if (withBo) await must(host, "commune.admit", { commune, member: bo, name: "Bo" });
  await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR" });
  return { host, commune };
}

const standings = async (host: Host, commune: string) =>
  Object.fromEntries((await must(host, "commune.show", { commune })).balances.members.map((member) => [member.name, member.balances.EUR]));

describe("correcting a mistaken transfer", () => {
  it("voids the 5,000 typed for 50 and records the 50 in its place, linked both ways in the ledger", async () => {
    const { host, commune } = await adaWithBo();
    const { id: typo } = await must(host, "purse.transfer", { commune, amount: "5000", currency: "EUR", to: bo, confirmed: true });
    expect(await standings(host, commune)).toEqual({ Ada: -4000_00, Bo: 5000_00 });

    const { id: fixed } = await must(host, "purse.transfer", {
      commune,
      amount: "50",
      currency: "EUR",
      to: bo,
      correcting: { entry: typo, reason: "typed 5000 for 50" },
    });
    expect(await standings(host, commune)).toEqual({ Ada: 950_00, Bo: 50_00 });

    const { rows } = await must(host, "purse.ledger", { commune, newestFirst: false });
    expect(rows.map((row) => [row.n, row.kind, row.amount, row.status])).toEqual([
      [1, "contribution", 1000_00, "counted"],
      [2, "transfer", 5000_00, "counted"],
      [3, "void", 5000_00, "counted"],
      [4, "transfer", 50_00, "counted"],
    ]);
    const voidId = rows[2]!.id;
    expect(rows[1]).toMatchObject({ id: typo, voidedBy: { id: voidId, n: 3, memo: "typed 5000 for 50" }, correctedBy: { id: fixed, n: 4 } });
    expect(rows[2]).toMatchObject({ voids: { id: typo, n: 2 }, memo: "typed 5000 for 50" });
    expect(rows[3]).toMatchObject({ id: fixed, corrects: { id: typo, n: 2 } });
  });

  it("asks about an unusual correction before writing anything, reading the standing as it will be after the void", async () => {
    const { host, commune } = await adaWithBo();
    const { id: typo } = await must(host, "purse.transfer", { commune, amount: "5000", currency: "EUR", to: bo, confirmed: true });
    // After the void Ada stands at 1,000.00: 50 is fine, 1,200 takes her below zero and is asked about.
    const asked = await host.run("purse.transfer", { commune, amount: "1200", currency: "EUR", to: bo, correcting: { entry: typo, reason: "typo" } });
    expect(asked).toMatchObject({ ok: false, error: { code: "entry.unusual", message: expect.stringContaining("takes your standing to -200.00 EUR") } });
    expect((await must(host, "purse.ledger", { commune })).total).toBe(2);
  });
});

describe("what a member cannot void", () => {
  it("an entry that is not theirs, one voided already, a void, or an id that names nothing, each said plainly and changing nothing", async () => {
    const { host, commune } = await adaWithBo();
    const { id: gift } = await must(host, "purse.contribute", { commune, amount: "10", currency: "EUR" });
    const { id: voidId } = await must(host, "purse.void", { commune, entry: gift, reason: "counted twice" });

    const refusals = await Promise.all([
      host.run("purse.void", { commune, entry: gift, reason: "again" }),
      host.run("purse.void", { commune, entry: voidId, reason: "undo the undo" }),
      host.run("purse.void", { commune, entry: "no-such-entry", reason: "?" }),
    ]);
    expect(refusals.map((result) => (result.ok ? "written" : result.error.message))).toEqual([
      `${gift} was voided already (by ${voidId}).`,
      `${voidId} is itself a void: to restore what it took back, record that entry again.`,
      "You have no entry no-such-entry that counts in the purse: only your own counted entries can be voided or corrected.",
    ]);
    expect((await must(host, "purse.ledger", { commune })).total).toBe(3);
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 1000_00 });
  });
});

describe("a payment reversed by the commune's decision", () => {
  it("is proposed, passed and executed into a void that cites the proposal; the proposal then says it is done", async () => {
    // Ada alone, so her vote passes it; a void of another member's payment is judged in shared/purse/voids.test.ts.
    const { host, commune } = await adaWithBo({ bo: false });
    const { id: garage } = await must(host, "purse.disburse", { commune, amount: "40", currency: "EUR", payee: { outside: "Garage" }, confirmed: true });
    const { id: proposal } = await must(host, "proposal.create", {
      commune,
      kind: "reverse",
      title: "The garage refunded us",
      entry: garage,
      author: (await must(host, "identity.show", {})).publicKey,
      deadline: { days: 7 },
    });
    const listed = (await must(host, "proposal.list", { commune })).find((view) => view.id === proposal)!;
    expect(listed.reverse).toMatchObject({ entry: garage, authorName: "Ada", amount: 40_00, currency: "EUR", payee: "Garage", done: false });

    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    await must(host, "proposal.execute", { commune, proposal });
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 1000_00 });
    const { rows } = await must(host, "purse.ledger", { commune, newestFirst: false });
    expect(rows.at(-1)).toMatchObject({ kind: "void", proposal, voids: { id: garage } });
    expect((await must(host, "proposal.list", { commune })).find((view) => view.id === proposal)?.reverse?.done).toBe(true);

    const again = await host.run("proposal.execute", { commune, proposal });
    expect(again).toMatchObject({ ok: false, error: { code: "entry.voided" } });
  });

  it("names only a payment out of the purse that counts", async () => {
    const { host, commune } = await adaWithBo();
    const { rows } = await must(host, "purse.ledger", { commune });
    const refused = await host.run("proposal.create", {
      commune,
      kind: "reverse",
      title: "Undo a contribution",
      entry: rows[0]!.id,
      author: rows[0]!.by,
      deadline: { days: 7 },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "entry.notFound", field: "entry" } });
    expect(await must(host, "proposal.list", { commune })).toEqual([]);
  });
});
