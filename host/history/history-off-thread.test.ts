import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host, type HostOptions } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * Issue 12's full history scan, from the host's side: a purse shard someone
 * rewrote is scanned in a worker thread, never on the thread that answers
 * the app and the CLI, and the scan is kept, so opening the commune again
 * does not scan it again.
 */

const hosts: Host[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function open(dataDir: string, options: Partial<HostOptions> = {}): Promise<Host> {
  const host = await Host.open({ dataDir, links: noRelays, ...options });
  hosts.push(host);
  return host;
}

async function close(host: Host): Promise<void> {
  hosts.splice(hosts.indexOf(host), 1);
  await host.close();
}

/** Ada's commune, 1030.00 EUR contributed, then her 1000.00 deleted from the shard by someone holding it. */
async function aTamperedPurse() {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-scan-"));
  dirs.push(dataDir);
  const host = await open(dataDir);
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
  await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR", memo: "savings" });
  await must(host, "purse.contribute", { commune, amount: "30.00", currency: "EUR", memo: "groceries" });
  const shard = [...host.nodes.get(commune)!.docs.shards.values()][0]!;
  shard.change((doc) => void (doc as unknown as { entries: unknown[] }).entries.splice(0, 1));
  return { dataDir, host, commune };
}

const faulty = (fault: string) => new URL(`./testing/faulty-scan-worker.fixture.ts?fault=${fault}`, import.meta.url);

describe("the full history scan, off the thread that answers", () => {
  it("scans a tampered shard in a worker, and on reopening reads the kept scan instead of scanning again", async () => {
    const { dataDir, host, commune } = await aTamperedPurse();
    const view = await must(host, "commune.show", { commune });
    expect(view.balances.purse).toEqual({ EUR: 103_000 });
    expect(host.history.scanned).toBe(1);
    expect(host.nodes.get(commune)!.docs.history.mainThreadScans).toBe(0);
    await close(host);

    const again = await open(dataDir);
    await again.nodes.get(commune)!.whenLoaded();
    expect((await must(again, "commune.show", { commune })).balances.purse).toEqual({ EUR: 103_000 });
    expect({ scanned: again.history.scanned, fromKept: again.history.fromKept }).toEqual({ scanned: 0, fromKept: 1 });
    expect(again.nodes.get(commune)!.docs.history.mainThreadScans).toBe(0);
  });

  it("does not scan a tampered shard again for an entry appended to it", async () => {
    const { host, commune } = await aTamperedPurse();
    await must(host, "commune.show", { commune });
    expect(host.history.scanned).toBe(1);
    await must(host, "purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "eggs" });
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 103_500 });
    expect(host.history.scanned).toBe(1);
    expect(host.nodes.get(commune)!.docs.history.mainThreadScans).toBe(0);
  });

  it("ignores a damaged kept scan and scans again", async () => {
    const { dataDir, host, commune } = await aTamperedPurse();
    await must(host, "commune.show", { commune });
    await close(host);
    const kept = join(dataDir, "communes", commune, "history-scans");
    const files = await readdir(kept);
    expect(files).toHaveLength(1);
    await writeFile(join(kept, files[0]!), "{ this is not what was kept");

    const again = await open(dataDir);
    await again.nodes.get(commune)!.whenLoaded();
    expect((await must(again, "commune.show", { commune })).balances.purse).toEqual({ EUR: 103_000 });
    expect({ scanned: again.history.scanned, fromKept: again.history.fromKept }).toEqual({ scanned: 1, fromKept: 0 });
  });

  it("keeps answering while a scan hangs in its worker: the identity, and the commune's saved view", async () => {
    const { dataDir, host, commune } = await aTamperedPurse();
    const before = await must(host, "commune.show", { commune });
    await close(host);

    const hung = await open(dataDir, { history: { entry: faulty("hang") } });
    const node = hung.nodes.get(commune)!;
    let loaded = false;
    void node.whenLoaded().then(() => (loaded = true));
    // Until the shard's scan is in its worker: no clock, only turns of the event loop, which a blocked thread would not give.
    while (hung.history.running === 0) await new Promise((resolve) => setImmediate(resolve));
    expect((await must(hung, "identity.show", {})).name).toBe("Ada");
    const shown = await must(hung, "commune.show", { commune });
    expect(shown).toMatchObject({ provisional: true, balances: before.balances });
    expect(hung.history.running).toBe(1);
    expect(loaded).toBe(false);
  });

  it("names the problem when the scan's worker gives up, and counts nothing it could not check", async () => {
    const { dataDir, host, commune } = await aTamperedPurse();
    await must(host, "commune.show", { commune });
    await close(host);

    const broken = await open(dataDir, { history: { entry: faulty("hang"), timeoutMs: 50 } });
    await broken.nodes.get(commune)!.whenLoaded();
    const view = await must(broken, "commune.show", { commune });
    expect(view.provisional).toBeFalsy();
    expect(view.balances.purse).toEqual({ EUR: 0 });
    expect(view.problems).toEqual([expect.objectContaining({ subject: "entry", reason: expect.stringContaining("could not be checked here") })]);
    expect((await must(broken, "identity.show", {})).name).toBe("Ada");
  });
});
