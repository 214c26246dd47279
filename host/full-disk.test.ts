import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keptUnsaved } from "../shared/commands/disk-refusals";
import { Host } from "./host";
import { must, noRelays } from "./testing/host-harness";

/**
 * A member records an entry while the disk holding the commune's documents
 * is full. The change cannot be taken back (it is in the documents, shown,
 * and would be on its way to the relays), so the member is told it is made
 * and kept, saved once there is room, and not to record it again; and that
 * has to be what happens. The full disk is the documents' storage refusing
 * every write with ENOSPC (tests/faults/disk-faults.test.ts fills a real
 * one under a host process).
 */

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

async function open(dataDir: string): Promise<Host> {
  const host = await Host.open({ dataDir, links: noRelays });
  hosts.push(host);
  return host;
}

async function close(host: Host): Promise<void> {
  hosts.splice(hosts.indexOf(host), 1);
  await host.close();
}

/** The documents' disk, full on demand; counts the writes it takes. */
function documentsDisk() {
  const disk = { full: false, written: 0 };
  const save = NodeFSStorageAdapter.prototype.save;
  vi.spyOn(NodeFSStorageAdapter.prototype, "save").mockImplementation(async function (this: NodeFSStorageAdapter, key, data) {
    if (disk.full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    await save.call(this, key, data);
    disk.written++;
  });
  return disk;
}

const memos = async (host: Host, commune: string) =>
  (await must(host, "purse.ledger", { commune, limit: 1000, newestFirst: false })).rows.map((row) => `${row.memo}:${row.status}`);

describe("an entry recorded while the disk is full", () => {
  it("is said to be kept and not to be made again, shows at once, and is on disk exactly once after the disk has room, without being made again", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-full-disk-"));
    dirs.push(dataDir);
    const disk = documentsDisk();
    let host = await open(dataDir);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    await must(host, "purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "seed" });

    disk.full = true;
    disk.written = 0;
    const outcome = await host.run("purse.contribute", { commune, amount: "20.00", currency: "EUR", memo: "rent March" });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ kind: "unavailable", code: "host.diskFull", params: { kept: true } });
    expect(keptUnsaved(outcome.error)).toBe(true);
    expect(outcome.error.message).toBe(
      `Made, but not yet saved on this computer: the disk holding ${dataDir} is full. ` +
        "Do not make this change again: it is already in the commune (it shows here, and syncs like any other change), " +
        "and Commune saves it here by itself once the disk takes writes again, as long as Commune keeps running. Make room on that disk.",
    );
    // "It shows": the ledger has it once, counted, while the disk is still full.
    expect(await memos(host, commune)).toEqual(["seed:counted", "rent March:counted"]);

    // Longer than the library's own save after a change, so only the host's retry can write it once there is room.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(disk.written).toBe(0);
    disk.full = false;
    // No command, no restart: the member only made room.
    await vi.waitFor(() => expect(disk.written).toBeGreaterThan(0), { timeout: 10_000, interval: 50 });
    // Full again before the host closes, so its last flush writes nothing: what is on disk now is what the retry wrote.
    disk.full = true;
    await close(host);
    disk.full = false;

    host = await open(dataDir);
    await host.nodes.get(commune)!.whenLoaded();
    expect(await memos(host, commune)).toEqual(["seed:counted", "rent March:counted"]);
    const show = await must(host, "commune.show", { commune });
    expect(show.balances.purse).toEqual({ EUR: 2500 });
  });
});
