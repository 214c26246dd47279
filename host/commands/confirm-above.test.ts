import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * Issue 16, "an amount above a threshold the commune sets ... asks once":
 * a commune decides by a rule proposal what "a lot" is, and every entry
 * above it is asked about before it is signed, in the writer's ask step,
 * like the 10x-usual and below-zero questions. It asks; it never refuses.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

async function ada(): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-confirm-above-"));
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  return host;
}

describe("the amount a commune asks its members to confirm", () => {
  it("is set by a passed rule proposal, shown in the rules, and asked about above it until confirmed", async () => {
    const host = await ada();
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    await must(host, "purse.contribute", { commune, amount: "900.00", currency: "EUR" });

    const { id: proposal } = await must(host, "proposal.create", {
      commune,
      kind: "rule",
      title: "Ask before big entries",
      change: { confirmAbove: { EUR: "500" } },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    expect((await must(host, "commune.show", { commune })).rules.confirmAbove).toEqual({ EUR: 500_00 });
    expect((await must(host, "proposal.list", { commune }))[0]).toMatchObject({ outcome: "passed", change: { confirmAbove: { EUR: 500_00 } } });

    const asked = await host.run("purse.contribute", { commune, amount: "600.00", currency: "EUR" });
    expect(asked).toMatchObject({
      ok: false,
      error: {
        code: "entry.unusual",
        field: "amount",
        message:
          "This contribution of 600.00 EUR is above the 500.00 EUR your commune asks members to confirm. Check the amount; record it anyway only if it is right.",
      },
    });
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 900_00 });
    await must(host, "purse.contribute", { commune, amount: "600.00", currency: "EUR", confirmed: true });
    await must(host, "purse.contribute", { commune, amount: "500.00", currency: "EUR" });
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 2_000_00 });
  });

  it("can be set when founding, and each wrong amount is refused with the field it concerns", async () => {
    const host = await ada();
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { confirmAbove: { EUR: "100" } } });
    expect((await must(host, "commune.show", { commune })).rules.confirmAbove).toEqual({ EUR: 100_00 });
    for (const [amount, code] of [
      ["1e309", "amount.unreadable"],
      ["-0", "amount.negativeZero"],
      ["0.001", "amount.tooManyDecimals"],
    ]) {
      const refused = await host.run("proposal.create", {
        commune,
        kind: "rule",
        title: "x",
        change: { confirmAbove: { EUR: amount } },
        deadline: { days: 7 },
      });
      expect(refused, amount).toMatchObject({ ok: false, error: { code, field: "change.confirmAbove" } });
    }
    const elsewhere = await host.run("proposal.create", { commune, kind: "rule", title: "x", change: { confirmAbove: { XYZ: "5" } }, deadline: { days: 7 } });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: "currency.notInCommune", field: "change.confirmAbove" } });
  });
});
