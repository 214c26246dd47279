import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * The largest value the host accepts must come back from disk as the value
 * written: Automerge 3.5 gives Number.MAX_SAFE_INTEGER back as a bigint, and
 * a commune founded with the largest spend limit the app names used to be
 * "damaged" for good after its first reload.
 */

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const LARGEST_EUR = "90071992547409.91"; // Number.MAX_SAFE_INTEGER cents, the limit parseAmount names

async function open(dataDir: string): Promise<Host> {
  let time = Date.UTC(2026, 2, 1);
  const host = await Host.open({ dataDir, links: noRelays, now: () => (time += 1000) });
  hosts.push(host);
  return host;
}

async function reopen(host: Host, dataDir: string): Promise<Host> {
  hosts.splice(hosts.indexOf(host), 1);
  await host.close();
  return open(dataDir);
}

describe("the largest values the host accepts survive a reload", () => {
  it("a commune founded with the largest spend limit, holding the largest contribution and a proposal open as long as allowed, opens whole", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-edges-"));
    dirs.push(dataDir);
    let host = await open(dataDir);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", {
      name: "Riverside",
      currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
      rules: { admission: "proposal", spendLimit: { EUR: LARGEST_EUR } },
    });
    await must(host, "purse.contribute", { commune, amount: LARGEST_EUR, currency: "EUR" });
    await must(host, "proposal.create", { commune, kind: "general", title: "Meet in a year", deadline: { days: 366 } });
    const before = await must(host, "commune.show", { commune });

    host = await reopen(host, dataDir);
    await host.nodes.get(commune)!.whenLoaded();
    const view = await must(host, "commune.show", { commune });
    expect(view.problems).toEqual([]);
    expect(view.rules.spendLimit).toEqual({ EUR: Number.MAX_SAFE_INTEGER });
    expect(view.balances.purse).toEqual({ EUR: Number.MAX_SAFE_INTEGER });
    expect(view.balances.entries).toEqual({ counted: 1, overdrawn: 0, untrusted: 0 });
    expect(view.proposals).toEqual(before.proposals);
    // A contribution past the largest purse is refused before it is acknowledged, and leaves the documents as they were.
    const node = host.nodes.get(commune)!;
    const heads = () => node.docs.allHandles().map((handle) => handle.heads().join(","));
    const untouched = heads();
    expect(await host.run("purse.contribute", { commune, amount: "0.01", currency: "EUR" })).toMatchObject({ ok: false });
    expect(heads()).toEqual(untouched);
    // and the commune still takes writes
    await must(host, "purse.disburse", { commune, amount: "0.01", currency: "EUR", payee: { outside: "Roofers" } });
  });

  it("the smallest amount and a zero spend limit read back the same", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-edges-"));
    dirs.push(dataDir);
    let host = await open(dataDir);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", {
      name: "Riverside",
      currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
      rules: { admission: "proposal", spendLimit: { EUR: "0" } },
    });
    await must(host, "purse.contribute", { commune, amount: "0.01", currency: "EUR" });

    host = await reopen(host, dataDir);
    await host.nodes.get(commune)!.whenLoaded();
    const view = await must(host, "commune.show", { commune });
    expect(view.problems).toEqual([]);
    expect(view.rules.spendLimit).toEqual({ EUR: 0 });
    expect(view.balances.purse).toEqual({ EUR: 1 });
  });
});
